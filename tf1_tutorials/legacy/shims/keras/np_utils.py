"""``keras.utils.np_utils`` for legacy scripts: Keras 1/2's ``to_categorical`` and ``normalize``."""

from __future__ import annotations


def to_categorical(y, num_classes=None, dtype="float32", nb_classes=None):
    """Class ids -> one-hot rows, as Keras 2's; ``nb_classes`` is Keras 1's name for num_classes."""
    from tf_keras.src.utils import np_utils

    return np_utils.to_categorical(y, num_classes or nb_classes, dtype)


def normalize(x, axis=-1, order=2):
    """Rows of ``x`` scaled to unit ``order``-norm, as Keras 2's."""
    from tf_keras.src.utils import np_utils

    return np_utils.normalize(x, axis, order)
