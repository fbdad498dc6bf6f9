"""Filesystem faults: a read-only data directory, missing permissions, a full disk. Each ends in
an error naming the file or the directory and the reason; no half-written file is kept, and the
files already there are left as they were.

These tests run as root here, where permission bits do not stop writes or reads. Where a chmod
does not bite, the test says so in its counts and simulates the fault instead (a read-only
filesystem through os.access and EROFS on create, an unreadable file through EACCES on read),
rather than passing without having tested anything. A full disk is simulated everywhere: a
temporary takes some bytes, then its writes fail with ENOSPC, as on a real full disk.
"""

from __future__ import annotations

import errno
import gzip
import hashlib
import io
import os
import tarfile
from pathlib import Path

import pytest
from data_support import real_data_root, serving
from reliability_support import count

from tf1_tutorials.data import DataSourceError, read_data_sets, sources
from tf1_tutorials.data import mnist as mnist_module
from tf1_tutorials.data.sources import LOCK_NAME, ArchiveSpec, FileSpec, fetch, source_error

GOOD_PAYLOAD = b"a file already in the data directory\n" * 300
NEW_PAYLOAD = bytes(range(256)) * 400
GOOD = FileSpec("good.bin.gz", "sha256", hashlib.sha256(GOOD_PAYLOAD).hexdigest(), gzip=True)
NEW = FileSpec("new.bin.gz", "sha256", hashlib.sha256(NEW_PAYLOAD).hexdigest(), gzip=True)
NEW_BODY = gzip.compress(NEW_PAYLOAD, mtime=0)
NAMES = [spec.name for spec in mnist_module.FILES]


