"""Where data files come from, and the check every file passes before it is used.

A file is looked for in the data directory a run is given. A file that is missing there, or fails
its check, is copied from the local source directory named by ``TF1_TUTORIALS_DATA`` (laid out as
``mnist/`` and ``cifar10/cifar-10-batches-bin/``), or else downloaded from the public mirrors in
order. Every copy is verified on its payload (the decompressed content of a ``.gz`` file, since
mirrors' gzip wrappers differ while the payloads are the published ones), written under a temporary
name and renamed into place only once verified, so a data directory never holds a half-written file.
Fetching holds a lock on the directory, so concurrent runs sharing one directory do not race.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import os
import secrets
import sys
import tarfile
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from .errors import CorruptDatasetError, DataSourceError
from .idx import GZIP_MAGIC, gunzip

LOCAL_SOURCE_ENV = "TF1_TUTORIALS_DATA"
DATA_DIR_ENV = "TF1_TUTORIALS_DATA_DIR"
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


def _write_atomically(directory: Path, name: str, data: bytes) -> Path:
    tmp = _temporary(directory, name)
    try:
        # No fsync: every read verifies the file again, so a copy torn by a crash is caught then.
        tmp.write_bytes(data)
        os.replace(tmp, directory / name)
    finally:
        tmp.unlink(missing_ok=True)
    return directory / name


def _same_dir(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def _file_url(base: str, name: str) -> str:
    return base + name if base.endswith("/") else f"{base}/{name}"


def _download(url: str, dest: Path) -> None:
    """Stream ``url`` into ``dest`` (a progress bar on a terminal); raise on any network error."""
    import pooch  # imported on first download only

    note(f"downloading {url}")
    downloader = pooch.HTTPDownloader(
        progressbar=sys.stderr.isatty(), chunk_size=1 << 20, timeout=DOWNLOAD_TIMEOUT_SECONDS
    )
    downloader(url, str(dest), None)


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
        except CorruptDatasetError as err:
            attempts[spec.name] = [f"{path}: {err.reason}"]
            if report:
                note(f"{path}: {err.reason}; fetching a good copy")

    for spec in specs:
        from_directory(spec, report=True)
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

        for spec in missing:
            _from_local_source(spec, directory, local_dir, payloads, attempts[spec.name])
            for base in urls if spec.name not in payloads else ():
                url = _file_url(base, spec.name)
                try:
                    payloads[spec.name] = _download_file(url, spec, directory)
                    break
                except Exception as err:  # any network, HTTP or verification failure: next mirror
                    attempts[spec.name].append(f"{url}: {_describe(err)}")
        if archive is not None:
            archive_spec, archive_urls = archive
            wanted = [
                s for s in missing if s.name not in payloads and s.name in archive_spec.members
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
        payloads[spec.name] = spec.payload(data)
    except (OSError, CorruptDatasetError) as err:
        tried.append(f"{path}: {_describe(err)} (local source, {LOCAL_SOURCE_ENV})")
        return
    _write_atomically(directory, spec.name, data)
    note(f"copied {spec.name} from {local_dir} into {directory} (verified)")


def _download_file(url: str, spec: FileSpec, directory: Path) -> bytes:
    tmp = _temporary(directory, spec.name)
    try:
        _download(url, tmp)
        data = tmp.read_bytes()
        if spec.gzip and data[:2] != GZIP_MAGIC:
            # Some servers send .gz files with Content-Encoding: gzip, and the HTTP client undoes
            # it. Verify the content as it came, and store it gzip-compressed again under its .gz
            # name.
            payload = spec.verify(data)
            data = gzip.compress(payload, mtime=0)
        else:
            payload = spec.payload(data)
    finally:
        tmp.unlink(missing_ok=True)
    _write_atomically(directory, spec.name, data)
    note(f"downloaded {spec.name} into {directory} (verified)")
    return payload


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
        tmp = _temporary(directory, archive.name)
        try:
            _download(url, tmp)
            digest = hashlib.new(archive.algorithm)
            with open(tmp, "rb") as archive_file:
                while block := archive_file.read(1 << 20):
                    digest.update(block)
            if digest.hexdigest() != archive.digest:
                fail(
                    f"{url}: {archive.algorithm} {digest.hexdigest()}, expected {archive.digest} "
                    "(not the published archive)"
                )
                continue
            with tarfile.open(tmp, "r:gz") as tar:
                for spec in wanted:
                    member = f"{archive.member_dir}/{spec.name}"
                    try:
                        member_file = tar.extractfile(member)
                        if member_file is None:  # a directory or link, not a file
                            raise KeyError(member)
                        data = member_file.read()
                        payloads[spec.name] = spec.payload(data)
                    except KeyError:
                        attempts[spec.name].append(f"{url}: the archive has no {member}")
                        continue
                    except CorruptDatasetError as err:
                        attempts[spec.name].append(f"{url}: {member}: {err.reason}")
                        continue
                    _write_atomically(directory, spec.name, data)
                    note(f"extracted {spec.name} from {url} into {directory} (verified)")
            return
        except Exception as err:  # network, HTTP or a damaged archive: try the next URL
            fail(f"{url}: {_describe(err)}")
        finally:
            tmp.unlink(missing_ok=True)


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
