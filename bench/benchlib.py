"""What the benchmark scripts share: arguments, worker processes, timing loops, machine facts.

Every script runs with ``--quick`` (a few steps, to check it end to end) or at full length, prints
its figures and a final ratio, and with ``--json PATH`` also writes them as JSON. A measurement that
needs TensorFlow runs in a worker process of its own (the script started again with ``--worker
SPEC``): a process is either v1 (graph mode) or v2 (eager), never both, and settings such as
``TF_ENABLE_ONEDNN_OPTS`` or the thread counts only take effect in a fresh process.

Nothing here imports TensorFlow at import time; the v1 timing loop imports it when called.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from importlib import metadata
from pathlib import Path

import numpy as np

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
RESULT_MARK = "BENCH-RESULT "
SEED = 1
# CPU flags worth recording: the vector units TensorFlow and oneDNN can use.
CPU_FLAGS = ("sse4_2", "avx", "avx2", "fma", "avx512f", "avx512_vnni", "avx512_bf16", "amx_bf16")
BF16_FLAGS = ("avx512_bf16", "amx_bf16")


# --- arguments and results ------------------------------------------------------------------------


def parser(description: str) -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(description=description)
    p.add_argument("--quick", action="store_true", help="a few steps only: checks the script runs")
    p.add_argument("--json", type=Path, help="also write the results to this JSON file")
    p.add_argument("--worker", help=argparse.SUPPRESS)  # JSON spec: run one measurement, in-process
    return p


def emit(result: dict) -> None:
    """A worker's answer: one marked JSON line on stdout, read back by :func:`run_worker`."""
    print(RESULT_MARK + json.dumps(result), flush=True)


def run_worker(script: str | Path, spec: dict, env: dict[str, str] | None = None) -> dict:
    """Run ``script --worker SPEC`` in a fresh process (``env`` added to ours); return its result.

    The worker's own output (TensorFlow's start-up lines, warnings) is kept back unless it fails:
    then it goes to our stderr and RuntimeError is raised.
    """
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run(
        [sys.executable, str(script), "--worker", json.dumps(spec)],
        capture_output=True,
        text=True,
        env=full_env,
        check=False,
    )
    results = [line for line in proc.stdout.splitlines() if line.startswith(RESULT_MARK)]
    if proc.returncode != 0 or not results:
        print(proc.stdout + proc.stderr, file=sys.stderr)
        raise RuntimeError(f"worker {spec} failed (exit status {proc.returncode})")
    return json.loads(results[-1][len(RESULT_MARK) :])


def finish(args: argparse.Namespace, result: dict) -> dict:
    """Write ``result`` to ``--json`` when asked; returns it."""
    result = {"quick": bool(args.quick), **result}
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=1) + "\n")
    return result


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A plain text table, right-aligned numbers."""
    cells = [[str(h) for h in headers]] + [[_cell(v) for v in row] for row in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append(
            "  ".join(
                c.ljust(w) if i == 0 else c.rjust(w)
                for i, (c, w) in enumerate(zip(row, widths, strict=True))
            )
        )
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


# --- the machine ----------------------------------------------------------------------------------


def cpu_flags() -> set[str]:
    """The CPU's feature flags from /proc/cpuinfo (empty where there is none)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("flags"):
                return set(line.split(":", 1)[1].split())
    except OSError:
        pass
    return set()


def cpu_mhz() -> float | None:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("cpu MHz"):
                return float(line.split(":", 1)[1])
    except (OSError, ValueError):
        pass
    return None


def machine() -> dict:
    """CPU, core count, memory, OS, load, and the versions of what the benchmarks run on."""
    from tf1_tutorials.training.results import cpu_model

    flags = cpu_flags()
    memory = None
    try:
        memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    except (ValueError, OSError, AttributeError):
        pass
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count(),
        "cpu_mhz": cpu_mhz(),
        "cpu_flags": [f for f in CPU_FLAGS if f in flags],
        "memory_gib": round(memory, 1) if memory else None,
        "platform": platform.platform(),
        "load_average": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else [],
        "versions": versions(),
        "onednn_default": os.environ.get("TF_ENABLE_ONEDNN_OPTS", "1 (set by tf1_tutorials.tf)"),
    }


