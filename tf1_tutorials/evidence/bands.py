"""Every accuracy band the harness tests, with its source, and the verdicts drawn from them.

An entry names a variant and the settings of one documented (or measured) run. Its runs are measured
here under several seeds and stored with their seeds in ``measurements.json`` beside this module, so
anyone can recompute what follows from them. Two separate questions are answered:

- **Does the documented figure reproduce?** The runs' mean, sd and n give a t-based prediction
  interval for one new run at ``DOCUMENTED_COVERAGE`` (99%): mean ± t·sd·√(1 + 1/n). A documented
  figure outside it is a FINDING, stated with its z; inside, it reproduces. A figure given only
  roughly ("approximately 99.2%") is judged as the interval it rounds from.
- **Does a fresh run pass?** Its CI band is mean ± ``BAND_SDS`` sd (at least ``MIN_MARGIN``), with
  ``BAND_SDS`` set so that, under normality with the measured mean and sd, a CI run of
  ``CI_CHECKS`` such checks fails on ordinary draws less than ``FALSE_FAILURE_BUDGET`` of the time.
  ``suite_false_failure_rate`` computes that rate from the bands and the measured spreads.

A band is never widened to hide a finding: the two questions use separate intervals.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from pathlib import Path
from statistics import NormalDist

from tf1_tutorials.evidence import store
from tf1_tutorials.evidence.stats import outside_probability, prediction_interval

# The documented figure is judged against the interval one new run falls in 99 times in 100.
DOCUMENTED_COVERAGE = 0.99
# A CI run (`.ci/run`) judges about this many fresh runs against non-exact bands: the default
# suite's CI entries on TensorFlow 2.21, its short entries again on 2.15, and the cluster's softmax.
CI_CHECKS = 24
# The whole CI run may fail on ordinary draws less often than this: each check gets an equal share.
FALSE_FAILURE_BUDGET = 0.01
BAND_SDS = NormalDist().inv_cdf(1 - FALSE_FAILURE_BUDGET / CI_CHECKS / 2)
MIN_MARGIN = 0.002
# A run that gives this share of the test images or more one and the same class has collapsed.
COLLAPSE_SHARE = 0.9
# A CI entry whose measured runs trained for at most this long (median) is *short*: the version
# matrix's CI leg runs the short entries on the other TensorFlow too.
SHORT_TRAIN_SECONDS = 60.0
FULL = "the full recipe: make accuracy-full; the default suite runs its CI-length entry"


@dataclass(frozen=True)
class Entry:
    key: str
    variant: str
    settings: dict
    source: str
    documented: float | None = None
    # A documented figure given only roughly ("approximately 99.2%") carries its rounding here.
    documented_rounding: float = 0.0
    exact: float | None = None  # the run must give exactly this (the documented divergence)
    ci: bool = True  # part of the default suite; False: only `make accuracy-full`
    min_seeds: int = 0  # runs its measurement needs; 0: 10 for a CI entry, 3 for a full-length one
    note: str = ""

    @property
    def seeds_needed(self) -> int:
        return self.min_seeds or (10 if self.ci else 3)

    @property
    def kind(self) -> str:
        return "documented" if self.documented is not None else "measured"


# Where the documented figures come from, quoted (each entry says which run).
BEGINNER = "the beginner tutorial (MNIST For ML Beginners: softmax, the naive sum cross-entropy)"

ENTRIES: tuple[Entry, ...] = (
    Entry(
        "softmax-lr0.01-6000",
        "softmax",
        {"learning_rate": 0.01, "steps": 6000},
        f"{BEGINNER}: 0.9233 after 6,000 steps at 0.01, one run, no seed",
        documented=0.9233,
    ),
    Entry(
        "softmax-lr0.01-10000",
        "softmax",
        {"learning_rate": 0.01, "steps": 10000},
        f"{BEGINNER}: 0.9243 after 10,000 steps at 0.01, one run, no seed",
        documented=0.9243,
    ),
    Entry(
        "softmax-lr0.001-1000",
        "softmax",
        {"learning_rate": 0.001, "steps": 1000},
        f"{BEGINNER}: 0.9106 after 1,000 steps at 0.001, one run, no seed",
        documented=0.9106,
    ),
    Entry(
        "softmax-lr0.03-1000",
        "softmax",
        {"learning_rate": 0.03, "steps": 1000},
        f"{BEGINNER}: 0.098 after 1,000 steps at 0.03; training diverges to NaN, the argmax of an "
        "all-NaN row is 0, and 980 of the 10,000 test digits are zeros",
        documented=0.098,
        exact=0.098,
    ),
    Entry(
        "mlp-30epochs",
        "mlp",
        {},
        "the three-layer sigmoid network tutorial: test accuracy 91.64% after 30 epochs, one run",
        documented=0.9164,
    ),
    Entry(
        "experts-5000",
        "experts",
        {"steps": 5000},
        "Deep MNIST for Experts, a class run of 5,000 steps: 0.9883 (the mean of the accuracies of "
        "ten test chunks of 1,000, which is the full test accuracy)",
        documented=0.9883,
    ),
    Entry(
        "experts-20000",
        "experts",
        {"steps": 20000},
        'Deep MNIST for Experts, after 20,000 steps: "approximately 99.2%" (the tutorial\'s words)',
        documented=0.992,
        documented_rounding=0.0005,
        ci=False,
        min_seeds=5,
        note="10 to 25 minutes a run on 2 cores: 5 seeds",
    ),
    # The variants without a documented figure: the full recipe (only `make accuracy-full`) and a
    # CI-length run of the same recipe, each with its own measured band.
    Entry("graph_cnn-15epochs", "graph_cnn", {}, "measured here", ci=False, note=FULL),
    Entry("graph_cnn-1epoch", "graph_cnn", {"epochs": 1}, "measured here (CI length)"),
    Entry("layers_cnn-15epochs", "layers_cnn", {}, "measured here", ci=False, note=FULL),
    Entry("layers_cnn-1epoch", "layers_cnn", {"epochs": 1}, "measured here (CI length)"),
    Entry("slim_cnn-5000", "slim_cnn", {"steps": 5000}, "measured here", ci=False, note=FULL),
    Entry("slim_cnn-1000", "slim_cnn", {"steps": 1000}, "measured here (CI length)"),
    Entry("slim_cnn-20000", "slim_cnn", {}, "measured here", ci=False),
    Entry(
        "cifar10_graph-raw",
        "cifar10_graph",
        {},
        "measured here (documented form: raw 0-255 inputs)",
        ci=False,
        note=FULL,
    ),
    Entry(
        "cifar10_graph-raw-1epoch",
        "cifar10_graph",
        {"epochs": 1},
        "measured here (CI length; raw 0-255 inputs)",
    ),
    Entry(
        "cifar10_graph-scaled",
        "cifar10_graph",
        {"scale_inputs": True},
        "measured here (inputs scaled to [0, 1])",
        ci=False,
        note=FULL,
    ),
    Entry(
        "cifar10_graph-scaled-1epoch",
        "cifar10_graph",
        {"epochs": 1, "scale_inputs": True},
        "measured here (CI length; inputs scaled to [0, 1])",
    ),
    Entry("keras_subclass-10000", "keras_subclass", {}, "measured here", ci=False, note=FULL),
    Entry("keras_subclass-1000", "keras_subclass", {"steps": 1000}, "measured here (CI length)"),
    Entry("keras_sequential-mnist", "keras_sequential", {}, "measured here", ci=False, note=FULL),
    Entry(
        "keras_sequential-mnist-1epoch",
        "keras_sequential",
        {"epochs": 1},
        "measured here (CI length)",
    ),
    Entry(
        "keras_sequential-cifar10",
        "keras_sequential",
        {"dataset": "cifar10"},
        "measured here",
        ci=False,
        note=FULL,
    ),
    Entry(
        "keras_sequential-cifar10-1epoch",
        "keras_sequential",
        {"dataset": "cifar10", "epochs": 1},
        "measured here (CI length)",
    ),
)

BY_KEY = {entry.key: entry for entry in ENTRIES}


def entry(key: str) -> Entry:
    try:
        return BY_KEY[key]
    except KeyError:
        raise KeyError(f"no band entry {key!r}; entries: {', '.join(BY_KEY)}") from None


def entry_for(variant: str, config: dict, defaults: dict) -> Entry | None:
    """The entry whose settings give exactly this run's ``config`` (``defaults``: the variant's
    recipe), or None when the run is none of the banded ones."""
    changed = {name: value for name, value in config.items() if defaults.get(name) != value}
    for item in ENTRIES:
        if item.variant != variant:
            continue
        settings = {name: v for name, v in item.settings.items() if defaults.get(name) != v}
        if settings == changed:
            return item
    return None


@dataclass(frozen=True)
class Spread:
    """What the recorded runs of one entry show.

    Some recipes are bimodal: a run either learns or collapses onto predicting one class for
    (nearly) every test image (the documented CIFAR-10 form, raw 0-255 inputs under Adam 0.01,
    does so in most seeds). Averaging the two modes would give a band too wide to fail, so the
    band is taken over the runs that learned, and the runs that collapsed are counted apart: a
    fresh run may collapse only if measured runs did too.
    """

    accuracies: tuple[float, ...]  # the runs that learned (or, for an exact entry, every run)
    seeds: tuple[int, ...]  # every run's seed
    tensorflow: str
    date: str
    # TF_ENABLE_ONEDNN_OPTS the runs had ("0": TensorFlow's own default on this CPU, "1": ours);
    # a fresh run to be judged against the spread uses the same setting.
    onednn: str = "1"
    collapsed: tuple[float, ...] = ()  # accuracies of the runs that collapsed onto one class

    @property
    def n(self) -> int:
        """Runs in the band's statistics (the runs that learned)."""
        return len(self.accuracies)

    @property
    def runs(self) -> int:
        return len(self.seeds)

    @property
    def low(self) -> float:
        return min(self.accuracies)

    @property
    def high(self) -> float:
        return max(self.accuracies)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.accuracies)

    @property
    def sd(self) -> float:
        return statistics.stdev(self.accuracies) if self.n > 1 else 0.0

    @property
    def margin(self) -> float:
        return max(BAND_SDS * self.sd, MIN_MARGIN)

    @property
    def band(self) -> tuple[float, float]:
        """Where a fresh run must land: mean ± ``BAND_SDS`` sd (at least ``MIN_MARGIN``)."""
        return (self.mean - self.margin, self.mean + self.margin)

    @property
    def collapse_share(self) -> float:
        """The share of measured runs that collapsed onto one class."""
        return len(self.collapsed) / self.runs if self.runs else 0.0


