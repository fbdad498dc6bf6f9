"""The report's figures (matplotlib, no TensorFlow): every entry's runs against its band and the
documented figure, and one loss curve per entry. Each returns the PNG's bytes."""

from __future__ import annotations

import io
import math

from tf1_tutorials.evidence import bands


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100)
    _pyplot().close(fig)
    return buffer.getvalue()


def accuracy_png(measurements: dict, reference: dict | None = None) -> bytes:
    """One row per measured entry: its runs as dots (collapsed ones as crosses), the CI band as a
    green bar, the documented figure as a red star (its rounding as a red bar) with the 99%
    interval it is judged against as a black bracket, findings named in red; with ``reference``,
    TensorFlow 1.15.5's runs of the entry as orange diamonds on a row just below ours."""
    plt = _pyplot()
    reference = reference or {}
    items = [
        (item, found)
        for item in bands.ENTRIES
        if (found := bands.spread(item.key, measurements)) is not None and found.n > 0
    ]
    fig, axes = plt.subplots(
        len(items), 1, figsize=(9, 0.75 * len(items) + 1.6), squeeze=False, constrained_layout=True
    )
    for ax, (item, spread) in zip(axes[:, 0], items, strict=True):
        low, high = spread.band if item.exact is None else (item.exact, item.exact)
        ax.axvspan(low, high, color="tab:green", alpha=0.2, label="CI band")
        ax.plot(spread.accuracies, [0] * spread.n, "o", color="tab:blue", label="our runs")
        if spread.collapsed:
            ax.plot(spread.collapsed, [0] * len(spread.collapsed), "x", color="tab:gray")
        values = [*spread.accuracies, *spread.collapsed, low, high]
        original = [run["test_accuracy"] for run in reference.get(item.key, {}).get("runs", [])]
        if original:
            ax.plot(
                original,
                [-0.3] * len(original),
                "D",
                color="tab:orange",
                markersize=4,
                fillstyle="none",
                label="TensorFlow 1.15.5 runs",
            )
            values += original
        verdict = bands.documented_verdict(item, spread)
        if item.documented is not None:
            values.append(item.documented)
            if item.documented_rounding:
                ax.axvspan(
                    item.documented - item.documented_rounding,
                    item.documented + item.documented_rounding,
                    color="tab:red",
                    alpha=0.25,
                )
            ax.plot([item.documented], [0], "*", color="tab:red", markersize=13, label="documented")
        if verdict is not None:
            low99, high99 = verdict.interval
            ax.errorbar(
                [(low99 + high99) / 2],
                [0.3],
                xerr=[[(high99 - low99) / 2]],
                fmt="none",
                ecolor="black",
                capsize=3,
                linewidth=1,
                label="99% interval",
            )
            values += [low99, high99]
        finding = verdict is not None and verdict.finding
        ax.set_yticks([])
        ax.set_ylim(-0.6, 0.6)
        ax.set_ylabel(
            item.key + (" FINDING" if finding else ""),
            rotation=0,
            ha="right",
            va="center",
            fontsize=8,
            color="tab:red" if finding else "black",
        )
        pad = max((max(values) - min(values)) * 0.1, 0.002)
        ax.set_xlim(min(values) - pad, max(values) + pad)
        ax.tick_params(axis="x", labelsize=7)
    handles = {}
    for ax in axes[:, 0]:
        for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
            handles.setdefault(label, handle)
    fig.legend(handles.values(), handles.keys(), loc="outside lower center", fontsize=7, ncol=4)
    title = "test accuracy per entry: our runs, the CI band, the documented figure"
    fig.suptitle(title + (", TensorFlow 1.15.5's runs" if reference else ""))
    return _png(fig)


def loss_png(measurements: dict) -> bytes:
    """One seed's training loss per entry, log-log."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(9, 5), constrained_layout=True)
    for key, data in sorted(measurements.items()):
        # Result files store a non-finite loss as the string "nan", "inf" or "-inf".
        points = [(step, float(loss)) for step, loss in data.get("loss_curve", [])]
        finite = [(step, loss) for step, loss in points if math.isfinite(loss) and loss > 0]
        if finite:
            ax.plot(*zip(*finite, strict=True), label=key, linewidth=1)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("training loss (one seed)")
    if ax.lines:
        ax.legend(fontsize=7, ncol=2)
    return _png(fig)
