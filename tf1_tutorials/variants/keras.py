"""What the TF2 Keras variants share: their data as arrays, their test chunks and predictions, and
TensorBoard scalars through a v2 writer."""

from __future__ import annotations

import numpy as np

from tf1_tutorials.tf import load_v2

tf = load_v2()


def arrays(dataset, image_shape):
    """A DataSet's images reshaped to ``image_shape`` (float32) and its float32 one-hot labels."""
    images = np.asarray(dataset.images, dtype=np.float32).reshape(-1, *image_shape)
    return images, np.asarray(dataset.labels, dtype=np.float32)


def chunks(images, labels, size: int):
    """``(images, labels)`` ``size`` rows at a time, for
    :func:`tf1_tutorials.training.recorder.evaluate`."""
    for start in range(0, len(labels), size):
        yield images[start : start + size], labels[start : start + size]


def classes(model_call):
    """``images -> the predicted class of each`` from a call that gives logits or probabilities."""
    return lambda images: np.argmax(np.asarray(model_call(images)), 1)


def scalar_writer(logdir):
    """A TensorBoard writer for the run's log directory and the ``write_scalars(step, values)``
    the recorder calls with it."""
    writer = tf.summary.create_file_writer(str(logdir))

    def write_scalars(step: int, values: dict) -> None:
        with writer.as_default():
            for tag, value in values.items():
                tf.summary.scalar(tag, value, step=step)

    return writer, write_scalars
