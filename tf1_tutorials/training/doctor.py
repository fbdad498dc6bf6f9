"""`tf1-tutorials doctor`: what a run needs, checked in a few seconds, without importing TensorFlow.

One line per check, each starting with ``ok``, ``note`` (worth knowing, blocks nothing) or ``FAIL``
(blocks a run), then a last line saying whether anything blocks a run; the exit status is 1 when
something does (a missing or unusable Python or library, no way to get the MNIST files, a log
directory that cannot be written or has too little room), else 0. CIFAR-10 that cannot be had is a
``note`` naming the two runs it stops: every other variant reads MNIST only.

Versions come from the installed packages' metadata and the pins from this package's own metadata
(setup.cfg's ``install_requires``). Data files are verified as the reader verifies them (the
payload's published digest). Each mirror gets one HEAD request, all at once, answered or not within
``--timeout`` seconds, through the proxy the environment names if any.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
import threading
import urllib.error
import urllib.request
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from urllib.parse import urlsplit

from tf1_tutorials import broken_environment
from tf1_tutorials.training import disk_room

try:  # NumPy: a broken or shadowed one must not stop the doctor that would name it
    from tf1_tutorials.data import cifar10, mnist
    from tf1_tutorials.data.errors import CorruptDatasetError
    from tf1_tutorials.data.sources import (
        DATA_DIR_ENV,
        LOCAL_SOURCE_ENV,
        default_data_dir,
        load,
        local_source_dir,
    )
    from tf1_tutorials.training.runner import RUNS_DIR

    DATA_LAYER_ERROR: Exception | None = None
except Exception as err:  # noqa: BLE001 (said as a FAIL line by check_imports)
    DATA_LAYER_ERROR = err
    RUNS_DIR = Path("runs")  # runner's, which needs NumPy

DISTRIBUTION = "tf1-tutorials"
CHECKED_PACKAGES = ("tensorflow", "tf-keras", "tf-slim", "tensorboard", "numpy")
REQUIRED_PACKAGES = ("tensorflow", "tf-keras", "tf-slim")  # no graph variant runs without them
# Distribution -> the module it installs, looked for where `import` would find it.
MODULES = {
    "tensorflow": "tensorflow",
    "tf-keras": "tf_keras",
    "tf-slim": "tf_slim",
    "numpy": "numpy",
}
CIFAR10_RUNS = "cifar10_graph and keras_sequential --dataset cifar10"


@dataclass
class Check:
    status: str  # "ok", "note" or "FAIL"
    text: str


# --- Python and the libraries ---------------------------------------------------------------------


def _pins() -> tuple[dict[str, str], str | None]:
    """The ``name==version`` pins of this package's own requirements, and its Requires-Python."""
    meta = metadata.metadata(DISTRIBUTION)
    pins = {}
    for requirement in metadata.requires(DISTRIBUTION) or ():
        match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*==\s*([^\s;]+)\s*", requirement)
        if match:  # extras (``; extra == "test"``) are not what a run needs
            pins[_normal(match[1])] = match[2]
    return pins, meta.get("Requires-Python")


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _version_tuple(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def _satisfies(version: tuple[int, ...], specifier: str) -> bool:
    """``version`` against a simple ``>=3.11,<3.12`` style specifier."""
    compare = {
        ">=": lambda a, b: a >= b,
        "<=": lambda a, b: a <= b,
        ">": lambda a, b: a > b,
        "<": lambda a, b: a < b,
        "==": lambda a, b: a[: len(b)] == b,
        "!=": lambda a, b: a[: len(b)] != b,
    }
    for clause in filter(None, (c.strip() for c in specifier.split(","))):
        match = re.fullmatch(r"(>=|<=|==|!=|>|<)\s*([\d.]+)", clause)
        if match and not compare[match[1]](version, _version_tuple(match[2])):
            return False
    return True


def check_python(requires: str | None) -> Check:
    version = ".".join(map(str, sys.version_info[:3]))
    if requires and not _satisfies(sys.version_info[:3], requires):
        return Check("FAIL", f"Python {version}: setup.cfg requires {requires}")
    return Check(
        "ok", f"Python {version}" + (f" (setup.cfg requires {requires})" if requires else "")
    )


def check_imports() -> tuple[list[Check], set[str]]:
    """A FAIL line for each library ``import`` would not take from its installed distribution
    (a same-named folder on PYTHONPATH shadows it) or, for NumPy, that fails to import; and the
    distributions concerned. TensorFlow is located, not imported (that takes seconds)."""
    checks, broken = [], set()
    for dist_name, module in MODULES.items():
        try:
            spec = importlib.util.find_spec(module)
        except (ImportError, ValueError) as err:
            checks.append(Check("FAIL", f"{module}: cannot be looked for ({err})"))
            broken.add(dist_name)
            continue
        origin = spec.origin if spec is not None else None
        installed = broken_environment.shadows(module, origin)
        if installed is not None:
            checks.append(
                Check(
                    "FAIL",
                    f"{module}: `import {module}` finds {origin}, which shadows the installed "
                    f"{dist_name} ({installed}); take it off PYTHONPATH",
                )
            )
            broken.add(dist_name)
    if DATA_LAYER_ERROR is not None and "numpy" not in broken:
        said = broken_environment.explain(DATA_LAYER_ERROR)
        text = said[0] if said else f"{type(DATA_LAYER_ERROR).__name__}: {DATA_LAYER_ERROR}"
        checks.append(Check("FAIL", f"the data reader cannot be imported: {text}"))
        broken.add("numpy")
    return checks, broken


def check_packages(pins: dict[str, str], broken: set[str] = frozenset()) -> list[Check]:
    """The installed versions against the pins; ``broken``: distributions ``import`` would not
    use (check_imports), never reported as ok."""
    installed, checks = {}, []
    for name in CHECKED_PACKAGES:
        try:
            installed[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            status = "FAIL" if name in REQUIRED_PACKAGES else "note"
            checks.append(
                Check(status, f"{name} is not installed (setup.cfg pins {pins.get(name)})")
            )
    differ = [n for n in installed if pins.get(n) and installed[n] != pins[n]]
    for name in differ:
        checks.append(
            Check(
                "note",
                f"{name} {installed[name]} differs from setup.cfg's pin {pins[name]}: runs may "
                "land outside bands measured on the pinned versions",
            )
        )
    tf_version, keras_version = installed.get("tensorflow"), installed.get("tf-keras")
    if tf_version and keras_version and tf_version.split(".")[:2] != keras_version.split(".")[:2]:
        checks.append(
            Check(
                "FAIL",
                f"tf-keras {keras_version} is not made for TensorFlow {tf_version} "
                "(their major.minor versions must agree for tf.compat.v1.layers)",
            )
        )
    same = [f"{n} {v}" for n, v in installed.items() if n not in differ and n not in broken]
    if same:
        checks.insert(0, Check("ok", f"{', '.join(same)}: as pinned in setup.cfg"))
    return checks


def check_onednn() -> Check:
    value = os.environ.get("TF_ENABLE_ONEDNN_OPTS")
    if value is None:
        return Check(
            "ok", "oneDNN on: TF_ENABLE_ONEDNN_OPTS is unset, so tf1-tutorials sets it to 1"
        )
    if value == "0":
        return Check(
            "note",
            "oneDNN off: TF_ENABLE_ONEDNN_OPTS=0 in your environment (slower on CPUs without "
            "AVX-512; measurements.json records which setting each band run had)",
        )
    return Check("ok", f"oneDNN on: TF_ENABLE_ONEDNN_OPTS={value} in your environment")


# --- mirrors --------------------------------------------------------------------------------------


def probe(url: str, timeout: float) -> str | None:
    """None if ``url`` answers a HEAD request with a success, else why not (one short phrase)."""
    try:
        request = urllib.request.Request(url, method="HEAD")
        # A new opener reads the proxy settings from the environment as it is now.
        with urllib.request.build_opener().open(request, timeout=timeout):
            return None
    except urllib.error.HTTPError as err:
        return f"HTTP {err.code}"
    except urllib.error.URLError as err:
        reason = err.reason
        return getattr(reason, "strerror", None) or str(reason)
    except (OSError, ValueError) as err:
        return getattr(err, "strerror", None) or str(err) or type(err).__name__


def probe_all(urls: list[str], timeout: float) -> dict[str, str | None]:
    """Every URL probed at once; a probe still waiting (a name lookup that hangs) after
    ``timeout`` plus a second is left behind in a daemon thread and counts as no answer."""
    answers: dict[str, str | None] = {url: f"no answer within {timeout:g} s" for url in urls}
    if not broken_environment.address_space_suffices():
        # Name lookups and TLS that run out of address space can crash the process (measured
        # under ulimit -v 300000): under such a limit no run can start anyway.
        return {url: "not asked, under the address-space limit (ulimit -v)" for url in urls}

    def run(url: str) -> None:
        answers[url] = probe(url, timeout)

    threads = [threading.Thread(target=run, args=(url,), daemon=True) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout + 1)
    return answers


def _host(url: str) -> str:
    return urlsplit(url).hostname or url


def check_mirrors(answers: dict[str, str | None]) -> Check:
    good = [_host(u) for u, why in answers.items() if why is None]
    bad = [f"{_host(u)} ({why})" for u, why in answers.items() if why is not None]
    if not bad:
        return Check("ok", f"mirrors: all {len(good)} answer")
    if good:
        return Check("ok", f"mirrors: {', '.join(good)} answer; not {', '.join(bad)}")
    return Check("note", f"mirrors: none answers, so nothing can be downloaded: {'; '.join(bad)}")


# --- data -----------------------------------------------------------------------------------------


def verified(directory: Path | None, specs) -> tuple[set[str], dict[str, str]]:
    """The files of ``specs`` in ``directory`` that pass the reader's check, and why others fail
    (files that are not there are in neither)."""
    good, bad = set(), {}
    if directory is None:
        return good, bad
    for spec in specs:
        path = directory / spec.name
        if not path.is_file():
            continue
        try:
            load(path, spec)
            good.add(spec.name)
        except CorruptDatasetError as err:
            bad[spec.name] = err.reason
        except OSError as err:
            bad[spec.name] = f"unreadable, {err.strerror or err}"
    return good, bad


def _source_phrase(local: Path | None) -> str:
    if local is None:
        return f"{LOCAL_SOURCE_ENV} is unset"
    if not local.is_dir():
        return f"{LOCAL_SOURCE_ENV} names {local}, which is not a folder"
    return f"{LOCAL_SOURCE_ENV} has"


def check_dataset(
    label: str,
    directory: Path,
    local: Path | None,
    specs: list,
    needed: list[list[str]],
    downloadable: set[str],
    mirror_answers: bool,
) -> tuple[bool, str]:
    """Whether a run can have every file of ``needed`` (each entry: names any one of which
    will do) and a line saying where each file would come from."""
    here, bad_here = verified(directory, specs)
    usable_source = local is not None and local.is_dir()
    there, bad_there = verified(local, specs) if usable_source else (set(), {})

    def count(names: set[str]) -> int:
        return sum(any(n in names for n in choices) for choices in needed)

    parts = [f"{count(here)} of {len(needed)} files verified in {directory}"]
    parts += [f"{name} fails its check ({why})" for name, why in bad_here.items()]
    if not usable_source:
        parts.append(_source_phrase(local))
    elif count(here | there) > count(here):
        parts.append(f"{count(here | there) - count(here)} more in {LOCAL_SOURCE_ENV} ({local})")
    parts += [f"{local / n} fails its check ({why})" for n, why in bad_there.items()]
    have = here | there
    unavailable = [choices[0] for choices in needed if not any(n in have for n in choices)]
    missing = [n for n in unavailable if not (n in downloadable and mirror_answers)]
    if len(missing) < len(unavailable):
        parts.append(f"{len(unavailable) - len(missing)} to download")
    if missing:
        which = "any of them" if len(missing) == len(needed) else ", ".join(missing)
        parts.append(f"no source for {which}")
    for choices in needed:
        first = choices[0]
        if first in have or (first in downloadable and mirror_answers):
            continue
        stand_in = next((n for n in choices[1:] if n in have), None)
        if stand_in is not None:
            parts.append(f"{stand_in} stands in for {first}")
    return not missing, f"{label}: " + "; ".join(parts)


def check_data(mnist_dir: Path, answers: dict[str, str | None]) -> list[Check]:
    mnist_ok, mnist_line = check_dataset(
        "MNIST",
        mnist_dir,
        local_source_dir(mnist.LOCAL_SUBDIR),
        list(mnist.FILES),
        [[spec.name] for spec in mnist.FILES],
        {spec.name for spec in mnist.FILES},
        any(answers[base + mnist.TEST_LABELS] is None for base in mnist.MIRRORS),
    )
    cifar_names = [*cifar10.TRAIN_FILES, cifar10.TEST_FILE, cifar10.TEST_SUBSET_FILE]
    cifar_ok, cifar_line = check_dataset(
        "CIFAR-10",
        cifar10.batches_dir(default_data_dir("cifar10")),
        local_source_dir(cifar10.LOCAL_SUBDIR),
        [cifar10.file_spec(name) for name in cifar_names],
        [[name] for name in cifar10.TRAIN_FILES] + [[cifar10.TEST_FILE, cifar10.TEST_SUBSET_FILE]],
        set(cifar10.PUBLISHED_MD5),
        answers[cifar10.CIFAR10_SOURCE_URL] is None,
    )
    if not mnist_ok:
        mnist_line += "; every variant but the CIFAR-10 runs and graph_basics needs these"
    if cifar10.TEST_SUBSET_FILE in cifar_line:
        cifar_line += " (the first 1,000 test images)"
    if not cifar_ok:
        cifar_line += f"; {CIFAR10_RUNS} cannot run"
    return [
        Check("ok" if mnist_ok else "FAIL", mnist_line),
        Check("ok" if cifar_ok else "note", cifar_line),
    ]


def where_data_is_looked_for(mnist_dir: Path) -> Check:
    how = (
        f"{DATA_DIR_ENV}={os.environ[DATA_DIR_ENV]}"
        if os.environ.get(DATA_DIR_ENV)
        else f"{DATA_DIR_ENV} unset"
    )
    source = os.environ.get(LOCAL_SOURCE_ENV, "").strip() or "unset"
    return Check(
        "ok",
        f"data: runs read {mnist_dir} ({how}); missing files come from "
        f"{LOCAL_SOURCE_ENV} ({source}), else the mirrors",
    )


# --- disk -----------------------------------------------------------------------------------------


def check_disk(logdir: Path) -> Check:
    existing = logdir.absolute()
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    where = f"{logdir}" if existing == logdir.absolute() else f"{existing} (for {logdir})"
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        return Check("FAIL", f"disk: {where} cannot be written, so runs cannot keep their logs")
    try:
        free = shutil.disk_usage(existing).free
    except OSError as err:
        return Check("FAIL", f"disk: {where}: {err.strerror or err}")
    text = f"disk: {free / 1024**3:.1f} GB free in {where}"
    needed = disk_room.largest_run_bytes()
    if free < needed:
        return Check(
            "FAIL",
            f"{text}; the largest recipe's run (experts) needs about {needed / 1024**2:.0f} MB",
        )
    return Check("ok", text)


def check_reference_runtime() -> Check:
    """The optional TensorFlow 1.15.5 runtime (``make tf115``): what its interpreter says it is
    when asked, or how to get it."""
    from tf1_tutorials import reference_runtime
    from tf1_tutorials.errors import FileProblem

    venv = reference_runtime.venv_dir()
    interpreter = venv / "bin" / "python"
    if interpreter.exists() or interpreter.is_symlink():
        try:
            found = reference_runtime.identify(interpreter)
        except FileProblem as problem:
            return Check("FAIL", str(problem))
        said = (
            f"Python {found.python}, TensorFlow {found.tensorflow} ({found.distribution}), "
            f"oneDNN build {found.onednn}, eager {found.eager}"
        )
        wrong = reference_runtime.mismatch(found, reference_runtime.EXPECTED["stock"])
        if wrong:
            return Check(
                "FAIL",
                f"reference runtime: {venv} says {said}: {wrong} (rm -rf {venv}; make tf115)",
            )
        return Check(
            "ok",
            f"reference runtime: {venv} says {said} (legacy --compare, measure --runtime tf1.15)",
        )
    found = reference_runtime.find_python37()
    how = f"make tf115 builds it from {found}" if found else "it needs a Python 3.7 (none found)"
    return Check(
        "note",
        f"reference runtime (optional): TensorFlow {reference_runtime.TENSORFLOW} is not in "
        f"{venv}; {how}",
    )


# --- the command ----------------------------------------------------------------------------------


def diagnose(data_dir: str | None, logdir: str, timeout: float) -> list[Check]:
    imports, broken = check_imports()
    if DATA_LAYER_ERROR is not None:  # the data and mirror checks need the reader, and NumPy
        try:
            pins, requires = _pins()
            checks = [check_python(requires), *check_packages(pins, broken)]
        except metadata.PackageNotFoundError:
            checks = [Check("FAIL", f"{DISTRIBUTION} is not installed: its pins cannot be read")]
        skipped = Check("note", "data and mirrors: not checked, the data reader cannot be imported")
        return [
            *checks,
            *imports,
            check_onednn(),
            skipped,
            check_disk(Path(logdir)),
            check_memory(),
        ]
    mnist_dir = Path(data_dir) if data_dir else default_data_dir(mnist.LOCAL_SUBDIR)
    urls = [base + mnist.TEST_LABELS for base in mnist.MIRRORS] + [cifar10.CIFAR10_SOURCE_URL]
    answers: dict[str, str | None] = {}
    prober = threading.Thread(target=lambda: answers.update(probe_all(urls, timeout)), daemon=True)
    prober.start()  # the mirrors answer (or not) while the data files are verified
    try:
        pins, requires = _pins()
        checks = [check_python(requires), *check_packages(pins, broken)]
    except metadata.PackageNotFoundError:
        checks = [Check("FAIL", f"{DISTRIBUTION} is not installed: its pins cannot be read")]
    checks += [
        *imports,
        check_onednn(),
        check_reference_runtime(),
        where_data_is_looked_for(mnist_dir),
    ]
    prober.join()
    try:
        checks += check_data(mnist_dir, answers)
    except MemoryError:
        said = broken_environment.explain(MemoryError())[0]
        checks.append(Check("FAIL", f"data: not verified: {said}"))
    checks += [check_mirrors(answers), check_disk(Path(logdir)), check_memory()]
    return checks


def check_memory() -> Check:
    try:
        broken_environment.check_address_space()
    except broken_environment.UserError as err:
        return Check("FAIL", f"memory: {err}; a run is refused")
    return Check("ok", "memory: no address-space limit below what TensorFlow needs")
