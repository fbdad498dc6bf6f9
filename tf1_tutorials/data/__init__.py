"""Files on disk (or a download) -> read_data_sets -> DataSet.next_batch. NumPy only: no TensorFlow.

Public API (other parts of the project code against exactly these names and signatures):

- ``read_data_sets(train_dir, fake_data=False, one_hot=False, dtype=np.float32, reshape=True,
  validation_size=5000, seed=None, source_url=DEFAULT_SOURCE_URL) -> Datasets(train, validation,
  test)`` -- MNIST, the TF1 reader's behaviour (one-hot labels are float64 rows, as in TF1).
- ``read_cifar10(data_dir, one_hot=False, dtype=np.float32, reshape=False, validation_size=0,
  seed=None, train_files=None, test_files=None, source_url=CIFAR10_SOURCE_URL) -> Datasets`` --
  CIFAR-10 binary version, read from ``<data_dir>/cifar-10-batches-bin/``; images [N, 32, 32, 3]
  channels-last (or [N, 3072] with reshape=True), float32 in [0, 1] or uint8 0-255. When test_files
  is None and the official test_batch.bin cannot be had but the local source holds
  test_batch_first1000.bin, that file is used and a line on stderr says the test set has 1,000
  images; ``test.num_examples`` always tells how many test images a result used.
- ``DataSet(images, labels, dtype=..., reshape=..., seed=None, *, fake_data=False, one_hot=False)``
  with ``images``, ``labels``, ``num_examples``, ``epochs_completed``, ``next_batch(batch_size,
  fake_data=False, shuffle=True)``. Batches are gathered through an index permutation (no copy of
  the whole set per epoch) from a private ``numpy.random.Generator`` seeded from ``seed`` -- unlike
  TF1, which used NumPy's global random state.
- ``dense_to_one_hot(labels, num_classes)``.
- ``facts``: the data sets' shapes, sizes and MNIST's 55,000/5,000 split, for every layer above.
- ``CorruptDatasetError`` (a ValueError; the message starts with the file name and says what is
  wrong: wrong magic, truncated, image/label count mismatch, label out of range).
- ``DataSourceError`` (no good copy of a file could be had: names the files, the directory, the
  mirrors tried and the TF1_TUTORIALS_DATA variable).
- ``default_data_dir(name)`` -> ``$TF1_TUTORIALS_DATA_DIR/<name>`` if set, else
  ``~/.cache/tf1-tutorials/<name>``.

Where files come from: ``train_dir`` first; a missing file is copied from the local source directory
named by ``TF1_TUTORIALS_DATA`` (layout ``mnist/<four .gz files>`` and
``cifar10/cifar-10-batches-bin/<files>``), else downloaded from the public mirrors in order. Every
file is verified on its decompressed payload before use and written under a temporary name, renamed
into place only after verification.
"""

from .cifar10 import CIFAR10_SOURCE_URL, CLASS_NAMES, read_cifar10
from .dataset import DataSet, Datasets, dense_to_one_hot
from .errors import CorruptDatasetError, DataSourceError
from .mnist import DEFAULT_SOURCE_URL, extract_images, extract_labels, load_mnist, read_data_sets
from .sources import default_data_dir

__all__ = [
    "CIFAR10_SOURCE_URL",
    "CLASS_NAMES",
    "CorruptDatasetError",
    "DEFAULT_SOURCE_URL",
    "DataSet",
    "DataSourceError",
    "Datasets",
    "default_data_dir",
    "dense_to_one_hot",
    "extract_images",
    "extract_labels",
    "load_mnist",
    "read_cifar10",
    "read_data_sets",
]
