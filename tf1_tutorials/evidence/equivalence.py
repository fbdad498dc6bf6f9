"""Is the port equivalent to the original? Each entry's runs here against TensorFlow 1.15.5's.

The question is not "do the means differ at all" (with enough runs any two runtimes do) but "do
they differ by more than a margin that matters". Two one-sided Welch tests at ``ALPHA`` (TOST)
answer it: the runtimes are **equivalent** when the ``1 - 2·ALPHA`` (90%) confidence interval of
the difference of means lies inside ±margin; they **differ** (a finding) when that interval lies
wholly outside it, the difference then exceeding the margin at 95% confidence; anything between is
**inconclusive** (too few runs, or spreads too wide, to tell).

The margin, one per entry, fixed from the project's own runs (measured before any TF 1.15.5 run,
so the reference runs cannot move it): ``MARGIN_SDS`` of their run-to-run sd, and never less than
``MIN_MARGIN``.

- 1.5 sd: with 10 runs a side and a true difference of zero, the 90% interval (half-width about
  0.77 sd) falls inside ±1.5 sd about 9 times in 10, so equivalence is found when it holds; a
  real shift of 1.5 sd, which would move a fresh run out of its band a sizeable part of the time,
  is called equivalent at most 5% of the time. A tighter margin (1 sd) would find equivalence in
  only about 4 of 10 truly equivalent entries at 10 runs a side.
- 0.002 (0.2 percentage points, 20 of 10,000 test images): the bands' own ``MIN_MARGIN``; the
  very stable recipes (experts-20000: sd 0.0006) would otherwise ask for agreement finer than the
  test set resolves in a handful of runs.

An exact entry (the documented divergence, 0.098) is equivalent only when every run on both sides
gives exactly its value. Runs that collapsed onto one class are counted apart, as in the bands.
"""

from __future__ import annotations

from dataclasses import dataclass

from tf1_tutorials.evidence import bands, store
from tf1_tutorials.evidence.stats import difference_interval, welch

ALPHA = 0.05
MARGIN_SDS = 1.5
MIN_MARGIN = bands.MIN_MARGIN
EQUIVALENT, DIFFERS, INCONCLUSIVE = "equivalent", "differs", "inconclusive"


@dataclass(frozen=True)
class Equivalence:
    verdict: str  # EQUIVALENT, DIFFERS or INCONCLUSIVE
    margin: float | None
    difference: float | None  # project mean - TF 1.15.5 mean
    interval: tuple[float, float] | None  # its 90% confidence interval
    n_project: int
    n_reference: int
    reason: str = ""

    @property
    def text(self) -> str:
        if self.difference is None:
            return f"{self.verdict} ({self.reason})"
        low, high = self.interval
        return (
            f"{self.verdict}: difference {self.difference:+.4f}, 90% interval "
            f"[{low:+.4f}, {high:+.4f}], margin ±{self.margin:.4f} "
            f"({self.n_project} vs {self.n_reference} runs)"
        )


def margin(project: bands.Spread) -> float:
    return max(MARGIN_SDS * project.sd, MIN_MARGIN)


def compare(
    item: bands.Entry, project: bands.Spread | None, reference: bands.Spread | None
) -> Equivalence | None:
    """The equivalence verdict of ``item``; None when TF 1.15.5 has no run of it."""
    if reference is None:
        return None
    n_ref = reference.n
    if project is None:
        return Equivalence(INCONCLUSIVE, None, None, None, 0, n_ref, "not measured here")
    if item.exact is not None:
        every = project.accuracies + reference.accuracies
        same = all(accuracy == item.exact for accuracy in every)
        reason = f"every run gives {item.exact}" if same else f"not every run gives {item.exact}"
        verdict = EQUIVALENT if same else DIFFERS
        return Equivalence(verdict, 0.0, None, None, project.n, n_ref, reason)
    if project.n < 2 or n_ref < 2:
        reason = f"{project.n} vs {n_ref} runs that learned: 2 a side are needed"
        return Equivalence(INCONCLUSIVE, None, None, None, project.n, n_ref, reason)
    delta = margin(project)
    difference, se, df = welch(
        project.mean, project.sd, project.n, reference.mean, reference.sd, n_ref
    )
    low, high = difference_interval(difference, se, df, 1.0 - 2.0 * ALPHA)
    if -delta < low and high < delta:
        verdict = EQUIVALENT
    elif high <= -delta or low >= delta:
        verdict = DIFFERS
    else:
        verdict = INCONCLUSIVE
    return Equivalence(verdict, delta, difference, (low, high), project.n, n_ref)


def verdicts(project: dict | None = None, reference: dict | None = None) -> dict:
    """Every entry with TF 1.15.5 runs -> its :class:`Equivalence`."""
    project = store.load() if project is None else project
    if reference is None:
        reference = store.load(store.REFERENCE_MEASUREMENTS_FILE)
    found = {}
    for item in bands.ENTRIES:
        result = compare(item, bands.spread(item.key, project), bands.spread(item.key, reference))
        if result is not None:
            found[item.key] = result
    return found
