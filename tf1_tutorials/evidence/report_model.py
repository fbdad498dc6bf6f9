"""The report as data: what REPORT.md and report.html both say, computed once from the runs.

:func:`build` turns the measured runs (ours, the version matrix's, TensorFlow 1.15.5's) into a
:class:`Report`: paragraphs of styled spans, tables of plain cells, sections. The writers
(``report_markdown``, ``report_html``) only render it; neither computes a number, and neither
imports the other. No TensorFlow, no matplotlib here.
"""

from __future__ import annotations

import datetime
import platform
import statistics
import subprocess
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from tf1_tutorials.evidence import bands, equivalence

ACCURACY_PLOT = "accuracy.png"
LOSS_PLOT = "loss_curves.png"
MEASUREMENTS = "tf1_tutorials/evidence/measurements.json"
MATRIX_MEASUREMENTS = "tf1_tutorials/evidence/measurements-tf215.json"
REFERENCE_MEASUREMENTS = "tf1_tutorials/evidence/measurements-tf115.json"


# --- the model ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Span:
    text: str
    style: str = ""  # "", "strong", "em" or "code"


def strong(text: str) -> Span:
    return Span(text, "strong")


def em(text: str) -> Span:
    return Span(text, "em")


def code(text: str) -> Span:
    return Span(text, "code")


Paragraph = tuple[Span, ...]


def paragraph(*parts: str | Span) -> Paragraph:
    return tuple(part if isinstance(part, Span) else Span(part) for part in parts)


@dataclass(frozen=True)
class TableRow:
    cells: tuple[str, ...]
    key: str | None = None  # the entry the row is about (an anchor in the HTML page)
    finding: bool = False


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[TableRow, ...]


@dataclass(frozen=True)
class Figure:
    file: str  # beside REPORT.md
    alt: str
    title: str


@dataclass(frozen=True)
class Section:
    title: str
    paragraphs: tuple[Paragraph, ...] = ()
    table: Table | None = None
    items: tuple[Paragraph, ...] = ()  # a bulleted list, after the paragraphs and the table
    figures: tuple[Figure, ...] = ()


@dataclass(frozen=True)
class Report:
    title: str
    intro: Paragraph
    findings: Section  # its first paragraph is the headline, its items the findings
    sections: tuple[Section, ...] = field(default_factory=tuple)


# --- one entry ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One entry with everything the report says of it."""

    item: bands.Entry
    spread: bands.Spread | None
    documented: bands.DocumentedVerdict | None
    runs: tuple[dict, ...]
    original: bands.Spread | None = None  # TensorFlow 1.15.5's runs of the entry
    equivalence: equivalence.Equivalence | None = None
    original_runs: tuple[dict, ...] = ()

    @property
    def finding(self) -> bool:
        return self.documented is not None and self.documented.finding

    @property
    def differs(self) -> bool:
        """A finding of its own: the port's runs differ from the original runtime's."""
        return self.equivalence is not None and self.equivalence.verdict == equivalence.DIFFERS

    def median(self, name: str, runs: tuple[dict, ...] | None = None) -> float | None:
        values = [run[name] for run in (self.runs if runs is None else runs) if name in run]
        return statistics.median(values) if values else None

    @property
    def steps_per_second(self) -> float | None:
        rates = [
            run["steps"] / run["train_seconds"]
            for run in self.runs
            if run.get("train_seconds") and "steps" in run
        ]
        return statistics.median(rates) if rates else None

    @property
    def test_images(self) -> str:
        return "/".join(f"{n:,}" for n in sorted({run["test_images"] for run in self.runs}))


def rows(measurements: dict, reference: dict | None = None) -> list[Row]:
    reference = reference or {}
    out = []
    for item in bands.ENTRIES:
        spread = bands.spread(item.key, measurements)
        original = bands.spread(item.key, reference)
        out.append(
            Row(
                item,
                spread,
                bands.documented_verdict(item, spread),
                tuple(measurements.get(item.key, {}).get("runs", ())),
                original,
                equivalence.compare(item, spread, original),
                tuple(reference.get(item.key, {}).get("runs", ())),
            )
        )
    return out


def settings_text(settings: dict) -> str:
    return ", ".join(f"{name}={value}" for name, value in settings.items()) or "recipe defaults"


