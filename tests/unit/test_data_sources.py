"""Where files come from: the data directory, the local source, mirrors on 127.0.0.1, an archive.

Every download here goes to a server the test itself starts on 127.0.0.1: a test must not depend on
the public mirrors or on having internet access at all.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import subprocess
import sys
import tarfile
import textwrap
from pathlib import Path

import numpy as np
import pytest
from data_support import closed_port_url, real_data_root, serving

from tf1_tutorials.data import DataSourceError, default_data_dir, read_data_sets
from tf1_tutorials.data import mnist as mnist_module
from tf1_tutorials.data.sources import ArchiveSpec, FileSpec, fetch, source_error

PAYLOAD = b"the published payload\n" * 100


def spec(name: str = "a.bin.gz", payload: bytes = PAYLOAD, gz: bool = True) -> FileSpec:
    return FileSpec(name, "sha256", hashlib.sha256(payload).hexdigest(), gzip=gz)


@pytest.fixture(autouse=True)
def no_proxy_and_no_local_source(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.delenv("TF1_TUTORIALS_DATA", raising=False)


def leftovers(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith(".part"))


def test_default_data_dir_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("TF1_TUTORIALS_DATA_DIR", str(tmp_path))
    assert default_data_dir("mnist") == tmp_path / "mnist"
    monkeypatch.delenv("TF1_TUTORIALS_DATA_DIR")
    assert default_data_dir("cifar10") == Path.home() / ".cache" / "tf1-tutorials" / "cifar10"


def test_a_good_file_in_the_directory_is_used_and_nothing_is_written(tmp_path):
    (tmp_path / "a.bin.gz").write_bytes(gzip.compress(PAYLOAD))
    before = sorted(os.listdir(tmp_path))
    payloads, failures = fetch([spec()], tmp_path, local_dir=None, urls=[closed_port_url()])
    assert payloads == {"a.bin.gz": PAYLOAD} and failures == {}
    assert sorted(os.listdir(tmp_path)) == before  # no lock file, no temporary


def test_a_missing_file_is_copied_from_the_local_source(tmp_path, capsys):
    source, target = tmp_path / "source", tmp_path / "target"
    source.mkdir()
    (source / "a.bin.gz").write_bytes(gzip.compress(PAYLOAD, compresslevel=1))
    payloads, failures = fetch([spec()], target, local_dir=source)
    assert payloads["a.bin.gz"] == PAYLOAD and not failures
    assert (target / "a.bin.gz").read_bytes() == (source / "a.bin.gz").read_bytes()
    assert "copied a.bin.gz from" in capsys.readouterr().err


def test_a_bad_file_is_replaced_and_a_bad_local_copy_passed_over_for_a_mirror(tmp_path, capsys):
    source, target = tmp_path / "source", tmp_path / "target"
    source.mkdir()
    target.mkdir()
    (target / "a.bin.gz").write_bytes(gzip.compress(PAYLOAD[:-1] + b"!"))
    (source / "a.bin.gz").write_bytes(b"not gzip at all")
    with serving() as mirror:
        mirror.add("/m/a.bin.gz", gzip.compress(PAYLOAD))
        payloads, failures = fetch([spec()], target, local_dir=source, urls=[mirror.url + "/m/"])
    assert payloads["a.bin.gz"] == PAYLOAD and not failures
    assert gzip.decompress((target / "a.bin.gz").read_bytes()) == PAYLOAD
    err = capsys.readouterr().err
    assert "(not the published file); fetching a good copy" in err
    assert "downloaded a.bin.gz" in err
    assert leftovers(target) == []


def test_mirrors_are_tried_in_order_and_a_wrong_payload_is_never_kept(tmp_path):
    with serving() as mirror:
        mirror.add("/two/a.bin.gz", gzip.compress(b"something else"))
        mirror.add("/three/a.bin.gz", gzip.compress(PAYLOAD))
        urls = [f"{mirror.url}/one/", f"{mirror.url}/two", f"{mirror.url}/three/"]
        payloads, failures = fetch([spec()], tmp_path, local_dir=None, urls=urls)
        assert mirror.requests == ["/one/a.bin.gz", "/two/a.bin.gz", "/three/a.bin.gz"]
    assert payloads["a.bin.gz"] == PAYLOAD and not failures
    assert leftovers(tmp_path) == []


def test_content_encoding_gzip_is_undone_by_the_client_and_the_file_stored_gzipped(tmp_path):
    with serving() as mirror:
        mirror.add("/a.bin.gz", gzip.compress(PAYLOAD), **{"Content-Encoding": "gzip"})
        payloads, failures = fetch([spec()], tmp_path, local_dir=None, urls=[mirror.url])
    assert payloads["a.bin.gz"] == PAYLOAD and not failures
    assert gzip.decompress((tmp_path / "a.bin.gz").read_bytes()) == PAYLOAD


def test_when_every_source_fails_the_error_names_files_directory_sources_and_variable(tmp_path):
    with serving() as mirror:
        mirror.add("/a.bin.gz", gzip.compress(b"wrong"))
        dead = closed_port_url("/")
        payloads, failures = fetch(
            [spec(), spec("b.bin.gz")],
            tmp_path,
            local_dir=tmp_path / "nowhere",
            urls=[mirror.url, dead],
        )
    assert payloads == {} and set(failures) == {"a.bin.gz", "b.bin.gz"}
    message = str(source_error(failures, tmp_path, "MNIST"))
    assert message.startswith(f"no good copy of a.bin.gz, b.bin.gz could be had for {tmp_path}:")
    assert f"{tmp_path}/a.bin.gz: not there" in message
    assert f"{tmp_path}/nowhere/a.bin.gz: not there (local source, TF1_TUTORIALS_DATA)" in message
    assert f"{mirror.url}/a.bin.gz: sha256 of the decompressed content is" in message
    assert f"{mirror.url}/b.bin.gz: HTTPError: 404" in message
    assert f"{dead}a.bin.gz: ConnectionError" in message
    assert "set TF1_TUTORIALS_DATA to a folder laid out as mnist/" in message
    assert leftovers(tmp_path) == []


def test_the_local_source_directory_itself_is_never_written(tmp_path, monkeypatch):
    (tmp_path / "b.bin.gz").write_bytes(gzip.compress(PAYLOAD))
    before = sorted(os.listdir(tmp_path))
    with serving() as mirror:
        mirror.add("/a.bin.gz", gzip.compress(PAYLOAD))
        payloads, failures = fetch(
            [spec(), spec("b.bin.gz")], tmp_path, local_dir=tmp_path, urls=[mirror.url]
        )
        assert mirror.requests == []
    assert set(payloads) == {"b.bin.gz"}
    assert (
        "it is the local source (TF1_TUTORIALS_DATA), never written to" in failures["a.bin.gz"][-1]
    )
    assert sorted(os.listdir(tmp_path)) == before


def test_an_archive_is_downloaded_once_verified_and_only_wanted_members_kept(tmp_path):
    members = {"x.bin": b"x" * 1000, "y.bin": b"y" * 1000, "z.bin": b"z" * 1000}
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in members.items():
            info = tarfile.TarInfo(f"batches/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    archive_bytes = buffer.getvalue()
    good = ArchiveSpec(
        "t.tar.gz",
        "md5",
        hashlib.md5(archive_bytes).hexdigest(),
        "batches",
        frozenset(members) | {"w.bin"},
    )
    specs = [spec(name, data, gz=False) for name, data in members.items() if name != "z.bin"]
    specs.append(spec("w.bin", b"w", gz=False))  # the archive lacks it
    with serving() as mirror:
        mirror.add("/bad.tar.gz", archive_bytes + b"tampered")
        mirror.add("/t.tar.gz", archive_bytes)
        urls = [f"{mirror.url}/bad.tar.gz", f"{mirror.url}/t.tar.gz"]
        payloads, failures = fetch(specs, tmp_path, local_dir=None, archive=(good, urls))
        assert mirror.requests == ["/bad.tar.gz", "/t.tar.gz"]
    assert payloads == {"x.bin": members["x.bin"], "y.bin": members["y.bin"]}
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == [
        "x.bin",
        "y.bin",
    ]
    assert any("(not the published archive)" in a for a in failures["w.bin"])
    assert failures["w.bin"][-1] == f"{mirror.url}/t.tar.gz: the archive has no batches/w.bin"
    assert leftovers(tmp_path) == []


def test_concurrent_readers_of_one_directory_download_once(tmp_path):
    """Two processes fetching into one directory: the lock makes the later find the first's copy."""
    with serving() as mirror:
        mirror.delay = 1.0
        mirror.add("/a.bin.gz", gzip.compress(PAYLOAD))
        code = textwrap.dedent(
            f"""
            import hashlib, sys
            from pathlib import Path
            from tf1_tutorials.data.sources import FileSpec, fetch
            digest = {hashlib.sha256(PAYLOAD).hexdigest()!r}
            spec = FileSpec("a.bin.gz", "sha256", digest, gzip=True)
            payloads, failures = fetch([spec], Path({str(tmp_path)!r}), local_dir=None,
                                       urls=[{mirror.url!r}])
            sys.exit(0 if payloads and not failures else 1)
            """
        )
        env = {**os.environ, "NO_PROXY": "127.0.0.1", "no_proxy": "127.0.0.1"}
        procs = [subprocess.Popen([sys.executable, "-c", code], env=env) for _ in range(2)]
        assert [p.wait(timeout=120) for p in procs] == [0, 0]
        assert mirror.requests == ["/a.bin.gz"]


