"""Shared pytest hooks and fixtures, for every tier (unit/, graph/, integration/, accuracy/,
reliability/; the support modules beside this file are importable from each): the counts the
reliability tests record, shown at the end of the run (gathered from every pytest-xdist worker),
and the real data sets."""

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


def pytest_sessionfinish(session):
    """Under pytest-xdist (make test runs two workers), each worker hands its counts back."""
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["reliability_counts"] = reliability_support.exported()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    reliability_support.merge(getattr(node, "workeroutput", {}).get("reliability_counts", {}))


def pytest_terminal_summary(terminalreporter):
    lines = reliability_support.summary_lines()
    if lines:
        terminalreporter.section("reliability counts")
        for line in lines:
            terminalreporter.write_line(line)
    reliability_support.write_report()
