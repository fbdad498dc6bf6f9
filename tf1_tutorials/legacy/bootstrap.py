"""The child process of a legacy run: install the import hook, then run the script as Python would.

``python -m tf1_tutorials.legacy.bootstrap SCRIPT.py [ARGS...]`` (run.py builds the command).
The script runs as ``__main__`` with ``__file__`` its absolute path, ``sys.argv`` its path as given
and its arguments, and ``sys.path[0]`` its directory. Its exit status is its own: ``sys.exit(n)``
ends the process with n, an uncaught exception prints the usual traceback (from the script's first
frame) and gives 1. An unsupported TF1 API instead ends it with one line on stderr,
``SCRIPT.py:LINE: <api> is not supported by tf1-tutorials legacy: <why>``, and status 2
(``TF1_TUTORIALS_VERBOSE=1`` adds the traceback).
"""

from __future__ import annotations

import builtins
import importlib.machinery
import io
import os
import sys
import traceback
import types

from tf1_tutorials.legacy import import_hook as imports
from tf1_tutorials.legacy.shims.data import urls
from tf1_tutorials.legacy.shims.tensorflow import api as tensorflow_api
from tf1_tutorials.legacy.unsupported import EXIT_UNSUPPORTED, PROGRAM, unsupported_message


def compile_script(path: str) -> types.CodeType:
    with io.open_code(path) as script_file:
        source = script_file.read()
    return compile(source, path, "exec", dont_inherit=True)


def main_module(path: str) -> types.ModuleType:
    """A fresh ``__main__`` module for the script at ``path``, in ``sys.modules``."""
    module = types.ModuleType("__main__")
    module.__file__ = path
    module.__builtins__ = builtins
    module.__loader__ = importlib.machinery.SourceFileLoader("__main__", path)
    sys.modules["__main__"] = module
    return module


def from_script(tb: types.TracebackType | None, path: str) -> types.TracebackType | None:
    """``tb`` from the script's first frame on (the frames of this module dropped)."""
    start = tb
    while start is not None and start.tb_frame.f_code.co_filename != path:
        start = start.tb_next
    return start or tb


def script_line(tb: types.TracebackType | None, path: str) -> int | None:
    """The line of the script's innermost frame in ``tb``."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == path:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def flags_error(err: Exception) -> str | None:
    """absl's one line for a flag value the script's ``tf.app.run`` could not parse (absl's own
    ``app.run`` says it so; TensorFlow's lenient flag parser let the traceback through)."""
    flags = sys.modules.get("absl.flags")
    if flags is not None and isinstance(err, flags.Error):
        return f"FATAL Flags parsing error: {err}"
    return None


def report(err: Exception, script: str, path: str) -> int:
    """Print ``err`` as Python would, or as one line if it is an unsupported TF1 API or a bad
    flag value; the status."""
    flag_line = flags_error(err)
    if flag_line is not None:
        print(flag_line, file=sys.stderr, flush=True)
        return 1
    message = unsupported_message(err)
    if message is None:
        # The hook prints the traceback the exception holds: give it the script's part only.
        err = err.with_traceback(from_script(err.__traceback__, path))
        sys.excepthook(type(err), err, err.__traceback__)
        return 1
    if os.environ.get("TF1_TUTORIALS_VERBOSE", "") not in ("", "0"):
        traceback.print_exception(type(err), err, from_script(err.__traceback__, path))
    line = script_line(err.__traceback__, path)
    print(f"{script}:{line}: {message}" if line else message, file=sys.stderr, flush=True)
    return EXIT_UNSUPPORTED


def install() -> None:
    """Serve the TF1-era module names (import_hook.py) and data URLs (shims/data/urls.py) here."""
    imports.install(tensorflow_api.create)
    urls.install()


def run(script: str, args: list[str]) -> int:
    """Run the TF1 script ``script`` with ``args``; its exit status (SystemExit passes through)."""
    path = os.path.abspath(script)
    try:
        code = compile_script(path)
    except OSError as err:
        print(f"{PROGRAM}: can't open script {script!r}: {err.strerror}", file=sys.stderr)
        return EXIT_UNSUPPORTED
    except SyntaxError as err:  # as Python reports it: file, line, the source and a caret
        sys.stderr.writelines(traceback.format_exception_only(type(err), err))
        return 1
    install()
    module = main_module(path)
    sys.argv[:] = [script, *args]
    sys.path[0] = os.path.dirname(os.path.realpath(path))
    try:
        exec(code, module.__dict__)
    except Exception as err:
        return report(err, script, path)
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        print(f"usage: python -m {__spec__.name} SCRIPT.py [ARGS...]", file=sys.stderr)
        return EXIT_UNSUPPORTED
    return run(argv[0], argv[1:])


if __name__ == "__main__":
    sys.exit(main())
