"""REPORT.md: the report model (``report_model.Report``) written as Markdown. It renders what the
model says and computes nothing; the HTML writer is its sibling, and neither imports the other."""

from __future__ import annotations

from tf1_tutorials.evidence.report_model import Paragraph, Report, Section, Table

MARKS = {"": "{}", "strong": "**{}**", "em": "*{}*", "code": "`{}`"}


def spans(text: Paragraph) -> str:
    return "".join(MARKS[span.style].format(span.text) for span in text)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def table(data: Table) -> list[str]:
    lines = [
        "| " + " | ".join(_cell(cell) for cell in data.header) + " |",
        "|" + "---|" * len(data.header),
    ]
    return lines + ["| " + " | ".join(_cell(c) for c in row.cells) + " |" for row in data.rows]


def section(part: Section, level: str = "##") -> list[str]:
    lines = [f"{level} {part.title}", ""]
    for text in part.paragraphs:
        lines += [spans(text), ""]
    if part.table is not None:
        lines += [*table(part.table), ""]
    if part.items:
        lines += [*(f"- {spans(item)}" for item in part.items), ""]
    for figure in part.figures:
        lines += [f"![{figure.alt}]({figure.file})", ""]
    return lines


def render(report: Report) -> str:
    lines = [f"# {report.title}", "", spans(report.intro), ""]
    for text in report.findings.paragraphs:
        lines += [spans(text), ""]
    if report.findings.items:
        lines += [*(f"- {spans(item)}" for item in report.findings.items), ""]
    for part in report.sections:
        lines += section(part)
    return "\n".join(lines)
