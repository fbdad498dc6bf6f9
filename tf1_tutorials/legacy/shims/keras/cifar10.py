"""``keras.datasets.cifar10`` for legacy scripts: ``load_data()`` from tf1-tutorials' reader."""

from __future__ import annotations

import numpy as np

from tf1_tutorials.data import default_data_dir, read_cifar10


def load_data():
    """``(x_train, y_train), (x_test, y_test)`` as Keras returned them.

    Images are uint8 [N, 32, 32, 3] ([N, 3, 32, 32] when Keras's image data format is
    channels_first), labels uint8 [N, 1]. The files are the reader's, in
    ``default_data_dir("cifar10")``; when only the 1,000-image test subset can be had, the test
    arrays hold those 1,000 (a line on stderr says so).
    """
    sets = read_cifar10(default_data_dir("cifar10"), dtype=np.uint8)
    channels_first = _image_data_format() == "channels_first"

    def arrays(data_set):
        images = data_set.images.transpose(0, 3, 1, 2) if channels_first else data_set.images
        return images, data_set.labels.reshape(-1, 1)

    return arrays(sets.train), arrays(sets.test)


def _image_data_format() -> str:
    from tf_keras import backend

    return backend.image_data_format()
