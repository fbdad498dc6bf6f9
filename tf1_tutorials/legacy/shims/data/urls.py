"""The data URLs TF1-era scripts fetch themselves, served from tf1-tutorials' verified data store.

A legacy script that downloads a canonical MNIST or CIFAR-10 URL (through ``urllib.request``,
``requests``, ``keras.utils.get_file`` or TF1's ``maybe_download``) gets bytes built from the files
the readers verify (``tf1_tutorials.data``: the data directory, ``TF1_TUTORIALS_DATA``, or the
readers' own mirrors), with one line on stderr per URL:

- the four MNIST ``.gz`` files (TF1's ``input_data`` source and its mirrors): the stored files,
  whose decompressed content is checked against the published SHA-256. Where the store holds the
  published ``.gz`` bytes those are served; where its gzip wrappers were re-made (the payload
  identical, the size not), the line says so, for the scripts that check ``expected_bytes``;
- Keras 2's ``mnist.npz`` and Keras 1's ``mnist.pkl.gz``: rebuilt from those files;
- ``cifar-10-binary.tar.gz`` and ``cifar-10-python.tar.gz``: rebuilt from the verified binary
  records (a python batch's ``data`` rows are the records' bytes without the label). When the
  store holds only the first 1,000 test records, the test batch holds those 1,000, the archive
  gains a ``PARTIAL-TEST-SPLIT.txt`` member (the python batch's ``batch_label`` says it too) and
  the line on stderr says so.

Rebuilt files cannot match the published archives' bytes, so ``get_file`` skips its hash check for
these URLs. Every other URL is fetched as Python would fetch it.
"""

from __future__ import annotations

import functools
import gzip
import hashlib
import io
import os
import pickle
import sys
import tarfile
import time
import urllib.request
import urllib.response
from collections.abc import Callable
from email.message import Message

import numpy as np

from tf1_tutorials import data as readers
from tf1_tutorials.legacy.unsupported import PROGRAM

MNIST_BASES = (
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
    "http://storage.googleapis.com/cvdf-datasets/mnist/",
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
    "https://yann.lecun.com/exdb/mnist/",
)
MNIST_GZ = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)
KERAS_MNIST_NPZ = (
    "https://s3.amazonaws.com/img-datasets/mnist.npz",
    "https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
)
KERAS_MNIST_PKL = ("https://s3.amazonaws.com/img-datasets/mnist.pkl.gz",)
CIFAR_HOSTS = ("https://www.cs.toronto.edu/~kriz/", "http://www.cs.toronto.edu/~kriz/")
CIFAR_BINARY = tuple(host + "cifar-10-binary.tar.gz" for host in CIFAR_HOSTS)
CIFAR_PYTHON = tuple(host + "cifar-10-python.tar.gz" for host in CIFAR_HOSTS)
CIFAR_PER_BATCH = 10000
PARTIAL_NOTE = (
    "This test batch holds only the first {count:,} of CIFAR-10's 10,000 test images: all of the "
    "test split tf1-tutorials' data store has. Results on it are not comparable with results on "
    "the full test set.\n"
)

READERS = os.path.dirname(os.path.abspath(readers.__file__)) + os.sep


# The published MNIST .gz files: size in bytes and MD5 (TF1-era scripts check the size).
PUBLISHED_GZ = {
    "train-images-idx3-ubyte.gz": (9912422, "f68b3c2dcbeaaa9fbdd348bbdeb94873"),
    "train-labels-idx1-ubyte.gz": (28881, "d53e105ee54ea40749a09fcbcd1e9432"),
    "t10k-images-idx3-ubyte.gz": (1648877, "9fb629c4189551a2d022fa330f9573f3"),
    "t10k-labels-idx1-ubyte.gz": (4542, "ec29112dd5afa0611ce80d1b7f02629c"),
}


def gz_provenance(name: str, data: bytes) -> str:
    """What the served ``.gz`` is: the published file itself, or one whose gzip wrapper the data
    store re-made around the published payload (its size then differs from the published one)."""
    size, md5 = PUBLISHED_GZ[name]
    if len(data) == size and hashlib.md5(data).hexdigest() == md5:
        return f"the verified {name}, byte for byte the published file"
    return (
        f"the verified {name}; the store's gzip wrapper was re-made, so it has {len(data):,} "
        f"bytes, not the published {size:,}: its decompressed payload is the published one"
    )


