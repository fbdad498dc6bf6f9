"""CIFAR-10, binary version: the record files TF1's CIFAR-10 input code read, parsed with NumPy.

A record is 1 label byte then 3,072 pixel bytes: the 1,024 red values, then green, then blue, each
plane 32x32 row-major. ``read_cifar10`` returns the same ``Datasets(train, validation, test)`` as
the MNIST reader, images channels-last [N, 32, 32, 3] (Keras's layout) or [N, 3072] with
``reshape``.

The files live in ``<data_dir>/cifar-10-batches-bin/``, as the public archive unpacks. Missing ones
are copied from ``$TF1_TUTORIALS_DATA/cifar10/cifar-10-batches-bin/`` or extracted from the public
archive; the canonical names are verified against their published MD5s. Explicit record files can be
given per split (``train_files``/``test_files``), as TF1's input code took lists of file names: a
bare name is looked for and fetched like the default ones, a path is read where it is.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from .dataset import Datasets, image_dtype, split_datasets
from .errors import CorruptDatasetError, DataSourceError
from .facts import CIFAR10_CHANNELS as CHANNELS
from .facts import CIFAR10_IMAGE_SIZE as IMAGE_SIZE
from .facts import NUM_CLASSES
from .idx import check_label_range
from .sources import (
    ArchiveSpec,
    FileSpec,
    default_data_dir,
    fetch,
    local_source_dir,
    note,
    source_error,
)

CIFAR10_SOURCE_URL = "https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"
BATCHES_DIR = "cifar-10-batches-bin"
LOCAL_SUBDIR = f"cifar10/{BATCHES_DIR}"
CLASS_NAMES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)
RECORD_BYTES = 1 + IMAGE_SIZE * IMAGE_SIZE * CHANNELS  # 3,073

TRAIN_FILES = tuple(f"data_batch_{i}.bin" for i in range(1, 6))
TEST_FILE = "test_batch.bin"
# The first 1,000 records of test_batch.bin, byte-exact: all of the test set some local sources
# hold.
TEST_SUBSET_FILE = "test_batch_first1000.bin"

# The published MD5s of the official files.
PUBLISHED_MD5 = {
    "data_batch_1.bin": "5dd7e06a14cb22eb9f671a540d1b7c25",
    "data_batch_2.bin": "5ea93a67294ea407fff1d09f752e9692",
    "data_batch_3.bin": "942cd6a4bcdd0dd3c604fbe906cb4421",
    "data_batch_4.bin": "ae636b3ba5c66a11e91e8cb52e771fcb",
    "data_batch_5.bin": "53f37980c15c3d472c316c40844f3f0d",
    TEST_FILE: "803d5f7f4d78ea53de84dbe85f74fb6d",
}
KNOWN_MD5 = {**PUBLISHED_MD5, TEST_SUBSET_FILE: "371f65da31ad652f5e24b3699a3e6515"}
ARCHIVE = ArchiveSpec(
    name="cifar-10-binary.tar.gz",
    algorithm="md5",
    digest="c32a1d4ab5d03f1284b67883e8d87530",
    member_dir=BATCHES_DIR,
    members=frozenset(PUBLISHED_MD5),
)


def check_records(payload: bytes, name: str) -> None:
    """CorruptDatasetError unless ``payload`` is whole CIFAR-10 records with labels 0-9."""
    parse_records(payload, name)


def parse_records(payload: bytes, name: str) -> tuple[np.ndarray, np.ndarray]:
    """Record bytes -> (uint8 images [n, 32, 32, 3] channels-last, uint8 labels [n])."""
    count, extra = divmod(len(payload), RECORD_BYTES)
    if extra:
        raise CorruptDatasetError(
            name,
            f"truncated: {len(payload)} bytes is not a whole number of {RECORD_BYTES}-byte records "
            f"({count} records and {extra} bytes over)",
        )
    if count == 0:
        raise CorruptDatasetError(name, "empty: no records")
    records = np.frombuffer(payload, dtype=np.uint8).reshape(count, RECORD_BYTES)
    labels = records[:, 0].copy()
    check_label_range(labels, name, NUM_CLASSES)
    planes = records[:, 1:].reshape(count, CHANNELS, IMAGE_SIZE, IMAGE_SIZE)
    return np.ascontiguousarray(planes.transpose(0, 2, 3, 1)), labels


def file_spec(name: str) -> FileSpec:
    """The check for a record file: its known MD5 if it has one, else the record structure alone."""
    digest = KNOWN_MD5.get(name)
    return FileSpec(name, "md5" if digest else None, digest, check=check_records)


def batches_dir(data_dir=None) -> Path:
    """``<data_dir>/cifar-10-batches-bin`` (``data_dir`` may already name that folder)."""
    base = Path(data_dir) if data_dir is not None else default_data_dir("cifar10")
    return base if base.name == BATCHES_DIR else base / BATCHES_DIR


def _entries(files) -> list:
    if isinstance(files, str | os.PathLike):
        return [files]
    return list(files)


def _is_bare_name(entry) -> bool:
    """A file name alone (fetched into the data directory), not a path ('..' is a path)."""
    parts = Path(entry).parts
    return len(parts) == 1 and not Path(entry).is_absolute() and parts[0] != ".."


def _source_urls(source_url) -> tuple[str, ...]:
    if not source_url:
        return ()
    return (source_url,) if isinstance(source_url, str) else tuple(source_url)


def _read_path(path: Path) -> bytes:
    if not path.is_file():
        raise DataSourceError(f"{path}: not there (a record file given by path)")
    return file_spec(path.name).payload(path.read_bytes())


def _stack(parts: list[tuple[np.ndarray, np.ndarray]]) -> tuple[np.ndarray, np.ndarray]:
    if len(parts) == 1:
        return parts[0]
    total = sum(len(labels) for _, labels in parts)
    images = np.empty((total, IMAGE_SIZE, IMAGE_SIZE, CHANNELS), dtype=np.uint8)
    labels = np.empty(total, dtype=np.uint8)
    start = 0
    for part_images, part_labels in parts:
        end = start + len(part_labels)
        images[start:end] = part_images
        labels[start:end] = part_labels
        start = end
    return images, labels


def read_cifar10(
    data_dir=None,
    one_hot: bool = False,
    dtype=np.float32,
    reshape: bool = False,
    validation_size: int = 0,
    seed: int | None = None,
    train_files: Sequence | None = None,
    test_files: Sequence | None = None,
    source_url: str | Sequence[str] = CIFAR10_SOURCE_URL,
) -> Datasets:
    """CIFAR-10 as ``Datasets(train, validation, test)``, from ``<data_dir>/cifar-10-batches-bin``.

    ``data_dir=None`` means ``default_data_dir("cifar10")``. Images are float32 in [0, 1] or uint8
    0-255, [N, 32, 32, 3] channels-last (``reshape``: [N, 3072], the same order flattened); labels
    uint8 class ids (``CLASS_NAMES``) or float64 one-hot rows. The validation set is the first
    ``validation_size`` training images (none by default).

    ``train_files``/``test_files`` choose the record files of a split (default: the five training
    batches and ``test_batch.bin``). When ``test_files`` is None and ``test_batch.bin`` cannot be
    had but the data directory or the local source holds ``test_batch_first1000.bin``, that file is
    used and a line on stderr says so: ``test.num_examples`` always tells how many test images there
    are. ``source_url`` is the archive URL (or a list of them) downloads come from.
    """
    dtype = image_dtype(dtype)
    if validation_size < 0:
        raise ValueError(f"validation_size must be >= 0; got {validation_size}")
    directory = batches_dir(data_dir)
    local_dir = local_source_dir(LOCAL_SUBDIR)
    train_entries = _entries(train_files) if train_files is not None else list(TRAIN_FILES)
    test_entries = _entries(test_files) if test_files is not None else [TEST_FILE]
    if not train_entries or not test_entries:
        raise ValueError("train_files and test_files must each name at least one file")

    names = list(dict.fromkeys(str(e) for e in train_entries + test_entries if _is_bare_name(e)))
    payloads, failures = fetch(
        [file_spec(name) for name in names],
        directory,
        local_dir=local_dir,
        archive=(ARCHIVE, _source_urls(source_url)),
    )
    if test_files is None and TEST_FILE in failures:
        subset, subset_failures = fetch(
            [file_spec(TEST_SUBSET_FILE)], directory, local_dir=local_dir
        )
        if subset_failures:
            failures[TEST_FILE] += [
                f"fallback {TEST_SUBSET_FILE}: {attempt}"
                for attempt in subset_failures[TEST_SUBSET_FILE]
            ]
        else:
            del failures[TEST_FILE]
            payloads.update(subset)
            test_entries = [TEST_SUBSET_FILE]
            count = len(subset[TEST_SUBSET_FILE]) // RECORD_BYTES
            note(
                f"{TEST_FILE} could not be had; using {TEST_SUBSET_FILE} from {directory}: the "
                f"CIFAR-10 test set has {count:,} images, not 10,000"
            )
    if failures:
        raise source_error(failures, directory, "CIFAR-10")

    def split(entries) -> tuple[np.ndarray, np.ndarray]:
        parts = []
        for entry in entries:
            if _is_bare_name(entry):
                parts.append(parse_records(payloads[str(entry)], str(entry)))
            else:
                path = Path(entry)
                parts.append(parse_records(_read_path(path), path.name))
        return _stack(parts)

    train_images, train_labels = split(train_entries)
    test_images, test_labels = split(test_entries)
    if validation_size > len(train_labels):
        raise ValueError(
            f"Validation size should be between 0 and {len(train_labels)}. "
            f"Received: {validation_size}."
        )
    return split_datasets(
        (train_images, train_labels),
        (test_images, test_labels),
        validation_size=validation_size,
        num_classes=NUM_CLASSES if one_hot else None,
        dtype=dtype,
        reshape=reshape,
        seed=seed,
    )
