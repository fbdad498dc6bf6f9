"""Against the original: the experts step on TensorFlow 1.15.5 and intel-tensorflow 1.15.2 beside
the project's paths, in one interleaved run.

Five paths, each a fresh process per round, the same graph and feed loop (Deep MNIST for Experts:
batch 50 from ``next_batch``, Adam 1e-4, keep_prob 0.5 fed, ``sess.run`` of the train step, the
loss and the batch accuracy):

- ``session``: the project's tf.compat.v1 Session loop on TensorFlow 2.21 (``benchlib.v1_train``,
  the runner's loop), oneDNN on (the project's default);
- ``session_eigen``: the same with oneDNN off (``TF_ENABLE_ONEDNN_OPTS=0``);
- ``legacy``: ``tf1-tutorials legacy bench/tf1_experts_steps.py``, the plain TF1 script;
- ``tf115``: the same script on TensorFlow 1.15.5 (the reference runtime, ``make tf115``);
- ``tf115_mkl``: the same script on intel-tensorflow 1.15.2, TensorFlow 1.15 built with MKL
  (``make tf115-mkl``; ``$TF1_TUTORIALS_TF115_MKL_VENV``, else ``.venv-tf115-mkl`` here).

Every round runs each path once, the order shifted by one path per round so none always goes
first. A run's figure is its median step time; a path's is the median over the rounds, its spread
the smallest and largest round. The machine drifts, so a ratio is taken within each round (both
paths ran minutes apart) and the median of those is reported, with their spread. Where a TF 1.15
runtime is missing, it says so in one line and the others run. ``--quick``: one round of 2 + 3
steps, to check every path runs; ``--rounds`` and ``--steps`` change the full run's 5 and 100.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

import benchlib

PATHS = ("session", "session_eigen", "legacy", "tf115", "tf115_mkl")
PROJECT = ("session", "session_eigen", "legacy")
ORIGINALS = ("tf115", "tf115_mkl")
LABELS = {
    "session": "project: compat.v1 Session on TF 2.21, oneDNN on",
    "session_eigen": "project: compat.v1 Session on TF 2.21, oneDNN off",
    "legacy": "project: `tf1-tutorials legacy` on TF 2.21",
    "tf115": "TensorFlow 1.15.5",
    "tf115_mkl": "intel-tensorflow 1.15.2 (MKL)",
}
SCRIPT = benchlib.BENCH_DIR / "tf1_experts_steps.py"
MKL_VENV_ENV = "TF1_TUTORIALS_TF115_MKL_VENV"
MKL_VERSION = "1.15.2"
# experts steps: 300 timed after 20 warm-up, batch 50: mean 66.12 ms, median 65.40 ms per step
STEP_LINE = re.compile(
    r"^experts steps: (?P<steps>\d+) timed after (?P<warmup>\d+) warm-up, batch (?P<batch>\d+): "
    r"mean (?P<mean>\d+\.\d+) ms, median (?P<median>\d+\.\d+) ms per step$"
)


def parse_steps(output: str) -> dict | None:
    """The script's timing line (the last one), as a run record; None when there is none."""
    for line in reversed(output.splitlines()):
        match = STEP_LINE.match(line.strip())
        if match:
            return {
                "steps": int(match["steps"]),
                "warmup": int(match["warmup"]),
                "batch_size": int(match["batch"]),
                "ms_per_step": float(match["mean"]),
                "median_ms_per_step": float(match["median"]),
            }
    return None


def mkl_python() -> Path:
    venv = os.environ.get(MKL_VENV_ENV) or benchlib.ROOT / ".venv-tf115-mkl"
    return Path(venv) / "bin" / "python"


def original_pythons() -> tuple[dict[str, Path], dict[str, str]]:
    """The interpreter of each TF 1.15 runtime that is there, and why each other one is not."""
    from tf1_tutorials import reference_runtime

    found, missing = {}, {}
    reason = reference_runtime.missing_reason()
    if reason is None:
        found["tf115"] = reference_runtime.python()
    else:
        missing["tf115"] = reason
    if mkl_python().exists():
        found["tf115_mkl"] = mkl_python()
    else:
        missing["tf115_mkl"] = (
            f"intel-tensorflow {MKL_VERSION} is not built: {mkl_python()} is missing "
            f"(make tf115-mkl builds it)"
        )
    return found, missing


