"""The data each variant reads, through the project's readers (NumPy only, no TensorFlow).

The sets come back as the tutorials read them (one-hot label rows, images as float32 in [0, 1] or,
for the documented CIFAR-10 form, raw 0-255 values), except that the one-hot rows are float32 -- the
placeholders' dtype -- made once here rather than converted from TF1's float64 at every step. The
images are the reader's own, scaled by ``DataSet`` exactly as TF1 scaled them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tf1_tutorials.data.facts import MNIST_VALIDATION


def _float32_one_hot(datasets, image_dtype, reshape: bool, seed: int | None):
    """Rebuild each split from the raw uint8 images and class ids, with float32 one-hot labels."""
    from tf1_tutorials.data import DataSet, dense_to_one_hot

    def rebuild(split):
        if split is None:
            return None
        labels = dense_to_one_hot(split.labels, 10).astype(np.float32)
        # ``split`` is dropped once rebuilt, so its raw images need no copy (``_owned``).
        return DataSet(
            split.images, labels, dtype=image_dtype, reshape=reshape, seed=seed, _owned=True
        )

    return type(datasets)(*(rebuild(split) for split in datasets))


def mnist(data_dir: str | Path, seed: int | None, validation_size: int = 5000):
    """MNIST as ``read_data_sets(dir, one_hot=True)`` gives it: 55,000 train (60,000 with
    ``validation_size=0``), 10,000 test, images [N, 784] float32 in [0, 1]."""
    from tf1_tutorials.data import read_data_sets

    raw = read_data_sets(str(data_dir), dtype=np.uint8, validation_size=validation_size, seed=seed)
    return _float32_one_hot(raw, np.float32, reshape=True, seed=seed)


def cifar10(data_dir: str | Path, seed: int | None, scale_inputs: bool):
    """CIFAR-10 [N, 32, 32, 3]: raw 0-255 values (uint8, converted to float32 a batch at a time),
    as the document fed them, or float32 divided by 255 with ``scale_inputs``."""
    from tf1_tutorials.data import read_cifar10

    raw = read_cifar10(str(data_dir), dtype=np.uint8, reshape=False, seed=seed)
    image_dtype = np.float32 if scale_inputs else np.uint8
    return _float32_one_hot(raw, image_dtype, reshape=False, seed=seed)


def read(module, config, data_dir: str | Path, seed: int | None):
    """The data a variant module trains and tests on, by its ``DATASET`` and ``KIND``: the graph
    variants keep TF1's 5,000 validation images apart, the Keras ones train on all 60,000."""
    dataset = getattr(config, "dataset", module.DATASET)
    if dataset == "cifar10":
        # The document fed raw 0-255 values; the Keras form always scales them.
        scale = module.KIND == "keras" or config.scale_inputs
        return cifar10(data_dir, seed, scale_inputs=scale)
    return mnist(data_dir, seed, validation_size=0 if module.KIND == "keras" else MNIST_VALIDATION)
