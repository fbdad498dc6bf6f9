"""`tf1-tutorials legacy --compare SCRIPT.py [ARGS...]`: one TF1 script run by `tf1-tutorials
legacy` and by the original runtime (TensorFlow 1.15.5, see
:mod:`tf1_tutorials.reference_runtime`),
side by side.

Every run starts in a fresh copy of the script's directory (its files of up to 1 MiB and its
Python packages) with that copy as the working directory, the script run from it by absolute
path. MNIST's four verified ``.gz`` files (the project's data store) are staged in each relative
data directory the script looks in: ``MNIST_data/``, the relative directories it names in
``read_data_sets("...")`` or as the default of a ``*data_dir`` flag, and a relative
``--*data_dir`` value among ARGS. An absolute data directory gets nothing: the project's reader
fills it as the script runs (the project's side goes first in every round), and TensorFlow
1.15.5's reader then finds the files there.

Both sides' runs are interleaved, the project's first in every round, each line of their output
kept with the time it arrived (compare/verdict.py reads them, judges and prints the table). The
exit status is 0 when the verdict is *same*, 1 for anything else. Nothing here imports TensorFlow.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from tf1_tutorials import reference_runtime
from tf1_tutorials.errors import FileProblem, MissingFile, UsageError
from tf1_tutorials.legacy.compare.verdict import Run, table, verdict
from tf1_tutorials.legacy.launch import command
from tf1_tutorials.legacy.shims.tensorflow.devices import STRICT_ENV

PROGRAM = "tf1-tutorials legacy --compare"
SMALL_FILE = 2**20  # files of the script's directory copied beside it, at most this size
SKIPPED_DIRS = {"__pycache__", ".git"}
MNIST_DIR = "MNIST_data"  # the TF1 beginners' tutorial's relative data directory

DATA_DIR_FLAG = re.compile(r"^--?[\w-]*data[_-]dir(?:=(.*))?$")
DATA_DIR_NAMED = (
    re.compile(r"read_data_sets\(\s*(?:train_dir\s*=\s*)?['\"]([^'\"]+)['\"]"),
    re.compile(r"DEFINE_string\(\s*['\"][\w]*data_dir['\"]\s*,\s*['\"]([^'\"]+)['\"]"),
    re.compile(r"add_argument\(\s*['\"]--[\w-]*data[_-]dir['\"][^)]*?default\s*=\s*['\"]([^'\"]+)"),
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--compare",
        action="store_true",
        help="run the script here and on the original TensorFlow 1.15.5 (make tf115 builds it), "
        "each in a fresh copy of its directory with the data staged, and print both sides' exit "
        "status, last printed number, wall time and time per step; exit 0 if they are the same, "
        "1 if they differ or the script ran on one side only",
    )
    parser.add_argument(
        "--repeat",
        type=int,
        metavar="N",
        help="with --compare: run each side N times, interleaved; the numbers are the same when "
        "their means differ by no more than the larger side's min..max spread (with N=1, the "
        "default, they must be equal)",
    )


def reference_python() -> Path:
    """TF 1.15.5's interpreter, or FileProblem saying what is missing and how to get it."""
    try:
        return reference_runtime.python()
    except FileProblem as problem:
        if reference_runtime.find_python37() is None:
            raise FileProblem(
                f"{problem}, and no Python 3.7 is here to build it from (pyenv install 3.7.16, "
                f"or set {reference_runtime.PYTHON_ENV} to one)"
            ) from problem
        raise


def project_label() -> str:
    try:
        return f"tf1-tutorials legacy (TF {importlib.metadata.version('tensorflow')})"
    except importlib.metadata.PackageNotFoundError:
        return "tf1-tutorials legacy"


REFERENCE_LABEL = f"TF {reference_runtime.TENSORFLOW}"


def copy_workdir(script: Path, copy: Path) -> Path:
    """Copy the script and its directory's small files and Python packages into ``copy``; the
    script's path there."""
    source = script.parent
    for entry in source.iterdir():
        if entry.name in SKIPPED_DIRS:
            continue
        if entry.is_file() and (entry == script or entry.stat().st_size <= SMALL_FILE):
            shutil.copyfile(entry, copy / entry.name)
        elif entry.is_dir() and (entry / "__init__.py").is_file():
            shutil.copytree(entry, copy / entry.name, ignore=shutil.ignore_patterns(*SKIPPED_DIRS))
    return copy / script.name


def data_dirs(sources: list[str], script_args: list[str]) -> list[str]:
    """The relative data directories a script may read MNIST from (absolute ones left out)."""
    named = [MNIST_DIR]
    for text in sources:
        for pattern in DATA_DIR_NAMED:
            named += pattern.findall(text)
    for index, arg in enumerate(script_args):
        match = DATA_DIR_FLAG.match(arg)
        if match and match[1] is not None:
            named.append(match[1])
        elif match and index + 1 < len(script_args):
            named.append(script_args[index + 1])
    found = []
    for name in named:
        if name and not os.path.isabs(name) and not name.startswith("~"):
            normal = os.path.normpath(name)
            if normal != "." and not normal.startswith("..") and normal not in found:
                found.append(normal)
    return found


