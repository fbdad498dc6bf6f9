"""Real training on the real data: every band entry, one fresh run each, asserted against its band.

The default suite runs the entries marked for CI; `make accuracy-full` (pytest -m accuracy) adds the
full-length ones. Each run happens in a fresh process, as `tf1-tutorials run` would do it.
"""

import pytest

from tf1_tutorials.evidence import bands, measure

# A seed none of the recorded measurements used, so each check is a fresh draw.
FRESH_SEED = 9001


@pytest.fixture(scope="module")
def private_data_dir(tmp_path_factory):
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TF1_TUTORIALS_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        yield


def _marks(item: bands.Entry) -> tuple:
    if not item.ci:
        return (pytest.mark.slow,)
    return (pytest.mark.short,) if bands.is_short(item) else ()


@pytest.mark.accuracy
@pytest.mark.parametrize(
    "item", [pytest.param(item, id=item.key, marks=_marks(item)) for item in bands.ENTRIES]
)
def test_fresh_run_lands_in_band(item, tmp_path, private_data_dir):
    spread = bands.spread(item.key)
    assert FRESH_SEED not in (spread.seeds if spread else ())
    record, verdict = measure.check_entry(item, FRESH_SEED, tmp_path)
    if spread is not None:
        assert record["versions"]["onednn"] == spread.onednn
    assert verdict.in_band, f"{item.key}: {verdict.message}"
    assert f"band {item.key}: " in record["stdout"]  # the run states its band
    if item.exact is not None:
        assert record["diverged"]


@pytest.mark.accuracy
def test_same_seed_with_op_determinism_repeats_exactly(tmp_path, private_data_dir):
    from tf1_tutorials.training.runner import RunSettings, run_in_fresh_process

    def run(name):
        settings = RunSettings(
            "experts", {"steps": 200}, seed=5, logdir=tmp_path / name, deterministic=True
        )
        return run_in_fresh_process(settings)

    first, second = run("a"), run("b")
    assert first["test_accuracy"] == second["test_accuracy"]
    assert first["loss_curve"] == second["loss_curve"]
    assert len(first["loss_curve"]) > 0
