"""The equivalence verdicts: two one-sided Welch tests against a margin fixed from our runs."""

import pytest

from tf1_tutorials.evidence import bands, equivalence


def spread(*accuracies, collapsed=()):
    return bands.Spread(
        accuracies=tuple(accuracies),
        seeds=tuple(range(1, len(accuracies) + len(collapsed) + 1)),
        tensorflow="x",
        date="d",
        collapsed=tuple(collapsed),
    )


ENTRY = bands.entry("softmax-lr0.01-6000")
HERE = spread(0.916, 0.918, 0.914, 0.917, 0.915, 0.919, 0.913, 0.916, 0.918, 0.914)


def test_the_same_distribution_is_equivalent():
    there = spread(0.917, 0.915, 0.916, 0.918, 0.914, 0.916, 0.917, 0.915, 0.919, 0.913)
    result = equivalence.compare(ENTRY, HERE, there)
    assert result.verdict == equivalence.EQUIVALENT
    assert result.margin == pytest.approx(max(1.5 * HERE.sd, 0.002))
    low, high = result.interval
    assert -result.margin < low < result.difference < high < result.margin
    assert "equivalent: difference" in result.text


def test_a_shift_beyond_the_margin_differs():
    there = spread(*(a - 0.02 for a in HERE.accuracies))
    result = equivalence.compare(ENTRY, HERE, there)
    assert result.verdict == equivalence.DIFFERS
    assert result.difference == pytest.approx(0.02)


def test_too_few_or_too_spread_runs_are_inconclusive():
    assert equivalence.compare(ENTRY, HERE, spread(0.916)).verdict == equivalence.INCONCLUSIVE
    wide = spread(0.90, 0.93, 0.91)
    assert equivalence.compare(ENTRY, HERE, wide).verdict == equivalence.INCONCLUSIVE
    assert equivalence.compare(ENTRY, None, HERE).verdict == equivalence.INCONCLUSIVE
    assert equivalence.compare(ENTRY, HERE, None) is None


def test_the_margin_has_a_floor():
    tight = spread(0.9921, 0.9921, 0.9922, 0.9920, 0.9921)
    assert equivalence.margin(tight) == equivalence.MIN_MARGIN == 0.002


def test_an_exact_entry_needs_every_run_to_match():
    item = bands.entry("softmax-lr0.03-1000")
    same = spread(0.098, 0.098, 0.098)
    assert equivalence.compare(item, same, same).verdict == equivalence.EQUIVALENT
    off = spread(0.098, 0.1135)
    assert equivalence.compare(item, same, off).verdict == equivalence.DIFFERS


def test_verdicts_covers_each_entry_with_reference_runs():
    runs = [{"seed": s, "test_accuracy": a} for s, a in enumerate(HERE.accuracies, 1)]
    data = {ENTRY.key: {"runs": runs, "tensorflow": "2.21.0"}}
    reference = {ENTRY.key: {"runs": runs, "tensorflow": "1.15.5"}}
    found = equivalence.verdicts(data, reference)
    assert list(found) == [ENTRY.key]
    assert found[ENTRY.key].verdict == equivalence.EQUIVALENT
