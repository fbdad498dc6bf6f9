"""Run band entries under seeds and record or check their accuracies.

`tf1-tutorials measure ENTRY... --seeds 1-10` trains each entry once per seed, every run in a fresh
process, and records the runs in ``bands.MEASUREMENTS_FILE`` (the raw data the bands come from).
`tf1-tutorials measure --check ENTRY...` runs each entry once and judges it against its band.
`tf1-tutorials measure --short --seeds 1-3 --into tf1_tutorials/evidence/measurements-tf215.json`,
run on the version matrix's other TensorFlow, records the short entries there for the report to
compare. Every run has the environment's settings, the defaults a user has (oneDNN on).
"""

from __future__ import annotations

import argparse
import datetime
import functools
import json
import math
import os
import resource
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

from tf1_tutorials import reference_runtime
from tf1_tutorials.errors import FileProblem, UsageError, check_writable_dir, write_atomically
from tf1_tutorials.evidence import bands, reference_runs
from tf1_tutorials.training import results
from tf1_tutorials.training.runner import RunSettings, run_in_fresh_process
from tf1_tutorials.training.settings import SEED_RANGE

RUN_FIELDS = ("seed", "test_accuracy", "test_images", "diverged", "steps", "train_seconds")
OPTIONAL_RUN_FIELDS = ("top_prediction_share", "wall_seconds", "cpu_seconds", "load_average")
STORED_CURVE_POINTS = 200  # of a run's recorded curve, kept in the measurements file
MAX_SEEDS = 10000  # far more runs than any measurement needs