def verdict_text(item: bands.Entry, spread: bands.Spread | None) -> str:
    if spread is None:
        return "not measured"
    if not item.ci and spread.runs < item.seeds_needed:  # a full-length entry still measuring
        partial = f"PARTIAL ({spread.runs} of {item.seeds_needed} seeds measured so far): "
        return partial + _verdict_text(item, spread)
    return _verdict_text(item, spread)


def _verdict_text(item: bands.Entry, spread: bands.Spread) -> str:
    if item.exact is not None:
        hits = sum(accuracy == item.exact for accuracy in spread.accuracies)
        word = "reproduces" if hits == spread.n else "FINDING"
        return f"{word}: {hits} of {spread.n} runs give exactly {item.exact}"
    collapsed = (
        f"; {len(spread.collapsed)} of {spread.runs} runs collapsed onto one class "
        f"(accuracy {', '.join(sorted({f'{a:.3f}' for a in spread.collapsed}))}), outside the band"
        if spread.collapsed
        else ""
    )
    documented = bands.documented_verdict(item, spread)
    if documented is not None:
        return documented.text + collapsed
    if item.documented is not None:
        return f"too few runs learned to judge the documented figure{collapsed}"
    return "measured band" + collapsed


def documented_text(item: bands.Entry) -> str:
    if item.documented is None:
        return "—"
    if item.documented_rounding:
        return f"≈{item.documented:.3f}"
    return f"{item.documented:.4f}"


def original_text(row: Row) -> str:
    """The main table's TF 1.15.5 cell: the original runtime's mean and runs, and the verdict."""
    if row.original is None:
        return "—"
    if row.original.n == 0:
        return f"{row.original.runs} runs, every one collapsed"
    return f"{row.original.mean:.4f} (n {row.original.n}): {row.equivalence.verdict}"


def _number(value: float | None, spec: str = ",.1f") -> str:
    return "—" if value is None else format(value, spec)


def spread_text(spread: bands.Spread) -> str:
    collapsed = f" (+{len(spread.collapsed)} collapsed)" if spread.collapsed else ""
    return f"{spread.mean:.4f} [{spread.low:.4f}, {spread.high:.4f}], {spread.n} runs{collapsed}"


# --- the sections ---------------------------------------------------------------------------------


def findings(measured: list[Row]) -> Section:
    """The findings first, largest distance first; then the entries whose runs differ from
    TensorFlow 1.15.5's."""
    found = sorted((row for row in measured if row.finding), key=lambda row: -abs(row.documented.z))
    differ = [row for row in measured if row.differs]
    if not found and not differ:
        compared = any(row.equivalence is not None for row in measured)
        head = paragraph(
            strong("Findings: none."),
            " Every documented figure lies inside our 99% interval"
            + (", and no entry's runs differ from TensorFlow 1.15.5's." if compared else "."),
        )
        return Section("Findings", (head,))
    items = []
    for row in found:
        verdict = row.documented
        low, high = verdict.interval
        items.append(
            paragraph(
                strong(row.item.key),
                f": documented {documented_text(row.item)} is {abs(verdict.z):.1f} sd "
                f"{'above' if verdict.z > 0 else 'below'} our mean {verdict.mean:.4f} (sd "
                f"{verdict.sd:.4f}, n {verdict.n}); 99% interval [{low:.4f}, {high:.4f}]. "
                f"Source: {row.item.source}.",
            )
        )
    for row in differ:
        items.append(
            paragraph(
                strong(row.item.key),
                f" differs from TensorFlow 1.15.5: our mean {row.spread.mean:.4f} (n "
                f"{row.spread.n}) against {row.original.mean:.4f} (n {row.original.n}); "
                f"{row.equivalence.text}.",
            )
        )
    return Section("Findings", (paragraph(strong(f"Findings: {len(items)}.")),), items=tuple(items))


COVERAGE = paragraph(
    "For each documented figure we give the mean, sd and n of our runs, the z of the figure "
    "((documented − mean) / sd) and the 99% prediction interval for one new run "
    "(mean ± t·sd·√(1 + 1/n), t with n − 1 degrees of freedom): if the original run was an "
    "ordinary draw from the same distribution as ours, it would fall inside that interval 99 "
    "times in 100. A figure outside it is a FINDING: something in the original run (its "
    "software, data, hardware or a detail of the recipe) differs from ours, or it was a 1-in-100 "
    "draw. Inside, the figure ",
    em("reproduces"),
    ". A figure given only roughly (≈99.2%) is judged as the interval it rounds from.",
)


