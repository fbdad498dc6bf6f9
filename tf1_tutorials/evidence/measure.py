"""Run band entries under seeds and record or check their accuracies.

`tf1-tutorials measure ENTRY... --seeds 1-10` trains each entry once per seed, every run in a fresh
process, and records the runs in ``store.MEASUREMENTS_FILE`` (the raw data the bands come from).
`tf1-tutorials measure --check ENTRY...` runs each entry once and judges it against its band.
`tf1-tutorials measure --short --seeds 1-3 --into tf1_tutorials/evidence/measurements-tf215.json`,
run on the version matrix's other TensorFlow, records the short entries there for the report to
compare. Every run has the environment's settings, the defaults a user has (oneDNN on).
"""

from __future__ import annotations

import argparse
import functools
import os
import resource
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

from tf1_tutorials import children, reference_runtime
from tf1_tutorials.errors import UsageError, check_writable_dir
from tf1_tutorials.evidence import bands, reference_runs, store
from tf1_tutorials.training import results
from tf1_tutorials.training.runner import RunSettings, run_in_fresh_process
from tf1_tutorials.training.settings import SEED_RANGE

MAX_SEEDS = 10000  # far more runs than any measurement needs


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
                store.record(item.key, item.variant, item.settings, [record], into)
        say(
            f"{item.key} seed {seed}: test accuracy {record['test_accuracy']:.4f} "
            f"({record['train_seconds']:.0f} s{', diverged' if record['diverged'] else ''})"
        )
        return record

    # A signal stops the runs under way (children.forwarding_signals) and starts no other.
    pool = ThreadPoolExecutor(max_workers=jobs)
    try:
        with children.forwarding_signals():
            return list(pool.map(one, seeds))
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


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


def current_runtime(runtime: str = "project") -> tuple[str, str, str]:
    """The runtime a run here would be recorded as (the project's TensorFlow read without
    importing it, with this environment's oneDNN setting; or the reference runtime's)."""
    if runtime == reference_runtime.RUNTIME:
        return (reference_runtime.TENSORFLOW, "tensorflow", reference_runtime.ONEDNN)
    try:
        tensorflow = metadata.version("tensorflow")
    except metadata.PackageNotFoundError:
        tensorflow = "?"
    return (tensorflow, "tensorflow", store.onednn_setting(os.environ.get("TF_ENABLE_ONEDNN_OPTS")))


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
        into = store.REFERENCE_MEASUREMENTS_FILE if reference else store.MEASUREMENTS_FILE
    if reference:
        if check:
            raise UsageError("--check judges the project's runs: not with --runtime tf1.15")
        reference_runtime.checked_identity()  # before any run: is it TensorFlow 1.15.5?
        for item in items:
            reference_runtime.script_command(item.variant, item.settings, 0, Path("."))
    runtime_key = current_runtime(runtime)  # refuses an unknown oneDNN spelling before any run
    if not check:
        store.check_into(into)
    if workdir:
        check_writable_dir(workdir, "--workdir")
    workdir = workdir or Path(tempfile.mkdtemp(prefix="tf1-tutorials-measure-"))
    failures = 0
    recorded = store.read(into) if missing else {}
    for item in items:
        seeds = seeds_asked[:1] if check else seeds_asked
        if missing:
            done = store.recorded_seeds(recorded.get(item.key), runtime_key)
            seeds = [seed for seed in seeds if seed not in done]
            if not seeds:
                print(f"{item.key}: every seed asked for is recorded")
                continue
        if check:
            _, verdict = check_entry(item, seeds[0], workdir)
            failures += not verdict.in_band
            print(f"{item.key}: {verdict.message}")
        else:
            made = run_seeds(item, seeds, workdir, jobs, into=into, runtime=runtime)
            made_on = store.runtime_of(made[0]["versions"])
            group = next(
                one
                for one in store.groups(store.read(into)[item.key])
                if store.runtime_of(one) == made_on
            )
            spread = bands.spread(item.key, {item.key: group})
            print(
                f"{item.key} ({store.describe(made_on)}): {spread.n} runs, "
                f"min {spread.low:.4f} mean {spread.mean:.4f} max {spread.high:.4f} "
                f"sd {spread.sd:.4f}"
            )
    return 1 if failures else 0
