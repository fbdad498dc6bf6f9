"""The CIFAR-10 reader: record parsing, explicit record files, the 1,000-image test fallback."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import shutil
import tarfile

import numpy as np
import pytest
from data_support import closed_port_url, real_data_root, serving

from tf1_tutorials.data import CorruptDatasetError, DataSourceError, read_cifar10
from tf1_tutorials.data import cifar10 as cifar


def records(labels, seed: int = 0) -> tuple[bytes, np.ndarray]:
    """CIFAR-10 records with random pixels; also returns the images channels-last, as expected."""
    rng = np.random.default_rng(seed)
    planes = rng.integers(0, 256, (len(labels), 3, 32, 32), dtype=np.uint8)  # R, G, B planes
    body = np.concatenate([np.array(labels, np.uint8)[:, None], planes.reshape(len(labels), -1)], 1)
    return body.tobytes(), planes.transpose(0, 2, 3, 1)


@pytest.fixture(autouse=True)
def no_local_source(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.delenv("TF1_TUTORIALS_DATA", raising=False)


def test_a_record_is_a_label_then_red_green_blue_planes():
    one = bytes([7]) + bytes([10]) * 1024 + bytes([20]) * 1024 + bytes([30]) * 1024
    images, labels = cifar.parse_records(one, "x.bin")
    assert labels.tolist() == [7] and images.shape == (1, 32, 32, 3)
    assert (images[0] == [10, 20, 30]).all()
    payload, expected = records([3, 8, 8])
    images, labels = cifar.parse_records(payload, "x.bin")
    assert labels.tolist() == [3, 8, 8] and (images == expected).all()
    assert images.flags["C_CONTIGUOUS"]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (
            records([1, 2])[0][:-1],
            "x.bin: truncated: 6145 bytes is not a whole number of 3073-byte",
        ),
        (b"", "x.bin: empty: no records"),
        (records([1, 10])[0], "x.bin: label 10 at index 1 is outside 0-9"),
    ],
)
def test_corrupt_record_files_are_named_with_what_is_wrong(payload, message):
    with pytest.raises(CorruptDatasetError, match=f"^{message}"):
        cifar.parse_records(payload, "x.bin")


def test_explicit_record_files_by_path_give_every_layout(tmp_path):
    train, train_images = records([0, 1, 2, 3, 4], seed=1)
    test, test_images = records([5, 6], seed=2)
    (tmp_path / "mine_train.bin").write_bytes(train)
    (tmp_path / "mine_test.bin").write_bytes(test)
    files = {
        "train_files": [tmp_path / "mine_train.bin"],
        "test_files": str(tmp_path / "mine_test.bin"),
    }

    data = read_cifar10(tmp_path / "unused", dtype=np.uint8, **files)
    assert (data.train.images == train_images).all() and data.train.labels.tolist() == [
        0,
        1,
        2,
        3,
        4,
    ]
    assert (data.test.images == test_images).all() and data.test.num_examples == 2
    assert data.validation.num_examples == 0

    flat = read_cifar10(tmp_path / "unused", reshape=True, one_hot=True, validation_size=2, **files)
    assert flat.train.images.shape == (3, 3072) and flat.train.images.dtype == np.float32
    expected = train_images[2:].reshape(3, -1).astype(np.float32) * np.float32(1 / 255)
    assert (flat.train.images == expected).all()  # channels-last order, flattened
    assert flat.validation.labels.argmax(1).tolist() == [0, 1]
    assert flat.train.labels.dtype == np.float64 and flat.train.labels.shape == (3, 10)
    assert not (tmp_path / "unused").exists()  # files given by path need no data directory

    with pytest.raises(ValueError, match="between 0 and 5. Received: 6"):
        read_cifar10(tmp_path, validation_size=6, **files)
    with pytest.raises(DataSourceError, match="mine_other.bin: not there"):
        read_cifar10(
            tmp_path, train_files=[tmp_path / "mine_other.bin"], test_files=files["test_files"]
        )


def test_a_file_under_a_canonical_name_must_be_the_published_file(tmp_path):
    payload, _ = records([3, 8])
    (tmp_path / "test_batch.bin").write_bytes(payload)
    (tmp_path / "train.bin").write_bytes(payload)
    with pytest.raises(CorruptDatasetError) as caught:
        read_cifar10(
            tmp_path, train_files=[tmp_path / "train.bin"], test_files=[tmp_path / "test_batch.bin"]
        )
    assert str(caught.value).startswith("test_batch.bin: md5 of the content is ")
    assert "expected 803d5f7f4d78ea53de84dbe85f74fb6d (not the published file)" in str(caught.value)


def test_data_dir_may_name_the_batches_folder_itself(tmp_path):
    assert cifar.batches_dir(tmp_path) == tmp_path / "cifar-10-batches-bin"
    assert cifar.batches_dir(tmp_path / "cifar-10-batches-bin") == tmp_path / "cifar-10-batches-bin"


@pytest.fixture(scope="module")
def cifar_source():
    return real_data_root() / "cifar10" / "cifar-10-batches-bin"


@pytest.fixture(scope="module")
def cifar_dir(tmp_path_factory, cifar_source):
    """A data directory holding copies of the five real training batches, made once."""
    directory = tmp_path_factory.mktemp("cifar10")
    (directory / "cifar-10-batches-bin").mkdir()
    for name in cifar.TRAIN_FILES:
        shutil.copyfile(cifar_source / name, directory / "cifar-10-batches-bin" / name)
    return directory


def test_real_cifar10_falls_back_to_the_first_1000_test_images_and_says_so(
    cifar_dir, cifar_source, monkeypatch, capsys
):
    monkeypatch.setenv("TF1_TUTORIALS_DATA", str(cifar_source.parent.parent))
    dead = closed_port_url("/cifar-10-binary.tar.gz")
    data = read_cifar10(cifar_dir, dtype=np.uint8, seed=0, source_url=dead)
    err = capsys.readouterr().err
    assert f"downloading {dead}" in err  # the official test_batch.bin was sought first
    assert "using test_batch_first1000.bin" in err
    assert "the CIFAR-10 test set has 1,000 images, not 10,000" in err
    train, test = data.train, data.test
    assert train.images.shape == (50000, 32, 32, 3) and test.num_examples == 1000
    assert train.labels[:10].tolist() == [6, 9, 9, 4, 1, 1, 2, 7, 8, 3]
    assert test.labels[:10].tolist() == [3, 8, 8, 0, 6, 6, 1, 6, 3, 1]
    assert np.bincount(train.labels).tolist() == [5000] * 10
    assert np.bincount(test.labels).tolist() == [103, 89, 100, 103, 90, 86, 112, 102, 106, 109]
    assert (cifar_dir / "cifar-10-batches-bin" / "test_batch_first1000.bin").is_file()


def test_real_cifar10_without_the_subset_anywhere_is_a_data_source_error(tmp_path, cifar_source):
    directory = tmp_path / "cifar-10-batches-bin"
    directory.mkdir()
    shutil.copyfile(cifar_source / "data_batch_1.bin", directory / "data_batch_1.bin")
    with pytest.raises(DataSourceError) as caught:
        read_cifar10(tmp_path, train_files=["data_batch_1.bin"], source_url=closed_port_url())
    message = str(caught.value)
    assert message.startswith(f"no good copy of test_batch.bin could be had for {directory}:")
    assert "fallback test_batch_first1000.bin: " in message


def test_the_shared_folder_is_read_in_place_and_never_written(cifar_source, monkeypatch, capsys):
    monkeypatch.setenv("TF1_TUTORIALS_DATA", str(cifar_source.parent.parent))
    data = read_cifar10(
        cifar_source.parent, train_files=["data_batch_5.bin"], dtype=np.uint8, source_url=None
    )
    assert data.test.num_examples == 1000 and data.train.num_examples == 10000
    assert "never written to" not in capsys.readouterr().err
    assert sorted(p.name for p in cifar_source.iterdir()) == [
        "batches.meta.txt", *cifar.TRAIN_FILES, "test_batch_first1000.bin",
    ]  # fmt: skip


def test_an_explicit_subset_by_name_is_fetched_like_the_default_files(
    tmp_path, cifar_source, monkeypatch, capsys
):
    monkeypatch.setenv("TF1_TUTORIALS_DATA", str(cifar_source.parent.parent))
    data = read_cifar10(
        tmp_path,
        dtype=np.uint8,
        train_files=["data_batch_2.bin"],
        test_files=["test_batch_first1000.bin"],
        source_url=closed_port_url(),
    )
    err = capsys.readouterr().err
    assert "could not be had" not in err and "downloading" not in err
    assert data.train.num_examples == 10000 and data.test.num_examples == 1000


def test_missing_batches_are_extracted_from_the_archive(tmp_path, cifar_source, monkeypatch):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz", compresslevel=1) as tar:
        tar.add(cifar_source / "data_batch_3.bin", "cifar-10-batches-bin/data_batch_3.bin")
    archive = buffer.getvalue()
    # The real archive is 170 MB and not here: serve a one-member archive, under its own digest.
    digest = hashlib.md5(archive).hexdigest()
    monkeypatch.setattr(cifar, "ARCHIVE", dataclasses.replace(cifar.ARCHIVE, digest=digest))
    with serving() as mirror:
        url = mirror.add("/~kriz/cifar-10-binary.tar.gz", archive)
        data = read_cifar10(
            tmp_path,
            dtype=np.uint8,
            train_files=["data_batch_3.bin"],
            test_files=[cifar_source / "test_batch_first1000.bin"],
            source_url=url,
        )
    assert data.train.num_examples == 10000
    stored = tmp_path / "cifar-10-batches-bin" / "data_batch_3.bin"
    assert hashlib.md5(stored.read_bytes()).hexdigest() == cifar.PUBLISHED_MD5["data_batch_3.bin"]
