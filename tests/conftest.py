"""Shared pytest hooks and fixtures, for every tier (unit/, graph/, integration/, accuracy/,
reliability/; the support modules beside this file are importable from each): the counts the
reliability tests record, shown at the end of the run, and the real data sets."""

from __future__ import annotations

from pathlib import Path

import pytest
import reliability_support
from data_support import real_data_root


@pytest.fixture(scope="session")
def real_data_sets() -> Path:
    """The real data sets' folder (TF1_TUTORIALS_DATA); the test is skipped with the reason where
    they are absent, and fails there under TF1_TUTORIALS_REQUIRE_DATA=1 (make test, CI)."""
    return real_data_root()


def pytest_terminal_summary(terminalreporter):
    lines = reliability_support.summary_lines()
    if lines:
        terminalreporter.section("reliability counts")
        for line in lines:
            terminalreporter.write_line(line)
    reliability_support.write_report()
