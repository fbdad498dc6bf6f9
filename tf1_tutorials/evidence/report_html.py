"""report.html: the report model (``report_model.Report``) as one self-contained page (figures
inline, no external assets). It renders what the model says and computes nothing; the Markdown
writer is its sibling, and neither imports the other."""

from __future__ import annotations

import base64
import html

from tf1_tutorials.evidence.report_model import Paragraph, Report, Section, Table

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
TAGS = {"": "{}", "strong": "<strong>{}</strong>", "em": "<em>{}</em>", "code": "<code>{}</code>"}


def spans(text: Paragraph) -> str:
    return "".join(TAGS[span.style].format(html.escape(span.text)) for span in text)


def table(data: Table, anchored: set[str]) -> str:
    """The table; a row about an entry gets the anchor ``entry-KEY`` unless an earlier row took
    it (``anchored``: the keys anchored so far, updated)."""
    out = ["<table>", "<tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in data.header) + "</tr>"]
    for row in data.rows:
        attributes = ""
        if row.key and row.key not in anchored:
            anchored.add(row.key)
            attributes = f' id="entry-{html.escape(row.key)}"'
        attributes += ' class="finding"' if row.finding else ""
        cells = "".join(f"<td>{html.escape(cell)}</td>" for cell in row.cells)
        out.append(f"<tr{attributes}>{cells}</tr>")
    return "\n".join([*out, "</table>"])


def _image(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def _items(items) -> list[str]:
    return ["<ul>", *(f"<li>{spans(item)}</li>" for item in items), "</ul>"] if items else []


def section(part: Section, figures: dict[str, bytes], anchored: set[str]) -> list[str]:
    out = [f"<h2>{html.escape(part.title)}</h2>"]
    out += [f"<p>{spans(text)}</p>" for text in part.paragraphs]
    if part.table is not None:
        out.append(table(part.table, anchored))
    out += _items(part.items)
    for figure in part.figures:
        if figure.file in figures:
            out += [
                f"<h3>{html.escape(figure.title)}</h3>",
                _image(figures[figure.file], figure.alt),
            ]
    return out


def render(report: Report, figures: dict[str, bytes]) -> str:
    """The page; ``figures``: each figure's PNG bytes by its file name."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>tf1-tutorials {html.escape(report.title.lower())}</title>",
        f"<style>{STYLE}</style></head><body>",
        f"<h1>{html.escape(report.title)}</h1>",
        f"<p>{spans(report.intro)}</p>",
        '<div class="findings" id="findings">',
        *(f"<p>{spans(text)}</p>" for text in report.findings.paragraphs),
        *_items(report.findings.items),
        "</div>",
    ]
    anchored: set[str] = set()
    for part in report.sections:
        parts += section(part, figures, anchored)
    return "\n".join([*parts, "</body></html>", ""])
