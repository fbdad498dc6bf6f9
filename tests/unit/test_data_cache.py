"""The decoded-array cache beside the MNIST files: used while the files stay, never trusted."""

from __future__ import annotations

import os
import shutil
import zipfile

import numpy as np
import pytest
from data_support import real_data_root

from tf1_tutorials.data import DataSourceError, cache, mnist, read_data_sets
from tf1_tutorials.data.sources import FileSpec

CACHE = cache.CACHE_NAME


NOWHERE = "http://127.0.0.1:1/mnist/"  # no mirror: nothing is ever downloaded


@pytest.fixture(scope="module")
def real_files(tmp_path_factory):
    """``<root>/mnist`` holding good copies of the four real MNIST files (once per module)."""
    folder = tmp_path_factory.mktemp("source") / "mnist"
    folder.mkdir()
    for spec in mnist.FILES:
        shutil.copyfile(real_data_root() / "mnist" / spec.name, folder / spec.name)
    return folder


@pytest.fixture
def data_dir(real_files, tmp_path, monkeypatch):
    """A fresh data directory with the four files in it, and no local source to copy from."""
    monkeypatch.delenv("TF1_TUTORIALS_DATA", raising=False)
    directory = tmp_path / "mnist"
    shutil.copytree(real_files, directory)
    return directory


@pytest.fixture
def parses(monkeypatch):
    """Counts the calls that fetch, verify and parse the files (the cache's misses)."""
    calls = []
    real = mnist._read_files

    def counted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(mnist, "_read_files", counted)
    return calls


def read(directory):
    data = read_data_sets(
        directory, dtype=np.uint8, reshape=False, validation_size=0, source_url=NOWHERE
    )
    return data.train.images, data.train.labels, data.test.images, data.test.labels


def assert_same(a, b):
    assert len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def leftovers(directory) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".part"))


def test_the_second_read_comes_from_the_cache_with_the_same_arrays(data_dir, parses):
    first = read(data_dir)
    assert (data_dir / CACHE).is_file() and len(parses) == 1
    second = read(data_dir)
    assert len(parses) == 1  # no file decompressed, verified or parsed again
    assert_same(first, second)
    assert second[0].shape == (60000, 28, 28, 1) and second[0].dtype == np.uint8
    assert leftovers(data_dir) == []
    one_hot = read_data_sets(data_dir, one_hot=True)  # every other argument works from it too
    assert one_hot.train.images.dtype == np.float32 and one_hot.train.labels.shape == (55000, 10)
    assert len(parses) == 1


@pytest.mark.parametrize("change", ["touched", "replaced", "rewritten"])
def test_a_changed_file_makes_the_cache_stale(data_dir, parses, change):
    first = read(data_dir)
    path = data_dir / mnist.TEST_LABELS
    if change == "touched":  # same bytes, a new modification time
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    elif change == "replaced":  # a new file (inode) with the same bytes and times
        copy = data_dir / "copy"
        shutil.copy2(path, copy)
        os.replace(copy, path)
    else:  # the same file rewritten in place, its times put back
        stat = path.stat()
        path.write_bytes(path.read_bytes())
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert cache.load(data_dir, mnist.FILES, 10) is None
    assert_same(read(data_dir), first)
    assert len(parses) == 2
    read(data_dir)  # the cache was written again, for the files as they are now
    assert len(parses) == 2


def test_a_bad_file_behind_a_cache_is_caught_not_served_from_it(data_dir, parses):
    read(data_dir)
    path = data_dir / mnist.TRAIN_LABELS
    path.write_bytes(b"\x1f\x8b not really gzip")
    with pytest.raises(DataSourceError, match="train-labels-idx1-ubyte.gz: damaged gzip data"):
        read(data_dir)


def test_other_expected_digests_make_the_cache_stale(data_dir):
    read(data_dir)
    assert cache.load(data_dir, mnist.FILES, 10) is not None
    changed = list(mnist.FILES)
    spec = changed[0]
    changed[0] = FileSpec(spec.name, spec.algorithm, "0" * 64, gzip=True, check=spec.check)
    assert cache.load(data_dir, changed, 10) is None


def flip_a_byte(path, where: float) -> None:
    data = bytearray(path.read_bytes())
    data[int(len(data) * where)] ^= 0x10
    path.write_bytes(bytes(data))


@pytest.mark.parametrize(
    "damage",
    ["flipped-early", "flipped-late", "truncated", "empty", "not-a-zip", "a-directory"],
)
def test_a_damaged_cache_is_never_trusted_and_is_replaced(data_dir, parses, damage):
    first = read(data_dir)
    path = data_dir / CACHE
    if damage == "flipped-early":
        flip_a_byte(path, 0.3)  # inside the training images
    elif damage == "flipped-late":
        flip_a_byte(path, 0.995)  # near the end: test labels or the zip directory
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    elif damage == "empty":
        path.write_bytes(b"")
    elif damage == "not-a-zip":
        path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)
    else:
        path.unlink()
        path.mkdir()
    assert cache.load(data_dir, mnist.FILES, 10) is None
    assert_same(read(data_dir), first)
    assert len(parses) == 2
    if damage != "a-directory":  # a directory in the way cannot be replaced; reads still work
        assert cache.load(data_dir, mnist.FILES, 10) is not None


