"""report.html: the report as one self-contained page (figures inline, no external assets), with
the findings first, every entry's row, the figures, and what the runs were made with."""

from __future__ import annotations

import base64
import datetime
import html
import platform
import re
import subprocess
from importlib import metadata
from pathlib import Path

from tf1_tutorials.evidence import bands, report, report_plots

STYLE = """
body { font-family: sans-serif; margin: 2em auto; max-width: 120em; color: #222; }
table { border-collapse: collapse; font-size: 0.85em; }
th, td { border: 1px solid #bbb; padding: 0.25em 0.45em; text-align: left; }
th { background: #eee; }
tr.finding td { background: #fde2e2; }
.findings { border-left: 0.4em solid #c33; padding: 0.2em 1em; background: #fff5f5; }
img { max-width: 100%; }
code { background: #f3f3f3; padding: 0 0.2em; }
"""


def _inline(text: str) -> str:
    """Escape ``text`` and turn its **bold** and `code` into HTML."""
    text = html.escape(text)
    text = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", text)
    text = re.sub(r"`(.+?)`", r"<code>\1</code>", text)
    return re.sub(r"\*(.+?)\*", r"<em>\1</em>", text)


def _cells(line: str) -> list[str]:
    return [cell.strip() for cell in line.strip().strip("|").split("|")]


def _table(lines: list[str], row_ids: list[str] | None = None, classes=None) -> str:
    """A Markdown table (header, rule, rows) as an HTML table."""
    header, _, *body = lines
    out = ["<table>", "<tr>" + "".join(f"<th>{_inline(c)}</th>" for c in _cells(header)) + "</tr>"]
    for index, line in enumerate(body):
        attributes = ""
        if row_ids:
            attributes += f' id="entry-{html.escape(row_ids[index])}"'
        if classes and classes[index]:
            attributes += f' class="{classes[index]}"'
        cells = "".join(f"<td>{_inline(c)}</td>" for c in _cells(line))
        out.append(f"<tr{attributes}>{cells}</tr>")
    return "\n".join([*out, "</table>"])


def _image(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


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


def reproducibility(measurements: dict) -> list[str]:
    """What the runs were made with, and what wrote this page."""
    measured = [(key, data) for key, data in sorted(measurements.items()) if data.get("runs")]
    seeds = "; ".join(
        f"{key}: {', '.join(str(run['seed']) for run in data['runs'])}" for key, data in measured
    )
    onednn = sorted({"on" if str(data.get("onednn")) == "1" else "off" for _, data in measured})
    return [
        "<h2>Reproducibility</h2>",
        "<ul>",
        f"<li>Runs made with TensorFlow "
        f"{html.escape(', '.join(sorted({d.get('tensorflow', '?') for _, d in measured})))}, "
        f"oneDNN {', '.join(onednn)}, on "
        f"{html.escape(', '.join(sorted({d.get('cpu', '?') for _, d in measured})))}; measured "
        f"{html.escape(', '.join(sorted({d.get('date', '?') for _, d in measured})))}.</li>",
        f"<li>This page was written with Python {platform.python_version()}, TensorFlow "
        f"{_version('tensorflow')}, tf-keras {_version('tf-keras')}, tf-slim "
        f"{_version('tf-slim')}, NumPy {_version('numpy')}, at commit {html.escape(_commit())} "
        f"on {datetime.date.today().isoformat()}.</li>",
        f"<li>Seeds per entry: {html.escape(seeds)}.</li>",
        "<li>Raw runs: <code>tf1_tutorials/evidence/measurements.json</code>; rerun any entry with "
        "<code>tf1-tutorials measure ENTRY --seeds 1-10</code>.</li>",
        "</ul>",
    ]


def _section(lines: list[str]) -> list[str]:
    """A Markdown section (a heading, prose, one table) of the report as HTML."""
    if not lines:
        return []
    table = [line for line in lines if line.startswith("|")]
    prose = [line for line in lines if line and not line.startswith("|")]
    return [
        f"<h2>{_inline(prose[0].lstrip('# '))}</h2>",
        *(f"<p>{_inline(line)}</p>" for line in prose[1:]),
        _table(table),
    ]


def page(measurements: dict, other: dict | None = None, reference: dict | None = None) -> str:
    rows = report.rows(measurements, reference)
    findings = report.finding_lines(rows)
    items = [_inline(line[2:]) for line in findings if line.startswith("- ")]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        "<title>tf1-tutorials reproduction report</title>",
        f"<style>{STYLE}</style></head><body>",
        "<h1>Reproduction report</h1>",
        '<div class="findings" id="findings">',
        f"<p>{_inline(findings[0])}</p>",
        "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>" if items else "",
        "</div>",
        f"<p>{_inline(report.COVERAGE_WORDS)}</p>",
        f"<p>{_inline(report.band_words(measurements))}</p>",
        "<h2>Every entry</h2>",
        _table(
            report.table_rows(measurements, reference),
            row_ids=[row.item.key for row in rows],
            classes=["finding" if row.finding or row.differs else "" for row in rows],
        ),
        "<p>CIFAR-10 accuracies are on the first 1,000 official test images only.</p>",
    ]
    notes = [f"<li>{_inline(f'{i.key}: {i.note}')}</li>" for i in bands.ENTRIES if i.note]
    if notes:
        parts += ["<p>Notes:</p>", "<ul>", *notes, "</ul>"]
    if measurements:
        parts += [
            "<h2>Runs against bands</h2>",
            _image(report_plots.accuracy_png(measurements, reference), "test accuracy per entry"),
            "<h2>Loss curves</h2>",
            _image(report_plots.loss_png(measurements), "training loss per entry"),
        ]
    parts += _section(report.reference_lines(rows))
    parts += _section(report.matrix_lines(measurements, other or {}))
    parts += [*reproducibility(measurements), "</body></html>", ""]
    return "\n".join(part for part in parts if part)
