"""The errors a legacy run raises for TF1 APIs it cannot serve, and the one line that reports them.

``UnsupportedAPI`` is an ``AttributeError`` (``tf.contrib.learn``, ``tf.mul``) and
``UnsupportedModule`` an ``ImportError`` (``import tensorflow.contrib.learn``), so libraries that
probe with ``hasattr`` or ``try: import ... except ImportError`` keep working; a script that does
not catch them ends with one line on stderr and exit status 2.
"""

from __future__ import annotations

import re
import sys

PROGRAM = "tf1-tutorials legacy"
EXIT_UNSUPPORTED = 2
# Top-level modules whose missing names are reported as unsupported TF1 APIs.
LEGACY_PACKAGES = ("tensorflow", "keras")
CANNOT_IMPORT = re.compile(r"cannot import name '(\w+)'")


class LegacyAPIError(Exception):
    """Marks the errors below: ``api`` names what the script asked for, ``reason`` why it fails."""

    api: str = ""
    reason: str = ""

    def describe(self) -> str:
        return f"{self.api} is not supported by {PROGRAM}: {self.reason}"


class UnsupportedAPI(LegacyAPIError, AttributeError):
    def __init__(self, api: str, reason: str):
        self.api, self.reason = api, reason
        super().__init__(self.describe())


class UnsupportedModule(LegacyAPIError, ImportError):
    # ``name`` is left unset on purpose: the import system then never mistakes this error for a
    # plain "no such submodule" and passes it on to the script.
    def __init__(self, api: str, reason: str):
        self.api, self.reason = api, reason
        super().__init__(self.describe())


def unsupported_message(err: BaseException) -> str | None:
    """The one-line report for ``err`` if it is about a TF1 API this run cannot serve, else None."""
    if isinstance(err, ImportError) and not isinstance(err, LegacyAPIError):
        err = _attribute_error_behind(err) or err
    if isinstance(err, LegacyAPIError):
        return err.describe()
    if isinstance(err, ImportError) and err.name:
        if err.name.partition(".")[0] in LEGACY_PACKAGES:
            return f"{err.name} is not supported by {PROGRAM}: {err.msg}"
    return None


def _attribute_error_behind(err: ImportError) -> LegacyAPIError | None:
    """For ``from tensorflow import mul``: the UnsupportedAPI the import system turned into
    "cannot import name 'mul'" (it keeps no link to it), found by asking the module again."""
    match = CANNOT_IMPORT.match(err.msg or "")
    module = sys.modules.get(err.name or "")
    if match is None or module is None:
        return None
    try:
        getattr(module, match.group(1))
    except LegacyAPIError as found:
        return found
    except AttributeError:
        return None
    return None
