"""``keras.datasets.mnist`` for legacy scripts: ``load_data()`` from tf1-tutorials' MNIST reader."""

from __future__ import annotations

import numpy as np

from tf1_tutorials.data import default_data_dir, read_data_sets


def load_data(path="mnist.npz"):
    """``(x_train, y_train), (x_test, y_test)`` as Keras returned them.

    Images are uint8 [N, 28, 28], labels uint8 [N]; 60,000 training and 10,000 test images.
    ``path`` (a file under ``~/.keras/datasets`` in Keras) is accepted and not used: the files are
    the reader's, in ``default_data_dir("mnist")``, filled from ``TF1_TUTORIALS_DATA`` or the MNIST
    mirrors and verified.
    """
    sets = read_data_sets(
        default_data_dir("mnist"), dtype=np.uint8, reshape=False, validation_size=0
    )
    return (
        (sets.train.images.reshape(-1, 28, 28), sets.train.labels),
        (sets.test.images.reshape(-1, 28, 28), sets.test.labels),
    )