def is_short(item: Entry, measurements: dict | None = None) -> bool:
    """Whether ``item`` is a CI entry whose measured runs trained for at most
    ``SHORT_TRAIN_SECONDS`` (median); an unmeasured entry is not short."""
    data = (store.load() if measurements is None else measurements).get(item.key)
    seconds = [
        run["train_seconds"] for run in (data or {}).get("runs", []) if "train_seconds" in run
    ]
    return item.ci and bool(seconds) and statistics.median(seconds) <= SHORT_TRAIN_SECONDS


def spread(key: str, measurements: dict | None = None) -> Spread | None:
    """The recorded spread of an entry, or None when it has not been measured."""
    data = (store.load() if measurements is None else measurements).get(key)
    if not data or not data.get("runs"):
        return None
    runs = data["runs"]
    exact = key in BY_KEY and BY_KEY[key].exact is not None
    collapsed = [run for run in runs if not exact and is_collapsed(run.get("top_prediction_share"))]
    return Spread(
        accuracies=tuple(run["test_accuracy"] for run in runs if run not in collapsed),
        collapsed=tuple(run["test_accuracy"] for run in collapsed),
        seeds=tuple(run["seed"] for run in runs),
        tensorflow=data.get("tensorflow", "?"),
        date=data.get("date", "?"),
        onednn=str(data.get("onednn", "1")),
    )


