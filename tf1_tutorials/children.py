"""The processes a command starts and waits for (a measured run, a reference run): each in its own
process group, waited for itself (not for its pipes, which a stray grandchild may hold open), and
stopped with the command.

While :func:`run` waits in any thread, SIGINT, SIGTERM and SIGHUP to the command (when it runs
:func:`run` under :func:`forwarding_signals`, or from the main thread) go to every live child's
group; the children get ``GRACE_SECONDS`` to finish (a training run saves its checkpoint), then
their groups are killed, and the command stops with :class:`~tf1_tutorials.errors.Terminated`
naming what it stopped. A child killed by a signal it did not ask for (the kernel's out-of-memory
killer sends SIGKILL) is one line, :class:`ChildKilled`. No TensorFlow here.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import threading
import time

from tf1_tutorials.errors import FileProblem, Terminated

GRACE_SECONDS = 10.0
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_live: dict[int, tuple[subprocess.Popen, str]] = {}  # pid (= its group) -> (process, what)
_guard = threading.Lock()
_sent: set[int] = set()  # the signals this command was stopped by, and sent on
_depth = [0]  # forwarding_signals blocks entered (main thread only)


class ChildKilled(FileProblem):
    """A child ended by a signal nobody here sent."""


def killed_line(what: str, pid: int, signum: int) -> str:
    name = _name(signum)
    why = " — out of memory?" if signum == signal.SIGKILL else ""
    return f"{what} (pid {pid}) was killed by signal {signum} ({name}){why}"


def run(
    command: list[str],
    what: str,
    *,
    env: dict | None = None,
    input: str | None = None,
    stdout=None,
    stderr=None,
    timeout: float | None = None,
    cwd=None,
) -> subprocess.CompletedProcess:
    """Run ``command`` (called ``what`` in messages) in a new process group and wait for it.

    ``stdout``/``stderr``: an open file to write to, ``subprocess.STDOUT`` for stderr, or None
    to capture as text (through temporary files, never pipes). Whatever of its group outlives
    the child is killed. ChildKilled when a signal ended it; Terminated when this command was
    asked to stop."""
    if threading.current_thread() is threading.main_thread() and not _active():
        with forwarding_signals():
            return run(
                command, what, env=env, input=input, stdout=stdout, stderr=stderr,
                timeout=timeout, cwd=cwd,
            )  # fmt: skip
    with contextlib.ExitStack() as stack:
        out = stdout if stdout is not None else stack.enter_context(_capture())
        err = stderr if stderr is not None else stack.enter_context(_capture())
        stdin = stack.enter_context(_capture()) if input is not None else subprocess.DEVNULL
        if input is not None:
            stdin.write(input)
            stdin.flush()
            stdin.seek(0)
        process = subprocess.Popen(
            command, stdin=stdin, stdout=out, stderr=err, env=env, cwd=cwd,
            start_new_session=True, text=True,
        )  # fmt: skip
        with _guard:
            _live[process.pid] = (process, what)
        try:
            status = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process.pid)
            process.wait()
            raise
        finally:
            with _guard:
                _live.pop(process.pid, None)
            _kill_group(process.pid)  # what of its group outlived it
        if status < 0 and -status not in _sent:
            raise ChildKilled(killed_line(what, process.pid, -status))
        return subprocess.CompletedProcess(
            command, status, _read(out, stdout), None if stderr is not None else _read(err, None)
        )


@contextlib.contextmanager
def forwarding_signals():
    """For the block (entered in the main thread): SIGINT/SIGTERM/SIGHUP stop every live child
    and then this command (Terminated). A signal this process ignores stays ignored."""

    def stop(signum, _frame):
        _sent.add(signum)
        stopped = stop_children(signum)
        raise Terminated(signum=signum, stopped=stopped)

    previous = {}
    for signum in SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:
            previous[signum] = signal.signal(signum, stop)
    _depth[0] += 1
    try:
        yield
    finally:
        _depth[0] -= 1
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def stop_children(signum: int) -> str:
    """Send ``signum`` to every live child's group, give them ``GRACE_SECONDS``, kill what is
    left; what was stopped, in words ("" for nothing)."""
    with _guard:
        live = list(_live.items())
    for pid, _ in live:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signum)
    deadline = time.monotonic() + GRACE_SECONDS
    while time.monotonic() < deadline and any(_running(process) for _, (process, _) in live):
        time.sleep(0.05)
    for pid, _ in live:
        _kill_group(pid)
    return ", ".join(f"{what} (pid {pid}) and its process group" for pid, (_, what) in live)


def _active() -> bool:
    return _depth[0] > 0


def _running(process: subprocess.Popen) -> bool:
    if process.returncode is not None:
        return False
    try:  # another thread may be in wait(): look without reaping
        return os.waitid(os.P_PID, process.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is None
    except ChildProcessError:
        return False


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def _capture():
    return tempfile.TemporaryFile("w+", encoding="utf-8", errors="replace")


def _read(file, given) -> str | None:
    if given is not None:
        return None
    file.seek(0)
    return file.read()


def _name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"
