"""The errors a user can cause, and the exit status each one ends the command with.

Every subcommand raises these (or lets an ``OSError`` or a data error through); ``cli.main`` alone
turns them into one line on stderr and an exit status: 2 when the command line is wrong, 1 when a
file, directory, disk, data set or the network is. No TensorFlow here.
"""

from __future__ import annotations

import errno
import os
import signal
import uuid
from pathlib import Path

USAGE = 2  # the command line is wrong: an unknown name, a value out of range, conflicting options
ENVIRONMENT = 1  # a file, directory, disk, permission, data set or the network is wrong


class Terminated(KeyboardInterrupt):
    """SIGTERM (or SIGHUP: the terminal closed), handled as Ctrl-C is: training saves a
    checkpoint, the launcher stops its tasks. ``signum`` says which signal it was."""

    signum = signal.SIGTERM
    stopped = ""  # the child processes stopped with it, in words

    def __init__(self, *args, signum: int | None = None, stopped: str = ""):
        super().__init__(*args)
        if signum is not None:
            self.signum = signum
        self.stopped = stopped


class UserError(Exception):
    """A mistake in what the user gave or has, not a fault of the program: its message is
    complete on its own (it names the argument or file and says what is wrong); ``hint`` says
    what to do, when that helps."""

    exit_status = ENVIRONMENT

    def __init__(self, message: str, hint: str | None = None):
        super().__init__(message)
        self.hint = hint


class UsageError(UserError, ValueError):
    """An argument that is unknown, out of range or in conflict with another or with the run
    being resumed."""

    exit_status = USAGE


class FileProblem(UserError):
    """A file or directory the command needs is missing, unreadable, unwritable, full, or holds
    something the command must not overwrite."""


def describe_os_error(err: OSError) -> str:
    """``PATH: what went wrong`` for an ``OSError`` (its message when it names no file)."""
    if err.filename is None or err.strerror is None:
        return str(err)
    reason = err.strerror[0].lower() + err.strerror[1:]
    if err.errno == errno.ENOSPC:
        reason = "no space left on the device"
    return f"{err.filename}: {reason}"


def check_writable_dir(path: Path, what: str) -> None:
    """Create ``path`` (and its parents) if needed and prove a file can be written there, so a
    bad directory fails before any work rather than after it. FileProblem naming ``what``."""
    if path.exists() and not path.is_dir():
        raise FileProblem(f"{what} {path}: is a file, not a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / f".write-test-{uuid.uuid4().hex}"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as err:
        raise FileProblem(f"{what} {path}: cannot write there ({_reason(err)})") from err


def check_free_space(path: Path, needed: int, what: str) -> None:
    """FileProblem when the file system holding ``path`` has fewer than ``needed`` bytes free."""
    stats = os.statvfs(path)
    free = stats.f_bavail * stats.f_frsize
    if free < needed:
        raise FileProblem(
            f"{what} {path}: {_mib(free)} free, the checkpoints of this model need about "
            f"{_mib(needed)}",
            hint="free some space or give another --logdir",
        )


def write_atomically(path: Path, content: str | bytes) -> None:
    """``path`` holds ``content`` whole or keeps what it held (see :func:`write_all_atomically`)."""
    write_all_atomically({Path(path): content})


def write_all_atomically(contents: dict[Path, str | bytes]) -> None:
    """Each path holds its content (text is UTF-8), all of them, or every one keeps what it
    held: each content goes to a temporary file beside its path, and only once all are fully
    written and synced are they renamed into place (temporaries are removed if anything fails).
    An error is an ``OSError`` naming the file being written (a full disk's ``write`` names
    none)."""
    staged: list[tuple[Path, Path]] = []
    try:
        for path, content in contents.items():
            path = Path(path)
            tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
            staged.append((tmp, path))
            data = content.encode() if isinstance(content, str) else content
            try:
                with open(tmp, "wb") as out:
                    out.write(data)
                    out.flush()
                    os.fsync(out.fileno())
            except OSError as err:
                raise OSError(err.errno, err.strerror or str(err), str(path)) from err
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)


def _reason(err: OSError) -> str:
    if err.errno == errno.ENOSPC:
        return "no space left on the device"
    return (err.strerror or str(err)).lower()


def _mib(size: int) -> str:
    return f"{size / 2**20:.1f} MiB"


class MissingFile(FileProblem, FileNotFoundError):
    """A file or directory the command needs does not exist."""

    def __init__(self, message: str, hint: str | None = None):
        FileNotFoundError.__init__(self, message)
        self.hint = hint
