"""The result record of one run, written as ``result.json`` in the run's log directory.

It carries everything needed to rerun and judge the run: the variant, its full config, the seed, the
final test accuracy and how many test images it was measured on, the loss curve, the steps, the wall
times, whether training diverged, and the software and machine it ran on.

``run.json``, written before training starts, says which run a log directory holds (variant, config,
seed), so that ``--resume`` continues that run and nothing else, and a new run never writes into
it. Checkpoints are found by their names in the log directory, wherever it has been moved or copied.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import platform
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tf1_tutorials.errors import write_atomically

RESULT_FILE = "result.json"
RUN_FILE = "run.json"
CHECKPOINT_NAME = "model.ckpt"
CHECKPOINT_STATE = "checkpoint"  # TensorFlow's index of the checkpoints, kept for TensorBoard
_CHECKPOINT_INDEX = re.compile(re.escape(CHECKPOINT_NAME) + r"-(\d+)\.index")


@dataclass
class Outcome:
    """What a training loop reports back; the runner adds the rest of the record."""

    test_accuracy: float | None
    test_images: int
    loss_curve: list[tuple[int, float]]  # (step, training loss at that step)
    steps: int
    train_seconds: float
    diverged: bool = False
    extra: dict = field(default_factory=dict)


def cpu_model() -> str:
    """The CPU's model name (from /proc/cpuinfo on Linux), else what ``platform`` knows."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def software_versions(framework_versions: dict[str, str]) -> dict[str, str]:
    return {
        **framework_versions,
        "numpy": np.__version__,
        "python": platform.python_version(),
    }


def make_record(
    variant: str,
    config,
    seed: int | None,
    outcome: Outcome,
    total_seconds: float,
    framework_versions: dict[str, str],
    dataset: str | None = None,
    data_dir=None,
) -> dict:
    """The record of a finished run, from its loop's :class:`Outcome` (the runner and the
    cluster's chief both write theirs with it)."""
    config_dict = dataclasses.asdict(config) if dataclasses.is_dataclass(config) else dict(config)
    return {
        "variant": variant,
        "config": config_dict,
        "seed": seed,
        "test_accuracy": outcome.test_accuracy,
        "test_images": outcome.test_images,
        "loss_curve": [[int(s), _json_float(v)] for s, v in outcome.loss_curve],
        "steps": outcome.steps,
        "train_seconds": round(outcome.train_seconds, 3),
        "total_seconds": round(total_seconds, 3),
        "diverged": outcome.diverged,
        **outcome.extra,
        "dataset": dataset,
        "data_dir": None if data_dir is None else str(data_dir),
        "versions": software_versions(framework_versions),
        "cpu": cpu_model(),
        "platform": platform.platform(),
        "command": sys.argv,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
    }


def _json_float(value: float) -> float | str:
    """Floats as JSON numbers; NaN and infinities as the strings "nan", "inf", "-inf"."""
    value = float(value)
    if np.isfinite(value):
        return value
    return str(value)


def write(record: dict, logdir: str | Path) -> Path:
    """``result.json`` in ``logdir``, written whole or not at all."""
    path = Path(logdir) / RESULT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomically(path, json.dumps(record, indent=2) + "\n")
    return path


def write_run(logdir: Path, variant: str, config, seed: int, deterministic: bool) -> Path:
    """``run.json``: the run this log directory holds, as its checkpoints were made."""
    config_dict = dataclasses.asdict(config) if dataclasses.is_dataclass(config) else dict(config)
    run = {"variant": variant, "config": config_dict, "seed": seed, "deterministic": deterministic}
    path = Path(logdir) / RUN_FILE
    write_atomically(path, json.dumps(run, indent=2) + "\n")
    return path


def read_run(logdir: Path) -> dict | None:
    """The run ``logdir`` holds (from ``run.json``, else from a ``result.json`` written before
    there were run files); None when it holds neither. ValueError when the file is not JSON."""
    for name in (RUN_FILE, RESULT_FILE):
        path = Path(logdir) / name
        if path.is_file():
            try:
                return json.loads(path.read_text())
            except json.JSONDecodeError as err:
                raise ValueError(f"{path}: not valid JSON ({err.msg}, line {err.lineno})") from None
    return None


def holds_a_run(logdir: Path) -> bool:
    """Whether ``logdir`` holds a run: something to resume (a checkpoint) or its result. A
    ``run.json`` alone is a run that ended before its first checkpoint (:func:`abandoned`)."""
    logdir = Path(logdir)
    if not logdir.is_dir():
        return False
    names = (RESULT_FILE, CHECKPOINT_STATE)
    return any((logdir / name).exists() for name in names) or bool(checkpoint_steps(logdir))


def abandoned(logdir: Path) -> bool:
    """Whether ``logdir`` holds the ``run.json`` of a run that ended before it had anything to
    resume (asked under the log directory's lock, so that run is not still going)."""
    return (Path(logdir) / RUN_FILE).is_file() and not holds_a_run(logdir)


def is_finished(logdir: Path, total_steps: int) -> bool:
    """Whether the run in ``logdir`` has its result and a checkpoint at ``total_steps`` or later."""
    steps = checkpoint_steps(logdir)
    return (Path(logdir) / RESULT_FILE).is_file() and bool(steps) and steps[-1] >= total_steps


def remove_unfinished(logdir: Path, made: bool, keep: str = "") -> None:
    """After a run that ended before it had anything to resume: remove its ``run.json`` and,
    when the run ``made`` the folder, the folder if nothing else (but ``keep``) is in it."""
    logdir = Path(logdir)
    if holds_a_run(logdir):
        return
    (logdir / RUN_FILE).unlink(missing_ok=True)
    if made:
        try:
            leftovers = [path.name for path in logdir.iterdir() if path.name != keep]
            if not leftovers:
                if keep:
                    (logdir / keep).unlink(missing_ok=True)
                logdir.rmdir()
        except OSError:
            pass


def checkpoint_steps(logdir: Path) -> list[int]:
    """The steps of the whole checkpoints in ``logdir`` (index and data both there), oldest
    first. Found by name, so a moved or copied directory resumes from its own files."""
    steps = []
    for path in Path(logdir).glob(f"{CHECKPOINT_NAME}-*.index"):
        match = _CHECKPOINT_INDEX.fullmatch(path.name)
        if match and list(path.parent.glob(f"{CHECKPOINT_NAME}-{match[1]}.data-*")):
            steps.append(int(match[1]))
    return sorted(steps)


def checkpoint_prefix(logdir: Path, step: int) -> Path:
    return Path(logdir) / f"{CHECKPOINT_NAME}-{step}"


def read(path: str | Path) -> dict:
    path = Path(path)
    if path.is_dir():
        path = path / RESULT_FILE
    return json.loads(path.read_text())