def thin(curve: list, points: int) -> list:
    """At most about ``points`` evenly spaced items of ``curve``, always keeping the last."""
    stride = max(1, -(-len(curve) // points))
    kept = curve[::stride]
    if curve and kept[-1] != curve[-1]:
        kept.append(curve[-1])
    return [list(item) for item in kept]


def run_entry(
    item: bands.Entry, seed: int, workdir: Path, threads: int = 0, runtime: str = "project"
) -> dict:
    """Train ``item`` once with ``seed`` in a fresh process, with the environment's settings (the
    defaults a user has: oneDNN on); return its result record. With ``runtime="tf1.15"`` the
    entry's reference script runs on TensorFlow 1.15.5 instead.

    The run reads its data from the reader's per-user directory (``TF1_TUTORIALS_DATA_DIR``).
    """
    if runtime == reference_runtime.RUNTIME:
        workdir.mkdir(parents=True, exist_ok=True)
        log = workdir / f"{item.key}-seed{seed}-tf115.log"
        data_dir = reference_runs.staged_data(item.variant)
        run = functools.partial(
            reference_runs.run_reference, item.variant, item.settings, seed, log, data_dir
        )
    else:
        logdir, number = workdir / f"{item.key}-seed{seed}", 1
        while results.holds_a_run(logdir):  # a --workdir used before: its runs are left alone
            number += 1
            logdir = workdir / f"{item.key}-seed{seed}-{number}"
        settings = RunSettings(
            item.variant, item.settings, seed=seed, logdir=logdir, threads=threads
        )
        run = functools.partial(run_in_fresh_process, settings)
    started, cpu_before = time.perf_counter(), _children_cpu_seconds()
    record = run()
    record["wall_seconds"] = round(time.perf_counter() - started, 3)
    # With runs one at a time, the CPU time of this run alone: unlike the wall time, it barely
    # changes when other work shares the cores, which the load average at its end shows.
    record["cpu_seconds"] = round(_children_cpu_seconds() - cpu_before, 3)
    record["load_average"] = round(os.getloadavg()[0], 2)
    return record


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def check_entry(item: bands.Entry, seed: int, workdir: Path) -> tuple[dict, bands.Verdict]:
    """One fresh run of ``item`` and its verdict against the entry's band."""
    spread = bands.spread(item.key)
    record = run_entry(item, seed, workdir)
    verdict = bands.judge(item, record["test_accuracy"], spread, record.get("top_prediction_share"))
    return record, verdict


def run_seeds(
    item: bands.Entry,
    seeds: list[int],
    workdir: Path,
    jobs: int = 1,
    say=print,
    into: Path | None = None,
    runtime: str = "project",
) -> list[dict]:
    """Run ``item`` once per seed, ``jobs`` processes at a time (cores // jobs threads each);
    with ``into``, each run is recorded there as soon as it finishes."""
    threads = max(1, (os.cpu_count() or 1) // jobs) if jobs > 1 else 0
    recording = threading.Lock()

    def one(seed: int) -> dict:
        record = run_entry(item, seed, workdir, threads, runtime)
        if into is not None:
            with recording:
                record_runs(item, [record], into)
        say(
            f"{item.key} seed {seed}: test accuracy {record['test_accuracy']:.4f} "
            f"({record['train_seconds']:.0f} s{', diverged' if record['diverged'] else ''})"
        )
        return record

    with ThreadPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(one, seeds))


def record_runs(
    item: bands.Entry, records: list[dict], path: Path = bands.MEASUREMENTS_FILE
) -> dict:
    """Add ``records`` to the entry's measured runs (a seed measured again replaces its old run).

    Runs made on another TensorFlow or with another oneDNN setting than the stored ones start the
    entry anew: one entry's runs are always made alike."""
    data = bands.load_measurements(path)
    previous = data.get(item.key, {})
    first = min(records, key=lambda record: record["seed"])
    made_alike = previous.get("tensorflow") == first["versions"].get("tensorflow", "?") and str(
        previous.get("onednn")
    ) == str(first["versions"].get("onednn", "?"))
    runs = {run["seed"]: run for run in previous.get("runs", [])} if made_alike else {}
    for record in records:
        runs[record["seed"]] = {name: record[name] for name in RUN_FIELDS} | {
            name: record[name] for name in OPTIONAL_RUN_FIELDS if name in record
        }
    keeps_curve = made_alike and previous.get("loss_curve_seed", first["seed"]) < first["seed"]
    data[item.key] = {
        "variant": item.variant,
        "settings": item.settings,
        "tensorflow": first["versions"].get("tensorflow", "?"),
        "cpu": first.get("cpu", "?"),
        "onednn": first["versions"].get("onednn", "?"),
        "date": datetime.date.today().isoformat(),
        "runs": sorted(runs.values(), key=lambda run: run["seed"]),
        "loss_curve_seed": previous["loss_curve_seed"] if keeps_curve else first["seed"],
        "loss_curve": previous["loss_curve"]
        if keeps_curve
        else thin(first["loss_curve"], STORED_CURVE_POINTS),
    }
    write_atomically(path, json.dumps(dict(sorted(data.items())), indent=1) + "\n")
    return data[item.key]


def parse_seeds(text: str) -> list[int]:
    """``"1-10"`` or ``"1,2,5"`` -> a list of seeds."""
    spans = []
    try:
        for part in text.split(","):
            first, _, last = part.partition("-")
            spans.append((int(first), int(last or first)))
    except ValueError:
        message = f"--seeds: expected e.g. 1-10 or 1,2,5, got {text!r}"
        raise argparse.ArgumentTypeError(message) from None
    if not all(first in SEED_RANGE and last in SEED_RANGE for first, last in spans):
        raise argparse.ArgumentTypeError(f"--seeds: each must be 0 to {2**32 - 1}, got {text!r}")
    if sum(max(0, last - first + 1) for first, last in spans) > MAX_SEEDS:
        raise argparse.ArgumentTypeError(f"--seeds: {text!r} names more than {MAX_SEEDS:,} seeds")
    seeds = [seed for first, last in spans for seed in range(first, last + 1)]
    if not seeds:
        raise argparse.ArgumentTypeError(f"--seeds: {text!r} names no seed")
    return seeds


# A measured run's fields the report and the bands read, and the types they must have.
CHECKED_RUN_FIELDS = {"seed": int, "test_accuracy": (int, float), "test_images": int}


def read_measurements(path: Path, what: str = "", must_exist: bool = False) -> dict:
    """The measurements file ``path`` ({} when it does not exist, unless ``must_exist``), checked
    field by field: FileProblem naming the file (as the option ``what`` gave it), the entry and
    the first field that is missing, of the wrong type or not a finite number. A file that must
    exist must also hold at least one entry."""
    named = f"{what} {path}" if what else str(path)
    if must_exist and not path.exists():
        raise FileProblem(f"{named}: no such file")
    if path.exists() and not path.is_file():
        raise FileProblem(f"{named}: is a directory, not a measurements file")
    try:
        data = bands.load_measurements(path)
    except json.JSONDecodeError as err:
        raise FileProblem(
            f"{named}: not valid JSON ({err.msg}, line {err.lineno} column {err.colno})"
        ) from None
    except UnicodeDecodeError:
        raise FileProblem(f"{named}: not a text file") from None
    if not isinstance(data, dict):
        raise FileProblem(f"{named}: must hold an object of entries, holds {type(data).__name__}")
    if must_exist and not data:
        raise FileProblem(f"{named}: holds no entries, so there is nothing to report")
    for key, entry in data.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("runs"), list):
            raise FileProblem(f"{named}: entry {key!r}: field 'runs' is missing or not a list")
        for index, run in enumerate(entry["runs"]):
            problem = _run_problem(run)
            if problem:
                raise FileProblem(f"{named}: entry {key!r}, runs[{index}].{problem}")
        curve = entry.get("loss_curve", [])
        if not isinstance(curve, list) or not all(
            isinstance(point, list) and len(point) == 2 for point in curve
        ):
            raise FileProblem(f"{named}: entry {key!r}: 'loss_curve' is not a list of [step, loss]")
    return data


def _run_problem(run) -> str | None:
    """``field: what is wrong`` for the first bad field of one measured run, else None."""
    if not isinstance(run, dict):
        return f"{next(iter(CHECKED_RUN_FIELDS))}: missing (the run is not an object)"
    numeric = ("steps", "train_seconds", *OPTIONAL_RUN_FIELDS)
    for name in (*CHECKED_RUN_FIELDS, *numeric):
        value = run.get(name)
        if value is None and name not in CHECKED_RUN_FIELDS:
            continue
        kind = CHECKED_RUN_FIELDS.get(name, (int, float))
        if value is None:
            return f"{name}: missing"
        if not isinstance(value, kind) or isinstance(value, bool):
            return f"{name}: {value!r} is not a number"
        if not math.isfinite(value):
            return f"{name}: {value!r} is not a finite number"
    if not 0 <= run["test_accuracy"] <= 1:
        return f"test_accuracy: {run['test_accuracy']!r} is not between 0 and 1"
    return None


def recorded_seeds(stored: dict | None, runtime: str = "project") -> set[int]:
    """The seeds of ``stored`` (one entry's measurements) made as a run here would be: the same
    TensorFlow (its installed version, read without importing it) and oneDNN setting."""
    if not stored:
        return set()
    if runtime == reference_runtime.RUNTIME:
        tensorflow, onednn = reference_runtime.TENSORFLOW, reference_runtime.ONEDNN
    else:
        try:
            tensorflow = metadata.version("tensorflow")
        except metadata.PackageNotFoundError:
            return set()
        onednn = os.environ.get("TF_ENABLE_ONEDNN_OPTS", "1")  # tf.py's default
    if stored.get("tensorflow") != tensorflow or str(stored.get("onednn")) != onednn:
        return set()
    return {run["seed"] for run in stored.get("runs", [])}


def check_into(path: Path) -> None:
    """Before any training: the file runs are recorded into is readable, valid and writable."""
    read_measurements(path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise FileProblem(f"--into {path}: the directory {parent} does not exist")
    check_writable_dir(parent, f"--into {path}: its directory")


def measure(
    items: list[bands.Entry],
    seeds_asked: list[int],
    *,
    check: bool = False,
    missing: bool = False,
    jobs: int = 1,
    workdir: Path | None = None,
    into: Path | None = None,
    runtime: str = "project",
) -> int:
    """Run ``items`` under ``seeds_asked`` and record them into ``into`` (default: the file the
    bands, or the reference runtime's, come from); with ``check`` judge one run of each against
    its band instead. Every file and setting is checked before any training; the exit status:
    1 when a checked run is out of its band, else 0."""
    if jobs < 1:
        raise UsageError(f"--jobs: must be 1 or more, got {jobs}")
    reference = runtime == reference_runtime.RUNTIME
    if into is None:
        into = bands.REFERENCE_MEASUREMENTS_FILE if reference else bands.MEASUREMENTS_FILE
    if reference:
        if check:
            raise UsageError("--check judges the project's runs: not with --runtime tf1.15")
        reference_runtime.python()
        for item in items:
            reference_runtime.script_command(item.variant, item.settings, 0, Path("."))
    if not check:
        check_into(into)
    if workdir:
        check_writable_dir(workdir, "--workdir")
    workdir = workdir or Path(tempfile.mkdtemp(prefix="tf1-tutorials-measure-"))
    failures = 0
    recorded = bands.load_measurements(into) if missing else {}
    for item in items:
        seeds = seeds_asked[:1] if check else seeds_asked
        if missing:
            done = recorded_seeds(recorded.get(item.key), runtime)
            seeds = [seed for seed in seeds if seed not in done]
            if not seeds:
                print(f"{item.key}: every seed asked for is recorded")
                continue
        if check:
            _, verdict = check_entry(item, seeds[0], workdir)
            failures += not verdict.in_band
            print(f"{item.key}: {verdict.message}")
        else:
            run_seeds(item, seeds, workdir, jobs, into=into, runtime=runtime)
            stored = bands.load_measurements(into)[item.key]
            spread = bands.spread(item.key, {item.key: stored})
            print(
                f"{item.key}: {spread.n} runs, min {spread.low:.4f} mean {spread.mean:.4f} "
                f"max {spread.high:.4f} sd {spread.sd:.4f}"
            )
    return 1 if failures else 0
