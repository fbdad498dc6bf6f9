"""What a compared run printed, the verdict on two sides' runs, and the table that shows them
side by side (for `tf1-tutorials legacy --compare`, compare/sides.py). No processes, no files here.

A run is compared by the number its output ends with (:func:`printed_result`) and timed per step
from its result line or its ``step N`` lines (:func:`step_time`). The verdict: *same* when both
sides exited 0 and their numbers are equal (one run a side) or their means differ by no more than
the larger side's min..max spread (``--repeat N``); *differs* otherwise; *ran on one side only*
when a run of the other side exited non-zero (its error line says why); *failed on both sides*.
"""

from __future__ import annotations

import math
import re
import statistics
from dataclasses import dataclass, field

from tf1_tutorials import reference_runtime

SAME, DIFFERS = 0, 1  # the command's exit status for each kind of verdict
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|\bnan\b", re.IGNORECASE)
FLOAT = re.compile(r"\.|[eE]|nan", re.IGNORECASE)  # a number written as a float
STEP_LINE = re.compile(r"^\W*(?:global[ _]?)?(?:step|iter(?:ation)?)\s*[:=#]?\s*(\d+)\b", re.I)
ERROR_LINE = re.compile(r"^[A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt)\b|not supported by")
MODULE_PREFIX = re.compile(r"^(?:\w+\.)+(?=\w+(?:Error|Exception)\b)")


@dataclass
class Run:
    """One run of the script: its exit status, its stdout lines with the seconds since the start
    at which each arrived, its stderr lines and its wall time."""

    status: int
    stdout: list[tuple[float, str]] = field(default_factory=list)
    stderr: list[str] = field(default_factory=list)
    wall_seconds: float = 0.0

    @property
    def lines(self) -> list[str]:
        return [line for _, line in self.stdout]


@dataclass(frozen=True)
class Printed:
    """The number a run is compared by, and the line it was read from."""

    value: float
    line: str


@dataclass(frozen=True)
class Verdict:
    word: str  # same, differs, ran on one side only, failed on both sides
    reason: str

    @property
    def exit_status(self) -> int:
        return SAME if self.word == "same" else DIFFERS


def numbers(line: str) -> list[str]:
    return NUMBER.findall(line)


def printed_result(lines: list[str]) -> Printed | None:
    """The number a script's output ends with: the accuracy of its last result line (``test
    accuracy A after N steps ...``), else the last float in [0, 1] on the last line that names
    an accuracy, else on the last line having one, else the last number on the last line having
    any (a script printing ``13``). None when it printed no number."""
    result = reference_runtime.parse_result("\n".join(lines))
    if result is not None:
        for line in reversed(lines):
            if reference_runtime.RESULT_LINE.match(line.strip()):
                return Printed(result.test_accuracy, line.strip())
    fractions = [(line, _fractions(line)) for line in lines]
    fractions = [(line, found) for line, found in fractions if found]
    for line, found in reversed(fractions):
        if "acc" in line.lower():
            return Printed(found[-1], line.strip())
    if fractions:
        line, found = fractions[-1]
        return Printed(found[-1], line.strip())
    for line in reversed(lines):
        found = numbers(line)
        if found:
            return Printed(float(found[-1]), line.strip())
    return None


def _fractions(line: str) -> list[float]:
    values = [float(text) for text in numbers(line) if FLOAT.search(text)]
    return [value for value in values if math.isnan(value) or 0.0 <= value <= 1.0]


@dataclass(frozen=True)
class StepTime:
    seconds: float  # per step
    steps: int
    source: str  # where it was told from


def step_time(run: Run) -> StepTime | None:
    """Seconds per step: the script's own training time over its steps, from its result line;
    else the time between its first and last ``step N`` lines over the steps between them."""
    result = reference_runtime.parse_result("\n".join(run.lines))
    if result is not None and result.steps > 0:
        return StepTime(result.train_seconds / result.steps, result.steps, "result line")
    steps = []
    for arrived, line in run.stdout:
        match = STEP_LINE.match(line)
        if match:
            steps.append((arrived, int(match[1])))
    if len(steps) >= 2:
        (first_time, first), (last_time, last) = steps[0], steps[-1]
        if last > first:
            return StepTime((last_time - first_time) / (last - first), last, "step lines")
    return None


def why_failed(stderr: list[str]) -> str:
    """The line of stderr that says why a run failed: the last exception line of a traceback or
    the last unsupported-API line, else the last line that is not blank."""
    lines = [line.strip() for line in stderr if line.strip()]
    for line in reversed(lines):
        if ERROR_LINE.search(line):
            return line
    return lines[-1] if lines else "nothing on stderr"


def verdict(project: list[Run], reference: list[Run], labels: tuple[str, str]) -> Verdict:
    """Same, differs, ran on one side only or failed on both sides, and why."""
    failed = [next((run for run in runs if run.status != 0), None) for runs in (project, reference)]
    if all(failed):
        reasons = "; ".join(
            f"{label}: exit status {run.status}, {why_failed(run.stderr)}"
            for label, run in zip(labels, failed, strict=True)
        )
        return Verdict("failed on both sides", reasons)
    for side, run in enumerate(failed):
        if run is not None:
            return Verdict(
                "ran on one side only",
                f"ran under {labels[1 - side]} only; under {labels[side]} it ended with exit "
                f"status {run.status}: {why_failed(run.stderr)}",
            )
    values = [[_value(run) for run in runs] for runs in (project, reference)]
    return compare_values(values[0], values[1], labels)


