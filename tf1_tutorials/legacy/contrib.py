"""``tf.contrib`` for legacy scripts: the parts tf-slim still provides.

TensorFlow 2 has no tf.contrib. ``tf.contrib.slim`` is tf-slim itself; ``tf.contrib.layers`` is
tf-slim's layers with its initializers, regularizers, ``optimize_loss`` and summaries (what
``tf.contrib.layers`` held at its top level); ``tf.contrib.framework`` is tf-slim's ``arg_scope``
and variable helpers. Any other part (``tf.contrib.learn``, ``tf.contrib.rnn``, ...) raises an
unsupported-API error naming it.
"""

from __future__ import annotations

import functools
import importlib

from tf1_tutorials.legacy.namespace import Namespace
from tf1_tutorials.legacy.unsupported import UnsupportedAPI, UnsupportedModule

MODULE_NAME = "tensorflow.contrib"
SOURCES = {
    "layers": (
        "tf_slim.layers",
        "tf_slim.layers.initializers",
        "tf_slim.layers.regularizers",
        "tf_slim.layers.optimizers",
        "tf_slim.layers.summaries",
    ),
    "framework": ("tf_slim.ops.arg_scope", "tf_slim.ops.variables"),
}
UNMAPPED = (
    "TensorFlow 2 has no tf.contrib, and only tf.contrib.slim, tf.contrib.layers and "
    "tf.contrib.framework are mapped (onto tf-slim)"
)


def _tf_slim_has_no(api: str) -> str:
    return f"tf-slim, which serves {api.rpartition('.')[0]}, has no {api.rpartition('.')[2]}"


@functools.cache
def part(name: str):
    """``tf.contrib.<name>``: tf-slim or a namespace over its modules; UnsupportedAPI otherwise."""
    if name == "slim":
        return importlib.import_module("tf_slim")
    if name not in SOURCES:
        raise UnsupportedAPI(f"tf.contrib.{name}", UNMAPPED)
    modules = [importlib.import_module(source) for source in SOURCES[name]]
    return Namespace(f"{MODULE_NAME}.{name}", f"tf.contrib.{name}", modules, _tf_slim_has_no)


class Contrib(Namespace):
    def __init__(self):
        super().__init__(MODULE_NAME, "tf.contrib", [], _tf_slim_has_no)
        self.__dict__["__path__"] = []  # a package: ``from tensorflow.contrib import slim``

    def _resolve(self, name: str):
        return part(name)


@functools.cache
def module() -> Contrib:
    return Contrib()


def submodule_name(name: str) -> str | None:
    """The real module behind ``tensorflow.contrib.<name>`` (only slim's modules are real)."""
    head, _, rest = name.partition(".")
    if head == "slim":
        return "tf_slim" + (f".{rest}" if rest else "")
    return None


def import_submodule(name: str):
    """The module for ``import tensorflow.contrib.<name>``; UnsupportedModule if there is none."""
    real = submodule_name(name)
    if real is not None:
        return importlib.import_module(real)
    head, _, rest = name.partition(".")
    try:
        found = part(head)
    except UnsupportedAPI as err:
        raise UnsupportedModule(f"tensorflow.contrib.{head}", err.reason) from None
    if rest:
        raise UnsupportedModule(
            f"tensorflow.contrib.{name}",
            f"only tf.contrib.{head}'s top level is mapped (onto tf-slim)",
        )
    return found
