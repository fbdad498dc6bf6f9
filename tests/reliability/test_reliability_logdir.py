"""One owner per log directory, and a run that exists once it has something to resume, with
real processes of the installed `tf1-tutorials`.

Two runs on one log directory, two resumes of one run, a cluster into a run (running or done):
the second process is refused in one line naming the directory and the owner's pid, and the
owner's files are unchanged. A run killed before its first checkpoint leaves a folder the next
plain run reuses (and says so); SIGHUP checkpoints as SIGTERM does; resuming a finished run changes
nothing; a refused run leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from data_support import real_data_root

from tf1_tutorials.training.logdir_lock import LOCK_FILE

CLI = str(Path(sys.executable).with_name("tf1-tutorials"))
LONG = ["--steps", "100000000", "--checkpoint-every", "0", "--no-progress"]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    return {
        **os.environ,
        "TF1_TUTORIALS_DATA": str(real_data_root()),
        "TF1_TUTORIALS_DATA_DIR": str(tmp_path_factory.mktemp("data")),
    }


def cli(*args, env, cwd, timeout=300):
    return subprocess.run(
        [CLI, *map(str, args)], env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def _signals_as_at_a_terminal() -> None:
    # Under nohup (or any parent that ignores them) SIGHUP and SIGINT arrive ignored, and a run
    # keeps an ignored signal ignored, as it should; a run started from a terminal has neither.
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(*args, env, cwd) -> subprocess.Popen:
    return subprocess.Popen(
        [CLI, *map(str, args)],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_signals_as_at_a_terminal,
    )


def wait_training(
    process: subprocess.Popen, logdir: Path, events: int = 1, timeout: float = 300
) -> None:
    """Until the run has begun training (the ``events``-th events file is there)."""
    deadline = time.monotonic() + timeout
    while len(list(logdir.glob("events.out.tfevents.*"))) < events:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "training did not start"
        time.sleep(0.1)
    time.sleep(1.0)  # a few steps in


def one_error(done, status: int) -> str:
    assert done.returncode == status, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    [line] = [line for line in done.stderr.splitlines() if " error: " in line]
    return line


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.name != LOCK_FILE
    }


def test_two_runs_two_resumes_and_a_cluster_on_one_logdir_are_refused_while_it_is_owned(
    tmp_path, env
):
    logdir = tmp_path / "run"
    owner = start("run", "softmax", "--seed", 3, "--logdir", logdir, *LONG, env=env, cwd=tmp_path)
    wait_training(owner, logdir)
    said = f"--logdir {logdir}: in use by another run (pid {owner.pid})"
    second = cli("run", "softmax", "--steps", 5, "--logdir", logdir, env=env, cwd=tmp_path)
    assert said in one_error(second, 1)
    resume = cli("run", "softmax", "--resume", "--logdir", logdir, env=env, cwd=tmp_path)
    assert said in one_error(resume, 1)
    cluster = cli("cluster", "run", "softmax", "--logdir", logdir, env=env, cwd=tmp_path)
    assert said in one_error(cluster, 1)
    assert not (logdir / "tasks").exists()  # no cluster task was started
    owner.send_signal(signal.SIGINT)
    out, err = owner.communicate(timeout=120)
    assert owner.returncode == 130, err
    assert "checkpoint saved" in out
    assert not (logdir / LOCK_FILE).exists()  # let go

    # Two resumes at once: the first owns it, and SIGHUP (a closed terminal) checkpoints it.
    first = start("run", "softmax", "--resume", *LONG, "--logdir", logdir, env=env, cwd=tmp_path)
    wait_training(first, logdir, events=2)
    other = cli("run", "softmax", "--resume", "--logdir", logdir, env=env, cwd=tmp_path)
    assert f"in use by another run (pid {first.pid})" in one_error(other, 1)
    first.send_signal(signal.SIGHUP)
    out, err = first.communicate(timeout=120)
    assert first.returncode == 128 + signal.SIGHUP, err
    assert "stopped by SIGHUP" in out and "checkpoint saved" in out
    assert "Traceback" not in err
    steps = sorted(int(p.name.split("-")[1].split(".")[0]) for p in logdir.glob("*.index"))
    assert len(steps) == 2  # the first run's checkpoint and the resumed one's, later

    # A cluster into a directory holding a run follows `run`'s rule.
    before = snapshot(logdir)
    cluster = cli("cluster", "run", "softmax", "--logdir", logdir, env=env, cwd=tmp_path)
    assert "already holds another run's files" in one_error(cluster, 1)
    assert snapshot(logdir) == before and not (logdir / "tasks").exists()


def test_a_finished_run_resumed_is_said_finished_and_left_as_it_was(tmp_path, env):
    logdir = tmp_path / "done"
    done = cli(
        "run", "softmax", "--steps", 5, "--seed", 1, "--logdir", logdir, env=env, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    before = snapshot(logdir)
    again = cli("run", "softmax", "--resume", "--logdir", logdir, env=env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "the run there is finished" in again.stdout and "result.json unchanged" in again.stdout
    assert "tensorflow" not in again.stderr.lower()  # answered before TensorFlow was imported
    assert snapshot(logdir) == before
    for args in (["run", "softmax", "--steps", 5], ["cluster", "run", "softmax"]):
        refused = cli(*args, "--logdir", logdir, env=env, cwd=tmp_path)
        assert "already holds a softmax run" in one_error(refused, 1)
    assert snapshot(logdir) == before


def test_a_run_killed_before_its_first_checkpoint_leaves_a_folder_the_next_run_reuses(
    tmp_path, env
):
    logdir = tmp_path / "killed"
    victim = start("run", "softmax", "--seed", 2, "--logdir", logdir, *LONG, env=env, cwd=tmp_path)
    wait_training(victim, logdir)
    victim.kill()
    victim.communicate(timeout=60)
    assert (logdir / "run.json").exists() and not list(logdir.glob("model.ckpt-*"))
    resume = cli("run", "softmax", "--resume", "--logdir", logdir, env=env, cwd=tmp_path)
    assert f"no checkpoint in {logdir}" in one_error(resume, 1)
    again = cli("run", "softmax", "--steps", 5, "--logdir", logdir, env=env, cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "stopped before its first checkpoint" in again.stdout
    assert json.loads((logdir / "result.json").read_text())["steps"] == 5


def test_a_refused_run_leaves_nothing_behind(tmp_path, env):
    data = tmp_path / "data"
    data.mkdir()
    (data / "train-images-idx3-ubyte.gz").write_bytes(b"not an archive")
    broken = {**env, "TF1_TUTORIALS_DATA": str(tmp_path / "no-source")}
    logdir = tmp_path / "refused"
    done = cli(
        "run", "softmax", "--steps", 5, "--data-dir", data, "--logdir", logdir,
        env=broken, cwd=tmp_path,
    )  # fmt: skip
    one_error(done, 1)
    assert not logdir.exists()
    existing = tmp_path / "mine"
    existing.mkdir()
    (existing / "notes.txt").write_text("kept\n")
    done = cli(
        "run", "softmax", "--steps", 5, "--data-dir", data, "--logdir", existing,
        env=broken, cwd=tmp_path,
    )  # fmt: skip
    one_error(done, 1)
    assert sorted(p.name for p in existing.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize("kind", ["symlink", "hardlink", "user file"])
def test_a_lock_file_a_run_did_not_leave_is_refused_and_left_as_it_was(tmp_path, env, kind):
    theirs = tmp_path / "p.txt"
    theirs.write_text("the user's own notes\n")
    logdir = tmp_path / "r"
    logdir.mkdir()
    lock = logdir / LOCK_FILE
    if kind == "symlink":
        lock.symlink_to(Path("..") / "p.txt")
    elif kind == "hardlink":
        os.link(theirs, lock)
    else:
        lock.write_text("not a pid, but what the user wrote\n")
    done = cli("run", "softmax", "--steps", 5, "--logdir", logdir, env=env, cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    first = done.stderr.splitlines()[0]
    assert f"--logdir {logdir}: {LOCK_FILE} there is" in first and "Traceback" not in done.stderr
    assert theirs.read_text() == "the user's own notes\n"
    if kind == "user file":
        assert lock.read_text() == "not a pid, but what the user wrote\n"
