"""One owner per log directory: an exclusive lock that a run, a resume or a cluster's chief holds
for as long as it writes there.

The lock is ``fcntl.flock`` on a file in the log directory (:data:`LOCK_FILE`), holding the
owner's pid; the kernel releases it when the owner's process ends, however it ends, so a killed
run never leaves a directory locked. A second process asking for it gets :class:`LogdirBusy`
(one line naming the directory and the owner's pid) at once, without waiting. The owner removes
the file when it lets go. The file is opened without following a link, and one that a run
did not leave there (a link, a second name of another file, anything but a pid) is refused, never
truncated. No TensorFlow here.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
from pathlib import Path

from tf1_tutorials.errors import FileProblem

LOCK_FILE = ".tf1-tutorials-run.lock"
# Set for a task a local cluster's launcher started: the launcher holds that log directory's lock.
HELD_BY_ENV = "TF1_TUTORIALS_LOGDIR_LOCKED_BY"


class LogdirBusy(FileProblem):
    """Another process owns the log directory."""


class LogdirLock:
    """The lock of one log directory, held by this process (see :func:`hold`)."""

    def __init__(self, logdir: Path, fd: int):
        self.logdir = logdir
        self.path = logdir / LOCK_FILE
        self.fd = fd

    def release(self) -> None:
        if self.fd < 0:
            return
        with contextlib.suppress(OSError):  # removed while still held: no other owner can race
            if _same_file(self.fd, self.path):
                self.path.unlink()
        os.close(self.fd)
        self.fd = -1


def holder(logdir: Path) -> str:
    """What the lock file says of its owner: ``pid N`` (or ``an unknown process``)."""
    try:
        text = (Path(logdir) / LOCK_FILE).read_text().split()
    except (OSError, UnicodeDecodeError):
        text = []
    return f"pid {text[0]}" if text and text[0].isdigit() else "an unknown process"


def acquire(logdir: Path, what: str = "--logdir") -> LogdirLock:
    """The lock of ``logdir`` (an existing directory) for this process; LogdirBusy when another
    process holds it, FileProblem when the lock file cannot be made."""
    logdir = Path(logdir)
    path = logdir / LOCK_FILE
    while True:
        fd, created = _open_lock_file(path, logdir, what)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise _busy(logdir, what) from None
        if _same_file(fd, path):
            break
        os.close(fd)  # the file was removed by its owner between our open and our lock: again
    if not created and not _is_a_lock_file(fd):
        os.close(fd)
        raise FileProblem(
            f"{what} {logdir}: {LOCK_FILE} there is not a lock file of a run (another file, or "
            "a second name of one): left as it is",
            hint=f"remove {path} if nothing of yours is in it",
        )
    with contextlib.suppress(OSError):  # a full disk: the lock holds even if the pid is not said
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())
    return LogdirLock(logdir, fd)


def _open_lock_file(path: Path, logdir: Path, what: str) -> tuple[int, bool]:
    """The lock file, opened without following a link: (fd, whether this call created it)."""
    flags = os.O_RDWR | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        return os.open(path, flags | os.O_CREAT | os.O_EXCL, 0o644), True
    except FileExistsError:
        pass
    except OSError as err:
        raise FileProblem(
            f"{what} {logdir}: cannot create its lock file ({err.strerror.lower()})"
        ) from None
    try:
        return os.open(path, flags), False
    except FileNotFoundError:
        return _open_lock_file(path, logdir, what)  # removed by its owner meanwhile
    except OSError as err:
        if err.errno == errno.ELOOP:
            raise FileProblem(
                f"{what} {logdir}: {LOCK_FILE} there is a symbolic link, not a lock file: "
                "left as it is (a run never writes through a link)",
                hint=f"remove the link {path}",
            ) from None
        raise FileProblem(
            f"{what} {logdir}: cannot open its lock file ({err.strerror.lower()})"
        ) from None


def _is_a_lock_file(fd: int) -> bool:
    """Whether an existing file is one a run left: regular, one name, empty or a pid line."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1 or info.st_size > 32:
        return False
    text = os.pread(fd, 64, 0).decode("ascii", "replace").strip()
    return text == "" or text.isdigit()


def check_free(logdir: Path, what: str = "--logdir") -> None:
    """LogdirBusy when another process holds ``logdir``'s lock (nothing is created or taken)."""
    try:
        fd = os.open(Path(logdir) / LOCK_FILE, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError:
        return  # no lock file: nobody holds it
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        raise _busy(logdir, what) from None
    finally:
        os.close(fd)


@contextlib.contextmanager
def hold(logdir: Path, what: str = "--logdir"):
    """``acquire`` for the duration of the block; skipped when this process's parent, named by
    ``HELD_BY_ENV``, already holds it for this same directory (a local cluster's chief)."""
    if os.environ.get(HELD_BY_ENV) == f"{os.getppid()}:{Path(logdir).resolve()}":
        yield None
        return
    lock = acquire(logdir, what)
    try:
        yield lock
    finally:
        lock.release()


def held_by_me_env(logdir: Path) -> dict[str, str]:
    """The environment entry telling a child process this one holds ``logdir``'s lock."""
    return {HELD_BY_ENV: f"{os.getpid()}:{Path(logdir).resolve()}"}


def _busy(logdir: Path, what: str) -> LogdirBusy:
    return LogdirBusy(
        f"{what} {logdir}: in use by another run ({holder(logdir)}); one process at a time "
        "writes a log directory",
        hint="wait for it to end, or give another --logdir",
    )


def _same_file(fd: int, path: Path) -> bool:
    try:
        here, there = os.fstat(fd), os.stat(path)
    except OSError:
        return False
    return (here.st_dev, here.st_ino) == (there.st_dev, there.st_ino)