def test_read_data_sets_downloads_real_mnist_from_a_mirror_with_other_gzip_wrappers(tmp_path):
    source = real_data_root() / "mnist"
    with serving() as mirror:
        for name in ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz",
                     "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):  # fmt: skip
            payload = gzip.decompress((source / name).read_bytes())
            mirror.add(f"/second/{name}", gzip.compress(payload, compresslevel=1, mtime=1))
        data = read_data_sets(
            tmp_path, source_url=[f"{mirror.url}/first/", f"{mirror.url}/second/"], dtype=np.uint8
        )
        assert len(mirror.requests) == 8  # each file: a 404 on the first mirror, then the second
    assert data.train.num_examples == 55000 and data.test.labels[:3].tolist() == [7, 2, 1]
    for name in ("train-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"):
        stored = (tmp_path / name).read_bytes()
        assert stored != (source / name).read_bytes()  # the mirror's wrapper, kept as downloaded
        assert gzip.decompress(stored) == gzip.decompress((source / name).read_bytes())


def test_the_default_source_url_means_every_public_mirror_in_order():
    assert mnist_module.DEFAULT_SOURCE_URL == "https://storage.googleapis.com/cvdf-datasets/mnist/"
    assert mnist_module._mirrors(mnist_module.DEFAULT_SOURCE_URL) == mnist_module.MIRRORS
    assert mnist_module.MIRRORS[0] == mnist_module.DEFAULT_SOURCE_URL
    assert mnist_module._mirrors("http://example/") == ("http://example/",)


def test_data_source_error_is_an_oserror_and_reading_never_imports_tensorflow(tmp_path):
    assert issubclass(DataSourceError, OSError)
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, tf1_tutorials.data; print('tensorflow' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.stdout.strip() == "False", result.stderr