def bands_paragraph(measurements: dict) -> Paragraph:
    rate = bands.suite_false_failure_rate(measurements)
    if rate <= 0:
        return paragraph("A CI run cannot fail on ordinary draws.")
    return paragraph(
        "A fresh run in CI must land in its entry's ",
        em("CI band"),
        f": our mean ± {bands.BAND_SDS:.2f} sd (at least ±{bands.MIN_MARGIN}). "
        f"{bands.BAND_SDS:.2f} sd gives each of the {bands.CI_CHECKS} checks of a CI run an equal "
        f"share of a {bands.FALSE_FAILURE_BUDGET:.0%} budget. Computed from these bands and the "
        "measured spreads, under normality (and, for the entries that sometimes collapse onto one "
        "class, their measured collapse rate), ",
        strong(f"a CI run fails on ordinary draws {rate:.2%} of the time"),
        f" (1 in {1 / rate:,.0f}).",
    )


def _joined(measurements: dict, name: str) -> str:
    return ", ".join(sorted({data.get(name, "?") for data in measurements.values()})) or "—"


def setting_paragraph(measurements: dict) -> Paragraph:
    return paragraph(
        f"TensorFlow {_joined(measurements, 'tensorflow')}; CPU {_joined(measurements, 'cpu')}; "
        f"measured {_joined(measurements, 'date')}. Raw runs (every seed and accuracy): ",
        code(MEASUREMENTS),
        ". CIFAR-10 accuracies are on the first 1,000 official test images only (standard error "
        "about ±1.5 points at 60%). ",
        em("train s"),
        " (training alone), ",
        em("wall s"),
        " (the whole process: start-up, data, training, evaluation), ",
        em("CPU s"),
        " (the process's CPU time, which barely moves when other work shares the cores) and ",
        em("steps/s"),
        " are medians over the runs, on 2 cores that other work sometimes shared.",
    )


ENTRY_HEADER = (
    "entry",
    "variant",
    "settings",
    "documented",
    "runs",
    "mean",
    "sd",
    "z",
    "99% interval",
    "CI band",
    "min",
    "max",
    "test images",
    "oneDNN",
    "train s",
    "wall s",
    "CPU s",
    "steps/s",
    "verdict",
    "TF 1.15.5",
)


def entry_row(row: Row) -> TableRow:
    item, spread, documented = row.item, row.spread, row.documented
    if spread is None or spread.n == 0:
        numbers = ["—"] * 14
    else:
        low, high = spread.band
        numbers = [
            str(spread.runs) if not spread.collapsed else f"{spread.n} (+{len(spread.collapsed)})",
            f"{spread.mean:.4f}",
            f"{spread.sd:.4f}",
            f"{documented.z:+.1f}" if documented else "—",
            "[{:.4f}, {:.4f}]".format(*documented.interval) if documented else "—",
            f"[{low:.4f}, {high:.4f}]" if item.exact is None else f"= {item.exact}",
            f"{spread.low:.4f}",
            f"{spread.high:.4f}",
            row.test_images,
            "on" if spread.onednn == "1" else "off",
            _number(row.median("train_seconds")),
            _number(row.median("wall_seconds")),
            _number(row.median("cpu_seconds")),
            _number(row.steps_per_second),
        ]
    cells = (
        item.key,
        item.variant,
        settings_text(item.settings),
        documented_text(item),
        *numbers,
        verdict_text(item, spread),
        original_text(row),
    )
    return TableRow(cells, key=item.key, finding=row.finding or row.differs)


def entries(measurements: dict, measured: list[Row]) -> Section:
    notes = tuple(paragraph(f"{item.key}: {item.note}") for item in bands.ENTRIES if item.note)
    figures = ()
    if measurements:
        figures = (
            Figure(ACCURACY_PLOT, "accuracy per entry", "Runs against bands"),
            Figure(LOSS_PLOT, "loss curves", "Loss curves"),
        )
    return Section(
        "Every entry",
        (COVERAGE, bands_paragraph(measurements), setting_paragraph(measurements)),
        Table(ENTRY_HEADER, tuple(entry_row(row) for row in measured)),
        items=notes,
        figures=figures,
    )


