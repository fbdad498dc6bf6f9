"""Measured runs -> REPORT.md, report.html and the PNG figures they show.

`tf1-tutorials report [--out DIR] [--html]` reads the recorded runs
(``bands.MEASUREMENTS_FILE``) and writes ``REPORT.md``, ``accuracy.png`` (each entry's runs
against its band, the documented figure marked) and ``loss_curves.png``; with ``--html`` also
``report.html``, one self-contained page.
"""

from __future__ import annotations

import argparse
import statistics
from dataclasses import dataclass
from pathlib import Path

from tf1_tutorials import bands

ACCURACY_PLOT = "accuracy.png"
LOSS_PLOT = "loss_curves.png"
HTML_FILE = "report.html"

COVERAGE_WORDS = (
    "For each documented figure we give the mean, sd and n of our runs, the z of the figure "
    "((documented − mean) / sd) and the 99% prediction interval for one new run "
    "(mean ± t·sd·√(1 + 1/n), t with n − 1 degrees of freedom): if the original run was an "
    "ordinary draw from the same distribution as ours, it would fall inside that interval 99 "
    "times in 100. A figure outside it is a FINDING: something in the original run (its "
    "software, data, hardware or a detail of the recipe) differs from ours, or it was a 1-in-100 "
    "draw. Inside, the figure *reproduces*. A figure given only roughly (≈99.2%) is judged as "
    "the interval it rounds from."
)


def _settings_text(settings: dict) -> str:
    return ", ".join(f"{name}={value}" for name, value in settings.items()) or "recipe defaults"


@dataclass(frozen=True)
class Row:
    """One entry as the report shows it."""

    item: bands.Entry
    spread: bands.Spread | None
    documented: bands.DocumentedVerdict | None
    runs: tuple[dict, ...]

    @property
    def finding(self) -> bool:
        return self.documented is not None and self.documented.finding

    def median(self, field: str) -> float | None:
        values = [run[field] for run in self.runs if field in run]
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


def rows(measurements: dict) -> list[Row]:
    out = []
    for item in bands.ENTRIES:
        spread = bands.spread(item.key, measurements)
        runs = tuple(measurements.get(item.key, {}).get("runs", ()))
        out.append(Row(item, spread, bands.documented_verdict(item, spread), runs))
    return out


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


def finding_lines(measured: list[Row]) -> list[str]:
    """The findings first, largest distance first."""
    found = sorted((row for row in measured if row.finding), key=lambda row: -abs(row.documented.z))
    if not found:
        return ["**Findings: none.** Every documented figure lies inside our 99% interval.", ""]
    lines = [f"**Findings: {len(found)}.**", ""]
    for row in found:
        verdict = row.documented
        low, high = verdict.interval
        lines.append(
            f"- **{row.item.key}**: documented {documented_text(row.item)} is "
            f"{abs(verdict.z):.1f} sd {'above' if verdict.z > 0 else 'below'} our mean "
            f"{verdict.mean:.4f} (sd {verdict.sd:.4f}, n {verdict.n}); 99% interval "
            f"[{low:.4f}, {high:.4f}]. Source: {row.item.source}."
        )
    return [*lines, ""]


