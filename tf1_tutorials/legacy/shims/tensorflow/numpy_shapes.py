"""NumPy integer scalars in shapes and sizes, taken as TensorFlow 1 took them.

With NumPy 1.x, arithmetic on a NumPy integer scalar and a Python int gave the default integer
(``np.max(labels) + 1`` on ``input_data``'s uint8 labels was an int64), so TF1 scripts put such
values in shapes freely. NumPy 2 keeps the scalar's own type (uint8), and TensorFlow's shape and
size inputs take only int32 or int64: ``tf.random_normal([target_size])`` raises "Value passed to
parameter 'shape' has DataType uint8 not in list of allowed values".

The rule, applied in the legacy process where such values become tensors (registry.py names it):
a NumPy integer scalar inside a shape (``tf.random_*``/``truncated_normal`` shapes), or given to an
op input that takes only int32/int64 (``reshape``'s shape, ``slice``'s begin and size, ``tile``'s
multiples, ``one_hot``'s depth, ...), is the Python int it holds. Values elsewhere (``tf.constant``
of uint8 scalars) keep their NumPy type, as in TF1.
"""

from __future__ import annotations

import functools

import numpy as np

INDEX_TYPES = frozenset((3, 9))  # DT_INT32, DT_INT64


def python_ints(value):
    """``value`` with each NumPy integer scalar in it (in lists and tuples, at any depth) an int."""
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, (list, tuple)) and any(
        isinstance(item, (np.integer, list, tuple)) for item in value
    ):
        return type(value)(python_ints(item) for item in value)
    return value


def index_inputs(op_def) -> tuple[str, ...]:
    """The names of ``op_def``'s inputs that take only int32 or int64 (shapes, sizes, indices)."""
    allowed = {attr.name: set(attr.allowed_values.list.type) for attr in op_def.attr}
    names = []
    for arg in op_def.input_arg:
        types = {arg.type} if arg.type else allowed.get(arg.type_attr or arg.type_list_attr)
        if types and types <= INDEX_TYPES:
            names.append(arg.name)
    return tuple(names)


def install() -> None:
    """Apply the rule to TensorFlow's op construction and shape conversion (once per process)."""
    import importlib

    from tensorflow.python.framework import op_def_library, op_def_registry

    apply_op = op_def_library._apply_op_helper
    if getattr(apply_op, "python_int_shapes", False):
        return

    @functools.cache
    def inputs_of(op_type_name: str) -> tuple[str, ...]:
        op_def = op_def_registry.get(op_type_name)
        return () if op_def is None else index_inputs(op_def)

    @functools.wraps(apply_op)
    def apply_op_with_python_ints(op_type_name, name=None, **keywords):
        for key in inputs_of(op_type_name):
            if key in keywords:
                keywords[key] = python_ints(keywords[key])
        return apply_op(op_type_name, name=name, **keywords)

    apply_op_with_python_ints.python_int_shapes = True
    op_def_library._apply_op_helper = apply_op_with_python_ints
    # The random ops convert their shapes with ``shape_tensor``: in shape_util on TensorFlow 2.16+,
    # in tensor_util before.
    for module_name in SHAPE_TENSOR_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ImportError:
            continue
        if hasattr(module, "shape_tensor"):
            module.shape_tensor = _with_python_ints(module.shape_tensor)


SHAPE_TENSOR_MODULES = (
    "tensorflow.python.ops.shape_util",
    "tensorflow.python.framework.tensor_util",
)


def _with_python_ints(shape_tensor):
    @functools.wraps(shape_tensor)
    def shape_tensor_with_python_ints(shape):
        return shape_tensor(python_ints(shape))

    return shape_tensor_with_python_ints
