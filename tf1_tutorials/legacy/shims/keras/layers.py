"""``keras.layers`` for scripts that import standalone Keras: Keras 1 arguments still accepted.

Keras 2.0-2.2 took Keras 1's layer arguments with a warning and converted them; tf-keras does not.
Here the layers scripts of that era build their MNIST/CIFAR-10 models with take them again:
``Dense(output_dim, init=, W_regularizer=, b_regularizer=, bias=)``,
``Convolution2D(nb_filter, nb_row, nb_col, border_mode=, subsample=, init=, dim_ordering=)`` (and
``Conv2D(32, 3, 3)``, which Keras 2.0-2.2 read as a 3x3 kernel where tf-keras reads strides 3),
``MaxPooling2D``/``AveragePooling2D(pool_size, strides, border_mode, dim_ordering)``,
``Dropout(p)`` and ``BatchNormalization(mode=0, beta_init=, gamma_init=)``. A call in Keras 2's
own form is passed on unchanged. Every other name is tf-keras's ``keras.layers``.
"""

from __future__ import annotations

from tf_keras.api._v1.keras import layers as tf_keras_layers

from tf1_tutorials.legacy import registry

RENAMED = registry.KERAS_1_ARGUMENTS
DATA_FORMATS = {"th": "channels_first", "tf": "channels_last", "default": None}


def keras1_arguments(layer: str, kwargs: dict) -> dict:
    """``kwargs`` with Keras 1's names and values in Keras 2's."""
    out = {}
    for key, value in kwargs.items():
        new_key = RENAMED.get(key, key)
        if new_key in out:
            raise TypeError(f"{layer}() got {key!r} and {new_key!r} for the same argument")
        if key == "dim_ordering":
            if value not in DATA_FORMATS:
                raise ValueError(f"{layer}(): dim_ordering must be 'th', 'tf' or 'default'")
            value = DATA_FORMATS[value]
        out[new_key] = value
    if layer == "BatchNormalization" and out.pop("mode", 0) != 0:
        raise ValueError("BatchNormalization(mode=1 or 2) was removed in Keras 2")
    return out


def _conv_arguments(args: tuple, kwargs: dict) -> tuple[tuple, dict]:
    """Keras 1's ``(nb_filter, nb_row, nb_col)`` or Keras 2.0's ``(filters, 3, 3)``."""
    kwargs = dict(kwargs)
    if "nb_row" in kwargs or "nb_col" in kwargs:
        kwargs["kernel_size"] = (kwargs.pop("nb_row"), kwargs.pop("nb_col"))
    elif len(args) >= 3 and all(isinstance(arg, int) for arg in args[1:3]):
        args = (args[0], (args[1], args[2]), *args[3:])
    return args, kwargs


def _keras1_layer(base, conv: bool = False):
    name = base.__name__

    def __init__(self, *args, **kwargs):
        if conv:
            args, kwargs = _conv_arguments(args, kwargs)
        base.__init__(self, *args, **keras1_arguments(name, kwargs))

    doc = f"tf-keras's {name}, also taking Keras 1's arguments."
    return type(name, (base,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})


Dense = _keras1_layer(tf_keras_layers.Dense)
Conv2D = Convolution2D = _keras1_layer(tf_keras_layers.Conv2D, conv=True)
MaxPooling2D = MaxPool2D = _keras1_layer(tf_keras_layers.MaxPooling2D)
AveragePooling2D = AvgPool2D = _keras1_layer(tf_keras_layers.AveragePooling2D)
Dropout = _keras1_layer(tf_keras_layers.Dropout)
BatchNormalization = _keras1_layer(tf_keras_layers.BatchNormalization)


def __getattr__(name: str):
    return getattr(tf_keras_layers, name)