@pytest.fixture(autouse=True)
def hermetic(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.delenv("TF1_TUTORIALS_DATA", raising=False)
    monkeypatch.setenv("TF1_TUTORIALS_DOWNLOAD_TIMEOUT", "5")


@pytest.fixture
def setup(tmp_path):
    """A data directory holding one good file, and a local source holding the missing one."""
    directory, source = tmp_path / "data", tmp_path / "source"
    directory.mkdir()
    source.mkdir()
    (directory / GOOD.name).write_bytes(gzip.compress(GOOD_PAYLOAD))
    (source / NEW.name).write_bytes(NEW_BODY)
    return directory, source


def snapshot(directory: Path) -> dict:
    """Each entry of ``directory``: its bytes (None for a folder), inode and modification time."""
    state = {}
    for p in directory.iterdir():
        stat = p.stat()
        state[p.name] = (None if p.is_dir() else p.read_bytes(), stat.st_ino, stat.st_mtime_ns)
    return state


def chmod_bites(path: Path, mode: int) -> bool:
    """chmod ``path`` to ``mode``, and tell whether that stops this process (root it does not)."""
    path.chmod(mode)
    try:
        if path.is_dir():
            probe = path / ".probe"
            probe.touch()
            probe.unlink()
        else:
            path.read_bytes()
    except PermissionError:
        return True
    return False


def test_a_read_only_data_directory_is_named_and_left_as_it_is(setup, monkeypatch):
    directory, source = setup
    before = snapshot(directory)
    try:
        if chmod_bites(directory, 0o555):
            count("faults", "read-only data directory", "by chmod")
        else:  # root: simulate a read-only filesystem
            directory.chmod(0o755)
            count("faults", "read-only data directory", "simulated (chmod does not bite as root)")
            real_access, real_create = os.access, sources._create

            def access(path, mode, **kwargs):
                if Path(path) == directory and mode & os.W_OK:
                    return False
                return real_access(path, mode, **kwargs)

            def create(path):
                if Path(path).parent == directory:
                    raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
                return real_create(path)

            monkeypatch.setattr(sources.os, "access", access)
            monkeypatch.setattr(sources, "_create", create)
        with serving() as mirror:
            payloads, failures = fetch([GOOD, NEW], directory, local_dir=source, urls=[mirror.url])
            assert mirror.requests == []
    finally:
        directory.chmod(0o755)
    assert payloads == {GOOD.name: GOOD_PAYLOAD}  # the good file is still read
    message = str(source_error(failures, directory, "MNIST"))
    assert f"cannot store files in {directory}: [Errno 13] Permission denied" in message
    assert snapshot(directory) == before
    count("faults", "read-only data directory", "files changed", 0)


@pytest.mark.parametrize("code", [errno.EROFS, errno.EACCES, errno.EDQUOT])
def test_a_write_refused_after_the_lock_is_named_and_other_sources_are_not_tried(
    setup, monkeypatch, code
):
    """A filesystem that lets the lock be taken and then refuses the file (read-only remount,
    quota, a permission set on the temporaries' names)."""
    directory, source = setup
    before = snapshot(directory)

    def create(path):
        raise OSError(code, os.strerror(code), str(path))

    monkeypatch.setattr(sources, "_create", create)
    with serving() as mirror:
        mirror.add(f"/{NEW.name}", NEW_BODY)
        payloads, failures = fetch([GOOD, NEW], directory, local_dir=source, urls=[mirror.url])
        assert mirror.requests == []  # the local copy could not be stored: no download either
    assert payloads == {GOOD.name: GOOD_PAYLOAD}
    assert failures[NEW.name][-1] == (
        f"cannot write {directory / NEW.name}: [Errno {code}] {os.strerror(code)}"
    )
    assert snapshot(directory) == {**before, LOCK_NAME: snapshot(directory)[LOCK_NAME]}
    count("faults", "writes refused", "cases")
    count("faults", "writes refused", "partial files left", 0)


def test_a_data_directory_that_cannot_be_made_is_named(tmp_path):
    (tmp_path / "a-file").write_text("in the way")
    directory = tmp_path / "a-file" / "mnist"
    payloads, failures = fetch([NEW], directory, local_dir=None)
    assert payloads == {}
    assert failures[NEW.name][-1] == (
        f"cannot store files in {directory}: [Errno 20] Not a directory: '{directory}'"
    )
    count("faults", "unusable data directory", "named")


def test_a_folder_in_place_of_a_data_file_is_named_and_kept(setup):
    directory, source = setup
    (directory / NEW.name).mkdir()
    (directory / NEW.name / "user notes.txt").write_text("mine")
    payloads, failures = fetch([NEW], directory, local_dir=source)
    assert payloads == {}
    assert failures[NEW.name] == [
        f"{directory / NEW.name}: not there",
        f"cannot write {directory / NEW.name}: [Errno 21] Is a directory",
    ]
    assert (directory / NEW.name / "user notes.txt").read_text() == "mine"
    assert sorted(os.listdir(directory)) == [LOCK_NAME, GOOD.name, NEW.name]


class FullDisk:
    """A file that takes ``room`` bytes, then fails every write with ENOSPC, as a full disk does."""

    def __init__(self, path: Path, room: list[int]):
        self.file = open(path, "xb")
        self.room = room

    def write(self, data) -> int:
        take = min(len(data), self.room[0])
        self.file.write(data[:take])
        self.file.flush()
        self.room[0] -= take
        if take < len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return take

    def flush(self) -> None:
        self.file.flush()

    def close(self) -> None:
        self.file.close()


def fill_disk(monkeypatch, room: int) -> list[Path]:
    """Make the disk full after ``room`` more bytes; returns the temporaries created meanwhile."""
    left, created = [room], []

    def create(path):
        created.append(Path(path))
        return FullDisk(path, left)

    monkeypatch.setattr(sources, "_create", create)
    return created


def archive_with(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        info = tarfile.TarInfo(f"batches/{name}")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.mark.parametrize("source_kind", ["local copy", "download", "archive", "archive member"])
def test_a_full_disk_is_named_no_half_file_is_kept_and_freeing_space_is_enough(
    setup, monkeypatch, source_kind
):
    directory, source = setup
    before = snapshot(directory)
    plain = FileSpec("new.bin", "sha256", hashlib.sha256(NEW_PAYLOAD).hexdigest())
    archive_body = archive_with("new.bin", NEW_PAYLOAD)
    with serving() as mirror:
        mirror.add(f"/one/{NEW.name}", NEW_BODY)
        mirror.add(f"/two/{NEW.name}", NEW_BODY)
        mirror.add("/t.tar.gz", archive_body)
        digest = hashlib.md5(archive_body).hexdigest()
        archive = ArchiveSpec("t.tar.gz", "md5", digest, "batches", frozenset({"new.bin"}))

        def attempt():
            if source_kind == "local copy":
                return fetch([GOOD, NEW], directory, local_dir=source)
            if source_kind == "download":
                urls = [f"{mirror.url}/one/", f"{mirror.url}/two/"]
                return fetch([GOOD, NEW], directory, local_dir=None, urls=urls)
            urls = [f"{mirror.url}/t.tar.gz", f"{mirror.url}/t.tar.gz"]
            return fetch([GOOD, plain], directory, local_dir=None, archive=(archive, urls))

        room = {  # bytes left on the disk: for "archive member", the archive fits, not its member
            "local copy": len(NEW_BODY) // 2,
            "download": len(NEW_BODY) // 2,
            "archive": len(archive_body) // 2,
            "archive member": len(archive_body) + 1000,
        }[source_kind]
        with monkeypatch.context() as patches:
            created = fill_disk(patches, room)
            payloads, failures = attempt()
        requests = list(mirror.requests)  # and now space is freed
        name = plain.name if source_kind.startswith("archive") else NEW.name
        written = "t.tar.gz" if source_kind == "archive" else name
        assert payloads == {GOOD.name: GOOD_PAYLOAD}
        assert failures[name][-1] == (
            f"cannot write {directory / written}: [Errno 28] No space left on device"
        ), failures
        assert created and not any(p.exists() for p in created)  # the half-written temporaries
        assert snapshot(directory) == {**before, LOCK_NAME: snapshot(directory)[LOCK_NAME]}
        # No source after the one that hit the full disk was tried.
        assert (
            requests
            == {
                "local copy": [],
                "download": [f"/one/{NEW.name}"],
                "archive": ["/t.tar.gz"],
                "archive member": ["/t.tar.gz"],
            }[source_kind]
        )
        count("faults", "full disk", "cases")
        count("faults", "full disk", "half-written files kept", 0)

        payloads, failures = attempt()
    assert failures == {} and set(payloads) == {GOOD.name, name}
    assert sorted(os.listdir(directory)) == sorted([LOCK_NAME, GOOD.name, name])


def test_an_unreadable_data_file_is_named_and_replaced_by_a_verified_copy(
    setup, monkeypatch, capsys
):
    directory, source = setup
    (directory / NEW.name).write_bytes(NEW_BODY)
    path = directory / NEW.name
    with monkeypatch.context() as patches:
        if chmod_bites(path, 0o000):
            count("faults", "unreadable data file", "by chmod")
        else:  # root: simulate it
            count("faults", "unreadable data file", "simulated (chmod does not bite as root)")
            unreadable(patches, path)
        payloads, failures = fetch([NEW], directory, local_dir=source)
    assert failures == {} and payloads == {NEW.name: NEW_PAYLOAD}
    assert f"{path}: unreadable, [Errno 13] Permission denied: '{path}'" in capsys.readouterr().err
    assert path.read_bytes() == NEW_BODY and (path.stat().st_mode & 0o777) != 0


def test_an_unreadable_local_source_file_is_passed_over_for_a_mirror(setup, monkeypatch):
    directory, source = setup
    local = source / NEW.name
    if not chmod_bites(local, 0o000):
        unreadable(monkeypatch, local)
    with serving() as mirror:
        mirror.add(f"/{NEW.name}", NEW_BODY)
        payloads, failures = fetch([NEW, GOOD], directory, local_dir=source, urls=[mirror.url])
        assert mirror.requests == [f"/{NEW.name}"]
    local.chmod(0o644)
    assert set(payloads) == {NEW.name, GOOD.name} and failures == {}
    assert sources.load(directory / NEW.name, NEW) == NEW_PAYLOAD


def unreadable(patches, path: Path) -> None:
    """Reading ``path`` fails with EACCES, as it does for anyone but root after chmod 000."""
    real_read_bytes = Path.read_bytes

    def read_bytes(self):
        if self == path:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_read_bytes(self)

    patches.setattr(Path, "read_bytes", read_bytes)


def test_read_data_sets_names_the_directory_when_it_cannot_store_the_files(tmp_path, monkeypatch):
    """End to end: the real local source, and a data directory whose disk is full."""
    monkeypatch.setenv("TF1_TUTORIALS_DATA", str(real_data_root()))
    created = fill_disk(monkeypatch, 1 << 20)
    directory = tmp_path / "mnist"
    with pytest.raises(DataSourceError) as caught:
        read_data_sets(directory, source_url=[])
    message = str(caught.value)
    assert message.startswith(f"no good copy of {', '.join(NAMES)} could be had for {directory}:")
    for name in NAMES:
        assert f"cannot write {directory / name}: [Errno 28] No space left on device" in message
    assert created and not any(p.exists() for p in created)
    assert os.listdir(directory) == [LOCK_NAME]
