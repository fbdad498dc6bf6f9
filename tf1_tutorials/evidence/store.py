"""The measurement files' one owner: where they are, how they read, how a run is recorded.

A file maps each band entry to its runs. An entry's runs are grouped by the runtime that made
them — TensorFlow's version, its installed distribution and the oneDNN setting, normalised, so
``TF_ENABLE_ONEDNN_OPTS=true`` and ``=1`` are one setting — and a run is keyed by (entry, seed,
runtime). The first group an entry got stands at the entry's own level, as the bands and the
report read it; runs of any other runtime sit beside it under ``beside``, one group per runtime,
and are never deleted by a run of another. A seed measured again on the same runtime replaces
its run.

Every write reads the file afresh and replaces it whole (temp file and rename) while holding an
exclusive lock (``flock`` on ``.NAME.lock`` beside it, opened without following a link), so two
``measure`` processes recording into one file lose no run, and a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import json
import math
import os
from pathlib import Path

from tf1_tutorials.errors import FileProblem, UsageError, check_writable_dir, write_atomically

HERE = Path(__file__).parent
MEASUREMENTS_FILE = HERE / "measurements.json"
# The same entries measured on the other TensorFlow of the version matrix (constraints/tf215.txt),
# fewer seeds: `tf1-tutorials measure --into` writes it, the report compares it with the above.
MATRIX_MEASUREMENTS_FILE = HERE / "measurements-tf215.json"
# The same entries on the original runtime, TensorFlow 1.15.5, through the reference scripts
# (`tf1-tutorials measure --runtime tf1.15`): the witness the equivalence verdicts compare against.
REFERENCE_MEASUREMENTS_FILE = HERE / "measurements-tf115.json"

RUN_FIELDS = ("seed", "test_accuracy", "test_images", "diverged", "steps", "train_seconds")
OPTIONAL_NUMBERS = ("top_prediction_share", "wall_seconds", "cpu_seconds", "load_average")
# What the interpreter said it is (reference runs ask it before running: see reference_runtime).
IDENTITY_FIELD = "runtime"
STORED_CURVE_POINTS = 200  # of a run's recorded curve, kept in the measurements file
# TensorFlow reads TF_ENABLE_ONEDNN_OPTS as a boolean (true/1, false/0, any case); unset, the
# project switches it on (tf.py). The stock TensorFlow 1.15.5 wheel has no such setting: "none".
ONEDNN_SPELLINGS = {"1": "1", "true": "1", "0": "0", "false": "0", "none": "none", "": "1"}
CHECKED_RUN_FIELDS = {"seed": int, "test_accuracy": (int, float), "test_images": int}


def onednn_setting(value) -> str:
    """``TF_ENABLE_ONEDNN_OPTS`` (or a stored setting) as one spelling: "1", "0" or "none"."""
    text = "" if value is None else str(value).strip().lower()
    if text not in ONEDNN_SPELLINGS:
        raise UsageError(
            f"TF_ENABLE_ONEDNN_OPTS={value}: TensorFlow reads it as true/1 or false/0 only"
        )
    return ONEDNN_SPELLINGS[text]


def runtime_of(group: dict) -> tuple[str, str, str]:
    """The runtime a group (or a run record's ``versions``) was made on."""
    return (
        str(group.get("tensorflow", "?")),
        str(group.get("distribution") or "tensorflow").lower(),
        onednn_setting(group.get("onednn")),
    )


def describe(runtime: tuple[str, str, str]) -> str:
    tensorflow, distribution, onednn = runtime
    named = "TensorFlow" if distribution == "tensorflow" else distribution
    return f"{named} {tensorflow}, oneDNN {onednn}"


def groups(entry: dict) -> list[dict]:
    """An entry's run groups, its own first, then those beside it."""
    own = {name: entry[name] for name in entry if name != "beside"}
    return [own, *entry.get("beside", [])] if own.get("runs") else list(entry.get("beside", []))


def load(path: Path = MEASUREMENTS_FILE) -> dict:
    """The file's entries as stored ({} when it does not exist); unchecked (see :func:`read`)."""
    if not path.exists():
        return {}
    return json.loads(path.read_text())


def read(path: Path, what: str = "", must_exist: bool = False) -> dict:
    """The measurements file ``path`` ({} when it does not exist, unless ``must_exist``), checked
    field by field: FileProblem naming the file (as the option ``what`` gave it), the entry and
    the first field that is missing, of the wrong type or not a finite number. A file that must
    exist must also hold at least one entry."""
    named = f"{what} {path}" if what else str(path)
    if must_exist and not path.exists():
        raise FileProblem(f"{named}: no such file")
    if path.exists() and not path.is_file():
        raise FileProblem(f"{named}: is a directory, not a measurements file")
    try:
        data = load(path)
    except json.JSONDecodeError as err:
        raise FileProblem(
            f"{named}: not valid JSON ({err.msg}, line {err.lineno} column {err.colno})"
        ) from None
    except UnicodeDecodeError:
        raise FileProblem(f"{named}: not a text file") from None
    except PermissionError:
        raise FileProblem(f"{named}: permission denied") from None
    if not isinstance(data, dict):
        raise FileProblem(f"{named}: must hold an object of entries, holds {type(data).__name__}")
    if must_exist and not data:
        raise FileProblem(f"{named}: holds no entries, so there is nothing to report")
    for key, entry in data.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("runs"), list):
            raise FileProblem(f"{named}: entry {key!r}: field 'runs' is missing or not a list")
        if not isinstance(entry.get("beside", []), list):
            raise FileProblem(f"{named}: entry {key!r}: 'beside' is not a list of run groups")
        for group in groups(entry):
            problem = _group_problem(group)
            if problem:
                raise FileProblem(f"{named}: entry {key!r}, {problem}")
    return data


