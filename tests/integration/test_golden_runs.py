"""The numbers do not move: every variant's short seeded run under op determinism gives exactly the
loss curve and test accuracy recorded in ``tests/golden_runs.json`` (see ``golden_support``).

Bits compare only on the machine kind they were recorded on (TensorFlow, CPU, SIMD flags);
elsewhere each run is skipped with that reason (the accuracy bands still judge the numbers)."""

import pytest
from golden_support import RUNS, recording_for, recordings, run, simd


def test_every_recording_covers_every_variant_that_trains():
    for recording in recordings():
        assert set(recording["runs"]) == set(RUNS), recording["note"]
        assert all(recording["runs"][v]["settings"] == RUNS[v] for v in RUNS), recording["note"]


@pytest.mark.parametrize("variant", sorted(RUNS))
def test_the_same_bits_as_recorded(variant, tmp_path):
    now = run(variant, tmp_path)
    recording = recording_for(now["tensorflow"], now["cpu"], simd())
    if recording is None:
        pytest.skip(
            f"no recording for TensorFlow {now['tensorflow']} on {now['cpu']} ({simd()}): bits "
            "compare only on the machine kind they were recorded on (the accuracy bands still "
            "judge the numbers here)"
        )
    recorded = recording["runs"][variant]
    assert now["test_accuracy"] == recorded["test_accuracy"], variant
    assert now["loss_curve"] == recorded["loss_curve"], variant
