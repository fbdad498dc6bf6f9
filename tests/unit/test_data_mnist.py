"""The MNIST reader: IDX parsing with named errors, and read_data_sets against the real files."""

from __future__ import annotations

import gzip
import io
import struct

import numpy as np
import pytest
from data_support import real_data_root

from tf1_tutorials.data import (
    CorruptDatasetError,
    DataSourceError,
    extract_images,
    extract_labels,
    idx,
    read_data_sets,
)


def images_idx(count: int, rows: int = 28, cols: int = 28, magic: int = 2051) -> bytes:
    pixels = (np.arange(count * rows * cols) % 256).astype(np.uint8).tobytes()
    return struct.pack(">IIII", magic, count, rows, cols) + pixels


def labels_idx(labels, magic: int = 2049) -> bytes:
    return struct.pack(">II", magic, len(labels)) + bytes(labels)


def gz_file(name: str, payload: bytes) -> io.BytesIO:
    f = io.BytesIO(gzip.compress(payload))
    f.name = f"/some/dir/{name}"
    return f


def test_extract_images_and_labels_as_tf1_returned_them():
    images = extract_images(gz_file("train-images-idx3-ubyte.gz", images_idx(3)))
    assert images.dtype == np.uint8 and images.shape == (3, 28, 28, 1)
    assert images.ravel()[:3].tolist() == [0, 1, 2]
    labels = extract_labels(gz_file("train-labels-idx1-ubyte.gz", labels_idx([5, 0, 4])))
    assert labels.dtype == np.uint8 and labels.tolist() == [5, 0, 4]
    one_hot = extract_labels(gz_file("x.gz", labels_idx([5, 0])), one_hot=True)
    assert one_hot.dtype == np.float64 and one_hot.argmax(axis=1).tolist() == [5, 0]


@pytest.mark.parametrize(
    ("payload", "reader", "message"),
    [
        (images_idx(2), extract_labels, "t10k-labels-idx1-ubyte.gz: magic 2051, expected 2049"),
        (labels_idx([1]), extract_images, "t10k-labels-idx1-ubyte.gz: magic 2049, expected 2051"),
        (images_idx(2)[:-5], extract_images, "truncated: 2 images of 28x28 need 1568 bytes"),
        (labels_idx([1, 2, 3])[:-1], extract_labels, "truncated: 3 labels need 3 bytes after"),
        (b"\x00\x00\x08", extract_labels, "truncated: 3 bytes, shorter than the 8-byte IDX header"),
        (labels_idx([1]) + b"xx", extract_labels, "2 unexpected bytes after the 1 labels"),
        (labels_idx([1, 12, 3]), extract_labels, "label 12 at index 1 is outside 0-9"),
    ],
)
def test_corrupt_idx_files_are_named_with_what_is_wrong(payload, reader, message):
    with pytest.raises(CorruptDatasetError) as caught:
        reader(gz_file("t10k-labels-idx1-ubyte.gz", payload))
    assert str(caught.value).startswith("t10k-labels-idx1-ubyte.gz: ")
    assert message.split(": ", 1)[-1] in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_damaged_gzip_and_disagreeing_counts_are_named_too():
    damaged = io.BytesIO(gzip.compress(labels_idx([1, 2]))[:-6])
    damaged.name = "train-labels-idx1-ubyte.gz"
    with pytest.raises(CorruptDatasetError, match=r"^train-labels-idx1-ubyte.gz: damaged gzip"):
        extract_labels(damaged)
    plain = io.BytesIO(labels_idx([1]))
    plain.name = "train-labels-idx1-ubyte.gz"
    with pytest.raises(CorruptDatasetError, match="not a gzip file"):
        extract_labels(plain)
    with pytest.raises(
        CorruptDatasetError,
        match=r"^train-labels-idx1-ubyte.gz: 2 labels, but train-images-idx3-ubyte.gz has 3 images",
    ):
        idx.check_pair(
            np.zeros(3), "train-images-idx3-ubyte.gz", np.zeros(2), "train-labels-idx1-ubyte.gz"
        )