def versions() -> dict[str, str]:
    out = {"python": platform.python_version()}
    for name in ("tensorflow", "tf-keras", "keras", "numpy"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "-"
    return out


def mnist_dir() -> Path:
    """Where the benchmarks read MNIST: ``$TF1_TUTORIALS_DATA/mnist`` (read in place), else the
    reader's default directory (filled from the mirrors on first use)."""
    from tf1_tutorials.data import default_data_dir
    from tf1_tutorials.data.sources import local_source_dir

    local = local_source_dir("mnist")
    if local is not None and local.is_dir():
        return local
    return default_data_dir("mnist")


# --- timing ---------------------------------------------------------------------------------------


def steady_state(stamps: Sequence[float], warmup: int, batch_size: int) -> dict:
    """Figures for the steps after ``warmup`` from ``stamps``: the time before step 0, then the time
    after each step."""
    measured = list(stamps[warmup:])
    steps = len(measured) - 1
    seconds = measured[-1] - measured[0]
    per_step = np.diff(measured)
    return {
        "warmup": warmup,
        "steps": steps,
        "batch_size": batch_size,
        "seconds": seconds,
        "ms_per_step": 1000 * seconds / steps,
        "median_ms_per_step": 1000 * float(statistics.median(per_step)),
        "images_per_second": steps * batch_size / seconds,
    }


def mean_seconds(call: Callable[[], object], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - started) / calls


def v1_train(
    variant: str = "experts",
    steps: int = 300,
    warmup: int = 20,
    *,
    seed: int = SEED,
    intra: int = 0,
    inter: int = 0,
    feed: str = "float32",
    fixed_batch: bool = False,
    bf16: bool = False,
) -> dict:
    """Train a tf.compat.v1 variant (``experts`` or ``softmax``) with its own config for
    ``warmup + steps`` steps with the step ``training.session.train`` takes
    (``training.step.train_step``: ``next_batch``, a ``feed_dict``,
    ``sess.run([train_op, loss, batch_accuracy])``) and time the steps after the warm-up.

    ``feed``: ``float32`` (the runner's feeds), ``float64-labels`` (TF1's reader as it was: float64
    one-hot rows, converted by ``Session.run`` at every step) or ``float64`` (images cast to float64
    too). ``fixed_batch``: feed one batch over and over (no reader in the loop). ``bf16``: the
    oneDNN bfloat16 auto-mixed-precision rewrite.
    """
    from tf1_tutorials.tf import load_v1, seed_everything, session_config
    from tf1_tutorials.training.compose import compose
    from tf1_tutorials.training.step import Batches, train_step
    from tf1_tutorials.variants import experts, inputs, softmax

    tf = load_v1()
    module = {"experts": experts, "softmax": softmax}[variant]
    config = module.Config()
    if feed == "float32":
        train = Batches(inputs.mnist(mnist_dir(), seed).train)
        next_batch = train.next_batch
    elif feed in ("float64-labels", "float64"):
        from tf1_tutorials.data import read_data_sets

        train_set = read_data_sets(str(mnist_dir()), one_hot=True, seed=seed).train

        def next_batch(batch_size):
            images, labels = train_set.next_batch(batch_size)
            return (images.astype(np.float64) if feed == "float64" else images), labels

    else:
        raise ValueError(f"unknown feed {feed!r}")

    graph = tf.Graph()
    with graph.as_default():
        seed_everything(seed)
        model = compose(module, config)
        init = tf.global_variables_initializer()
    graph.finalize()
    options = {"bf16": True} if bf16 else {}
    sess = tf.Session(graph=graph, config=session_config(intra, inter, **options))
    sess.run(init)
    batch = next_batch(config.batch_size)
    stamps = [time.perf_counter()]
    for _ in range(warmup + steps):
        if not fixed_batch:
            batch = next_batch(config.batch_size)
        train_step(sess.run, model, *batch)
        stamps.append(time.perf_counter())
    sess.close()
    return {
        "variant": variant,
        "feed": feed,
        "fixed_batch": fixed_batch,
        "threads": [intra, inter],
        "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", ""),
        "bf16": bf16,
        **steady_state(stamps, warmup, config.batch_size),
    }
