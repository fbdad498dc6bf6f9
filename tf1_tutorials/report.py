"""Measured runs -> REPORT.md (a table a reader can judge at a glance) and PNG plots.

`tf1-tutorials report [--out DIR]` reads the recorded runs (``bands.MEASUREMENTS_FILE``) and writes
``REPORT.md``, ``accuracy.png`` (each entry's runs against its band, the documented value
marked) and ``loss_curves.png``.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from tf1_tutorials import bands

ACCURACY_PLOT = "accuracy.png"
LOSS_PLOT = "loss_curves.png"


def _settings_text(settings: dict) -> str:
    return ", ".join(f"{name}={value}" for name, value in settings.items()) or "recipe defaults"


def verdict_text(item: bands.Entry, spread: bands.Spread | None) -> str:
    if spread is None:
        return "not measured"
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
    if item.documented is None:
        return "measured band" + collapsed
    inside, distance = bands.documented_position(item, spread)
    if inside:
        return "reproduces: documented value inside our spread"
    side = "above" if item.documented > spread.high else "below"
    return f"FINDING: documented value {distance * 100:.2f} points {side} our spread"


def table_rows(measurements: dict) -> list[str]:
    rows = [
        "| entry | variant | settings | documented | band | runs | min | mean | max | sd | test "
        "images | oneDNN | verdict |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for item in bands.ENTRIES:
        spread = bands.spread(item.key, measurements)
        documented = "—" if item.documented is None else f"{item.documented:.4f}"
        if item.documented_rounding:
            documented = f"≈{documented}"
        if spread is None or spread.n == 0:
            numbers = ["—"] * 8
        else:
            low, high = spread.band
            images = sorted({run["test_images"] for run in measurements[item.key]["runs"]})
            numbers = [
                f"[{low:.4f}, {high:.4f}]" if item.exact is None else f"= {item.exact}",
                str(spread.runs)
                if not spread.collapsed
                else f"{spread.n} (+{len(spread.collapsed)})",
                f"{spread.low:.4f}",
                f"{spread.mean:.4f}",
                f"{spread.high:.4f}",
                f"{spread.sd:.4f}",
                "/".join(f"{n:,}" for n in images),
                "on" if spread.onednn == "1" else "off",
            ]
        rows.append(
            f"| {item.key} | {item.variant} | {_settings_text(item.settings)} | {documented} | "
            + " | ".join(numbers)
            + f" | {verdict_text(item, spread)} |"
        )
    return rows


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
        "(`constraints/tf215.txt`, with NumPy 1.26), with the same settings, seeds and oneDNN "
        "setting as the bands' runs; raw runs in `tf1_tutorials/measurements-tf215.json`. *same "
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
        "run measured here) trained again under several seeds on the real data. *band* is the "
        f"measured spread widened by {bands.MARGIN_SDS:g} standard deviations on each side "
        f"(at least {bands.MIN_MARGIN}); a fresh run must land in it. *verdict* says whether the "
        "documented value lies inside our measured spread; a value outside it is a finding, never "
        "hidden by a wider band.",
        "",
        f"TensorFlow {', '.join(versions) or '—'}; CPU {', '.join(cpus) or '—'}; measured "
        f"{', '.join(dates) or '—'}. Raw runs (every seed and accuracy): "
        "`tf1_tutorials/measurements.json`. CIFAR-10 accuracies are on the first 1,000 official "
        "test images only (standard error about ±1.5 points at 60%).",
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


def plot_accuracy(measurements: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    items = [
        item
        for item in bands.ENTRIES
        if (found := bands.spread(item.key, measurements)) is not None and found.n > 0
    ]
    fig, axes = plt.subplots(
        len(items), 1, figsize=(8, 1.1 * len(items) + 1), squeeze=False, constrained_layout=True
    )
    for ax, item in zip(axes[:, 0], items, strict=True):
        spread = bands.spread(item.key, measurements)
        low, high = spread.band if item.exact is None else (item.exact, item.exact)
        ax.axvspan(low, high, color="tab:green", alpha=0.2, label="band")
        ax.plot(spread.accuracies, [0] * spread.n, "o", color="tab:blue", label="our runs")
        if spread.collapsed:
            ax.plot(spread.collapsed, [0] * len(spread.collapsed), "x", color="tab:gray")
        if item.documented is not None:
            ax.plot([item.documented], [0], "*", color="tab:red", markersize=14, label="documented")
        ax.set_yticks([])
        ax.set_ylabel(item.key, rotation=0, ha="right", va="center", fontsize=8)
        values = [*spread.accuracies, *spread.collapsed, low, high] + (
            [item.documented] if item.documented is not None else []
        )
        pad = max((max(values) - min(values)) * 0.1, 0.002)
        ax.set_xlim(min(values) - pad, max(values) + pad)
        ax.tick_params(axis="x", labelsize=7)
    axes[0, 0].legend(loc="upper left", fontsize=7, ncol=3)
    fig.suptitle("test accuracy: our runs, band, documented value")
    fig.savefig(path, dpi=100)
    plt.close(fig)


def plot_losses(measurements: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    curves = {
        key: data["loss_curve"] for key, data in measurements.items() if data.get("loss_curve")
    }
    fig, ax = plt.subplots(figsize=(9, 5), constrained_layout=True)
    for key, curve in sorted(curves.items()):
        # Result files store a non-finite loss as the string "nan", "inf" or "-inf".
        values = [(step, float(loss)) for step, loss in curve]
        finite = [(step, loss) for step, loss in values if math.isfinite(loss) and loss > 0]
        steps = [step for step, _ in finite]
        losses = [loss for _, loss in finite]
        ax.plot(steps, losses, label=key, linewidth=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("training loss (one seed)")
    ax.legend(fontsize=7, ncol=2)
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write_report(
    out_dir: Path, measurements: dict | None = None, other: dict | None = None
) -> Path:
    """REPORT.md and the plots in ``out_dir``; ``other``: the version matrix's measurements
    (default: ``bands.MATRIX_MEASUREMENTS_FILE``)."""
    measurements = bands.load_measurements() if measurements is None else measurements
    if other is None:
        other = bands.load_measurements(bands.MATRIX_MEASUREMENTS_FILE)
    out_dir.mkdir(parents=True, exist_ok=True)
    report = out_dir / "REPORT.md"
    report.write_text(markdown(measurements, other))
    if measurements:
        plot_accuracy(measurements, out_dir / ACCURACY_PLOT)
        plot_losses(measurements, out_dir / LOSS_PLOT)
    return report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("report"), help="output directory")
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

    measurements = read_measurements(args.measurements)
    other = read_measurements(args.matrix)
    check_writable_dir(args.out, "--out")
    report = write_report(args.out, measurements, other)
    print(f"wrote {report}")
    return 0
