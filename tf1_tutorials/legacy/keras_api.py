"""``keras`` for legacy scripts: tf-keras's TF1 API (Keras 2), with Keras 1/2's data helpers.

Keras 3 needs eager TensorFlow and a legacy run is in graph mode, so ``import keras`` and
``tf.keras`` both give ``tf_keras.api._v1.keras``: the Keras TensorFlow 1.x shipped, whose
optimizers (``RMSprop(lr=...)``) work in graph mode. On top of it, once a script touches Keras:

- ``keras.utils.np_utils`` (``to_categorical``, with Keras 1's ``nb_classes``);
- ``keras.datasets.mnist`` and ``keras.datasets.cifar10``, whose ``load_data()`` reads through
  tf1-tutorials' readers (local source, verified files) instead of downloading from Keras's servers;
- Keras 1's layer modules (``keras.layers.core``, ``keras.layers.convolutional``, ...) as
  ``keras.layers``, and ``Model.fit(nb_epoch=...)``, Keras 1's name for ``epochs``.

Everything else is tf-keras's own.
"""

from __future__ import annotations

import functools
import importlib
import warnings

V1_KERAS = "tf_keras.api._v1.keras"
SHIMS = {
    "utils.np_utils": "tf1_tutorials.legacy.keras_np_utils",
    "datasets.mnist": "tf1_tutorials.legacy.keras_mnist",
    "datasets.cifar10": "tf1_tutorials.legacy.keras_cifar10",
}
KERAS_1_LAYER_MODULES = (
    "advanced_activations",
    "convolutional",
    "core",
    "embeddings",
    "merge",
    "noise",
    "normalization",
    "pooling",
    "recurrent",
    "wrappers",
)


@functools.cache
def keras_module():
    """``tf_keras.api._v1.keras`` with the shims above in place (TensorFlow imported in v1 mode)."""
    importlib.import_module("tensorflow")  # the legacy tensorflow: v1 mode before tf-keras runs
    keras = importlib.import_module(V1_KERAS)
    if not hasattr(keras, "__version__"):  # scripts print it; tf-keras has it on tf_keras only
        keras.__version__ = importlib.import_module("tf_keras").__version__
    for name, shim in SHIMS.items():
        package, _, leaf = name.rpartition(".")
        parent = importlib.import_module(f"{V1_KERAS}.{package}")
        setattr(parent, leaf, importlib.import_module(shim))
    _accept_nb_epoch()
    # Graph-mode fit() reads its own deprecated property on every call; the warning is not about
    # the script.
    warnings.filterwarnings("ignore", message=r"`Model\.state_updates` will be removed")
    return keras


def submodule(name: str):
    """The module legacy ``keras.<name>`` stands for, or None if Keras has no such module."""
    keras = keras_module()
    if name in SHIMS:
        return importlib.import_module(SHIMS[name])
    package, _, leaf = name.partition(".")
    if package == "layers" and leaf in KERAS_1_LAYER_MODULES:
        return keras.layers
    target = f"{V1_KERAS}.{name}"
    try:
        return importlib.import_module(target)
    except ModuleNotFoundError as err:
        if err.name and target.startswith(err.name):
            return None
        raise


def _accept_nb_epoch() -> None:
    from tf_keras.src.engine import training_v1  # the Model class graph-mode Keras uses

    fit = training_v1.Model.fit
    if getattr(fit, "accepts_nb_epoch", False):
        return

    @functools.wraps(fit)
    def fit_accepting_nb_epoch(self, *args, nb_epoch=None, **kwargs):
        if nb_epoch is not None:
            kwargs.setdefault("epochs", nb_epoch)
        return fit(self, *args, **kwargs)

    fit_accepting_nb_epoch.accepts_nb_epoch = True
    training_v1.Model.fit = fit_accepting_nb_epoch
