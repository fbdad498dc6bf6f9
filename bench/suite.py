"""Suite: the wall time of the CI accuracy suite (``-m "accuracy and not slow"``) and of each test.

Runs pytest once (in a fresh process, with ``--junitxml`` into a temporary file) and reports the
whole run's wall time and each test's time from the JUnit XML, slowest first. This is a figure, not
a benchmark with a goal; ``--quick`` skips it (the suite trains real networks for minutes).
``--marks`` and extra pytest arguments after ``--`` select other tests.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import benchlib

DEFAULT_MARKS = "accuracy and not slow"


def parse_junit(path: Path) -> dict:
    """Total time and the tests (name, seconds, outcome) of a JUnit XML file written by pytest."""
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    tests = []
    for case in (case for suite in suites for case in suite.iter("testcase")):
        outcome = "passed"
        for kind in ("failure", "error", "skipped"):
            if case.find(kind) is not None:
                outcome = {"failure": "failed", "error": "error", "skipped": "skipped"}[kind]
        name = f"{case.get('classname', '')}::{case.get('name', '')}".lstrip(":")
        tests.append({"name": name, "seconds": float(case.get("time", 0)), "outcome": outcome})
    tests.sort(key=lambda t: -t["seconds"])
    junit_total = sum(float(suite.get("time", 0)) for suite in suites)
    return {"junit_seconds": junit_total, "tests": tests}


def main(argv=None) -> dict:
    p = benchlib.parser(__doc__.splitlines()[0])
    p.add_argument("--marks", default=DEFAULT_MARKS, help=f'pytest -m (default "{DEFAULT_MARKS}")')
    p.add_argument("pytest_args", nargs="*", help="more pytest arguments (after --)")
    args = p.parse_args(argv)
    if args.quick:
        print(f'suite: skipped in quick mode (pytest -m "{args.marks}" trains for minutes)')
        return benchlib.finish(args, {"skipped": True, "marks": args.marks})
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as tmp:
        junit = Path(tmp) / "junit.xml"
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-m",
            args.marks,
            f"--junitxml={junit}",
            *args.pytest_args,
        ]
        print(f"suite: {' '.join(command[1:])}", flush=True)
        started = time.perf_counter()
        proc = subprocess.run(command, cwd=benchlib.ROOT, env=dict(os.environ), check=False)
        wall = time.perf_counter() - started
        if not junit.is_file():
            raise RuntimeError(f"pytest wrote no JUnit XML (exit status {proc.returncode})")
        parsed = parse_junit(junit)
    rows = [[t["name"], t["seconds"], t["outcome"]] for t in parsed["tests"]]
    print()
    print(benchlib.table(["test", "seconds", "outcome"], rows))
    print()
    print(
        f"suite: {len(rows)} tests, {wall:.1f} s wall "
        f"(pytest's own total {parsed['junit_seconds']:.1f} s), exit status {proc.returncode}"
    )
    return benchlib.finish(
        args,
        {
            "skipped": False,
            "marks": args.marks,
            "wall_seconds": wall,
            "exit_status": proc.returncode,
            **parsed,
        },
    )


if __name__ == "__main__":
    main()