@dataclass(frozen=True)
class DocumentedVerdict:
    """The documented figure against the measured runs' 99% prediction interval."""

    documented: tuple[float, float]  # the figure, as the interval it rounds from
    mean: float
    sd: float
    n: int
    z: float  # (documented - mean) / sd, from the nearest end of the documented interval
    interval: tuple[float, float]  # where one new run falls with DOCUMENTED_COVERAGE
    finding: bool

    @property
    def text(self) -> str:
        if not self.finding:
            return f"reproduces (z {self.z:+.1f}, inside the 99% interval)"
        side = "above" if self.z > 0 else "below"
        return f"FINDING: {abs(self.z):.1f} sd {side} our mean, outside the 99% interval"


def documented_verdict(item: Entry, measured: Spread | None) -> DocumentedVerdict | None:
    """Whether ``item``'s documented figure reproduces; None without a figure, an exact value to
    match instead, or at least 2 runs that learned."""
    if item.documented is None or item.exact is not None or measured is None or measured.n < 2:
        return None
    documented = (
        item.documented - item.documented_rounding,
        item.documented + item.documented_rounding,
    )
    interval = prediction_interval(measured.mean, measured.sd, measured.n, DOCUMENTED_COVERAGE)
    nearest = min(max(measured.mean, documented[0]), documented[1])
    z = (nearest - measured.mean) / measured.sd if measured.sd > 0 else 0.0
    finding = documented[1] < interval[0] or documented[0] > interval[1]
    return DocumentedVerdict(
        documented, measured.mean, measured.sd, measured.n, z, interval, finding
    )


