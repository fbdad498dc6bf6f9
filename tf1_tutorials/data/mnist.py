"""MNIST: a port of the TF1 reader ``tensorflow.examples.tutorials.mnist.input_data``.

Same arguments, same results: a ``Datasets(train, validation, test)`` named tuple whose validation
set is the first ``validation_size`` training images. Unlike TF1, every file is verified on its
decompressed payload against the published MNIST digests before it is used (see sources.py), the
decoded arrays are kept beside the files for the next read while the files stay as they were (see
cache.py), and shuffling uses a private generator (see dataset.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

from . import cache, idx
from .dataset import DataSet, Datasets, dense_to_one_hot, image_dtype, split_datasets
from .facts import MNIST_TRAIN as NUM_TRAIN
from .facts import NUM_CLASSES
from .sources import FileSpec, default_data_dir, fetch, local_source_dir, source_error

DEFAULT_SOURCE_URL = "https://storage.googleapis.com/cvdf-datasets/mnist/"  # TF1's default
MIRRORS = (
    DEFAULT_SOURCE_URL,
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "http://yann.lecun.com/exdb/mnist/",
)
LOCAL_SUBDIR = "mnist"

TRAIN_IMAGES = "train-images-idx3-ubyte.gz"
TRAIN_LABELS = "train-labels-idx1-ubyte.gz"
TEST_IMAGES = "t10k-images-idx3-ubyte.gz"
TEST_LABELS = "t10k-labels-idx1-ubyte.gz"

# SHA-256 of the decompressed payloads: the published MNIST files (whose MD5s are the well-known
# 6bbc9ace..., a25bea73..., 2646ac64..., 27ae3e4e...). Mirrors' .gz wrappers differ; payloads do
# not.
FILES = (
    FileSpec(
        TRAIN_IMAGES,
        "sha256",
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
        gzip=True,
        check=idx.check_images,
    ),
    FileSpec(
        TRAIN_LABELS,
        "sha256",
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
        gzip=True,
        check=idx.check_labels,
    ),
    FileSpec(
        TEST_IMAGES,
        "sha256",
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
        gzip=True,
        check=idx.check_images,
    ),
    FileSpec(
        TEST_LABELS,
        "sha256",
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
        gzip=True,
        check=idx.check_labels,
    ),
)


def _name(f) -> str:
    return Path(getattr(f, "name", "<stream>")).name


def extract_images(f) -> np.ndarray:
    """A gzip-compressed IDX image file object -> uint8 [N, rows, cols, 1], as in TF1."""
    name = _name(f)
    return idx.parse_images(idx.gunzip(f.read(), name), name)


def extract_labels(f, one_hot: bool = False, num_classes: int = NUM_CLASSES) -> np.ndarray:
    """A gzip-compressed IDX label file object -> uint8 [N] or float64 one-hot [N, num_classes]."""
    name = _name(f)
    labels = idx.parse_labels(idx.gunzip(f.read(), name), name, num_classes)
    return dense_to_one_hot(labels, num_classes) if one_hot else labels


def _mirrors(source_url: str | Sequence[str] | None) -> tuple[str, ...]:
    if not source_url or source_url == DEFAULT_SOURCE_URL:
        return MIRRORS
    if isinstance(source_url, str):
        return (source_url,)
    return tuple(source_url)


def _read_files(directory: Path, source_url, pool: ThreadPoolExecutor):
    """The four files fetched, verified and parsed: train images, train labels, test images, test
    labels; and the future of their cache being written, in ``pool`` while the caller goes on."""
    before = cache.file_entries(directory, FILES)
    payloads, failures = fetch(
        FILES, directory, local_dir=local_source_dir(LOCAL_SUBDIR), urls=_mirrors(source_url)
    )
    if failures:
        raise source_error(failures, directory, "MNIST")

    train_images = idx.parse_images(payloads[TRAIN_IMAGES], TRAIN_IMAGES)
    train_labels = idx.parse_labels(payloads[TRAIN_LABELS], TRAIN_LABELS)
    test_images = idx.parse_images(payloads[TEST_IMAGES], TEST_IMAGES)
    test_labels = idx.parse_labels(payloads[TEST_LABELS], TEST_LABELS)
    idx.check_pair(train_images, TRAIN_IMAGES, train_labels, TRAIN_LABELS)
    idx.check_pair(test_images, TEST_IMAGES, test_labels, TEST_LABELS)
    arrays = (train_images, train_labels, test_images, test_labels)
    return arrays, pool.submit(cache.store, directory, FILES, arrays, before)


def read_data_sets(
    train_dir,
    fake_data: bool = False,
    one_hot: bool = False,
    dtype=np.float32,
    reshape: bool = True,
    validation_size: int = 5000,
    seed: int | None = None,
    source_url: str | Sequence[str] = DEFAULT_SOURCE_URL,
) -> Datasets:
    """MNIST as ``Datasets(train, validation, test)``, read from ``train_dir``.

    Missing (or bad) files are copied from ``$TF1_TUTORIALS_DATA/mnist`` or downloaded: from
    ``source_url`` (a base URL, or a list of them), and with the default, from every public mirror
    in turn. ``train_dir=None`` means ``default_data_dir("mnist")``. Images are float32 in [0, 1]
    (``dtype=float32``) or uint8, [N, 784] with ``reshape`` else [N, 28, 28, 1]; labels uint8 class
    ids or, with ``one_hot``, float64 rows of 10. The validation set is the first
    ``validation_size`` training images. ``fake_data=True`` returns TF1's fake sets without touching
    any file.
    """
    dtype = image_dtype(dtype)
    if fake_data:

        def fake() -> DataSet:
            return DataSet([], [], dtype, reshape, seed, fake_data=True, one_hot=one_hot)

        return Datasets(train=fake(), validation=fake(), test=fake())
    if not 0 <= validation_size <= NUM_TRAIN:
        raise ValueError(
            f"Validation size should be between 0 and {NUM_TRAIN}. Received: {validation_size}."
        )

    directory = Path(train_dir) if train_dir is not None else default_data_dir(LOCAL_SUBDIR)
    with ThreadPoolExecutor(max_workers=1) as pool:
        arrays, stored = cache.load(directory, FILES, NUM_CLASSES), None
        if arrays is None:
            arrays, stored = _read_files(directory, source_url, pool)
        train_images, train_labels, test_images, test_labels = arrays
        datasets = split_datasets(
            (train_images, train_labels),
            (test_images, test_labels),
            validation_size=validation_size,
            num_classes=NUM_CLASSES if one_hot else None,
            dtype=dtype,
            reshape=reshape,
            seed=seed,
        )
        if stored is not None:
            stored.result()  # the cache is in place (or was not written) before we return
    return datasets


def load_mnist(train_dir="MNIST-data") -> Datasets:
    """TF1's ``load_mnist``: ``read_data_sets(train_dir)`` with every default."""
    return read_data_sets(train_dir)


__all__ = [
    "DEFAULT_SOURCE_URL",
    "MIRRORS",
    "extract_images",
    "extract_labels",
    "load_mnist",
    "read_data_sets",
]
