"""`tf1-tutorials legacy SCRIPT.py [ARGS...]`: run an unmodified TensorFlow 1.x script in a fresh
process (:mod:`tf1_tutorials.legacy.run` builds the command and owns the arguments it takes)."""

from __future__ import annotations

from tf1_tutorials.legacy.run import add_arguments, main

__all__ = ["add_arguments", "main"]
