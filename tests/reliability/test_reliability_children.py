"""The processes a command waits for: its own group, waited for itself, stopped with the command,
and a child killed from outside said in one line; real processes and signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tf1_tutorials import children
from tf1_tutorials.errors import Terminated

CLI = str(Path(sys.executable).with_name("tf1-tutorials"))


def test_a_child_is_waited_for_not_the_grandchild_holding_its_output():
    started = time.monotonic()
    done = children.run(
        ["bash", "-c", "sleep 60 & echo finished"], "a script", stdout=None, stderr=None
    )
    assert done.returncode == 0 and done.stdout == "finished\n"
    assert time.monotonic() - started < 20


def test_a_child_killed_from_outside_is_one_line_naming_the_signal(tmp_path):
    with pytest.raises(children.ChildKilled) as caught:
        children.run(["bash", "-c", "kill -9 $$"], "the training process")
    assert "the training process (pid" in str(caught.value)
    assert "killed by signal 9 (SIGKILL) — out of memory?" in str(caught.value)


STOPPER = textwrap.dedent(
    """
    import os, signal, sys, threading
    from tf1_tutorials import children
    from tf1_tutorials.errors import Terminated
    children.GRACE_SECONDS = 2
    threading.Timer(1.5, os.kill, (os.getpid(), signal.SIGTERM)).start()
    script = "trap '' TERM; echo $$ > " + sys.argv[1] + "; sleep 120"
    try:
        children.run(["bash", "-c", script], "the reference run")
    except Terminated as err:
        print("stopped", err.signum, err.stopped)
    """
)


def test_sigterm_stops_the_child_group_even_one_that_ignores_it(tmp_path):
    pid_file = tmp_path / "pid"
    done = subprocess.run(
        [sys.executable, "-c", STOPPER, str(pid_file)], capture_output=True, text=True, timeout=60
    )
    assert done.stdout.startswith("stopped 15 the reference run (pid"), done.stderr
    pid = int(pid_file.read_text())
    time.sleep(0.2)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)


def test_terminated_is_what_the_command_line_says_in_one_line(capsys):
    from tf1_tutorials import cli

    def stopped():
        raise Terminated(signum=signal.SIGTERM, stopped="the training process (pid 7)")

    assert cli.run_reporting_errors("measure", stopped) == 143
    assert capsys.readouterr().err == (
        "tf1-tutorials measure: stopped by SIGTERM; stopped the training process (pid 7) with it\n"
    )
