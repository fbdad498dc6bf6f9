"""What the TF2 Keras variants share: their data as arrays, the test count, TensorBoard scalars."""

from __future__ import annotations

import numpy as np

from tf1_tutorials.tf import load_v2

tf = load_v2()

CURVE_POINTS = 500


def arrays(dataset, image_shape):
    """A DataSet's images reshaped to ``image_shape`` (float32) and its float32 one-hot labels."""
    images = np.asarray(dataset.images, dtype=np.float32).reshape(-1, *image_shape)
    return images, np.asarray(dataset.labels, dtype=np.float32)


def test_predictions(predict, images, labels, batch_size: int) -> tuple[float, float]:
    """The test accuracy and the share of the images given the most often predicted class."""
    correct, per_class = 0, np.zeros(labels.shape[1], dtype=np.int64)
    for start in range(0, len(labels), batch_size):
        logits = np.asarray(predict(images[start : start + batch_size]))
        truth = labels[start : start + batch_size]
        predicted = np.argmax(logits, 1)
        correct += int(np.sum(predicted == np.argmax(truth, 1)))
        per_class += np.bincount(predicted, minlength=len(per_class))[: len(per_class)]
    return correct / len(labels), float(per_class.max()) / len(labels)


def scalar_writer(logdir):
    """A TensorBoard writer for the run's log directory."""
    return tf.summary.create_file_writer(str(logdir))
