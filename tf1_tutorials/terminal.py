"""Standard output and error that never decide whether a command succeeded.

:func:`guard` makes both streams write what they cannot encode as escapes (a non-ASCII path
under ``PYTHONIOENCODING=ascii`` or ``LC_ALL=C``) and makes a stream whose reader has gone (a
closed pipe: ``| head -1``) discard what follows, quietly, so the command goes on to its end and
its own exit status. No TensorFlow here.
"""

from __future__ import annotations

import contextlib
import os
import sys


class QuietStream:
    """A text stream that, once its reader has gone, sends what follows to the null device."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._to_null()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._to_null()

    def _to_null(self) -> None:
        with contextlib.suppress(OSError, ValueError):
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, self._stream.fileno())
            os.close(null)

    def __getattr__(self, name):
        return getattr(self._stream, name)


def guard() -> None:
    """Guard ``sys.stdout`` and ``sys.stderr`` (once; a stream that is not a text file is left)."""
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        if stream is None or isinstance(stream, QuietStream):
            continue
        with contextlib.suppress(AttributeError, ValueError, OSError):
            stream.reconfigure(errors="backslashreplace")
        setattr(sys, name, QuietStream(stream))
