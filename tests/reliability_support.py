"""Sizes of the reliability tests, and the counts they report at the end of a pytest run.

The default suite runs each at CI size. ``make fuzz`` and ``make stress`` run them long:

- ``TF1_TUTORIALS_FUZZ_EXAMPLES``: Hypothesis examples per fuzz target (default 200).
- ``TF1_TUTORIALS_STRESS``: a positive number runs the download, concurrency and interruption
  tests at full length (at least 50 cut downloads); unset or 0, at CI size.
- ``TF1_TUTORIALS_RELIABILITY_REPORT``: a file the counts are also written to, as JSON.
"""

from __future__ import annotations

import collections
import json
import os
from pathlib import Path


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


FUZZ_EXAMPLES = _int_env("TF1_TUTORIALS_FUZZ_EXAMPLES", 200)
STRESS = _int_env("TF1_TUTORIALS_STRESS", 0) > 0

# section -> target -> outcome -> count
COUNTS: dict[str, dict[str, collections.Counter]] = collections.defaultdict(
    lambda: collections.defaultdict(collections.Counter)
)


def count(section: str, target: str, outcome: str, n: int = 1) -> None:
    COUNTS[section][target][outcome] += n


def exported() -> dict:
    """The counts as plain dicts: what a pytest-xdist worker hands back to the controller."""
    return {s: {t: dict(o) for t, o in targets.items()} for s, targets in COUNTS.items()}


def merge(counts: dict) -> None:
    """Add a worker's :func:`exported` counts to this process's."""
    for section, targets in counts.items():
        for target, outcomes in targets.items():
            COUNTS[section][target].update(outcomes)


def summary_lines() -> list[str]:
    lines = []
    for section, targets in sorted(COUNTS.items()):
        lines.append(f"{section}:")
        for target, outcomes in sorted(targets.items()):
            detail = ", ".join(f"{k} {v:,}" for k, v in sorted(outcomes.items()))
            lines.append(f"  {target}: {detail}")
    return lines


def write_report() -> None:
    path = os.environ.get("TF1_TUTORIALS_RELIABILITY_REPORT", "").strip()
    if path and COUNTS:
        Path(path).write_text(json.dumps(exported(), indent=2, sort_keys=True) + "\n")