def _group_problem(group: dict) -> str | None:
    if not isinstance(group, dict) or not isinstance(group.get("runs"), list):
        return "a group beside it: field 'runs' is missing or not a list"
    try:
        onednn_setting(group.get("onednn"))
    except UsageError:
        return f"onednn: {group.get('onednn')!r} is not a oneDNN setting"
    for index, run in enumerate(group["runs"]):
        problem = _run_problem(run)
        if problem:
            return f"runs[{index}].{problem}"
    curve = group.get("loss_curve", [])
    if not isinstance(curve, list) or not all(
        isinstance(point, list) and len(point) == 2 for point in curve
    ):
        return "'loss_curve' is not a list of [step, loss]"
    return None


def _run_problem(run) -> str | None:
    """``field: what is wrong`` for the first bad field of one measured run, else None."""
    if not isinstance(run, dict):
        return f"{next(iter(CHECKED_RUN_FIELDS))}: missing (the run is not an object)"
    for name in (*CHECKED_RUN_FIELDS, "steps", "train_seconds", *OPTIONAL_NUMBERS):
        value = run.get(name)
        if value is None and name not in CHECKED_RUN_FIELDS:
            continue
        kind = CHECKED_RUN_FIELDS.get(name, (int, float))
        if value is None:
            return f"{name}: missing"
        if not isinstance(value, kind) or isinstance(value, bool):
            return f"{name}: {value!r} is not a number"
        if not math.isfinite(value):
            return f"{name}: {value!r} is not a finite number"
    if not 0 <= run["test_accuracy"] <= 1:
        return f"test_accuracy: {run['test_accuracy']!r} is not between 0 and 1"
    if not isinstance(run.get(IDENTITY_FIELD, {}), dict):
        return f"{IDENTITY_FIELD}: {run[IDENTITY_FIELD]!r} is not what an interpreter answered"
    return None


def require_tensorflow(data: dict, major: str, named: str) -> None:
    """FileProblem naming the file and what it holds unless every entry's own runs were made on
    a TensorFlow whose version starts with ``major`` (``"1."`` for the reference runs)."""
    for key, entry in sorted(data.items()):
        tensorflow = str(entry.get("tensorflow", "?"))
        if not tensorflow.startswith(major):
            raise FileProblem(
                f"{named}: holds runs of TensorFlow {tensorflow} (entry {key}), "
                f"not of TensorFlow {major}x"
            )


