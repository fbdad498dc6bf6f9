"""A training run stopped by SIGTERM or Ctrl-C (SIGINT) mid-way: it saves a checkpoint at the step
it reached and exits cleanly (status 128 + the signal, one line on stderr, no traceback); the last
checkpoint is valid, and ``--resume`` continues from it to the total asked for.

The runs are ``tf1-tutorials run softmax`` in a subprocess, on the real MNIST (TF1_TUTORIALS_DATA)
copied into a private data directory. The default suite interrupts with each signal and resumes
the SIGTERM run; ``TF1_TUTORIALS_STRESS=1`` (``make stress``) runs three rounds of each, the signal
sent at a random moment up to 2 s after the first checkpoint (saves come five times a second, so
some land on one), resumes every run, interrupts a resumed run once more, and presses Ctrl-C twice
in a row once. (A NaN loss is reported as divergence: the accuracy suite's
softmax-lr0.03-1000 entry asserts ``diverged``.)
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from data_support import real_data_root
from reliability_support import STRESS, count

CHECKPOINT_EVERY = 200


def _sigint_as_at_a_terminal() -> None:
    # A suite started in the background (`cmd &`, nohup) inherits SIGINT ignored, and a run rightly
    # leaves an ignored SIGINT ignored; the run under test stands for one started at a terminal.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def start(logdir: Path, steps: int, env: dict, *extra: str) -> tuple[subprocess.Popen, Path]:
    command = [sys.executable, "-m", "tf1_tutorials.cli", "run", "softmax", "--logdir", str(logdir)]
    command += ["--steps", str(steps), "--checkpoint-every", str(CHECKPOINT_EVERY)]
    command += ["--no-progress", "--seed", "3", *extra]
    output = logdir.parent / f"{logdir.name}-{len(list(logdir.parent.glob('*.out')))}.out"
    with open(output, "w") as out:  # a file, not a pipe: TensorFlow's logging cannot block it
        process = subprocess.Popen(
            command,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            preexec_fn=_sigint_as_at_a_terminal,
        )
    return process, output


def latest_checkpoint(logdir: Path) -> tuple[int, Path] | None:
    """(step, path prefix) the checkpoint state file names, if it is there and its files are."""
    state = logdir / "checkpoint"
    if not state.is_file():
        return None
    found = re.search(r'^model_checkpoint_path: "(.*)"$', state.read_text(), re.MULTILINE)
    if found is None:
        return None
    prefix = Path(found.group(1))
    prefix = prefix if prefix.is_absolute() else logdir / prefix
    return int(prefix.name.rsplit("-", 1)[1]), prefix


def interrupt(logdir: Path, env: dict, signum: int, delay: float = 0, twice=False) -> int:
    """Start a long run, signal it ``delay`` s after a checkpoint exists (``twice``: two signals in
    a row); return the step it stopped at."""
    process, output = start(logdir, 200_000, env)
    try:
        deadline = time.monotonic() + 300
        while latest_checkpoint(logdir) is None:
            assert process.poll() is None, output.read_text()[-3000:]
            assert time.monotonic() < deadline, "no checkpoint within 300 s"
            time.sleep(0.1)
        time.sleep(delay)
        process.send_signal(signum)
        if twice:
            time.sleep(0.01)
            process.send_signal(signum)
        code = process.wait(timeout=120)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    text = output.read_text()
    name = signal.Signals(signum).name
    assert code == 128 + signum, text[-3000:]
    assert "Traceback" not in text, text[-3000:]
    assert f"tf1-tutorials run: stopped by {name}" in text
    how = "stopped by SIGTERM" if signum == signal.SIGTERM else "interrupted"
    stopped = re.search(rf"^{how} at step (\d+); checkpoint saved in (.*) \(--resume", text, re.M)
    assert stopped is not None and Path(stopped.group(2)) == logdir, text[-3000:]
    step = int(stopped.group(1))

    # The last checkpoint is the one saved on the way out, whole.
    checkpoint = latest_checkpoint(logdir)
    assert checkpoint is not None and checkpoint[0] == step
    prefix = checkpoint[1]
    for suffix in (".index", ".data-00000-of-00001", ".meta"):
        assert Path(f"{prefix}{suffix}").stat().st_size > 0
    assert not [p for p in os.listdir(logdir) if "_temp" in p]  # no half-written save
    assert not (logdir / "result.json").exists()
    count("stress", "interrupted training", f"stopped by {name}, exit {code}, checkpoint valid")
    return step


def resume(logdir: Path, env: dict, from_step: int) -> None:
    total = from_step + 150
    process, output = start(logdir, total, env, "--resume")
    code = process.wait(timeout=600)
    text = output.read_text()
    assert code == 0, text[-3000:]
    assert (
        f"resumed from {logdir / f'model.ckpt-{from_step}'} at step {from_step} of {total}" in text
    )
    record = json.loads((logdir / "result.json").read_text())
    assert record["steps"] == total and record["start_step"] == from_step
    assert record["steps_trained"] == total - from_step and not record["diverged"]
    assert 0.8 < record["test_accuracy"] <= 1.0
    count("stress", "interrupted training", "resumed to the total asked for")


@pytest.fixture
def env(tmp_path):
    return {
        **os.environ,
        "TF1_TUTORIALS_DATA": str(real_data_root()),
        "TF1_TUTORIALS_DATA_DIR": str(tmp_path / "data"),
    }


ROUNDS = 3 if STRESS else 1


def delay(round_: int) -> float:
    return random.Random(round_).uniform(0, 2) if round_ else 0.0


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_sigterm_mid_run_saves_a_valid_checkpoint_and_resume_finishes(tmp_path, env, round_):
    logdir = tmp_path / "run"
    step = interrupt(logdir, env, signal.SIGTERM, delay(round_))
    resume(logdir, env, step)
    if STRESS and round_ == 0:  # a resumed run stopped again, and resumed again
        (logdir / "result.json").unlink()
        step = interrupt_resumed(logdir, env)
        resume(logdir, env, step)


def interrupt_resumed(logdir: Path, env: dict) -> int:
    before = latest_checkpoint(logdir)[0]
    process, output = start(logdir, 200_000, env, "--resume")
    deadline = time.monotonic() + 300
    while latest_checkpoint(logdir)[0] == before:
        assert process.poll() is None and time.monotonic() < deadline, output.read_text()[-3000:]
        time.sleep(0.1)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=120) == 128 + signal.SIGTERM
    step = latest_checkpoint(logdir)[0]
    assert step > before
    count("stress", "interrupted training", "resumed run stopped again")
    return step


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_ctrl_c_mid_run_saves_a_valid_checkpoint(tmp_path, env, round_):
    logdir = tmp_path / "run"
    step = interrupt(logdir, env, signal.SIGINT, delay(round_), twice=round_ == 2)
    if STRESS:
        resume(logdir, env, step)
