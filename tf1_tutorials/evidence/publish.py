"""The report's files in one folder, from the measured runs: REPORT.md (:mod:`.report`), the PNG
plots (:mod:`.report_plots`) and, when asked, report.html (:mod:`.report_html`). The Markdown
writer knows nothing of the HTML page; the page reads the Markdown module's rows and lines."""

from __future__ import annotations

from pathlib import Path

from tf1_tutorials.evidence import bands, report, report_html, report_plots

HTML_FILE = "report.html"


def write_report(
    out_dir: Path, measurements: dict | None = None, other: dict | None = None, html: bool = False
) -> Path:
    """REPORT.md and the plots in ``out_dir`` (and report.html with ``html``); ``other``: the
    version matrix's measurements (default: ``bands.MATRIX_MEASUREMENTS_FILE``)."""
    measurements = bands.load_measurements() if measurements is None else measurements
    if other is None:
        other = bands.load_measurements(bands.MATRIX_MEASUREMENTS_FILE)
    out_dir.mkdir(parents=True, exist_ok=True)
    markdown = out_dir / "REPORT.md"
    markdown.write_text(report.markdown(measurements, other))
    if measurements:
        (out_dir / report.ACCURACY_PLOT).write_bytes(report_plots.accuracy_png(measurements))
        (out_dir / report.LOSS_PLOT).write_bytes(report_plots.loss_png(measurements))
    if html:
        (out_dir / HTML_FILE).write_text(report_html.page(measurements, other))
    return markdown
