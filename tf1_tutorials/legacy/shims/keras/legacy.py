"""``keras.legacy`` and ``keras.legacy.interfaces`` of Keras 2.0-2.2.

Keras 2.0-2.2 decorated its layers and optimizers with ``interfaces.legacy_*_support`` (converting
Keras 1 arguments), and custom layers and optimizers of the era did the same. Here every such
decorator returns the function as it is: the Keras 1 arguments a legacy run accepts are converted
where the layers and ``fit`` take them (shims/keras/layers.py, shims/keras/api.py).
"""

from __future__ import annotations

import sys

__path__: list[str] = []  # a package: ``import keras.legacy.interfaces``
interfaces = sys.modules[__name__]


def _unchanged(function):
    return function


def __getattr__(name: str):
    if name.startswith("legacy_") and name.endswith("_support"):
        return _unchanged
    raise AttributeError(f"module 'keras.legacy.interfaces' has no attribute {name!r}")
