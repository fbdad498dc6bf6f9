"""Fetch the MNIST files the way the TF1 notebooks did: urlretrieve each .gz unless it is there,
then check its byte count against the published size. argv: work directory."""

import os
import sys
from urllib.request import urlretrieve

SOURCE_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"
FILES = [
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
]
expected_bytes = [9912422, 28881, 1648877, 4542]
work_dir = sys.argv[1] if len(sys.argv) > 1 else "mnist_data"


def maybe_download(filename, expected):
    """Download a file if not present, and make sure it's the right size."""
    path = os.path.join(work_dir, filename)
    if not os.path.exists(path):
        path, _ = urlretrieve(SOURCE_URL + filename, path)
    statinfo = os.stat(path)
    if statinfo.st_size == expected:
        print("Found and verified", path)
    else:
        print(statinfo.st_size)
        raise Exception("Failed to verify " + path + ". Can you get to it with a browser?")
    return path


os.makedirs(work_dir, exist_ok=True)
for name, size in zip(FILES, expected_bytes, strict=True):
    maybe_download(name, size)
print("all four files verified")
