"""Cut and damaged downloads: whatever a mirror does, the data directory only ever holds what it
held before or a verified file, and the next attempt succeeds from a good mirror.

Every mirror is a server the test starts on 127.0.0.1 (data_support.Mirror) that misbehaves on
purpose: it drops or resets the connection at a random offset, stalls, announces a wrong
Content-Length, alters a byte, sends a well-formed gzip of other content, a web page or a 503.
CI runs one round per kind of fault (two cut attempts a round); ``TF1_TUTORIALS_STRESS=1``
(``make stress``) runs 30 rounds (60 cut attempts) at random offsets.
"""

from __future__ import annotations

import gzip
import hashlib
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from data_support import FAULT_KINDS, Fault, serving
from reliability_support import STRESS, count

from tf1_tutorials.data import sources
from tf1_tutorials.data.sources import LOCK_NAME, FileSpec, fetch

GOOD_PAYLOAD = random.Random(1).randbytes(200_000)
NEW_PAYLOAD = random.Random(2).randbytes(700_000)  # random: its gzip is as long, many TCP segments
GOOD = FileSpec("good.bin.gz", "sha256", hashlib.sha256(GOOD_PAYLOAD).hexdigest(), gzip=True)
NEW = FileSpec("new.bin.gz", "sha256", hashlib.sha256(NEW_PAYLOAD).hexdigest(), gzip=True)
NEW_BODY = gzip.compress(NEW_PAYLOAD, compresslevel=1, mtime=0)
CUT_ROUNDS = 30 if STRESS else len(FAULT_KINDS)
TIMEOUT = "0.5"  # seconds a stalled download waits


@pytest.fixture(autouse=True)
def hermetic(monkeypatch):
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.delenv("TF1_TUTORIALS_DATA", raising=False)
    monkeypatch.setenv("TF1_TUTORIALS_DOWNLOAD_TIMEOUT", TIMEOUT)


def snapshot(path: Path):
    """What a later look can tell apart: bytes, inode and modification time."""
    stat = path.stat()
    return path.read_bytes(), stat.st_ino, stat.st_mtime_ns


def names(directory: Path) -> set[str]:
    return {p.name for p in directory.iterdir()}


def test_a_cut_download_leaves_nothing_and_the_next_attempt_succeeds(tmp_path):
    directory = tmp_path / "data"
    directory.mkdir()
    (directory / GOOD.name).write_bytes(gzip.compress(GOOD_PAYLOAD))
    good_before = snapshot(directory / GOOD.name)
    kinds_seen = set()
    with serving() as mirror:
        mirror.add(f"/bad/{NEW.name}", NEW_BODY)
        mirror.add(f"/good/{NEW.name}", NEW_BODY)
        bad, good = f"{mirror.url}/bad/", f"{mirror.url}/good/"
        for round_ in range(CUT_ROUNDS):
            rng = random.Random(round_)
            # Odd rounds start with a damaged copy of the file in place (the user's, say).
            damaged = round_ % 2 == 1
            if damaged:
                (directory / NEW.name).write_bytes(NEW_BODY[: rng.randrange(len(NEW_BODY))])
            before = snapshot(directory / NEW.name) if damaged else None

            # Attempt 1: the only mirror misbehaves.
            kind = FAULT_KINDS[round_ % len(FAULT_KINDS)]
            fault = Fault(kind, rng.randrange(len(NEW_BODY)))
            mirror.fail(f"/bad/{NEW.name}", fault)
            started = time.monotonic()
            payloads, failures = fetch([GOOD, NEW], directory, local_dir=None, urls=[bad])
            assert time.monotonic() - started < 20, f"{fault} was not given up in time"
            assert payloads == {GOOD.name: GOOD_PAYLOAD}, fault
            assert list(failures) == [NEW.name] and failures[NEW.name][-1].startswith(bad), failures
            check_directory(directory, good_before, NEW.name, before, fault)
            kinds_seen.add(kind)
            count("stress", "cut downloads", "cut attempts")

            # Attempt 2: the same mirror misbehaves again, a good one follows.
            fault = Fault(rng.choice(FAULT_KINDS), rng.randrange(len(NEW_BODY)))
            mirror.fail(f"/bad/{NEW.name}", fault)
            payloads, failures = fetch([GOOD, NEW], directory, local_dir=None, urls=[bad, good])
            assert failures == {} and payloads == {GOOD.name: GOOD_PAYLOAD, NEW.name: NEW_PAYLOAD}
            assert gzip.decompress((directory / NEW.name).read_bytes()) == NEW_PAYLOAD
            check_directory(directory, good_before, NEW.name, None, fault, stored=True)
            count("stress", "cut downloads", "cut attempts")
            count("stress", "cut downloads", "recovered from the good mirror")
            (directory / NEW.name).unlink()
        assert all(not queue for queue in mirror.faults.values())  # every fault was served
        assert len(mirror.served_faults) == 2 * CUT_ROUNDS
    assert kinds_seen == set(FAULT_KINDS)