def rewrite_cache(directory, **replace) -> None:
    """Write the cache again with the same key but some arrays replaced (an object array is
    pickled, which the cache never loads)."""
    path = directory / CACHE
    with np.load(path) as npz:
        contents = {name: npz[name] for name in npz.files}
    contents.update(replace)
    with open(path, "wb") as out:
        np.savez(out, **contents)


@pytest.mark.parametrize(
    "arrays",
    [
        {"test_labels": np.full(10000, 10, dtype=np.uint8)},  # a label out of range
        {"test_labels": np.zeros(9999, dtype=np.uint8)},  # counts disagree
        {"train_images": np.zeros((60000, 784), dtype=np.uint8)},  # wrong shape
        {"train_labels": np.zeros(60000, dtype=np.int64)},  # wrong type
        {"train_images": np.zeros(3, dtype=object)},  # would need pickle
    ],
    ids=["label-range", "count", "shape", "dtype", "object"],
)
def test_a_sound_zip_with_wrong_arrays_under_the_right_key_is_refused(data_dir, parses, arrays):
    first = read(data_dir)
    rewrite_cache(data_dir, **arrays)
    assert cache.load(data_dir, mnist.FILES, 10) is None
    assert_same(read(data_dir), first)
    assert len(parses) == 2


def test_a_cache_missing_an_array_or_its_key_is_refused(data_dir):
    read(data_dir)
    path = data_dir / CACHE
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
    assert sorted(names) == sorted(f"{n}.npy" for n in ("key", *cache.ARRAYS))
    with np.load(path) as npz:
        contents = {name: npz[name] for name in npz.files if name != "test_labels"}
    with open(path, "wb") as out:
        np.savez(out, **contents)
    assert cache.load(data_dir, mnist.FILES, 10) is None


def test_a_failed_write_leaves_no_cache_and_no_temporary(data_dir, parses, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cache.np, "savez", full_disk)
    first = read(data_dir)
    assert not (data_dir / CACHE).exists() and leftovers(data_dir) == []
    monkeypatch.undo()
    assert_same(read(data_dir), first)


def test_nothing_is_stored_for_files_that_changed_while_they_were_read(data_dir):
    arrays = read(data_dir)
    (data_dir / CACHE).unlink()
    before = cache.file_entries(data_dir, mnist.FILES)
    path = data_dir / mnist.TRAIN_IMAGES
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    cache.store(data_dir, mnist.FILES, arrays, before)
    assert not (data_dir / CACHE).exists()
    cache.store(data_dir, mnist.FILES, arrays, [None] * 4)  # files fetched in: stored
    assert cache.load(data_dir, mnist.FILES, 10) is not None


def test_the_local_source_directory_never_gets_a_cache(data_dir, monkeypatch, parses):
    monkeypatch.setenv("TF1_TUTORIALS_DATA", str(data_dir.parent))  # data_dir is <root>/mnist
    first = read(data_dir)
    assert not (data_dir / CACHE).exists()
    assert_same(read(data_dir), first)
    assert len(parses) == 2


def test_a_read_only_directory_is_read_without_a_cache(data_dir, parses):
    if os.geteuid() == 0:
        pytest.skip("root can write to a read-only directory")
    data_dir.chmod(0o555)
    try:
        first = read(data_dir)
        assert not (data_dir / CACHE).exists()
        assert_same(read(data_dir), first)
    finally:
        data_dir.chmod(0o755)


def test_files_fetched_into_an_empty_directory_are_cached_on_that_first_read(
    real_files, tmp_path, monkeypatch, parses
):
    monkeypatch.setenv("TF1_TUTORIALS_DATA", str(real_files.parent))
    target = tmp_path / "empty"
    first = read(target)
    assert (target / CACHE).is_file()
    assert_same(read(target), first)
    assert len(parses) == 1


def test_temporaries_left_by_a_killed_writer_are_removed_but_a_live_writers_kept(data_dir):
    stale = data_dir / f"{CACHE}.4242.0123abcd.part"
    live = data_dir / f"{CACHE}.4343.89abcdef.part"
    other = data_dir / f".{mnist.TRAIN_IMAGES}.4242.0123abcd.part"  # the fetcher's own, not ours
    for path in (stale, live, other):
        path.write_bytes(b"half a cache")
    old = stale.stat().st_mtime - cache.STALE_SECONDS - 60
    os.utime(stale, (old, old))
    os.utime(other, (old, old))
    read(data_dir)
    assert (data_dir / CACHE).is_file()
    assert not stale.exists() and live.exists() and other.exists()
