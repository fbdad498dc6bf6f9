"""The decoded MNIST arrays, kept beside the data files so that a second read skips the gzip.

``read_data_sets`` stores the four uint8 arrays it parsed from the verified files (in a second
thread, while it builds the data sets, and done before it returns) in
``<data dir>/.mnist-decoded.npz`` and, on later calls, takes them from there instead of
decompressing, verifying and parsing the ``.gz`` files again. The cache is only used while the key
it was written under still holds: for each data file its name, size, modification and change times
(ns) and inode, and the digest its payload was verified against. A new copy of a file, a file
replaced, edited or touched, or a change of the expected digests makes the cache stale: it is then
ignored and written again.

A cache is never trusted blindly. One that cannot be read, whose zip CRCs fail, or whose arrays
have the wrong type, shape, count or labels is ignored, and the files are parsed as before. It is
written under a temporary name and renamed into place, so a reader never sees half of one (a
temporary left by a writer that was killed is removed by a later write); and it is never written
into the local source directory (``TF1_TUTORIALS_DATA``, which is never written to), nor where the
data directory cannot be written. It takes about as much disk space as the decompressed files.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from . import idx

CACHE_NAME = ".mnist-decoded.npz"
FORMAT = 1
ARRAYS = ("train_images", "train_labels", "test_images", "test_labels")
STALE_SECONDS = 600  # a temporary this old was left by a writer that died

FileEntry = tuple  # (name, size, mtime_ns, ctime_ns, inode, "algorithm:digest")


def file_entries(directory: Path, specs: Sequence) -> list[FileEntry | None]:
    """What the cache key records of each data file (None for a file that is not there)."""
    entries: list[FileEntry | None] = []
    for spec in specs:
        try:
            st = os.stat(Path(directory) / spec.name)
        except OSError:
            entries.append(None)
            continue
        digest = f"{spec.algorithm}:{spec.digest}"
        entries.append((spec.name, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, digest))
    return entries


def _key(entries: Sequence[FileEntry]) -> str:
    return json.dumps({"format": FORMAT, "files": [list(e) for e in entries]}, sort_keys=True)


def _check(arrays: dict[str, np.ndarray], specs: Sequence, num_classes: int) -> None:
    """CorruptDatasetError (or ValueError) unless the arrays look like the parsed files."""
    names = [spec.name for spec in specs]  # train images, train labels, test images, test labels
    for images_key, labels_key, images_name, labels_name in (
        ("train_images", "train_labels", names[0], names[1]),
        ("test_images", "test_labels", names[2], names[3]),
    ):
        images, labels = arrays[images_key], arrays[labels_key]
        if images.dtype != np.uint8 or images.ndim != 4 or images.shape[3] != 1:
            raise ValueError(f"cached {images_key}: {images.dtype} {images.shape}")
        if labels.dtype != np.uint8 or labels.ndim != 1:
            raise ValueError(f"cached {labels_key}: {labels.dtype} {labels.shape}")
        idx.check_pair(images, images_name, labels, labels_name)
        idx.check_label_range(labels, labels_name, num_classes)


def load(directory: Path, specs: Sequence, num_classes: int) -> tuple[np.ndarray, ...] | None:
    """The cached arrays (in ``ARRAYS`` order) if a sound cache for the files as they are now is
    in ``directory``; else None."""
    path = Path(directory) / CACHE_NAME
    entries = file_entries(directory, specs)
    if None in entries or not path.is_file():
        return None
    try:
        with np.load(path, allow_pickle=False) as npz:
            if str(npz["key"]) != _key(entries):
                return None
            arrays = {name: npz[name] for name in ARRAYS}  # reading checks each member's CRC
        _check(arrays, specs, num_classes)
    except Exception:  # unreadable, damaged or not ours: parse the files instead
        return None
    return tuple(arrays[name] for name in ARRAYS)


def _is_local_source(directory: Path) -> bool:
    from .sources import LOCAL_SOURCE_ENV

    root = os.environ.get(LOCAL_SOURCE_ENV, "").strip()
    if not root:
        return False
    try:
        return os.path.samefile(Path(root).expanduser() / "mnist", directory)
    except OSError:
        return False


def _remove_stale_temporaries(directory: Path) -> None:
    """Remove cache temporaries left by a writer killed mid-write (older than a few minutes: a
    write takes about a second, so a live writer's is never touched)."""
    pattern = re.compile(rf"{re.escape(CACHE_NAME)}\.\d+\.[0-9a-f]{{8}}\.part")
    now = time.time()
    for path in directory.glob(f"{CACHE_NAME}.*.part"):
        try:
            if pattern.fullmatch(path.name) and now - path.stat().st_mtime > STALE_SECONDS:
                path.unlink()
        except OSError:
            pass


def store(
    directory: Path,
    specs: Sequence,
    arrays: Sequence[np.ndarray],
    before: Sequence[FileEntry | None],
) -> None:
    """Cache ``arrays`` (in ``ARRAYS`` order), parsed from the files in ``directory``.

    ``before`` is :func:`file_entries` taken before the files were read: a file that was there then
    and has changed since may not be the one that was parsed, so nothing is stored. Failing to
    write (a read-only directory, a full disk) is not an error: the next read parses again.
    """
    directory = Path(directory)
    entries = file_entries(directory, specs)
    if None in entries or _is_local_source(directory):
        return
    if any(old is not None and old != new for old, new in zip(before, entries, strict=True)):
        return
    _remove_stale_temporaries(directory)
    tmp = directory / f"{CACHE_NAME}.{os.getpid()}.{secrets.token_hex(4)}.part"
    try:
        with open(tmp, "xb") as out:  # a new file: never an existing one, nor through a link
            np.savez(out, key=np.array(_key(entries)), **dict(zip(ARRAYS, arrays, strict=True)))
        os.replace(tmp, directory / CACHE_NAME)
    except OSError:
        pass
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink(missing_ok=True)
