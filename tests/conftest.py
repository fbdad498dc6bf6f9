"""Shared pytest hooks: the counts the reliability tests record, shown at the end of the run."""

from __future__ import annotations

import reliability_support


def pytest_terminal_summary(terminalreporter):
    lines = reliability_support.summary_lines()
    if lines:
        terminalreporter.section("reliability counts")
        for line in lines:
            terminalreporter.write_line(line)
    reliability_support.write_report()