def check_directory(directory, good_before, name, before, fault, stored=False):
    """The good file untouched, ``name`` as it was before or (``stored``) verified, nothing else."""
    partial = [p for p in directory.iterdir() if p.name.endswith(".part")]
    count("stress", "cut downloads", "partial files left", len(partial))
    assert partial == [], fault
    changed = snapshot(directory / GOOD.name) != good_before
    count("stress", "cut downloads", "good files changed", int(changed))
    assert not changed, fault
    expected = {GOOD.name, LOCK_NAME} | ({name} if stored or before is not None else set())
    assert names(directory) == expected, fault
    if before is not None:
        kept = snapshot(directory / name) == before
        count("stress", "cut downloads", "damaged files kept as they were", int(kept))
        assert kept, f"{fault}: the file in place was replaced by an unverified one"
    if stored:
        assert sources.load(directory / name, NEW) == NEW_PAYLOAD
    count("stress", "cut downloads", "unverified files under a final name", 0)


def test_a_stalled_download_is_given_up_after_the_timeout(tmp_path, monkeypatch):
    monkeypatch.setenv("TF1_TUTORIALS_DOWNLOAD_TIMEOUT", "0.3")
    with serving() as mirror:
        mirror.add(f"/{NEW.name}", NEW_BODY)
        mirror.fail(f"/{NEW.name}", Fault("stall", 1000), Fault("stall", 0))
        for _ in range(2):
            started = time.monotonic()
            payloads, failures = fetch([NEW], tmp_path, local_dir=None, urls=[mirror.url])
            assert time.monotonic() - started < 10
            assert payloads == {} and "timed out" in failures[NEW.name][-1].lower()
    assert names(tmp_path) == {LOCK_NAME}


def test_the_download_timeout_has_a_default_and_refuses_nonsense(monkeypatch):
    monkeypatch.delenv("TF1_TUTORIALS_DOWNLOAD_TIMEOUT")
    assert sources.download_timeout() == sources.DOWNLOAD_TIMEOUT_SECONDS == 60
    monkeypatch.setenv("TF1_TUTORIALS_DOWNLOAD_TIMEOUT", "2.5")
    assert sources.download_timeout() == 2.5
    for bad in ("0", "-1", "nan", "inf", "soon"):
        monkeypatch.setenv("TF1_TUTORIALS_DOWNLOAD_TIMEOUT", bad)
        with pytest.raises(ValueError, match=f"TF1_TUTORIALS_DOWNLOAD_TIMEOUT='{bad}': expected"):
            sources.download_timeout()


def test_a_fetch_killed_mid_download_leaves_a_temporary_the_next_fetch_removes(tmp_path, capsys):
    directory = tmp_path / "data"
    code = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        from tf1_tutorials.data.sources import FileSpec, fetch
        spec = FileSpec("new.bin.gz", "sha256", sys.argv[2], gzip=True)
        fetch([spec], Path(sys.argv[1]), local_dir=None, urls=[sys.argv[3]])
        """
    )
    with serving() as mirror:
        mirror.add(f"/{NEW.name}", NEW_BODY)
        mirror.fail(f"/{NEW.name}", Fault("stall", len(NEW_BODY) // 2, seconds=60))
        env = {**os.environ, "TF1_TUTORIALS_DOWNLOAD_TIMEOUT": "60"}
        child = subprocess.Popen(
            [sys.executable, "-c", code, str(directory), NEW.digest, mirror.url], env=env
        )
        try:
            deadline = time.monotonic() + 60
            while not list(directory.glob("*.part")) or mirror.served_faults == []:
                assert child.poll() is None and time.monotonic() < deadline
                time.sleep(0.05)
            time.sleep(0.2)
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
        left = [p.name for p in directory.iterdir() if p.name != LOCK_NAME]
        assert len(left) == 1 and left[0].startswith(f".{NEW.name}.") and left[0].endswith(".part")
        capsys.readouterr()

        payloads, failures = fetch([NEW], directory, local_dir=None, urls=[mirror.url])
    assert failures == {} and payloads == {NEW.name: NEW_PAYLOAD}
    assert names(directory) == {NEW.name, LOCK_NAME}
    assert f"removed {directory / left[0]}, left by an interrupted fetch" in capsys.readouterr().err
    count("stress", "killed fetches", "temporaries left, then removed", 1)
