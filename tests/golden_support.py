"""Short seeded runs of every variant under op determinism, and the bits they gave when recorded
(``tests/golden_runs.json``): a change to the shape of the code must leave them identical.

`python tests/golden_support.py --record` (re)records them, in this process's environment; only do
so for a change that is meant to move the numbers, and say so.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

GOLDEN_FILE = Path(__file__).with_name("golden_runs.json")
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


def main() -> int:
    if sys.argv[1:] != ["--record"]:
        print(__doc__, file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as workdir:
        golden = {variant: run(variant, Path(workdir)) for variant in RUNS}
    GOLDEN_FILE.write_text(json.dumps(golden, indent=1) + "\n")
    print(f"recorded {len(golden)} runs in {GOLDEN_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
