"""The ``tensorflow`` module a legacy script imports: ``tf.compat.v1`` in graph mode, plus contrib.

``import tensorflow as tf`` gives a namespace over ``tf.compat.v1`` with v2 behaviour disabled
(placeholders, Sessions, ``tf.app``, ``tf.flags``, ``tf.gfile``, ``tf.logging``, ``tf.layers``,
``tf.nn.dropout(x, keep_prob)``: TensorFlow 2.21's v1 API still has them all). Added to it:
``tf.contrib`` (see shims/contrib/api.py), ``tf.keras`` (see shims/keras/api.py), ``tf.device``
running pins to absent GPUs on the CPU (see shims/tensorflow/devices.py), NumPy integer scalars in
shapes taken as TF1 took them (shims/tensorflow/numpy_shapes.py) and ``tf.estimator`` (see
shims/estimator.py). A name the v1 API lacks raises ``UnsupportedAPI`` naming it. The real
submodules (``tensorflow.compat.v1``, ``tensorflow.python...``) stay as they are, so tf-slim and
tf-keras keep importing TensorFlow's own modules.
"""

from __future__ import annotations

import functools
import sys

from tf1_tutorials.legacy.shims.contrib import api as contrib
from tf1_tutorials.legacy.shims.keras import api as keras_api
from tf1_tutorials.legacy.shims.tensorflow import numpy_shapes
from tf1_tutorials.legacy.shims.tensorflow.devices import DevicePins
from tf1_tutorials.legacy.shims.tensorflow.namespace import Namespace
from tf1_tutorials.tf import load_v1

# Names TensorFlow 1.0 removed, with their replacements (scripts for 0.x still call them).
REMOVED_IN_1_0 = {
    "mul": "tf.multiply",
    "sub": "tf.subtract",
    "neg": "tf.negative",
    "pack": "tf.stack",
    "unpack": "tf.unstack",
    "select": "tf.where",
    "batch_matmul": "tf.matmul",
    "scalar_summary": "tf.summary.scalar",
    "histogram_summary": "tf.summary.histogram",
    "image_summary": "tf.summary.image",
    "audio_summary": "tf.summary.audio",
    "merge_summary": "tf.summary.merge",
    "merge_all_summaries": "tf.summary.merge_all",
    "train.SummaryWriter": "tf.summary.FileWriter",
}


def explain(api: str) -> str:
    replacement = REMOVED_IN_1_0.get(api.removeprefix("tf."))
    if replacement:
        return f"it was removed in TensorFlow 1.0 (use {replacement})"
    version = getattr(sys.modules.get("tensorflow.compat.v1"), "__version__", "2")
    return f"TensorFlow {version}'s tf.compat.v1 has no {api}"


class TensorFlowModule(Namespace):
    """``tf`` for a legacy script; ``real`` is the TensorFlow package, ``v1`` its tf.compat.v1."""

    def __init__(self, real, v1):
        super().__init__("tensorflow", "tf", [v1], explain)
        self.__dict__.update(
            _real=real,
            __file__=real.__file__,
            __path__=list(real.__path__),
            __spec__=real.__spec__,
            __package__="tensorflow",
            __version__=real.__version__,
        )

    def _resolve(self, name: str):
        if name == "contrib":
            return contrib.module()
        if name == "keras":
            return keras_api.keras_module()
        if name == "compat":  # libraries' ``import tensorflow.compat.v1 as tf``
            return self._real.compat
        if name == "estimator":
            return legacy_estimator()
        if name == "device":
            return DevicePins(self._sources[0]).device
        real_submodule = sys.modules.get(f"tensorflow.{name}")
        if real_submodule is not None and not hasattr(self._sources[0], name):
            return real_submodule  # tensorflow.python, tensorflow.core, ...: never wrapped
        return super()._resolve(name)

    def __getattr__(self, name: str):
        if name.startswith("__"):  # __internal__, __operators__, ...: as TensorFlow has them
            for source in (self._sources[0], self._real):
                try:
                    return getattr(source, name)
                except AttributeError:
                    continue
            raise AttributeError(name)
        return super().__getattr__(name)


@functools.cache
def legacy_estimator() -> Namespace:
    """``tf.estimator``, which TensorFlow 2.16 removed: shims/estimator.py's."""
    from tf1_tutorials.legacy.shims import estimator

    return Namespace(
        "tensorflow.estimator", "tf.estimator", [estimator.module()], estimator.explain
    )


def create() -> TensorFlowModule:
    """Import TensorFlow in v1 mode and return the ``tensorflow`` module legacy scripts see."""
    v1 = load_v1()
    numpy_shapes.install()
    if "estimator" not in v1.__dict__:  # ``tf.compat.v1.estimator.inputs.numpy_input_fn``
        v1.estimator = legacy_estimator()
    return TensorFlowModule(sys.modules["tensorflow"], v1)
