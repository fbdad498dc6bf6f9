"""Adding a variant, whole: every trainable variant in ``variants.VARIANTS`` has what the README's
"Adding a variant" checklist asks for, so a new one cannot escape the bit-exact guard or the bands.
No TensorFlow: the variants' kinds are read from their source."""

from __future__ import annotations

from pathlib import Path

import pytest
from golden_support import RUNS, recordings

from tf1_tutorials.evidence import bands
from tf1_tutorials.training.settings import static_variant
from tf1_tutorials.variants import VARIANTS

ROOT = Path(__file__).resolve().parents[2]
KINDS = {name: static_variant(variant.module).kind for name, variant in VARIANTS.items()}
TRAINABLE = sorted(name for name, kind in KINDS.items() if kind != "basics")


def test_the_variants_are_of_known_kinds_and_most_of_them_train():
    assert set(KINDS.values()) <= {"graph", "keras", "basics"}
    assert len(TRAINABLE) >= 9 and "graph_basics" not in TRAINABLE


@pytest.mark.parametrize("name", TRAINABLE)
def test_a_trainable_variant_has_a_golden_run_recorded(name):
    assert name in RUNS, f"{name}: no short run in tests/golden_support.py RUNS"
    for recording in recordings():
        golden = recording["runs"]
        assert name in golden, (
            f"{name}: not recorded (python tests/golden_support.py --record NOTE)"
        )
        assert golden[name]["settings"] == RUNS[name], f"{name}: recorded with other settings"


@pytest.mark.parametrize("name", TRAINABLE)
def test_a_trainable_variant_has_a_ci_band_entry(name):
    entries = [item for item in bands.ENTRIES if item.variant == name]
    assert any(item.ci for item in entries), f"{name}: no CI entry in evidence/bands.py"


@pytest.mark.parametrize("name", [name for name in TRAINABLE if KINDS[name] == "graph"])
def test_a_graph_variant_has_its_reference_script(name):
    assert (ROOT / "reference" / f"{name}.py").is_file(), f"{name}: no reference/{name}.py"


def test_the_golden_table_holds_no_run_of_a_variant_that_is_gone():
    assert set(RUNS) <= set(TRAINABLE)
    for recording in recordings():
        assert set(recording["runs"]) <= set(TRAINABLE), recording["note"]