def table_rows(measurements: dict) -> list[str]:
    lines = [
        "| entry | variant | settings | documented | runs | mean | sd | z | 99% interval | CI band "
        "| min | max | test images | oneDNN | train s | wall s | CPU s | steps/s | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for row in rows(measurements):
        item, spread, documented = row.item, row.spread, row.documented
        if spread is None or spread.n == 0:
            numbers = ["—"] * 14
        else:
            low, high = spread.band
            seconds, wall = row.median("train_seconds"), row.median("wall_seconds")
            cpu, rate = row.median("cpu_seconds"), row.steps_per_second
            numbers = [
                str(spread.runs)
                if not spread.collapsed
                else f"{spread.n} (+{len(spread.collapsed)})",
                f"{spread.mean:.4f}",
                f"{spread.sd:.4f}",
                f"{documented.z:+.1f}" if documented else "—",
                "[{:.4f}, {:.4f}]".format(*documented.interval) if documented else "—",
                f"[{low:.4f}, {high:.4f}]" if item.exact is None else f"= {item.exact}",
                f"{spread.low:.4f}",
                f"{spread.high:.4f}",
                row.test_images,
                "on" if spread.onednn == "1" else "off",
                f"{seconds:,.1f}" if seconds is not None else "—",
                f"{wall:,.1f}" if wall is not None else "—",
                f"{cpu:,.1f}" if cpu is not None else "—",
                f"{rate:,.1f}" if rate is not None else "—",
            ]
        lines.append(
            f"| {item.key} | {item.variant} | {_settings_text(item.settings)} | "
            f"{documented_text(item)} | "
            + " | ".join(numbers)
            + f" | {verdict_text(item, spread)} |"
        )
    return lines


def band_words(measurements: dict) -> str:
    rate = bands.suite_false_failure_rate(measurements)
    return (
        f"A fresh run in CI must land in its entry's *CI band*: our mean ± {bands.BAND_SDS:.2f} sd "
        f"(at least ±{bands.MIN_MARGIN}). {bands.BAND_SDS:.2f} sd gives each of the "
        f"{bands.CI_CHECKS} checks of a CI run an equal share of a "
        f"{bands.FALSE_FAILURE_BUDGET:.0%} budget. Computed from these bands and the measured "
        "spreads, under normality (and, for "
        "the entries that sometimes collapse onto one class, their measured collapse rate), "
        f"**a CI run fails on ordinary draws {rate:.2%} of the time** (1 in "
        f"{1 / rate:,.0f})."
        if rate > 0
        else "a CI run cannot fail on ordinary draws."
    )


def _spread_text(spread: bands.Spread) -> str:
    collapsed = f" (+{len(spread.collapsed)} collapsed)" if spread.collapsed else ""
    return f"{spread.mean:.4f} [{spread.low:.4f}, {spread.high:.4f}], {spread.n} runs{collapsed}"


def _same_seed_text(ours: dict, theirs: dict) -> str:
    """How the runs of the seeds measured on both versions compare, seed by seed."""
    mine = {run["seed"]: run["test_accuracy"] for run in ours.get("runs", [])}
    pairs = [
        (mine[run["seed"]], run["test_accuracy"]) for run in theirs["runs"] if run["seed"] in mine
    ]
    if not pairs:
        return "— | —"
    identical = sum(a == b for a, b in pairs)
    mean_difference = sum(b - a for a, b in pairs) / len(pairs)
    largest = max(abs(b - a) for a, b in pairs)
    return (
        f"{identical} of {len(pairs)} identical, largest difference {largest * 100:.2f} points | "
        f"{mean_difference * 100:+.2f} points"
    )


def matrix_lines(measurements: dict, other: dict) -> list[str]:
    """The version matrix: each entry measured on the other TensorFlow, seed by seed against our
    runs of the same seeds, and against our bands."""
    if not other:
        return []
    versions = sorted({data.get("tensorflow", "?") for data in other.values()})
    ours = sorted({data.get("tensorflow", "?") for data in measurements.values()})
    lines = [
        f"## TensorFlow {', '.join(versions)} against {', '.join(ours)}",
        "",
        "The short entries trained again on the version matrix's other TensorFlow "
        "(`constraints/tf215.txt`, with NumPy 1.26), with the same settings and seeds as the "
        "bands' runs and the oneDNN setting each file records (on TensorFlow 2.21 the softmax "
        "and mlp entries give the same accuracy, seed for seed, with it on and off); raw runs in "
        "`tf1_tutorials/measurements-tf215.json`. *same "
        "seeds* compares each of those runs with our run of the same seed (a run is not "
        "bit-reproducible across versions unless both draw the same random numbers and use the "
        "same kernels); *in band* counts the runs that land in the band above.",
        "",
        f"| entry | {', '.join(ours)}: mean [min, max] | {', '.join(versions)}: mean [min, max] "
        "| same seeds | mean difference, same seeds | in band |",
        "|---|---|---|---|---|---|",
    ]
    for item in bands.ENTRIES:
        theirs = bands.spread(item.key, other)
        if theirs is None:
            continue
        mine = bands.spread(item.key, measurements)
        if mine is None or mine.n == 0 or theirs.n == 0:
            lines.append(f"| {item.key} | — | {_spread_text(theirs)} | — | — | — |")
            continue
        fresh = [
            bands.judge(item, run["test_accuracy"], mine, run.get("top_prediction_share")).in_band
            for run in other[item.key]["runs"]
        ]
        same_seeds = _same_seed_text(measurements[item.key], other[item.key])
        lines.append(
            f"| {item.key} | {_spread_text(mine)} | {_spread_text(theirs)} | {same_seeds} | "
            f"{sum(fresh)} of {len(fresh)} |"
        )
    return [*lines, ""]


def markdown(measurements: dict, other: dict | None = None) -> str:
    versions = sorted({data.get("tensorflow", "?") for data in measurements.values()})
    cpus = sorted({data.get("cpu", "?") for data in measurements.values()})
    dates = sorted({data.get("date", "?") for data in measurements.values()})
    lines = [
        "# Reproduction report",
        "",
        "Each entry is one documented run of a tutorial (or, where the documents give no figure, a "
        "run measured here) trained again under several seeds on the real data.",
        "",
        *finding_lines(rows(measurements)),
        COVERAGE_WORDS,
        "",
        band_words(measurements),
        "",
        f"TensorFlow {', '.join(versions) or '—'}; CPU {', '.join(cpus) or '—'}; measured "
        f"{', '.join(dates) or '—'}. Raw runs (every seed and accuracy): "
        "`tf1_tutorials/measurements.json`. CIFAR-10 accuracies are on the first 1,000 official "
        "test images only (standard error about ±1.5 points at 60%). *train s* (training alone), "
        "*wall s* (the whole process: start-up, data, training, evaluation), *CPU s* (the "
        "process's CPU time, which barely moves when other work shares the cores) and *steps/s* "
        "are medians over the runs, on 2 cores that other work sometimes shared.",
        "",
        *table_rows(measurements),
        "",
    ]
    notes = [f"- {item.key}: {item.note}" for item in bands.ENTRIES if item.note]
    if notes:
        lines += ["Notes:", "", *notes, ""]
    lines += [f"![accuracy per entry]({ACCURACY_PLOT})", "", f"![loss curves]({LOSS_PLOT})", ""]
    lines += matrix_lines(measurements, other or {})
    return "\n".join(lines)


def write_report(
    out_dir: Path, measurements: dict | None = None, other: dict | None = None, html: bool = False
) -> Path:
    """REPORT.md and the plots in ``out_dir`` (and report.html with ``html``); ``other``: the
    version matrix's measurements (default: ``bands.MATRIX_MEASUREMENTS_FILE``). Every file is
    made in memory first, then all written or none (an error names the file)."""
    from tf1_tutorials import report_plots
    from tf1_tutorials.errors import write_all_atomically

    measurements = bands.load_measurements() if measurements is None else measurements
    if other is None:
        other = bands.load_measurements(bands.MATRIX_MEASUREMENTS_FILE)
    report = out_dir / "REPORT.md"
    outputs: dict[Path, str | bytes] = {report: markdown(measurements, other)}
    if measurements:
        outputs[out_dir / ACCURACY_PLOT] = report_plots.accuracy_png(measurements)
        outputs[out_dir / LOSS_PLOT] = report_plots.loss_png(measurements)
    if html:
        from tf1_tutorials import report_html

        outputs[out_dir / HTML_FILE] = report_html.page(measurements, other)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_all_atomically(outputs)
    return report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("report"), help="output directory")
    parser.add_argument(
        "--html", action="store_true", help=f"also write {HTML_FILE}, one self-contained page"
    )
    parser.add_argument(
        "--from",
        dest="measurements",
        type=Path,
        default=bands.MEASUREMENTS_FILE,
        metavar="FILE",
        help="the measured runs (default: the ones the bands come from)",
    )
    parser.add_argument(
        "--matrix",
        type=Path,
        default=bands.MATRIX_MEASUREMENTS_FILE,
        metavar="FILE",
        help="the version matrix's measured runs (default: the TensorFlow 2.15 ones)",
    )


def main(args: argparse.Namespace) -> int:
    """Every file is checked before anything is written; errors reach ``cli.main``."""
    from tf1_tutorials.errors import check_writable_dir
    from tf1_tutorials.harness import read_measurements

    measurements = read_measurements(args.measurements, "--from", must_exist=True)
    other = read_measurements(args.matrix, "--matrix", must_exist=True)
    check_writable_dir(args.out, "--out")
    report = write_report(args.out, measurements, other, html=args.html)
    print(f"wrote {report}" + (f" and {args.out / HTML_FILE}" if args.html else ""))
    return 0
