"""``tensorflow.examples.tutorials.mnist.input_data`` for legacy scripts: tf1-tutorials' reader.

``read_data_sets(train_dir, ...)`` takes TF1's arguments and fills ``train_dir`` (relative to the
working directory, or absolute) from ``TF1_TUTORIALS_DATA`` before it tries any download.
"""

from tf1_tutorials.data import (
    DataSet,
    dense_to_one_hot,
    extract_images,
    extract_labels,
    load_mnist,
    read_data_sets,
)

__all__ = [
    "DataSet",
    "dense_to_one_hot",
    "extract_images",
    "extract_labels",
    "load_mnist",
    "read_data_sets",
]
