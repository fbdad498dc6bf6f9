"""``tf.contrib`` for legacy scripts: the parts tf-slim and tf.compat.v1 still provide.

TensorFlow 2 has no tf.contrib. ``tf.contrib.slim`` is tf-slim itself; ``tf.contrib.layers`` is
tf-slim's layers with its initializers, regularizers, ``optimize_loss`` and summaries (what
``tf.contrib.layers`` held at its top level); ``tf.contrib.framework`` is tf-slim's ``arg_scope``
and variable helpers (tf-slim is made to work on current TensorFlow first, see
shims/contrib/slim_support.py). ``tf.contrib.rnn`` is ``tf.compat.v1.nn.rnn_cell`` (the cells,
wrappers and ``LSTMStateTuple``) with ``static_rnn``, ``static_bidirectional_rnn`` and
``static_state_saving_rnn`` from ``tf.compat.v1.nn``. ``tf.contrib.learn`` is its MNIST data helpers
only (shims/contrib/learn.py); ``tf.contrib.seq2seq`` its ``sequence_loss``
(shims/contrib/seq2seq.py) and ``tf.contrib.factorization`` its ``KMeans``
(shims/contrib/factorization.py). Any other part, or name, raises an unsupported-API error naming
it, with the reason registry.py gives (``tensor_forest`` has its own).
"""

from __future__ import annotations

import functools
import importlib
import types

from tf1_tutorials.legacy import registry
from tf1_tutorials.legacy.shims.contrib import slim_support
from tf1_tutorials.legacy.shims.tensorflow.namespace import Namespace
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
STATIC_RNN = ("static_rnn", "static_bidirectional_rnn", "static_state_saving_rnn")


def _tf_slim_has_no(api: str) -> str:
    return f"tf-slim, which serves {api.rpartition('.')[0]}, has no {api.rpartition('.')[2]}"


def _v1_rnn_has_no(api: str) -> str:
    return (
        f"tf.compat.v1.nn.rnn_cell, which serves tf.contrib.rnn, has no {api.rpartition('.')[2]} "
        "(the contrib-only cells and stack_bidirectional_rnn are gone)"
    )


def _learn_has_no(api: str) -> str:
    return (
        "of tf.contrib.learn only its MNIST data helpers (tf.contrib.learn.datasets) are "
        "provided; its Estimators were removed with tf.contrib"
    )


def _rnn() -> Namespace:
    from tf1_tutorials.tf import load_v1

    v1 = load_v1()
    static = types.SimpleNamespace(**{name: getattr(v1.nn, name) for name in STATIC_RNN})
    rnn = Namespace(
        f"{MODULE_NAME}.rnn", "tf.contrib.rnn", [v1.nn.rnn_cell, static], _v1_rnn_has_no
    )
    rnn.__dict__["__path__"] = []
    return rnn


def _learn() -> Namespace:
    from tf1_tutorials.legacy.shims.contrib import learn as contrib_learn

    learn = Namespace(f"{MODULE_NAME}.learn", "tf.contrib.learn", [contrib_learn], _learn_has_no)
    learn.__dict__["__path__"] = []
    return learn


def _served(name: str) -> Namespace:
    """``tf.contrib.<name>`` served from one module: the names registry.py lists for it."""
    module_name, names, missing = registry.CONTRIB_SERVED[name]
    from tf1_tutorials.tf import load_v1

    load_v1()  # the modules build on TensorFlow: imported in v1 mode first
    module = importlib.import_module(module_name)
    provided = types.SimpleNamespace(**{key: getattr(module, key) for key in names})
    served = Namespace(f"{MODULE_NAME}.{name}", f"tf.contrib.{name}", [provided], lambda _: missing)
    served.__dict__["__path__"] = []
    return served


@functools.cache
def part(name: str):
    """``tf.contrib.<name>``: tf-slim, tf.compat.v1 or a namespace over their modules;
    UnsupportedAPI otherwise."""
    if name == "rnn":
        return _rnn()
    if name == "learn":
        return _learn()
    if name == "slim":
        slim_support.make_tf_slim_work()
        return importlib.import_module("tf_slim")
    if name in registry.CONTRIB_SERVED:
        return _served(name)
    rule = registry.CONTRIB.get(name)
    if rule is None or rule.kind == registry.UNSUPPORTED:
        raise UnsupportedAPI(f"tf.contrib.{name}", rule.what if rule else registry.CONTRIB_UNMAPPED)
    slim_support.make_tf_slim_work()
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
        slim_support.make_tf_slim_work()
        return importlib.import_module(real)
    head, _, rest = name.partition(".")
    try:
        found = part(head)
    except UnsupportedAPI as err:
        raise UnsupportedModule(f"tensorflow.contrib.{head}", err.reason) from None
    if head == "learn" and rest:
        from tf1_tutorials.legacy.shims.contrib import learn as contrib_learn

        if rest in contrib_learn.SUBMODULES:
            return contrib_learn.SUBMODULES[rest]
        raise UnsupportedModule(f"tensorflow.contrib.{name}", _learn_has_no(name))
    if rest:
        raise UnsupportedModule(
            f"tensorflow.contrib.{name}",
            f"only tf.contrib.{head}'s top level is served",
        )
    return found