def sources() -> Section:
    """Every documented figure with the document and run it comes from, as quoted in the entry."""
    documented = [item for item in bands.ENTRIES if item.documented is not None]
    return Section(
        "Where the documented figures come from",
        (paragraph("Each documented figure, with the run of the tutorial that printed it:"),),
        items=tuple(
            paragraph(strong(item.key), f" ({documented_text(item)}): {item.source}.")
            for item in documented
        ),
    )


def reference_section(measured: list[Row]) -> Section | None:
    """The comparison with TensorFlow 1.15.5: one row per entry it has runs of."""
    compared = [row for row in measured if row.original is not None]
    if not compared:
        return None
    words = paragraph(
        "The same entries run on the original runtime, TensorFlow 1.15.5 (Python 3.7, the stock "
        "CPU wheel: Eigen kernels, no oneDNN), through the plain TF1 scripts in ",
        code("reference/"),
        " (",
        code("make tf115"),
        ", then ",
        code("tf1-tutorials measure ENTRY --runtime tf1.15"),
        "); raw runs in ",
        code(REFERENCE_MEASUREMENTS),
        f". Each verdict comes from two one-sided Welch tests at {equivalence.ALPHA:.0%} (TOST): ",
        em("equivalent"),
        " when the 90% confidence interval of the difference of means (ours − TF 1.15.5's) lies "
        "inside ±margin, ",
        em("differs"),
        " (a finding) when it lies wholly outside, ",
        em("inconclusive"),
        " otherwise. The margin is fixed from our own runs, measured before any TF 1.15.5 run: "
        f"{equivalence.MARGIN_SDS} of their sd, at least {equivalence.MIN_MARGIN}. With 10 runs "
        "a side, a true difference of zero is then found equivalent about 9 times in 10, and a "
        "real shift of 1.5 sd is called equivalent at most 5% of the time. Seeds name the same "
        "runs on both sides in name only: with ",
        code("tf.set_random_seed"),
        " and no op seeds, the two runtimes draw different initial weights (op seeds come from "
        "the graph's op count, which differs), so runs are compared as distributions, never seed "
        "by seed. TF 1.15.5's runs do not record which class they predicted, so a collapsed run "
        "there counts with the others.",
    )
    header = (
        "entry",
        "documented",
        "ours: mean [min, max], n",
        "TF 1.15.5: mean [min, max], n",
        "difference",
        "90% interval",
        "margin",
        "TF 1.15.5 train s",
        "verdict",
    )
    lines = []
    for row in compared:
        verdict = row.equivalence
        lines.append(
            TableRow(
                (
                    row.item.key,
                    documented_text(row.item),
                    spread_text(row.spread) if row.spread and row.spread.n else "—",
                    spread_text(row.original) if row.original.n else "—",
                    _number(verdict.difference, "+.4f"),
                    "[{:+.4f}, {:+.4f}]".format(*verdict.interval) if verdict.interval else "—",
                    f"±{verdict.margin:.4f}" if verdict.margin else "—",
                    _number(row.median("train_seconds", row.original_runs)),
                    verdict.verdict + (f" ({verdict.reason})" if verdict.reason else ""),
                ),
                key=row.item.key,
                finding=row.differs,
            )
        )
    return Section("Against the original: TensorFlow 1.15.5", (words,), Table(header, tuple(lines)))


def _same_seed_cells(ours: dict, theirs: dict) -> tuple[str, str]:
    """How the runs of the seeds measured on both versions compare, seed by seed."""
    mine = {run["seed"]: run["test_accuracy"] for run in ours.get("runs", [])}
    pairs = [
        (mine[run["seed"]], run["test_accuracy"]) for run in theirs["runs"] if run["seed"] in mine
    ]
    if not pairs:
        return "—", "—"
    identical = sum(a == b for a, b in pairs)
    mean_difference = sum(b - a for a, b in pairs) / len(pairs)
    largest = max(abs(b - a) for a, b in pairs)
    return (
        f"{identical} of {len(pairs)} identical, largest difference {largest * 100:.2f} points",
        f"{mean_difference * 100:+.2f} points",
    )


