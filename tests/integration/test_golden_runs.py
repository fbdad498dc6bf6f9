"""The numbers do not move: every variant's short seeded run under op determinism gives exactly the
loss curve and test accuracy recorded in ``tests/golden_runs.json`` (see ``golden_support``).

Bits compare only on the software and CPU they were recorded on; elsewhere each run is skipped with
that reason (the accuracy bands still judge the numbers there)."""

import json

import pytest
from golden_support import GOLDEN_FILE, RUNS, run

GOLDEN = json.loads(GOLDEN_FILE.read_text())


def test_every_variant_that_trains_has_a_golden_run():
    assert set(GOLDEN) == set(RUNS)
    assert all(GOLDEN[variant]["settings"] == RUNS[variant] for variant in RUNS)


@pytest.mark.parametrize("variant", sorted(RUNS))
def test_the_same_bits_as_recorded(variant, tmp_path):
    recorded = GOLDEN[variant]
    now = run(variant, tmp_path)
    if (now["tensorflow"], now["cpu"]) != (recorded["tensorflow"], recorded["cpu"]):
        pytest.skip(
            f"bits recorded on TensorFlow {recorded['tensorflow']}, {recorded['cpu']} compare "
            f"only there; this is TensorFlow {now['tensorflow']}, {now['cpu']}"
        )
    assert now["test_accuracy"] == recorded["test_accuracy"], variant
    assert now["loss_curve"] == recorded["loss_curve"], variant
