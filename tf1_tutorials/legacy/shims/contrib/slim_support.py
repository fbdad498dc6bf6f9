"""tf-slim 1.1 (2020) on current TensorFlow: the names it needs that TensorFlow has since moved.

tf-slim reaches into TensorFlow's private modules for names that TensorFlow 2.16+ moved elsewhere,
so on 2.21 these calls raised AttributeError (``ops.Tensor``) or ModuleNotFoundError:

- ``ops.Tensor``: ``batch_norm``/``dropout`` with a tensor ``is_training`` (``constant_value``),
  ``optimize_loss`` with a tensor learning rate, ``learning.multiply_gradients``, reversible blocks;
- ``ops.IndexedSlices``: ``optimize_loss``, ``learning.clip_gradient_norms``/``multiply_gradients``;
- ``array_ops.stack``/``unstack``: ``layers.stack``-built models, ``repeat``, metrics, decoders;
- ``control_flow_ops.cond``/``case``/``Assert``/``while_loop``: ``utils.smart_cond``, metrics,
  ``tfexample_decoder``, metric-learning losses;
- ``variable_scope.variable``: ``slim.local_variable``/``global_variable`` (streaming metrics);
- ``tensorflow.python.layers.normalization.BatchNormalization`` (its lazy loader names a tf-keras
  module that no longer exists): ``batch_norm`` with ``fused=False`` or renorm.

Each is put back under its old name, as the same object TensorFlow's public v1 API has, before
tf-slim runs, in the legacy process only.
"""

from __future__ import annotations

import functools
import importlib

# module -> {old name: the tf.compat.v1 name that holds the object now}
MOVED = {
    "tensorflow.python.framework.ops": {"Tensor": "Tensor", "IndexedSlices": "IndexedSlices"},
    "tensorflow.python.ops.array_ops": {"stack": "stack", "unstack": "unstack"},
    "tensorflow.python.ops.control_flow_ops": {
        "Assert": "Assert",
        "case": "case",
        "cond": "cond",
        "while_loop": "while_loop",
    },
    "tensorflow.python.ops.variable_scope": {"variable": "Variable"},
    "tensorflow.python.layers.normalization": {"BatchNormalization": "layers.BatchNormalization"},
}


def _v1_name(v1, dotted: str):
    value = v1
    for part in dotted.split("."):
        value = getattr(value, part)
    return value


def _has(module, name: str) -> bool:
    try:
        return hasattr(module, name)
    except ImportError:  # a lazy loader pointing at a module that is gone
        return False


@functools.cache
def make_tf_slim_work() -> None:
    """Restore the names above where TensorFlow lacks them (once per process)."""
    from tf1_tutorials.tf import load_v1

    v1 = load_v1()
    for module_name, names in MOVED.items():
        module = importlib.import_module(module_name)
        for old, new in names.items():
            if not _has(module, old):
                setattr(module, old, _v1_name(v1, new))
