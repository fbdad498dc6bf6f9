"""Where data files come from, and the check every file passes before it is used.

A file is looked for in the data directory a run is given. A file that is missing there, or fails
its check, is copied from the local source directory named by ``TF1_TUTORIALS_DATA`` (laid out as
``mnist/`` and ``cifar10/cifar-10-batches-bin/``), or else downloaded from the public mirrors in
order. Every copy is verified on its payload (the decompressed content of a ``.gz`` file, since
mirrors' gzip wrappers differ while the payloads are the published ones), written under a temporary
name and renamed into place only once verified, so a data directory never holds a half-written file
under a data file's name, and a good file already there is never replaced.

Fetching holds a lock on the directory (the file ``.tf1-tutorials.lock``, which stays there), so
concurrent runs sharing one directory do not race: the later ones find the files the first stored.
Every temporary is written under that lock, so a temporary found while holding it was left by a
process that was killed, and is removed. A download waits at most ``TF1_TUTORIALS_DOWNLOAD_TIMEOUT``
seconds (default 60) to connect or for its next bytes, then the next mirror is tried. A file that
cannot be written into the directory (disk full, read-only, a directory in its place) fails with
the path and the reason, and its other sources are not tried: they would fail the same way.
An archive with a member that is not a plain file or folder inside it (an absolute path, ``..``, a
link, a device) is refused whole.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gzip
import hashlib
import math
import os
import re
import secrets
import sys
import tarfile
import zlib
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path, PurePosixPath

from .errors import CorruptDatasetError, DataSourceError
from .idx import GZIP_MAGIC, gunzip

LOCAL_SOURCE_ENV = "TF1_TUTORIALS_DATA"
DATA_DIR_ENV = "TF1_TUTORIALS_DATA_DIR"
DOWNLOAD_TIMEOUT_ENV = "TF1_TUTORIALS_DOWNLOAD_TIMEOUT"
LOCK_NAME = ".tf1-tutorials.lock"
DOWNLOAD_TIMEOUT_SECONDS = 60


def default_data_dir(name: str) -> Path:
    """``$TF1_TUTORIALS_DATA_DIR/<name>`` if that is set, else ``~/.cache/tf1-tutorials/<name>``."""
    root = os.environ.get(DATA_DIR_ENV) or "~/.cache/tf1-tutorials"
    return Path(root).expanduser() / name


def local_source_dir(subdir: str) -> Path | None:
    """``$TF1_TUTORIALS_DATA/<subdir>``, or None when the variable is unset or empty."""
    root = os.environ.get(LOCAL_SOURCE_ENV, "").strip()
    return Path(root).expanduser() / subdir if root else None


def note(message: str) -> None:
    print(f"tf1-tutorials: {message}", file=sys.stderr, flush=True)


def download_timeout() -> float:
    """Seconds a download waits to connect or for its next bytes.

    ``$TF1_TUTORIALS_DOWNLOAD_TIMEOUT`` (a number > 0), else ``DOWNLOAD_TIMEOUT_SECONDS``.
    """
    raw = os.environ.get(DOWNLOAD_TIMEOUT_ENV, "").strip()
    if not raw:
        return DOWNLOAD_TIMEOUT_SECONDS
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not (math.isfinite(seconds) and seconds > 0):
        raise ValueError(f"{DOWNLOAD_TIMEOUT_ENV}={raw!r}: expected a number of seconds > 0")
    return seconds


class StoreError(OSError):
    """A file could not be written into the data directory: ``path`` is the name it was to have."""

    def __init__(self, path: Path, cause: OSError):
        reason = cause.strerror or str(cause)
        errno = f"[Errno {cause.errno}] " if cause.errno is not None else ""
        super().__init__(f"cannot write {path}: {errno}{reason}")
        self.path = path
        self.cause = cause


@dataclasses.dataclass(frozen=True)
class FileSpec:
    """One data file: its name, the digest of its payload, and a structural check.

    ``algorithm``/``digest`` are the published hash of the payload (``None``: no known digest, the
    structural check alone decides). ``gzip``: the file is gzip-compressed and the payload is its
    decompressed content. ``check(payload, name)`` raises CorruptDatasetError with a precise reason
    (wrong magic, truncated, ...); it also explains a digest mismatch where it can.
    """

    name: str
    algorithm: str | None
    digest: str | None
    gzip: bool = False
    check: Callable[[bytes, str], None] | None = None

    def verify(self, payload: bytes) -> bytes:
        if self.digest is not None:
            actual = hashlib.new(self.algorithm, payload).hexdigest()
            if actual != self.digest:
                if self.check is not None:
                    self.check(payload, self.name)
                raise CorruptDatasetError(
                    self.name,
                    f"{self.algorithm} of the {'decompressed ' if self.gzip else ''}content is "
                    f"{actual}, expected {self.digest} (not the published file)",
                )
        elif self.check is not None:
            self.check(payload, self.name)
        return payload

    def payload(self, data: bytes) -> bytes:
        """The verified payload of a file's bytes; CorruptDatasetError if it is not this file."""
        return self.verify(gunzip(data, self.name) if self.gzip else data)


