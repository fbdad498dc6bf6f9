"""Failures that come from the environment rather than from the program, said in one line.

A library that cannot be imported (broken, or shadowed by a same-named folder on ``PYTHONPATH``),
memory that runs out under an address-space limit (``ulimit -v``), a thread that cannot be
started: :func:`explain` names the module and the file it came from, or the limit, and a hint
says what to change. ``cli`` reports them with exit status 1 (the environment). No TensorFlow
here, nor anything that could itself fail to import.
"""

from __future__ import annotations

import importlib.util
import resource
import sys
import traceback
import types
from importlib import metadata
from pathlib import Path

from tf1_tutorials.errors import UserError

OWN_PACKAGE = "tf1_tutorials"
# The address space TensorFlow needs to start and train a small model (ulimit -v): TensorFlow 2.21
# measured here aborts in its own C++ below about 2.2 GiB and trains softmax from 2.3 GiB.
MIN_ADDRESS_SPACE = int(2.5 * 2**30)
LOW_MEMORY_WORDS = ("failed to map segment", "cannot allocate memory", "out of memory")


def explain(err: BaseException) -> tuple[str, str | None] | None:
    """The one-line message and a hint for ``err``, when the environment caused it; else None."""
    if isinstance(err, MemoryError):
        return f"out of memory{_limit_words()}", _memory_hint()
    if isinstance(err, RuntimeError) and "can't start new thread" in str(err):
        return f"cannot start a thread{_limit_words()}", _memory_hint()
    culprit = _culprit(err)
    if culprit is None:
        return None
    name, origin = culprit
    where = f" ({origin})" if origin else ""
    reason = _first_line(err)
    message = f"{name}{where} cannot be used: {type(err).__name__}: {reason}"
    if any(word in reason.lower() for word in LOW_MEMORY_WORDS):
        return message, _memory_hint()
    return message, _shadow_hint(name, origin)


def address_space_suffices() -> bool:
    """Whether the address-space limit (``ulimit -v``), if any, leaves what TensorFlow needs."""
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    return soft == resource.RLIM_INFINITY or soft >= MIN_ADDRESS_SPACE


def check_address_space() -> None:
    """UserError when the address-space limit (``ulimit -v``) is below what TensorFlow needs:
    past that it fails on import, or aborts with no message the program could catch."""
    if not address_space_suffices():
        soft, _ = resource.getrlimit(resource.RLIMIT_AS)
        raise UserError(
            f"the address-space limit is {soft / 2**20:,.0f} MiB (ulimit -v), below the "
            f"{MIN_ADDRESS_SPACE / 2**30:.1f} GiB TensorFlow needs to start",
            hint="raise it: ulimit -v unlimited",
        )


def installed_location(name: str) -> Path | None:
    """The folder the installed distribution of top-level module ``name`` put it in, if any."""
    for dist_name in metadata.packages_distributions().get(name, []):
        try:
            return Path(metadata.distribution(dist_name).locate_file("")).resolve() / name
        except metadata.PackageNotFoundError:
            continue
    return None


def shadows(name: str, origin: str | None) -> Path | None:
    """The installed ``name``'s folder when ``origin`` (where ``name`` was found) is not in it."""
    installed = installed_location(name)
    if installed is None or origin is None:
        return None
    try:
        Path(origin).resolve().relative_to(installed)
    except ValueError:
        return installed
    return None


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0] if text else "(no message)"


def _third_party(name: str | None) -> str | None:
    """The top-level module of ``name`` when it is neither this package nor the standard library."""
    if not name:
        return None
    top = name.partition(".")[0]
    if top in (OWN_PACKAGE, "__main__") or top in sys.stdlib_module_names:
        return None
    return top


def _origin(top: str, fallback: str | None = None) -> str | None:
    module = sys.modules.get(top)
    return getattr(module, "__file__", None) or fallback


def _culprit(err: BaseException) -> tuple[str, str | None] | None:
    """The third-party module that failed ``err``'s import or lacks what was asked of it, and
    the file it came from."""
    top = _third_party(getattr(err, "name", None)) if isinstance(err, ImportError) else None
    if top and _findable(top):  # a library without the name asked of it (not one of its parts)
        return top, err.path or _origin(top)
    if isinstance(err, AttributeError) and isinstance(getattr(err, "obj", None), types.ModuleType):
        top = _third_party(err.obj.__name__)
        if top:
            return top, _origin(top, getattr(err.obj, "__file__", None))
    if isinstance(err, SyntaxError) and err.filename:
        top = _top_of_file(err.filename)
        if top:
            return top, err.filename
    for frame, _ in traceback.walk_tb(err.__traceback__):  # the outermost library import
        top = _third_party(frame.f_globals.get("__name__"))
        if top and frame.f_code.co_name == "<module>":
            return top, _origin(top, frame.f_code.co_filename)
    return None


def _findable(top: str) -> bool:
    try:
        return importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):
        return False


def _top_of_file(filename: str) -> str | None:
    path = Path(filename).resolve()
    for entry in sys.path:
        try:
            relative = path.relative_to(Path(entry or ".").resolve())
        except (ValueError, OSError):
            continue
        return _third_party(relative.parts[0].removesuffix(".py")) if relative.parts else None
    return None


def _shadow_hint(name: str, origin: str | None) -> str | None:
    installed = shadows(name, origin)
    if installed is not None:
        return f"it shadows the installed {name} ({installed}): take its folder off PYTHONPATH"
    return f"reinstall {name}, or take what shadows it off PYTHONPATH"


def _limit_words() -> str:
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return ""
    return f" under the address-space limit of {soft / 2**20:,.0f} MiB (ulimit -v)"


def _memory_hint() -> str:
    soft, _ = resource.getrlimit(resource.RLIMIT_AS)
    if soft == resource.RLIM_INFINITY:
        return "free some memory, or run fewer things at once"
    return "raise the limit (ulimit -v unlimited): TensorFlow alone maps a few GiB of address space"
