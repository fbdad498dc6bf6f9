"""The result record of one run, written as ``result.json`` in the run's log directory.

It carries everything needed to rerun and judge the run: the variant, its full config, the seed, the
final test accuracy and how many test images it was measured on, the loss curve, the steps, the wall
times, whether training diverged, and the software and machine it ran on.
"""

from __future__ import annotations

import dataclasses
import datetime
import json
import platform
import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

RESULT_FILE = "result.json"

REQUIRED_FIELDS = (
    "variant",
    "config",
    "seed",
    "test_accuracy",
    "test_images",
    "loss_curve",
    "steps",
    "train_seconds",
    "total_seconds",
    "diverged",
    "versions",
    "cpu",
    "date",
)


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
) -> dict:
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
    path = Path(logdir) / RESULT_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(record, indent=2) + "\n")
    return path


def read(path: str | Path) -> dict:
    path = Path(path)
    if path.is_dir():
        path = path / RESULT_FILE
    return json.loads(path.read_text())