def mnist_files() -> list[Path]:
    """MNIST's four ``.gz`` files in the project's data store, fetched and verified first."""
    from tf1_tutorials.data import default_data_dir, read_data_sets
    from tf1_tutorials.data.mnist import TEST_IMAGES, TEST_LABELS, TRAIN_IMAGES, TRAIN_LABELS

    store = default_data_dir("mnist")
    read_data_sets(store)
    return [store / name for name in (TRAIN_IMAGES, TRAIN_LABELS, TEST_IMAGES, TEST_LABELS)]


def stage(copy: Path, dirs: list[str], files: list[Path]) -> None:
    for name in dirs:
        target = copy / name
        if target.resolve().is_relative_to(copy.resolve()):
            target.mkdir(parents=True, exist_ok=True)
            for path in files:
                if not (target / path.name).exists():
                    shutil.copyfile(path, target / path.name)


def _absolute_pythonpath(env: dict) -> None:
    """Make PYTHONPATH's entries absolute: the child runs from another directory."""
    if env.get("PYTHONPATH"):
        parts = env["PYTHONPATH"].split(os.pathsep)
        env["PYTHONPATH"] = os.pathsep.join(os.path.abspath(p) if p else p for p in parts)


def environments(strict_devices: bool) -> tuple[dict, dict]:
    """The project side's environment (PYTHONPATH made absolute, --strict-devices passed on) and
    the reference side's (no PYTHONPATH: the TF 1.15.5 venv's own packages only); both with
    unbuffered output, so each line's arrival time is when it was printed."""
    project = dict(os.environ, PYTHONUNBUFFERED="1")
    _absolute_pythonpath(project)
    if strict_devices:
        project[STRICT_ENV] = "1"
    reference = dict(reference_runtime.environment(), PYTHONUNBUFFERED="1")
    reference.pop("PYTHONPATH", None)
    return project, reference


def run_once(command: list[str], cwd: Path, env: dict) -> Run:
    """Run ``command`` in ``cwd``, its output kept line by line with each line's arrival time."""
    started = time.monotonic()
    child = subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        errors="replace",
    )
    run = Run(status=0)

    def collect(stream, keep):
        for line in stream:
            keep(line.rstrip("\n"))

    readers = [
        threading.Thread(
            target=collect,
            args=(child.stdout, lambda line: run.stdout.append((time.monotonic() - started, line))),
        ),
        threading.Thread(target=collect, args=(child.stderr, run.stderr.append)),
    ]
    for reader in readers:
        reader.start()
    try:
        status = child.wait()
    except KeyboardInterrupt:  # the child got the same Ctrl-C: let it end, then stop
        child.wait()
        raise
    finally:
        for reader in readers:
            reader.join()
    run.status = 128 - status if status < 0 else status
    run.wall_seconds = time.monotonic() - started
    return run


def compare(script: Path, script_args: list[str], repeat: int, strict_devices: bool) -> tuple:
    """Both sides' runs, ``repeat`` each, interleaved (the project's first in every round)."""
    reference = str(reference_python())
    project_env, reference_env = environments(strict_devices)
    labels = (project_label(), REFERENCE_LABEL)
    runs: tuple[list[Run], list[Run]] = ([], [])
    files = None
    for round_number in range(1, repeat + 1):
        for side, label in enumerate(labels):
            with tempfile.TemporaryDirectory(prefix="tf1-tutorials-compare-") as tmp:
                copy = Path(tmp)
                copied = copy_workdir(script, copy)
                sources = [p.read_text(errors="replace") for p in copy.rglob("*.py")]
                if any("mnist" in text.lower() for text in sources):
                    files = files if files is not None else mnist_files()
                    stage(copy, data_dirs(sources, script_args), files)
                if side == 0:
                    argv, env = command(str(copied), script_args), project_env
                else:
                    argv, env = [reference, str(copied), *script_args], reference_env
                print(
                    f"{PROGRAM}: round {round_number} of {repeat}: {label} ...",
                    file=sys.stderr,
                    flush=True,
                )
                run = run_once(argv, copy, env)
                print(
                    f"{PROGRAM}: round {round_number} of {repeat}: {label}: exit status "
                    f"{run.status}, {run.wall_seconds:.1f} s",
                    file=sys.stderr,
                    flush=True,
                )
                runs[side].append(run)
    return labels, runs


def main(args: argparse.Namespace) -> int:
    if not args.compare:
        raise UsageError("--repeat goes with --compare")
    if args.check:
        raise UsageError("--check and --compare: give one of them")
    repeat = 1 if args.repeat is None else args.repeat
    if repeat < 1:
        raise UsageError(f"--repeat {repeat}: give a number of runs of 1 or more")
    script = Path(args.script)
    if not script.is_file():
        if script.exists():
            raise FileProblem(f"script {args.script}: is not a file")
        raise MissingFile(f"script {args.script}: no such file")
    labels, runs = compare(script.resolve(), args.script_args, repeat, args.strict_devices)
    for line in table(labels, runs):
        print(line)
    said = verdict(runs[0], runs[1], labels)
    print(f"verdict: {said.word}: {said.reason}")
    return said.exit_status