def release_of(data: dict) -> str:
    """``"2.15."``: the TensorFlow release (major.minor.) of the entries' own runs, the most
    common one first; "" for no entries."""
    releases = [".".join(str(e.get("tensorflow", "?")).split(".")[:2]) + "." for e in data.values()]
    return max(sorted(set(releases)), key=releases.count) if releases else ""


def recorded_seeds(entry: dict | None, runtime: tuple[str, str, str]) -> set[int]:
    """The seeds of one entry recorded on ``runtime``."""
    for group in groups(entry or {}):
        if runtime_of(group) == runtime:
            return {run["seed"] for run in group["runs"]}
    return set()


def check_into(path: Path) -> None:
    """Before any training: the file runs are recorded into is readable, valid and writable."""
    read(path)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise FileProblem(f"--into {path}: the directory {parent} does not exist")
    check_writable_dir(parent, f"--into {path}: its directory")


@contextlib.contextmanager
def locked(path: Path):
    """Hold the exclusive lock of measurements file ``path`` (other processes wait for it)."""
    lock = path.parent / f".{path.name}.lock"
    flags = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
    try:
        fd = os.open(lock, flags, 0o644)
    except OSError as err:
        raise FileProblem(f"{lock}: cannot be opened as a lock file ({err.strerror})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def thin(curve: list, points: int) -> list:
    """At most about ``points`` evenly spaced items of ``curve``, always keeping the last."""
    stride = max(1, -(-len(curve) // points))
    kept = curve[::stride]
    if curve and kept[-1] != curve[-1]:
        kept.append(curve[-1])
    return [list(item) for item in kept]


def stored_run(record: dict) -> dict:
    """What of a run's record the file keeps."""
    kept = {name: record[name] for name in RUN_FIELDS}
    kept |= {name: record[name] for name in OPTIONAL_NUMBERS if name in record}
    if IDENTITY_FIELD in record:
        kept[IDENTITY_FIELD] = record[IDENTITY_FIELD]
    return kept


def record(
    key: str, variant: str, settings: dict, records: list[dict], path: Path = MEASUREMENTS_FILE
) -> dict:
    """Add ``records`` (runs of one entry made on one runtime) to ``path`` under its lock and
    return the group they went into."""
    versions = records[0]["versions"]
    runtime = runtime_of(versions)
    if any(runtime_of(other["versions"]) != runtime for other in records):
        raise ValueError("records of one call must be made on one runtime")
    with locked(path):
        data = read(path)
        entry = data.get(key, {})
        kept = groups(entry)
        group = next((one for one in kept if runtime_of(one) == runtime), None)
        if group is None:
            group = {"runs": []}
            kept.append(group)
        _merge(group, records, runtime)
        own, *beside = kept
        data[key] = {"variant": variant, "settings": settings} | own
        if beside:
            data[key]["beside"] = beside
        write_atomically(path, json.dumps(dict(sorted(data.items())), indent=1) + "\n")
    return group


def _merge(group: dict, records: list[dict], runtime: tuple[str, str, str]) -> None:
    runs = {run["seed"]: run for run in group["runs"]}
    for one in records:
        runs[one["seed"]] = stored_run(one)
    first = min(records, key=lambda one: one["seed"])
    keeps_curve = (
        bool(group["runs"]) and group.get("loss_curve_seed", first["seed"]) < first["seed"]
    )
    tensorflow, distribution, onednn = runtime
    group["tensorflow"], group["onednn"] = tensorflow, onednn
    if distribution != "tensorflow":
        group["distribution"] = distribution
    group["cpu"] = first.get("cpu", "?")
    group["date"] = datetime.date.today().isoformat()
    group["runs"] = sorted(runs.values(), key=lambda run: run["seed"])
    if not keeps_curve:
        group["loss_curve_seed"] = first["seed"]
        group["loss_curve"] = thin(first["loss_curve"], STORED_CURVE_POINTS)
