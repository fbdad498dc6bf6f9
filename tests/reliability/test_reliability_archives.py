"""Hostile CIFAR-10 archives: a member with an absolute path, a '..' in its path, a link or a device
is refused with a clear error, and nothing is written anywhere but the data files, under their own
names, in the data directory.

The reader never extracts an archive to disk: it reads the bytes of the members it wants and stores
them, verified, under their own names (test_data_sources.py checks that only wanted members are
kept). These archives are served under their own digest, as if it were the published one, so that
each reaches the member checks.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import tarfile
from pathlib import Path

import pytest
from data_support import serving
from reliability_support import count

from tf1_tutorials.data import DataSourceError, read_cifar10
from tf1_tutorials.data import cifar10 as cifar
from tf1_tutorials.data.sources import LOCK_NAME, ArchiveSpec, FileSpec, fetch

CONTENT = b"a verified member\n" * 50
SPEC = FileSpec("x.bin", "sha256", hashlib.sha256(CONTENT).hexdigest())


@pytest.fixture(autouse=True)
def hermetic(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.delenv("TF1_TUTORIALS_DATA", raising=False)


def member(name: str, kind=tarfile.REGTYPE, data: bytes = b"", linkname: str = ""):
    info = tarfile.TarInfo(name)
    info.type, info.linkname = kind, linkname
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    return info, (io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def archive_of(*members) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for info, data in members:
            tar.addfile(info, data)
    return buffer.getvalue()


def tree(root: Path) -> dict[str, bytes | None]:
    """Every path under ``root`` (links not followed), with a file's bytes."""
    return {
        str(p.relative_to(root)): (p.read_bytes() if p.is_file() and not p.is_symlink() else None)
        for p in root.rglob("*")
    }


def hostile_members(outside: Path):
    """(why it is refused, the member) for each kind of unsafe member."""
    good = "batches/x.bin"
    return [
        ("an absolute path", member(str(outside / "planted.bin"), data=CONTENT)),
        ("an absolute path", member("/batches/x.bin", data=CONTENT)),
        ("a path that climbs out with '..'", member("../planted.bin", data=CONTENT)),
        ("a path that climbs out with '..'", member("batches/../../planted.bin", data=CONTENT)),
        ("a path that climbs out with '..'", member("batches/../batches/x.bin", data=CONTENT)),
        (
            "a link to '../outside/secret'",
            member(good, tarfile.SYMTYPE, linkname="../outside/secret"),
        ),
        ("a link to '/etc/passwd'", member(good, tarfile.SYMTYPE, linkname="/etc/passwd")),
        ("a link to 'batches/y.bin'", member(good, tarfile.LNKTYPE, linkname="batches/y.bin")),
        ("a link to 'y.bin'", member("batches/z.bin", tarfile.SYMTYPE, linkname="y.bin")),
        ("a device or special file", member(good, tarfile.CHRTYPE)),
        ("a device or special file", member("batches/sda", tarfile.BLKTYPE)),
        ("a device or special file", member("batches/pipe", tarfile.FIFOTYPE)),
    ]


def test_unsafe_members_refuse_the_archive_and_nothing_is_written_outside(tmp_path):
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "secret").write_bytes(b"not for the reader")
    cases = hostile_members(tmp_path / "outside")
    with serving() as mirror:
        for i, (why, hostile) in enumerate(cases):
            # Beside it, a good member: the wanted one (or what a link names). Refused all the same.
            wanted = hostile[0].name == "batches/x.bin"
            neighbour = member("batches/y.bin" if wanted else "batches/x.bin", data=CONTENT)
            body = archive_of(neighbour, hostile)
            spec = ArchiveSpec(
                "t.tar.gz", "md5", hashlib.md5(body).hexdigest(), "batches", frozenset({"x.bin"})
            )
            url = mirror.add(f"/{i}/t.tar.gz", body)
            directory = tmp_path / f"data{i}"
            before = tree(tmp_path)
            payloads, failures = fetch([SPEC], directory, local_dir=None, archive=(spec, [url]))
            assert payloads == {}
            message = failures["x.bin"][-1]
            assert message == (
                f"{url}: member {hostile[0].name!r} is {why}; the archive is refused"
            ), message
            after = tree(tmp_path)
            new = set(after) - set(before)
            assert new == {f"data{i}", f"data{i}/{LOCK_NAME}"}, new  # the directory and its lock
            assert all(after[p] == before[p] for p in before)
            assert not (tmp_path / "planted.bin").exists()
            count("stress", "hostile archives", "refused")
            count("stress", "hostile archives", "files written outside the data directory", 0)


