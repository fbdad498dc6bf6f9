"""Fetches the MNIST and CIFAR-10 files the way TF1-era scripts did, each through its own client,
and prints what arrived as JSON: {what: {"sha256": ..., ...}}. argv: a scratch directory."""

import hashlib
import json
import os
import pickle
import sys
import tarfile
import urllib.error
import urllib.request

import numpy as np
import requests
from keras.utils import get_file
from tensorflow.contrib.learn.python.learn.datasets import base

scratch = sys.argv[1]
MNIST = "https://storage.googleapis.com/cvdf-datasets/mnist/"
seen = {}


def digest(data):
    return hashlib.sha256(data).hexdigest()


path, _ = urllib.request.urlretrieve(
    MNIST + "train-labels-idx1-ubyte.gz", os.path.join(scratch, "tl.gz")
)
seen["urlretrieve train-labels"] = {"sha256": digest(open(path, "rb").read())}

with urllib.request.urlopen(
    "http://yann.lecun.com/exdb/mnist/t10k-labels-idx1-ubyte.gz"
) as response:
    seen["urlopen t10k-labels"] = {"sha256": digest(response.read())}

seen["requests t10k-images"] = {
    "sha256": digest(requests.get(MNIST + "t10k-images-idx3-ubyte.gz").content)
}

path = base.maybe_download(
    "train-images-idx3-ubyte.gz",
    os.path.join(scratch, "mnist"),
    MNIST + "train-images-idx3-ubyte.gz",
)
seen["maybe_download train-images"] = {"sha256": digest(open(path, "rb").read())}

path = get_file(
    "mnist.npz",
    origin="https://s3.amazonaws.com/img-datasets/mnist.npz",
    file_hash="8a61469f7ea1b51cbae51d4f78837e45",
    cache_dir=scratch,
)
with np.load(path) as npz:
    seen["get_file mnist.npz"] = {key: list(npz[key].shape) for key in sorted(npz.files)}
    seen["get_file mnist.npz"]["x_test sha256"] = digest(npz["x_test"].tobytes())

path, _ = urllib.request.urlretrieve(
    "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz", os.path.join(scratch, "bin.tar.gz")
)
with tarfile.open(path) as tar:
    members = {m.name: hashlib.md5(tar.extractfile(m).read()).hexdigest() for m in tar.getmembers()}
seen["urlretrieve cifar-10-binary"] = members

path = get_file(
    "cifar-10-batches-py",
    origin="https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz",
    untar=True,
    cache_dir=scratch,
)
batches = {}
for name in ("data_batch_1", "test_batch"):
    with open(os.path.join(path, name), "rb") as batch_file:
        batch = pickle.load(batch_file, encoding="bytes")
    batches[name] = {
        "batch_label": batch[b"batch_label"].decode(),
        "labels": len(batch[b"labels"]),
        "data md5": hashlib.md5(batch[b"data"].tobytes()).hexdigest(),
    }
seen["get_file cifar-10-python"] = batches

try:
    urllib.request.urlopen("http://example.com/not-a-data-file", timeout=10)
    seen["other url"] = "fetched"
except urllib.error.URLError as err:
    seen["other url"] = f"URLError: {type(err.reason).__name__}"
print(json.dumps(seen))
