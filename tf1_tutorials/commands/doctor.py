"""`tf1-tutorials doctor`: what a run needs, checked in a few seconds without importing TensorFlow
(:func:`tf1_tutorials.training.doctor.diagnose`), one line a check, then whether anything blocks a
run (exit status 1 when something does)."""

from __future__ import annotations

import argparse

from tf1_tutorials.errors import UsageError
from tf1_tutorials.training.doctor import RUNS_DIR, diagnose


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        help="the MNIST data directory a run would be given (default: the reader's cache)",
    )
    parser.add_argument(
        "--logdir",
        default=str(RUNS_DIR),
        help=f"where runs write their logs (default: {RUNS_DIR})",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=3.0,
        metavar="SECONDS",
        help="how long each mirror has to answer (default: 3)",
    )


def main(args: argparse.Namespace) -> int:
    if not args.timeout > 0:
        raise UsageError("--timeout must be a number of seconds > 0")
    checks = diagnose(args.data_dir, args.logdir, args.timeout)
    for check in checks:
        print(f"{check.status:<4}  {check.text}")
    blocking = [c for c in checks if c.status == "FAIL"]
    if blocking:
        which = "the FAIL line" if len(blocking) == 1 else f"the {len(blocking)} FAIL lines"
        print(f"blocked: fix {which} above before a run")
        return 1
    print("ready: nothing blocks a run")
    return 0