def run_script(path: str, python: Path | str, data_dir: Path, steps: int, warmup: int) -> dict:
    """One run of the TF1 script: under ``python`` directly, or under ``legacy`` (``python`` is
    then the project's interpreter)."""
    args = [str(SCRIPT), "--data_dir", str(data_dir), "--steps", str(steps)]
    args += ["--warmup", str(warmup), "--seed", str(benchlib.SEED)]
    command = [str(python), *(["-m", "tf1_tutorials.cli", "legacy"] if path == "legacy" else [])]
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="2", PYTHONHASHSEED="0")
    proc = subprocess.run(
        [*command, *args], capture_output=True, text=True, env=env, cwd=benchlib.ROOT, check=False
    )
    result = parse_steps(proc.stdout)
    if proc.returncode != 0 or result is None:
        print(proc.stdout + proc.stderr, file=sys.stderr)
        raise RuntimeError(f"{path}: {SCRIPT.name} failed (exit status {proc.returncode})")
    return result


def run_path(path: str, pythons: dict[str, Path], data_dir: Path, steps: int, warmup: int):
    if path in ("session", "session_eigen"):
        onednn = "1" if path == "session" else "0"
        spec = {"steps": steps, "warmup": warmup}
        return benchlib.run_worker(__file__, spec, {"TF_ENABLE_ONEDNN_OPTS": onednn})
    python = sys.executable if path == "legacy" else pythons[path]
    return run_script(path, python, data_dir, steps, warmup)


def rounds_order(rounds: int, paths: tuple[str, ...]) -> list[list[str]]:
    """Each round's paths, shifted by one per round."""
    return [[paths[(r + i) % len(paths)] for i in range(len(paths))] for r in range(rounds)]


def summarize(runs: dict[str, list[dict]]) -> dict:
    """Per path: the median and spread of its runs' median step times; per (project path,
    original): the same-round ratios of those, their median and spread."""
    paths = {}
    for path, records in runs.items():
        ms = [r["median_ms_per_step"] for r in records]
        paths[path] = {"median_ms": statistics.median(ms), "min_ms": min(ms), "max_ms": max(ms)}
    ratios = {}
    for project in (p for p in PROJECT if p in runs):
        for original in (o for o in ORIGINALS if o in runs):
            per_round = [
                a["median_ms_per_step"] / b["median_ms_per_step"]
                for a, b in zip(runs[project], runs[original], strict=True)
            ]
            ratios[f"{project}/{original}"] = {
                "median": statistics.median(per_round),
                "min": min(per_round),
                "max": max(per_round),
                "per_round": per_round,
            }
    return {"paths": paths, "ratios": ratios}


def worker(spec: dict) -> dict:
    return benchlib.v1_train("experts", spec["steps"], spec["warmup"])


def main(argv=None) -> dict:
    from tf1_tutorials.evidence import reference_runs

    p = benchlib.parser(__doc__.splitlines()[0])
    p.add_argument("--rounds", type=int, help="rounds (default 5; 1 with --quick)")
    p.add_argument("--steps", type=int, help="timed steps per run (default 100; 3 with --quick)")
    args = p.parse_args(argv)
    if args.worker:
        benchlib.emit(worker(json.loads(args.worker)))
        return {}
    steps, warmup, rounds = (3, 2, 1) if args.quick else (100, 20, 5)
    steps, rounds = args.steps or steps, args.rounds or rounds
    pythons, missing = original_pythons()
    for path, reason in missing.items():
        print(f"tf115: {LABELS[path]} not run: {reason}")
    paths = tuple(p for p in PATHS if p not in missing)
    data_dir = reference_runs.staged_data("experts")
    print(f"tf115: experts, batch 50, {warmup} warm-up + {steps} timed steps, {rounds} round(s)")
    runs: dict[str, list[dict]] = {path: [] for path in paths}
    for number, order in enumerate(rounds_order(rounds, paths), 1):
        for path in order:
            load = os.getloadavg()[0]
            record = run_path(path, pythons, data_dir, steps, warmup)
            runs[path].append({"path": path, "round": number, "load_average": load, **record})
            print(
                f"  round {number} {path:14s} {record['median_ms_per_step']:7.1f} ms/step median "
                f"(load {load:.2f})",
                flush=True,
            )
    summary = summarize(runs)
    rows = [
        [LABELS[path], s["median_ms"], f"{s['min_ms']:.1f}-{s['max_ms']:.1f}"]
        for path, s in summary["paths"].items()
    ]
    print()
    print(benchlib.table(["path", "ms/step", "rounds' range"], rows))
    print()
    for key, r in summary["ratios"].items():
        print(f"  {key:24s} {r['median']:.2f}x (rounds {r['min']:.2f}-{r['max']:.2f})")
    loads = [r["load_average"] for records in runs.values() for r in records]
    return benchlib.finish(
        args,
        {
            "steps": steps,
            "warmup": warmup,
            "rounds": rounds,
            "batch_size": 50,
            "labels": LABELS,
            "missing": missing,
            "load_average_range": [min(loads), max(loads)],
            **summary,
            "runs": runs,
        },
    )


if __name__ == "__main__":
    main()