@dataclasses.dataclass(frozen=True)
class ArchiveSpec:
    """An archive that holds several data files under ``member_dir`` (CIFAR-10's tarball)."""

    name: str
    algorithm: str
    digest: str
    member_dir: str
    members: frozenset[str]


def load(path: Path, spec: FileSpec) -> bytes:
    """The verified payload of the file at ``path``."""
    return spec.payload(path.read_bytes())


def _temporary(directory: Path, name: str) -> Path:
    return directory / f".{name}.{os.getpid()}.{secrets.token_hex(4)}.part"


def _is_temporary_of(filename: str, names: Iterable[str]) -> bool:
    return any(
        re.fullmatch(rf"\.{re.escape(n)}\.\d+\.[0-9a-f]{{8}}\.part", filename) for n in names
    )


def _remove_stale_temporaries(directory: Path, names: Iterable[str]) -> None:
    """Remove the temporaries of ``names`` in ``directory``; only called with its lock held."""
    names = list(names)
    for path in directory.glob(".*.part"):
        if _is_temporary_of(path.name, names):
            _discard(path)
            note(f"removed {path}, left by an interrupted fetch")


def _discard(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink(missing_ok=True)


def _create(path: Path):
    """A new file at ``path``, open for binary writing (never an existing file or a link)."""
    return open(path, "xb")


class _Sink:
    """A temporary being written; a write error is a StoreError naming the file it is to become."""

    def __init__(self, tmp: Path, final: Path):
        self.final = final
        try:
            self._file = _create(tmp)
        except OSError as err:
            raise StoreError(final, err) from err

    def _call(self, method, *args):
        try:
            return method(*args)
        except OSError as err:
            raise StoreError(self.final, err) from err

    def write(self, data) -> int:
        return self._call(self._file.write, data)

    def flush(self) -> None:
        self._call(self._file.flush)

    def close(self) -> None:
        self._call(self._file.close)


@contextlib.contextmanager
def _temporary_file(directory: Path, name: str):
    """``(sink, path)``: a new temporary for ``directory/name``, removed on leaving the block."""
    tmp = _temporary(directory, name)
    try:
        sink = _Sink(tmp, directory / name)
        try:
            yield sink, tmp
        finally:
            with contextlib.suppress(StoreError):
                sink.close()  # a second close is a no-op; an error here was already raised
    finally:
        _discard(tmp)


def _write_atomically(directory: Path, name: str, data: bytes) -> Path:
    """Store ``data`` as ``directory/name``: written under a temporary name, then renamed."""
    final = directory / name
    with _temporary_file(directory, name) as (sink, tmp):
        # No fsync: every read verifies the file again, so a copy torn by a crash is caught then.
        sink.write(data)
        sink.close()
        try:
            os.replace(tmp, final)
        except OSError as err:
            raise StoreError(final, err) from err
    return final


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _file_url(base: str, name: str) -> str:
    return base + name if base.endswith("/") else f"{base}/{name}"


def _download(url: str, sink: _Sink) -> None:
    """Stream ``url`` into ``sink`` (a progress bar on a terminal); raise on any network error,
    and on a stall longer than ``download_timeout()``."""
    import pooch  # imported on first download only

    timeout = download_timeout()
    note(f"downloading {url}")
    downloader = pooch.HTTPDownloader(
        progressbar=sys.stderr.isatty(), chunk_size=1 << 20, timeout=timeout
    )
    downloader(url, sink, None)
    sink.close()


def _describe(err: BaseException) -> str:
    if isinstance(err, CorruptDatasetError):
        return err.reason
    return f"{type(err).__name__}: {err}"


def fetch(
    specs: Sequence[FileSpec],
    directory: Path,
    *,
    local_dir: Path | None,
    urls: Iterable[str] = (),
    archive: tuple[ArchiveSpec, Sequence[str]] | None = None,
) -> tuple[dict[str, bytes], dict[str, list[str]]]:
    """The verified payload of each file in ``specs`` that could be had, and why others could not.

    Each file is taken from ``directory`` if a good copy is there; otherwise copied from
    ``local_dir``, else downloaded from each of ``urls`` (base URLs the file name is appended to),
    else extracted from ``archive`` (downloaded once for all files it holds). Good copies are stored
    in ``directory``, replacing bad ones. Returns ``(payloads, failures)``: ``failures`` maps each
    file that could not be had to the list of sources tried and what went wrong with each.
    """
    directory = Path(directory)
    urls = list(urls)
    payloads: dict[str, bytes] = {}
    attempts: dict[str, list[str]] = {spec.name: [] for spec in specs}

    def from_directory(spec: FileSpec, report: bool) -> None:
        path = directory / spec.name
        if not path.is_file():
            attempts[spec.name] = [f"{path}: not there"]
            return
        try:
            payloads[spec.name] = load(path, spec)
        except (CorruptDatasetError, OSError) as err:
            reason = (
                _describe(err) if isinstance(err, CorruptDatasetError) else f"unreadable, {err}"
            )
            attempts[spec.name] = [f"{path}: {reason}"]
            if report:
                note(f"{path}: {reason}; fetching a good copy")

    # The files already there are read, decompressed and verified side by side (zlib and hashlib
    # release the GIL): a cold read takes about as long as its largest file.
    with ThreadPoolExecutor(max_workers=max(1, len(specs))) as pool:
        list(pool.map(lambda spec: from_directory(spec, report=True), specs))
    if len(payloads) == len(specs):
        return payloads, {}

    try:
        if local_dir is not None and _same_dir(local_dir, directory):
            raise PermissionError(f"it is the local source ({LOCAL_SOURCE_ENV}), never written to")
        lock = _lock(directory)
    except OSError as err:  # a read-only data directory: nothing can be stored in it
        for spec in specs:
            if spec.name not in payloads:
                attempts[spec.name].append(f"cannot store files in {directory}: {err}")
        return payloads, {name: tried for name, tried in attempts.items() if name not in payloads}
    try:
        # Another process may have fetched the files while this one waited for the lock.
        for spec in specs:
            if spec.name not in payloads:
                from_directory(spec, report=False)
        missing = [spec for spec in specs if spec.name not in payloads]
        archive_name = [archive[0].name] if archive is not None else []
        _remove_stale_temporaries(directory, [spec.name for spec in missing] + archive_name)
        unstorable: set[str] = set()

        for spec in missing:
            tried = attempts[spec.name]
            try:
                _from_local_source(spec, directory, local_dir, payloads, tried)
                for base in urls if spec.name not in payloads else ():
                    url = _file_url(base, spec.name)
                    try:
                        payloads[spec.name] = _download_file(url, spec, directory)
                        break
                    except StoreError:
                        raise
                    except Exception as err:  # network, HTTP or verification failure: next mirror
                        tried.append(f"{url}: {_describe(err)}")
            except StoreError as err:  # the directory cannot take the file: no source can help
                payloads.pop(spec.name, None)
                tried.append(str(err))
                unstorable.add(spec.name)
        if archive is not None:
            archive_spec, archive_urls = archive
            wanted = [
                s
                for s in missing
                if s.name not in payloads
                and s.name not in unstorable
                and s.name in archive_spec.members
            ]
            if wanted:
                _from_archive(wanted, archive_spec, archive_urls, directory, payloads, attempts)

    finally:
        lock.release()

    failures = {name: tried for name, tried in attempts.items() if name not in payloads}
    return payloads, failures


def _lock(directory: Path):
    """The directory's fetch lock, acquired (OSError if the directory cannot be written)."""
    from filelock import FileLock

    directory.mkdir(parents=True, exist_ok=True)
    if not os.access(directory, os.W_OK):
        raise PermissionError(f"[Errno 13] Permission denied: '{directory}'")
    lock = FileLock(str(directory / LOCK_NAME))
    lock.acquire()
    return lock


def _from_local_source(
    spec: FileSpec, directory: Path, local_dir: Path | None, payloads: dict, tried: list[str]
) -> None:
    if local_dir is None:
        tried.append(f"local source: {LOCAL_SOURCE_ENV} is not set")
        return
    if _same_dir(local_dir, directory):
        return  # the directory is the local source: already tried
    path = local_dir / spec.name
    if not path.is_file():
        tried.append(f"{path}: not there (local source, {LOCAL_SOURCE_ENV})")
        return
    try:
        data = path.read_bytes()
        payload = spec.payload(data)
    except (OSError, CorruptDatasetError) as err:
        tried.append(f"{path}: {_describe(err)} (local source, {LOCAL_SOURCE_ENV})")
        return
    _write_atomically(directory, spec.name, data)  # a StoreError: the caller records it
    payloads[spec.name] = payload
    note(f"copied {spec.name} from {local_dir} into {directory} (verified)")


def _download_file(url: str, spec: FileSpec, directory: Path) -> bytes:
    with _temporary_file(directory, spec.name) as (sink, tmp):
        _download(url, sink)
        data = tmp.read_bytes()
    if spec.gzip and data[:2] != GZIP_MAGIC:
        # Some servers send .gz files with Content-Encoding: gzip, and the HTTP client undoes it.
        # Verify the content as it came, and store it gzip-compressed again under its .gz name.
        payload = spec.verify(data)
        data = gzip.compress(payload, mtime=0)
    else:
        payload = spec.payload(data)
    _write_atomically(directory, spec.name, data)
    note(f"downloaded {spec.name} into {directory} (verified)")
    return payload


def _unsafe_member(member: tarfile.TarInfo) -> str | None:
    """Why an archive member could not be a plain file or folder inside the archive, or None."""
    path = PurePosixPath(member.name)
    if path.is_absolute():
        return "an absolute path"
    if ".." in path.parts:
        return "a path that climbs out with '..'"
    if member.issym() or member.islnk():
        return f"a link to {member.linkname!r}"
    if not (member.isreg() or member.isdir()):
        return "a device or special file"
    return None


def _from_archive(
    wanted: list[FileSpec],
    archive: ArchiveSpec,
    urls: Sequence[str],
    directory: Path,
    payloads: dict,
    attempts: dict[str, list[str]],
) -> None:
    def fail(message: str) -> None:
        for spec in wanted:
            if spec.name not in payloads:
                attempts[spec.name].append(message)

    for url in urls:
        try:
            with _temporary_file(directory, archive.name) as (sink, tmp):
                _download(url, sink)
                digest = hashlib.new(archive.algorithm)
                with open(tmp, "rb") as archive_file:
                    while block := archive_file.read(1 << 20):
                        digest.update(block)
                if digest.hexdigest() != archive.digest:
                    fail(
                        f"{url}: {archive.algorithm} {digest.hexdigest()}, expected "
                        f"{archive.digest} (not the published archive)"
                    )
                    continue
                try:
                    with tarfile.open(tmp, "r:gz") as tar:
                        _extract(tar, url, wanted, archive, directory, payloads, attempts)
                except (tarfile.TarError, EOFError, zlib.error, gzip.BadGzipFile) as err:
                    fail(f"{url}: damaged archive ({type(err).__name__}: {err})")
            return
        except StoreError as err:  # the directory cannot take the files: other URLs cannot help
            fail(str(err))
            return
        except Exception as err:  # network, HTTP or a damaged archive: try the next URL
            fail(f"{url}: {_describe(err)}")


def _extract(tar, url, wanted, archive, directory, payloads, attempts) -> None:
    """Store each wanted file the archive holds, verified; refuse the archive if any member is
    unsafe. Nothing is extracted but the wanted files' bytes, and only under their own names."""
    members = {}
    for member in tar.getmembers():
        problem = _unsafe_member(member)
        if problem is not None:
            raise CorruptDatasetError(
                archive.name, f"member {member.name!r} is {problem}; the archive is refused"
            )
        members[member.name] = member  # a name that appears twice: the last one, as tar does
    for spec in wanted:
        name = f"{archive.member_dir}/{spec.name}"
        member = members.get(name)
        if member is None:
            attempts[spec.name].append(f"{url}: the archive has no {name}")
            continue
        if not member.isreg():
            attempts[spec.name].append(f"{url}: {name} in the archive is a folder, not a file")
            continue
        data = tar.extractfile(member).read()
        try:
            payload = spec.payload(data)
        except CorruptDatasetError as err:
            attempts[spec.name].append(f"{url}: {name}: {err.reason}")
            continue
        _write_atomically(directory, spec.name, data)
        payloads[spec.name] = payload
        note(f"extracted {spec.name} from {url} into {directory} (verified)")


def source_error(failures: dict[str, list[str]], directory: Path, what: str) -> DataSourceError:
    """A DataSourceError that names each file, the directory and every source tried."""
    lines = [f"no good copy of {', '.join(failures)} could be had for {directory}:"]
    for name, tried in failures.items():
        lines.append(f"  {name}:")
        lines.extend(f"    {attempt}" for attempt in tried)
    lines.append(
        f"Put good copies of the {what} files in {directory}, set {LOCAL_SOURCE_ENV} to a folder "
        "laid out as mnist/ and cifar10/cifar-10-batches-bin/, or check the network."
    )
    return DataSourceError("\n".join(lines))