def test_an_archive_without_unsafe_members_is_read_even_with_odd_names(tmp_path):
    body = archive_of(
        member("batches", tarfile.DIRTYPE),
        member("batches/notes..txt", data=b"'..' inside a name is no path step"),
        member("./batches/other.bin", data=b"other"),
        member("batches/x.bin", data=CONTENT),
    )
    spec = ArchiveSpec(
        "t.tar.gz", "md5", hashlib.md5(body).hexdigest(), "batches", frozenset({"x.bin"})
    )
    with serving() as mirror:
        url = mirror.add("/t.tar.gz", body)
        payloads, failures = fetch([SPEC], tmp_path, local_dir=None, archive=(spec, [url]))
    assert payloads == {"x.bin": CONTENT} and failures == {}
    assert sorted(os.listdir(tmp_path)) == [LOCK_NAME, "x.bin"]


def test_a_wanted_member_that_is_a_folder_is_named_as_such(tmp_path):
    body = archive_of(member("batches/x.bin", tarfile.DIRTYPE))
    spec = ArchiveSpec(
        "t.tar.gz", "md5", hashlib.md5(body).hexdigest(), "batches", frozenset({"x.bin"})
    )
    with serving() as mirror:
        url = mirror.add("/t.tar.gz", body)
        _, failures = fetch([SPEC], tmp_path, local_dir=None, archive=(spec, [url]))
    assert failures["x.bin"][-1] == f"{url}: batches/x.bin in the archive is a folder, not a file"


def test_a_damaged_archive_under_its_digest_is_named_damaged(tmp_path):
    good = archive_of(member("batches/x.bin", data=CONTENT))
    damaged = good[: len(good) // 2]
    for body, why in (
        (damaged, "damaged archive (EOFError"),
        (b"\x1f\x8b" + b"\0" * 40, "damaged archive ("),
    ):
        spec = ArchiveSpec(
            "t.tar.gz", "md5", hashlib.md5(body).hexdigest(), "batches", frozenset({"x.bin"})
        )
        with serving() as mirror:
            url = mirror.add("/t.tar.gz", body)
            _, failures = fetch([SPEC], tmp_path, local_dir=None, archive=(spec, [url]))
        assert failures["x.bin"][-1].startswith(f"{url}: {why}"), failures
    assert sorted(os.listdir(tmp_path)) == [LOCK_NAME]


def test_read_cifar10_refuses_a_hostile_archive_with_a_clear_error(tmp_path, monkeypatch):
    outside = tmp_path / "outside"
    outside.mkdir()
    body = archive_of(
        member("cifar-10-batches-bin/data_batch_1.bin", tarfile.SYMTYPE, linkname="/etc/shadow")
    )
    monkeypatch.setattr(
        cifar, "ARCHIVE", dataclasses.replace(cifar.ARCHIVE, digest=hashlib.md5(body).hexdigest())
    )
    with serving() as mirror:
        url = mirror.add("/cifar-10-binary.tar.gz", body)
        with pytest.raises(DataSourceError) as caught:
            read_cifar10(
                tmp_path / "data",
                train_files=["data_batch_1.bin"],
                test_files=[outside / "unused.bin"],
                source_url=url,
            )
    message = str(caught.value)
    assert "no good copy of data_batch_1.bin could be had" in message
    assert (
        f"{url}: member 'cifar-10-batches-bin/data_batch_1.bin' is a link to '/etc/shadow'; "
        "the archive is refused"
    ) in message
    assert sorted(os.listdir(tmp_path / "data" / "cifar-10-batches-bin")) == [LOCK_NAME]
    assert os.listdir(outside) == []


def test_a_record_file_named_dot_dot_is_a_path_never_a_name_to_fetch(tmp_path):
    with pytest.raises(DataSourceError, match=r"^\.\.: not there \(a record file given by path\)"):
        read_cifar10(tmp_path / "data", train_files=[".."], test_files=[".."], source_url=None)
    assert not (tmp_path / "data").exists()
