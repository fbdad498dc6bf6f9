"""How a TF1 script is launched: a fresh Python process that starts in ``bootstrap.py`` (the
import hook and the shims) and then runs the script as ``__main__``. ``legacy`` and
``legacy --compare`` both start scripts this way; nothing here imports TensorFlow."""

from __future__ import annotations

import sys

BOOTSTRAP = "tf1_tutorials.legacy.bootstrap"


def command(script: str, script_args: list[str]) -> list[str]:
    """The child process's command line."""
    return [sys.executable, "-m", BOOTSTRAP, script, *script_args]
