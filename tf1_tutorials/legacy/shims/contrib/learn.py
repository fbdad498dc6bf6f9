"""``tf.contrib.learn`` for legacy scripts: its MNIST data helpers, on tf1-tutorials' reader.

``tf.contrib.learn.datasets.load_dataset("mnist")``, ``tf.contrib.learn.datasets.mnist`` and
``tensorflow.contrib.learn.python.learn.datasets.mnist`` (``read_data_sets``, ``DataSet``,
``load_mnist``, ...) are shims/data/input_data.py; ``...datasets.base`` has ``Datasets`` and
``maybe_download`` (shims/data/urls.py serves the known data URLs locally). The rest of
tf.contrib.learn (its Estimators, ``SKCompat``, ``learn_runner``) is not provided: a script that
asks for it stops with a line naming it.
"""

from __future__ import annotations

import types

from tf1_tutorials.legacy.shims.contrib import learn_base
from tf1_tutorials.legacy.shims.data import input_data

mnist = input_data
base = learn_base
# What TF 1.x's load_dataset knew; only MNIST's data is served.
KNOWN_DATASETS = ("iris", "boston", "mnist", "dbpedia")


def load_dataset(name: str, size: str = "small", test_with_fake_data: bool = False):
    """TF1's ``load_dataset``: ``mnist`` is ``load_mnist()`` (into ``MNIST-data``)."""
    if name == "mnist":
        return input_data.load_mnist()
    if name in KNOWN_DATASETS:
        from tf1_tutorials.legacy.unsupported import UnsupportedAPI

        raise UnsupportedAPI(
            f'tf.contrib.learn.datasets.load_dataset("{name}")', "only MNIST's data is served"
        )
    raise ValueError(f"Name of dataset is not recognized: {name}")


datasets = types.ModuleType("tensorflow.contrib.learn.datasets", "tf.contrib.learn.datasets")
datasets.__path__ = []
datasets.__dict__.update(mnist=mnist, base=base, load_dataset=load_dataset)

python = types.ModuleType("tensorflow.contrib.learn.python")
python.__path__ = []
python.learn = types.ModuleType("tensorflow.contrib.learn.python.learn")
python.learn.__path__ = []
python.learn.datasets = datasets

# ``import tensorflow.contrib.learn.<name>``: the module each path gives.
SUBMODULES = {
    "datasets": datasets,
    "datasets.mnist": mnist,
    "datasets.base": base,
    "python": python,
    "python.learn": python.learn,
    "python.learn.datasets": datasets,
    "python.learn.datasets.mnist": mnist,
    "python.learn.datasets.base": base,
}
