"""Short seeded runs of every variant under op determinism, and the bits they gave when recorded
(``tests/golden_runs.json``): a change to the shape of the code must leave them identical.

The last bits depend on the kernels TensorFlow picks, so the file keeps one recording per machine
kind: TensorFlow version, CPU model and the SIMD flags the kernels dispatch on (AVX-512 or not).
A run is compared with the recording of its own machine kind; one recorded before the flags were
kept (``simd`` null) stands for any machine of its CPU name that has no recording of its own.

`python tests/golden_support.py --record NOTE` (re)records this machine kind's runs, in this
process's environment; only do so from a commit whose numbers are known good (for a new machine
kind) or for a change that is meant to move the numbers, and say so.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

GOLDEN_FILE = Path(__file__).with_name("golden_runs.json")
SIMD_PREFIXES = ("avx", "fma", "amx")
SEED = 11
# variant -> settings of a run of a few seconds that still goes through every piece of its graph
RUNS: dict[str, dict] = {
    "softmax": {"steps": 50},
    "mlp": {"epochs": 1, "batches_per_epoch": 30},
    "experts": {"steps": 30},
    "slim_cnn": {"steps": 30},
    "graph_cnn": {"epochs": 1, "batches_per_epoch": 30},
    "layers_cnn": {"epochs": 1, "batches_per_epoch": 30},
    "cifar10_graph": {"epochs": 1, "batches_per_epoch": 20, "scale_inputs": True},
    "keras_subclass": {"steps": 30},
    "keras_sequential": {"epochs": 1, "steps_per_epoch": 30},
}


def run(variant: str, workdir: Path) -> dict:
    """The bits of one golden run: its loss curve and test accuracy, exactly."""
    from tf1_tutorials.training.runner import RunSettings, run_in_fresh_process

    settings = RunSettings(
        variant, RUNS[variant], seed=SEED, logdir=workdir / variant, deterministic=True
    )
    record = run_in_fresh_process(settings)
    return {
        "settings": RUNS[variant],
        "loss_curve": record["loss_curve"],
        "test_accuracy": record["test_accuracy"],
        "tensorflow": record["versions"]["tensorflow"],
        "cpu": record["cpu"],
    }


def simd() -> str:
    """The SIMD flags of this machine's CPU that TensorFlow's kernels dispatch on."""
    try:
        lines = Path("/proc/cpuinfo").read_text().splitlines()
    except OSError:
        return "unknown"
    flags = next((line.split(":", 1)[1].split() for line in lines if line.startswith("flags")), [])
    return " ".join(sorted(flag for flag in flags if flag.startswith(SIMD_PREFIXES))) or "none"


def recordings() -> list[dict]:
    return json.loads(GOLDEN_FILE.read_text())["recordings"]


def recording_for(tensorflow: str, cpu: str, flags: str) -> dict | None:
    """This machine kind's recording; else one of its CPU name that kept no flags; else None."""
    same = [r for r in recordings() if (r["tensorflow"], r["cpu"]) == (tensorflow, cpu)]
    exact = [r for r in same if r["simd"] == flags]
    loose = [r for r in same if r["simd"] is None]
    return (exact or loose or [None])[0]


def main() -> int:
    if len(sys.argv) != 3 or sys.argv[1] != "--record":
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as workdir:
        golden = {variant: run(variant, Path(workdir)) for variant in RUNS}
    first = next(iter(golden.values()))
    machine = {"tensorflow": first["tensorflow"], "cpu": first["cpu"], "simd": simd()}
    runs = {
        variant: {name: value for name, value in done.items() if name not in ("tensorflow", "cpu")}
        for variant, done in golden.items()
    }
    kept = [r for r in recordings() if {k: r[k] for k in machine} != machine]
    recorded = {**machine, "note": sys.argv[2], "runs": runs}
    GOLDEN_FILE.write_text(json.dumps({"recordings": [*kept, recorded]}, indent=1) + "\n")
    print(f"recorded {len(runs)} runs for {machine} in {GOLDEN_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