def _value(run: Run) -> float | None:
    printed = printed_result(run.lines)
    return None if printed is None else printed.value


def compare_values(
    project: list[float | None], reference: list[float | None], labels: tuple[str, str]
) -> Verdict:
    """The verdict on two sides' numbers, one per run (None: it printed none). With one run a side
    they must be equal; with more, the means may differ by the larger side's min..max spread."""
    runs = f"{len(project)} run{'s' if len(project) > 1 else ''} a side"
    missing = [
        label for label, values in zip(labels, (project, reference), strict=True) if None in values
    ]
    if missing:
        if len(missing) == 2 and all(v is None for v in project + reference):
            return Verdict("same", f"both exited 0 and printed no number ({runs})")
        return Verdict("differs", f"{' and '.join(missing)} printed no number in some run")
    nan = [
        label
        for label, values in zip(labels, (project, reference), strict=True)
        if any(map(math.isnan, values))
    ]
    if nan:
        if len(nan) == 2 and all(map(math.isnan, project + reference)):
            return Verdict("same", f"nan on both sides ({runs})")
        return Verdict("differs", f"nan printed on {' and '.join(nan)} only")
    means = statistics.fmean(project), statistics.fmean(reference)
    spread = max(max(project) - min(project), max(reference) - min(reference))
    difference = abs(means[0] - means[1])
    tolerance = spread + 1e-12 * max(1.0, *map(abs, means))
    if len(project) == 1:
        if difference <= tolerance:
            return Verdict("same", f"{_number(project[0])} on both sides ({runs}: must be equal)")
        return Verdict(
            "differs",
            f"{_number(project[0])} against {_number(reference[0])} ({runs}: must be equal; "
            "--repeat N measures the run-to-run spread)",
        )
    said = (
        f"means {_number(means[0])} and {_number(means[1])} differ by {_number(difference)}, "
        f"{{}} the larger run-to-run spread {_number(spread)} ({runs})"
    )
    if difference <= tolerance:
        return Verdict("same", said.format("within"))
    return Verdict("differs", said.format("beyond"))


def _number(value: float) -> str:
    return f"{value:.6g}"


# The table: a row per thing compared, a column per side.
WIDTH = 44  # a cell's widest


def _cell(text: str) -> str:
    return text if len(text) <= WIDTH else text[: WIDTH - 1] + "…"


def _seconds(value: float) -> str:
    return f"{value * 1000:.3g} ms" if value < 1 else f"{value:.1f} s"


def _values(runs: list[Run]) -> list[str]:
    cells = []
    for run in runs:
        printed = printed_result(run.lines) if run.status == 0 else None
        cells.append("—" if printed is None else _number(printed.value))
    return cells


def side_rows(runs: list[Run]) -> dict[str, str]:
    """One side's cells: row name -> what its runs gave (``why`` only when one failed)."""
    printed = [printed_result(run.lines) for run in runs if run.status == 0]
    values = [p.value for p in printed if p is not None]
    rows = {
        "exit status": " ".join(str(status) for status in sorted({run.status for run in runs})),
        "result": " / ".join(_values(runs)),
    }
    if len(runs) > 1:
        finite = [v for v in values if not math.isnan(v)]
        rows["min..max (sd)"] = (
            f"{_number(min(finite))}..{_number(max(finite))} ({statistics.stdev(finite):.2g})"
            if len(finite) > 1
            else "—"
        )
    walls = [run.wall_seconds for run in runs]
    rows["wall time"] = _seconds(statistics.median(walls)) + (
        f" (median of {len(walls)})" if len(walls) > 1 else ""
    )
    steps = [step for step in map(step_time, runs) if step is not None]
    rows["time per step"] = (
        f"{_seconds(statistics.median(s.seconds for s in steps))} ({steps[0].source})"
        if steps
        else "—"
    )
    if any(run.status != 0 for run in runs):
        failed = next(run for run in runs if run.status != 0)
        rows["why"] = MODULE_PREFIX.sub("", why_failed(failed.stderr))  # the verdict has it all
    return rows


def table(labels: tuple[str, str], runs: tuple[list[Run], list[Run]]) -> list[str]:
    """The lines printed: the two sides in columns, then the line each side's last run printed
    its number on (or how it ended)."""
    sides = [side_rows(side) for side in runs]
    names = list(dict.fromkeys([*sides[0], *sides[1]]))
    first = max(len(name) for name in names) + 2
    cells = [[_cell(side.get(name, "")) for side in sides] for name in names]
    width = max(len(labels[0]), *(len(row[0]) for row in cells)) + 2
    lines = [" " * first + labels[0].ljust(width) + labels[1]]
    for name, row in zip(names, cells, strict=True):
        lines.append((name.ljust(first) + row[0].ljust(width) + row[1]).rstrip())
    for label, side in zip(labels, runs, strict=True):
        last = side[-1]
        printed = printed_result(last.lines)
        if last.status != 0:
            said = f"ended with exit status {last.status}"
        else:
            said = f"printed last: {printed.line}" if printed else "printed no number"
        lines.append(f"{label} {said}" + (f" (run {len(side)})" if len(side) > 1 else ""))
    return lines