def _mnist_file(name: str) -> tuple[bytes, str]:
    from tf1_tutorials.data import default_data_dir
    from tf1_tutorials.data.mnist import FILES, MIRRORS
    from tf1_tutorials.data.sources import fetch, local_source_dir, source_error

    directory = default_data_dir("mnist")
    spec = next(spec for spec in FILES if spec.name == name)
    _, failures = fetch([spec], directory, local_dir=local_source_dir("mnist"), urls=MIRRORS)
    if failures:
        raise source_error(failures, directory, "MNIST")
    data = (directory / name).read_bytes()
    return data, gz_provenance(name, data)


def _mnist_arrays():
    from tf1_tutorials.data import default_data_dir, read_data_sets

    sets = read_data_sets(
        default_data_dir("mnist"), dtype=np.uint8, reshape=False, validation_size=0
    )
    return (
        (sets.train.images.reshape(-1, 28, 28), sets.train.labels),
        (sets.test.images.reshape(-1, 28, 28), sets.test.labels),
    )


def _mnist_npz() -> tuple[bytes, str]:
    (x_train, y_train), (x_test, y_test) = _mnist_arrays()
    out = io.BytesIO()
    np.savez_compressed(out, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return out.getvalue(), "mnist.npz rebuilt from the verified MNIST files"


def _mnist_pkl() -> tuple[bytes, str]:
    data = pickle.dumps(_mnist_arrays(), protocol=2)
    return gzip.compress(data, compresslevel=1), "mnist.pkl.gz rebuilt from the verified files"


@functools.cache
def _cifar_records() -> tuple[list[tuple[str, bytes]], int]:
    """(name, record bytes) of the five training batches and the test batch; the test count."""
    from tf1_tutorials.data import default_data_dir, read_cifar10

    sets = read_cifar10(default_data_dir("cifar10"), dtype=np.uint8)

    def records(data_set, start, stop) -> bytes:
        images = data_set.images[start:stop].transpose(0, 3, 1, 2).reshape(stop - start, -1)
        labels = data_set.labels[start:stop].reshape(-1, 1)
        return np.concatenate([labels, images], axis=1).tobytes()

    batches = [
        (f"data_batch_{index + 1}", records(sets.train, start, start + CIFAR_PER_BATCH))
        for index, start in enumerate(range(0, sets.train.num_examples, CIFAR_PER_BATCH))
    ]
    test_count = sets.test.num_examples
    batches.append(("test_batch", records(sets.test, 0, test_count)))
    return batches, test_count


def _tarball(directory: str, members: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with tarfile.open(fileobj=out, mode="w:gz", compresslevel=1) as tar:
        for name, data in members:
            info = tarfile.TarInfo(f"{directory}/{name}")
            info.size, info.mtime, info.mode = len(data), int(time.time()), 0o644
            tar.addfile(info, io.BytesIO(data))
    return out.getvalue()


def _partial(test_count: int, members: list, what: str) -> str:
    if test_count == CIFAR_PER_BATCH:
        return what
    members.append(("PARTIAL-TEST-SPLIT.txt", PARTIAL_NOTE.format(count=test_count).encode()))
    return f"{what}; PARTIAL test split: {test_count:,} of 10,000 test images"


def _cifar_binary() -> tuple[bytes, str]:
    from tf1_tutorials.data.cifar10 import CLASS_NAMES

    batches, test_count = _cifar_records()
    members = [(f"{name}.bin", data) for name, data in batches]
    members.append(("batches.meta.txt", "".join(f"{name}\n" for name in CLASS_NAMES).encode()))
    what = _partial(test_count, members, "cifar-10-binary.tar.gz rebuilt from the verified records")
    return _tarball("cifar-10-batches-bin", members), what


def _python_batch(records: bytes, label: str) -> bytes:
    rows = np.frombuffer(records, dtype=np.uint8).reshape(-1, 3073)
    batch = {
        b"batch_label": label.encode(),
        b"labels": rows[:, 0].astype(int).tolist(),
        b"data": np.ascontiguousarray(rows[:, 1:]),
    }
    return pickle.dumps(batch, protocol=2)


def _cifar_python() -> tuple[bytes, str]:
    from tf1_tutorials.data.cifar10 import CLASS_NAMES

    batches, test_count = _cifar_records()
    members = []
    for index, (name, records) in enumerate(batches):
        if name == "test_batch":
            label = "testing batch 1 of 1"
            if test_count != CIFAR_PER_BATCH:
                label += f" (PARTIAL: the first {test_count} of 10000 test images)"
        else:
            label = f"training batch {index + 1} of 5"
        members.append((name, _python_batch(records, label)))
    meta = {
        b"label_names": [name.encode() for name in CLASS_NAMES],
        b"num_cases_per_batch": CIFAR_PER_BATCH,
        b"num_vis": 3072,
    }
    members.append(("batches.meta", pickle.dumps(meta, protocol=2)))
    what = _partial(test_count, members, "cifar-10-python.tar.gz rebuilt from the verified records")
    return _tarball("cifar-10-batches-py", members), what


def _known() -> dict[str, Callable[[], tuple[bytes, str]]]:
    known = {}
    for base in MNIST_BASES:
        for name in MNIST_GZ:
            known[base + name] = functools.partial(_mnist_file, name)
    known.update(dict.fromkeys(KERAS_MNIST_NPZ, _mnist_npz))
    known.update(dict.fromkeys(KERAS_MNIST_PKL, _mnist_pkl))
    known.update(dict.fromkeys(CIFAR_BINARY, _cifar_binary))
    known.update(dict.fromkeys(CIFAR_PYTHON, _cifar_python))
    return known


KNOWN = _known()


def _fetched_by_the_readers() -> bool:
    """Whether tf1-tutorials' readers are downloading (for the store, or for the script): their
    downloads go to the network as they are."""
    frame = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_filename.startswith(READERS):
            return True
        frame = frame.f_back
    return False


def is_known(url: str) -> bool:
    return url in KNOWN and not _fetched_by_the_readers()


def served(url: str) -> bytes:
    """The bytes for the known ``url``, with a line on stderr saying where they come from."""
    data, what = KNOWN[url]()
    print(f"{PROGRAM}: {url}: served locally ({what})", file=sys.stderr, flush=True)
    return data


class LocalDataHandler(urllib.request.BaseHandler):
    """Answers the known URLs before any proxy or network handler sees them."""

    handler_order = 50  # before ProxyHandler (100) and the HTTP handlers (500)

    def _open(self, request):
        url = request.full_url
        if not is_known(url):
            return None
        data = served(url)
        headers = Message()
        headers["Content-Type"] = "application/octet-stream"
        headers["Content-Length"] = str(len(data))
        response = urllib.response.addinfourl(io.BytesIO(data), headers, url, code=200)
        response.msg = "OK"
        return response

    http_open = https_open = _open


def _patch_requests() -> None:
    try:
        from requests import Response, adapters
    except ImportError:  # a script cannot use requests without it either
        return
    send = adapters.HTTPAdapter.send

    @functools.wraps(send)
    def send_or_serve(self, request, **kwargs):
        if not is_known(request.url):
            return send(self, request, **kwargs)
        data = served(request.url)
        response = Response()
        response.status_code, response.url, response.request = 200, request.url, request
        response.raw = io.BytesIO(data)
        response.headers["Content-Length"] = str(len(data))
        response.reason = "OK"
        return response

    adapters.HTTPAdapter.send = send_or_serve


def keras_get_file(get_file):
    """``get_file`` that skips the published hash for a URL served here (its bytes are rebuilt)."""

    @functools.wraps(get_file)
    def get_file_served(fname=None, origin=None, *args, **kwargs):
        if origin is not None and is_known(origin):
            kwargs.pop("file_hash", None)
            kwargs.pop("md5_hash", None)
        return get_file(fname, origin, *args, **kwargs)

    return get_file_served


def install() -> None:
    """Serve the known URLs to urllib (urlopen, urlretrieve) and requests in this process."""
    urllib.request.install_opener(urllib.request.build_opener(LocalDataHandler))
    _patch_requests()