def test_gunzip_reads_every_member_and_refuses_a_file_that_inflates_past_the_limit():
    two_members = gzip.compress(b"ab") + gzip.compress(b"cd") + b"\0\0"
    assert idx.gunzip(two_members, "x.gz") == gzip.decompress(two_members) == b"abcd"
    assert idx.gunzip(gzip.compress(b"x" * 1000), "x.gz", limit=1000) == b"x" * 1000
    with pytest.raises(CorruptDatasetError, match=r"^x.gz: decompresses to more than 999 bytes"):
        idx.gunzip(gzip.compress(b"x" * 1000), "x.gz", limit=999)
    with pytest.raises(CorruptDatasetError, match="more than 1,000 bytes"):
        idx.gunzip(gzip.compress(b"ab") + gzip.compress(b"x" * 999), "x.gz", limit=1000)
    bomb = gzip.compress(bytes(idx.MAX_DECOMPRESSED + 1))  # about 260 KB on disk
    with pytest.raises(CorruptDatasetError, match="no data file is that large"):
        idx.gunzip(bomb, "t10k-images-idx3-ubyte.gz")
    with pytest.raises(CorruptDatasetError, match="damaged gzip"):
        idx.gunzip(gzip.compress(b"ab") + b"trailing", "x.gz")


def test_arguments_are_checked_before_any_file_is_touched(tmp_path, monkeypatch):
    monkeypatch.delenv("TF1_TUTORIALS_DATA", raising=False)
    for size in (-1, 60001):
        with pytest.raises(ValueError, match=f"between 0 and 60000. Received: {size}"):
            read_data_sets(tmp_path / "mnist", validation_size=size)
    with pytest.raises(TypeError, match="expected uint8 or float32"):
        read_data_sets(tmp_path / "mnist", dtype=np.float64)
    assert not (tmp_path / "mnist").exists()


def test_fake_data_needs_no_files(tmp_path):
    data = read_data_sets(tmp_path / "nothing", fake_data=True, one_hot=True)
    images, labels = data.train.next_batch(5)
    assert images.shape == (5, 784) and (images == 1).all()
    assert labels.tolist() == [[1.0] + [0.0] * 9] * 5
    assert data.test.num_examples == 10000
    assert not (tmp_path / "nothing").exists()


def test_a_corrupt_file_and_no_source_is_a_data_source_error_that_says_why(tmp_path, monkeypatch):
    monkeypatch.delenv("TF1_TUTORIALS_DATA", raising=False)
    train_dir = tmp_path / "mnist"
    train_dir.mkdir()
    (train_dir / "t10k-labels-idx1-ubyte.gz").write_bytes(gzip.compress(images_idx(1)))
    with pytest.raises(DataSourceError) as caught:
        read_data_sets(train_dir, source_url="http://127.0.0.1:1/mnist/")
    message = str(caught.value)
    assert f"could be had for {train_dir}" in message
    assert "t10k-labels-idx1-ubyte.gz: magic 2051, expected 2049" in message
    assert "TF1_TUTORIALS_DATA is not set" in message
    assert "http://127.0.0.1:1/mnist/train-images-idx3-ubyte.gz: " in message
    assert not list(train_dir.glob("*.part"))


@pytest.fixture(scope="module")
def mnist_dir(tmp_path_factory):
    """A fresh folder the real MNIST files are copied (and verified) into, once per module."""
    real_data_root()
    return tmp_path_factory.mktemp("mnist")


def test_real_mnist_matches_the_published_facts(mnist_dir):
    data = read_data_sets(mnist_dir, dtype=np.uint8, reshape=False, validation_size=0, seed=0)
    train, test = data.train, data.test
    assert train.images.shape == (60000, 28, 28, 1) and test.images.shape == (10000, 28, 28, 1)
    assert train.labels[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert test.labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(train.labels).tolist() == [
        5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949,
    ]  # fmt: skip
    assert np.bincount(test.labels).tolist() == [
        980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009,
    ]  # fmt: skip
    scaled = train.images / 255.0
    assert round(scaled.mean(), 4) == 0.1307 and round(scaled.std(), 4) == 0.3081


def test_read_data_sets_defaults_are_tf1s(mnist_dir):
    full = read_data_sets(mnist_dir, dtype=np.uint8, validation_size=0)
    data = read_data_sets(mnist_dir, one_hot=True)
    assert (data.train.num_examples, data.validation.num_examples) == (55000, 5000)
    assert data.test.num_examples == 10000
    assert data.train.images.shape == (55000, 784) and data.train.images.dtype == np.float32
    assert data.train.labels.shape == (55000, 10) and data.train.labels.dtype == np.float64
    # The validation set is the first 5,000 training images; train is the rest, in file order.
    assert (data.validation.labels.argmax(1) == full.train.labels[:5000]).all()
    assert (data.train.labels.argmax(1) == full.train.labels[5000:]).all()
    expected = full.train.images[5000:].astype(np.float32) * np.float32(1.0 / 255.0)
    assert (data.train.images == expected).all()