def matrix_section(measurements: dict, other: dict) -> Section | None:
    """The version matrix: each entry measured on the other TensorFlow, seed by seed against our
    runs of the same seeds, and against our bands."""
    if not other:
        return None
    versions, ours = _joined(other, "tensorflow"), _joined(measurements, "tensorflow")
    words = paragraph(
        "The short entries trained again on the version matrix's other TensorFlow (",
        code("constraints/tf215.txt"),
        ", with NumPy 1.26), with the same settings and seeds as the bands' runs and the oneDNN "
        "setting each file records (on TensorFlow 2.21 the softmax and mlp entries give the same "
        "accuracy, seed for seed, with it on and off); raw runs in ",
        code(MATRIX_MEASUREMENTS),
        ". ",
        em("same seeds"),
        " compares each of those runs with our run of the same seed (a run is not "
        "bit-reproducible across versions unless both draw the same random numbers and use the "
        "same kernels); ",
        em("in band"),
        " counts the runs that land in the band above.",
    )
    header = (
        "entry",
        f"{ours}: mean [min, max]",
        f"{versions}: mean [min, max]",
        "same seeds",
        "mean difference, same seeds",
        "in band",
    )
    lines = []
    for item in bands.ENTRIES:
        theirs = bands.spread(item.key, other)
        if theirs is None:
            continue
        mine = bands.spread(item.key, measurements)
        if mine is None or mine.n == 0 or theirs.n == 0:
            lines.append(TableRow((item.key, "—", spread_text(theirs), "—", "—", "—"), item.key))
            continue
        fresh = [
            bands.judge(item, run["test_accuracy"], mine, run.get("top_prediction_share")).in_band
            for run in other[item.key]["runs"]
        ]
        same, difference = _same_seed_cells(measurements[item.key], other[item.key])
        cells = (item.key, spread_text(mine), spread_text(theirs), same, difference)
        lines.append(TableRow((*cells, f"{sum(fresh)} of {len(fresh)}"), item.key))
    return Section(f"TensorFlow {versions} against {ours}", (words,), Table(header, tuple(lines)))


def _version(package: str) -> str:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return "not installed"


def _commit() -> str:
    root = Path(__file__).resolve().parents[2]
    try:
        done = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return "unknown (no git)"
    return done.stdout.strip() if done.returncode == 0 else "unknown (not a git checkout)"


def reproducibility(measurements: dict) -> Section:
    """What the runs were made with, and what wrote the report."""
    measured = {key: data for key, data in sorted(measurements.items()) if data.get("runs")}
    seeds = "; ".join(
        f"{key}: {', '.join(str(run['seed']) for run in data['runs'])}"
        for key, data in measured.items()
    )
    onednn = sorted(
        {"on" if str(data.get("onednn")) == "1" else "off" for data in measured.values()}
    )
    return Section(
        "Reproducibility",
        items=(
            paragraph(
                f"Runs made with TensorFlow {_joined(measured, 'tensorflow')}, oneDNN "
                f"{', '.join(onednn) or '—'}, on {_joined(measured, 'cpu')}; measured "
                f"{_joined(measured, 'date')}."
            ),
            paragraph(
                f"Written with Python {platform.python_version()}, TensorFlow "
                f"{_version('tensorflow')}, tf-keras {_version('tf-keras')}, tf-slim "
                f"{_version('tf-slim')}, NumPy {_version('numpy')}, at commit {_commit()} on "
                f"{datetime.date.today().isoformat()}."
            ),
            paragraph(f"Seeds per entry: {seeds or '—'}."),
            paragraph(
                "Raw runs: ",
                code(MEASUREMENTS),
                "; rerun any entry with ",
                code("tf1-tutorials measure ENTRY --seeds 1-10"),
                ".",
            ),
        ),
    )


def build(measurements: dict, other: dict | None = None, reference: dict | None = None) -> Report:
    """The whole report from the runs: ours, the version matrix's (``other``) and TensorFlow
    1.15.5's (``reference``)."""
    measured = rows(measurements, reference)
    sections = [
        entries(measurements, measured),
        sources(),
        reference_section(measured),
        matrix_section(measurements, other or {}),
        reproducibility(measurements),
    ]
    return Report(
        "Reproduction report",
        paragraph(
            "Each entry is one documented run of a tutorial (or, where the documents give no "
            "figure, a run measured here) trained again under several seeds on the real data."
        ),
        findings(measured),
        tuple(section for section in sections if section is not None),
    )