def false_failure_rate(item: Entry, measured: Spread | None) -> float:
    """The chance, under normality with the measured mean and sd, that a fresh run of ``item`` on
    ordinary draws misses its band (a run that collapses as measured runs did passes)."""
    if measured is None:
        return 1.0
    if item.exact is not None:
        return 1.0 - sum(a == item.exact for a in measured.accuracies) / measured.n
    if measured.n == 0:
        return 1.0
    low, high = measured.band
    learns = 1.0 - measured.collapse_share
    return learns * outside_probability(low, high, measured.mean, measured.sd)


def suite_false_failure_rate(measurements: dict | None = None) -> float:
    """The chance that a CI run fails on ordinary draws: each CI entry judged once on TensorFlow
    2.21, each short one again on 2.15 (against the same band)."""
    data = store.load() if measurements is None else measurements
    passes = 1.0
    for item in ENTRIES:
        if item.ci:
            rate = false_failure_rate(item, spread(item.key, data))
            passes *= (1.0 - rate) ** (2 if is_short(item, data) else 1)
    return 1.0 - passes


@dataclass(frozen=True)
class Verdict:
    in_band: bool
    message: str


def is_collapsed(top_prediction_share: float | None) -> bool:
    """Whether a run whose most predicted class took this share of the test images collapsed."""
    return top_prediction_share is not None and top_prediction_share >= COLLAPSE_SHARE


def judge(
    item: Entry, accuracy: float, measured: Spread | None, top_prediction_share: float | None = None
) -> Verdict:
    """Whether one fresh run of ``item`` lands in the entry's band.

    ``top_prediction_share`` is the share of the test images given the run's most predicted class;
    a collapsed run passes only if measured runs collapsed too (see :class:`Spread`).
    """
    if item.exact is not None:
        ok = accuracy == item.exact
        return Verdict(ok, f"{accuracy:.4f} {'==' if ok else '!='} {item.exact}")
    if measured is None:
        return Verdict(False, f"{item.key}: not measured (run tf1-tutorials measure)")
    if is_collapsed(top_prediction_share):
        seen = len(measured.collapsed)
        message = (
            f"{accuracy:.4f}: collapsed onto one class, as {seen} of {measured.runs} measured "
            "runs did"
        )
        return Verdict(seen > 0, message)
    if measured.n == 0:
        return Verdict(False, f"{accuracy:.4f}: no measured run learned")
    low, high = measured.band
    in_band = low <= accuracy <= high
    return Verdict(
        in_band, f"{accuracy:.4f} {'in' if in_band else 'OUTSIDE'} band [{low:.4f}, {high:.4f}]"
    )


def run_lines(item: Entry, accuracy: float, top_prediction_share: float | None = None) -> list[str]:
    """What a finished run of a banded recipe prints: its band and whether it landed in it."""
    measured = spread(item.key)
    verdict = judge(item, accuracy, measured, top_prediction_share)
    if measured is None:
        return [f"band {item.key}: not measured yet, so this run cannot be judged"]
    if item.exact is not None:
        where = f"must be exactly {item.exact}"
    else:
        low, high = measured.band
        where = (
            f"[{low:.4f}, {high:.4f}] (mean {measured.mean:.4f} ± {BAND_SDS:.2f} sd of "
            f"{measured.n} measured runs)"
        )
    if not item.ci and measured.runs < item.seeds_needed:
        where += f"; only {measured.runs} of its {item.seeds_needed} seeds measured so far"
    documented = "" if item.documented is None else f"; documented {item.documented:g}"
    word = "in band" if verdict.in_band else "OUTSIDE the band"
    this = verdict.message if is_collapsed(top_prediction_share) else f"{accuracy:.4f}"
    return [f"band {item.key}: {where}{documented}", f"this run: {this} -> {word}"]


# The committed report, where the package runs from its repository (else: how to write one).
REPORT = Path(__file__).resolve().parents[2] / "report" / "REPORT.md"


def judge_run(variant: str, record: dict, defaults: dict) -> list[str]:
    """What ``tf1-tutorials run`` says after the test accuracy of a run of a banded recipe
    (``defaults``: the variant's recipe): its band, whether the run landed in it, and where the
    report is; nothing for a run of no banded recipe."""
    item = entry_for(variant, record["config"], defaults)
    if item is None:
        return []
    lines = run_lines(item, record["test_accuracy"], record.get("top_prediction_share"))
    return [*lines, f"report: {REPORT if REPORT.exists() else 'tf1-tutorials report --html'}"]
