"""Measured runs -> REPORT.md, report.html and the PNG figures they show.

`tf1-tutorials report [--out DIR] [--html]` (commands/report.py) reads the recorded runs (ours,
``store.MEASUREMENTS_FILE``; the version matrix's; TensorFlow 1.15.5's) and writes ``REPORT.md``,
``accuracy.png`` (each entry's runs against its band, the documented figure marked, TF 1.15.5's
runs beside ours) and ``loss_curves.png``; with ``--html`` also ``report.html``, one
self-contained page. What the report says is computed once (``report_model.build``); the Markdown
and HTML writers only render it. Every file is written whole or not at all.
"""

from __future__ import annotations

from pathlib import Path

from tf1_tutorials.errors import write_all_atomically
from tf1_tutorials.evidence import report_html, report_markdown, report_model, store
from tf1_tutorials.evidence.report_model import ACCURACY_PLOT, LOSS_PLOT

HTML_FILE = "report.html"
__all__ = ["ACCURACY_PLOT", "HTML_FILE", "LOSS_PLOT", "write_report"]


def write_report(
    out_dir: Path,
    measurements: dict | None = None,
    other: dict | None = None,
    html: bool = False,
    reference: dict | None = None,
) -> Path:
    """REPORT.md and the plots in ``out_dir`` (and report.html with ``html``); ``other``: the
    version matrix's measurements (default: ``store.MATRIX_MEASUREMENTS_FILE``); ``reference``:
    TensorFlow 1.15.5's (default: ``store.REFERENCE_MEASUREMENTS_FILE``)."""
    from tf1_tutorials.evidence import report_plots  # matplotlib: only when writing

    measurements = store.load() if measurements is None else measurements
    if other is None:
        other = store.load(store.MATRIX_MEASUREMENTS_FILE)
    if reference is None:
        reference = store.load(store.REFERENCE_MEASUREMENTS_FILE)
    model = report_model.build(measurements, other, reference)
    figures = {}
    if measurements:
        figures = {
            ACCURACY_PLOT: report_plots.accuracy_png(measurements, reference),
            LOSS_PLOT: report_plots.loss_png(measurements),
        }
    report = out_dir / "REPORT.md"
    outputs: dict[Path, str | bytes] = {report: report_markdown.render(model)}
    outputs |= {out_dir / name: png for name, png in figures.items()}
    if html:
        outputs[out_dir / HTML_FILE] = report_html.render(model, figures)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_all_atomically(outputs)  # every file whole, or none of them changed
    return report
