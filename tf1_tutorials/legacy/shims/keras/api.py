"""``keras`` for legacy scripts: tf-keras's TF1 API (Keras 2), with Keras 1/2's names and data.

Keras 3 needs eager TensorFlow and a legacy run is in graph mode, so ``import keras`` and
``tf.keras`` both build on ``tf_keras.api._v1.keras``: the Keras TensorFlow 1.x shipped, whose
optimizers work in graph mode. Both get, once a script touches Keras:

- ``keras.utils.np_utils`` (``to_categorical``, with Keras 1's ``nb_classes``);
- ``keras.datasets.mnist`` and ``keras.datasets.cifar10``, whose ``load_data()`` reads through
  tf1-tutorials' readers (local source, verified files) instead of downloading from Keras's servers;
- ``Model.fit(nb_epoch=...)`` and ``fit_generator(samples_per_epoch=, nb_epoch=, nb_worker=, ...)``,
  Keras 1's names (registry.py); ``Sequential.predict_classes`` and
  ``predict_proba``, which tf-keras removed; ``K.image_dim_ordering()`` and
  ``K.set_image_dim_ordering()`` ('tf' is channels_last, 'th' channels_first); ``get_file``
  without the published hash check for the data URLs served locally (shims/data/urls.py).

Standalone ``keras`` (``import keras``, ``from keras.layers import ...``) is the Keras of its era on
top of that: its ``optimizers`` (shims/keras/optimizers.py) have Keras 1.2-2.2's defaults and
``lr=``, ``decay=`` and lower-case names, also for strings given to ``compile``; its ``layers``
(shims/keras/layers.py) take Keras 1's arguments; a layer returning a one-item list gives its
tensor, as Keras 2.2-2.3's did; Keras 1's layer modules (``keras.layers.core``,
``keras.layers.convolutional``, ...) are ``keras.layers``. ``tf.keras`` stays tf-keras's own.
"""

from __future__ import annotations

import functools
import importlib
import threading
import types
import warnings

from tf1_tutorials.legacy import registry
from tf1_tutorials.legacy.shims.data import urls

V1_KERAS = "tf_keras.api._v1.keras"
# keras.<name> -> the module serving it (registry.py owns the tables).
SHIMS = {name: module for name, (module, _, _) in registry.KERAS_SHIMS.items()}
ERA_MODULES = {name: module for name, (module, _, _) in registry.KERAS_ERA_MODULES.items()}
ALIASES = {name: module for name, (module, _, _) in registry.KERAS_MODULE_ALIASES.items()}


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
    _accept_keras1_fit_arguments()
    _share_generators_under_a_lock()
    _restore_removed_names(keras)
    # Graph-mode fit() reads its own deprecated property on every call; the warning is not about
    # the script.
    warnings.filterwarnings("ignore", message=r"`Model\.state_updates` will be removed")
    return keras


class StandaloneKeras(types.ModuleType):
    """Standalone ``keras``: ``tf.keras``'s module with the era's ``optimizers`` and ``layers``."""

    def __init__(self, keras):
        super().__init__("keras", keras.__doc__)
        self.__dict__.update(
            _keras=keras, __path__=[], __package__="keras", __version__=keras.__version__
        )

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        value = submodule(name) if name in ERA_MODULES | ALIASES else getattr(self._keras, name)
        self.__dict__[name] = value
        return value

    def __dir__(self):
        return sorted(set(self.__dict__) | set(dir(self._keras)))


@functools.cache
def standalone_module() -> StandaloneKeras:
    """``import keras``: from here on, ``compile('adadelta')`` means Keras 2.2's Adadelta."""
    module = StandaloneKeras(keras_module())
    _strings_are_era_optimizers()
    _unpack_single_outputs()
    return module


def submodule(name: str, standalone: bool = True):
    """The module ``keras.<name>`` (``tensorflow.keras.<name>`` when not ``standalone``) stands
    for, or None if Keras has no such module."""
    keras = keras_module()
    if name in SHIMS:
        return importlib.import_module(SHIMS[name])
    package, _, leaf = name.partition(".")
    if standalone and name in ERA_MODULES:
        return importlib.import_module(ERA_MODULES[name])
    if standalone and name in ALIASES:
        return importlib.import_module(ALIASES[name])
    if package == "layers" and leaf in registry.KERAS_1_LAYER_MODULES:
        return submodule("layers", standalone) if standalone else keras.layers
    target = f"{V1_KERAS}.{name}"
    try:
        return importlib.import_module(target)
    except ModuleNotFoundError as err:
        if err.name and target.startswith(err.name):
            return None
        raise


def _strings_are_era_optimizers() -> None:
    from tf_keras.src.engine import training_v1

    from tf1_tutorials.legacy.shims.keras import optimizers as keras_optimizers

    compile_model = training_v1.Model.compile
    if getattr(compile_model, "era_optimizers", False):
        return

    @functools.wraps(compile_model)
    def compile_with_era_optimizers(self, optimizer="rmsprop", *args, **kwargs):
        return compile_model(self, keras_optimizers.get(optimizer), *args, **kwargs)

    compile_with_era_optimizers.era_optimizers = True
    training_v1.Model.compile = compile_with_era_optimizers


def _restore_removed_names(keras) -> None:
    """Keras 1/2 names tf-keras dropped, added where scripts look for them."""
    backend = keras.backend
    if not hasattr(backend, "image_dim_ordering"):
        backend.image_dim_ordering = image_dim_ordering
        backend.set_image_dim_ordering = set_image_dim_ordering
    if not hasattr(keras.utils.get_file, "__wrapped__"):
        keras.utils.get_file = urls.keras_get_file(keras.utils.get_file)
    sequential = keras.models.Sequential
    if not hasattr(sequential, "predict_classes"):
        sequential.predict_classes = predict_classes
        sequential.predict_proba = predict_proba


DIM_ORDERINGS = {"tf": "channels_last", "th": "channels_first"}


def image_dim_ordering() -> str:
    """Keras 1's name for the image data format: 'tf' (channels_last) or 'th' (channels_first)."""
    from tf_keras import backend

    return "th" if backend.image_data_format() == "channels_first" else "tf"


def set_image_dim_ordering(dim_ordering: str) -> None:
    from tf_keras import backend

    if dim_ordering not in DIM_ORDERINGS:
        raise ValueError(f"Unknown dim_ordering: {dim_ordering!r} (expected 'tf' or 'th')")
    backend.set_image_data_format(DIM_ORDERINGS[dim_ordering])


def predict_classes(self, x, batch_size=32, verbose=0):
    """Keras 2.2's ``Sequential.predict_classes``: argmax, or 0/1 for a single output unit."""
    proba = self.predict(x, batch_size=batch_size, verbose=verbose)
    return proba.argmax(axis=-1) if proba.shape[-1] > 1 else (proba > 0.5).astype("int32")


def predict_proba(self, x, batch_size=32, verbose=0):
    """Keras 2.2's ``Sequential.predict_proba``: ``predict``."""
    return self.predict(x, batch_size=batch_size, verbose=verbose)


FIT_METHODS = ("fit", "fit_generator", "evaluate_generator", "predict_generator")


def keras1_fit_arguments(method: str, args: tuple, kwargs: dict) -> dict:
    """``kwargs`` with Keras 1's names (``nb_epoch``, ``samples_per_epoch``, ``nb_worker``, ...)
    in Keras 2's, converted as Keras 2.2 did: ``samples_per_epoch`` becomes that many samples'
    worth of the generator's batches when the generator has a ``batch_size``."""
    out = {}
    for key, value in kwargs.items():
        new_key = registry.KERAS_1_FIT_ARGUMENTS.get(key, key)
        if new_key in out or (key != new_key and new_key in kwargs):
            raise TypeError(f"{method}() got {key!r} and {new_key!r} for the same argument")
        if key == "samples_per_epoch":
            generator = args[0] if args else kwargs.get("generator")
            batch_size = getattr(generator, "batch_size", None)
            value = value // batch_size if batch_size else value
        out[new_key] = value
    return out


def _accept_keras1_fit_arguments() -> None:
    from tf_keras.src.engine import training_v1  # the Model class graph-mode Keras uses

    for method in FIT_METHODS:
        original = getattr(training_v1.Model, method)
        if getattr(original, "keras1_arguments", False):
            continue

        def with_keras1_arguments(self, *args, _original=original, _method=method, **kwargs):
            return _original(self, *args, **keras1_fit_arguments(_method, args, kwargs))

        functools.update_wrapper(with_keras1_arguments, original)
        with_keras1_arguments.keras1_arguments = True
        setattr(training_v1.Model, method, with_keras1_arguments)


class LockedIterator:
    """An iterator several threads can read: ``next()`` on the one underneath, one at a time."""

    def __init__(self, iterator):
        self._iterator = iterator
        self._lock = threading.Lock()

    def __iter__(self):
        return self

    def __next__(self):
        with self._lock:
            return next(self._iterator)


def _share_generators_under_a_lock() -> None:
    """``fit_generator(..., workers=4)``: the worker threads read a Python generator under a lock.

    tf-keras turns ``validation_data=(x, y)`` into a Python generator and reads it from all the
    worker threads, so the classic ``cifar10_cnn.py`` stopped with "Your generator is NOT
    thread-safe"; Keras 2.1-2.2 evaluated those arrays directly. Sequences
    (``ImageDataGenerator.flow``) are unchanged: each thread reads its own batch index.
    """
    from tf_keras.src.utils import data_utils

    enqueuer = data_utils.GeneratorEnqueuer
    init = enqueuer.__init__
    if getattr(init, "locked_generators", False):
        return

    @functools.wraps(init)
    def init_with_lock(self, generator, use_multiprocessing=False, *args, **kwargs):
        if not use_multiprocessing:
            generator = LockedIterator(generator)
        init(self, generator, use_multiprocessing, *args, **kwargs)

    init_with_lock.locked_generators = True
    enqueuer.__init__ = init_with_lock


def _unpack_single_outputs() -> None:
    """Keras 2.2-2.3's ``unpack_singleton``: a layer whose ``call`` returns a one-item list gives
    the tensor itself (``Lambda(lambda x: K.gradients(...))`` in the Keras examples'
    mnist_swwae.py); tf-keras passes the list on, and the next layer fails on ``'list' object has
    no attribute 'shape'``."""
    from tf_keras.src.engine import base_layer_v1

    call = base_layer_v1.Layer.__call__
    if getattr(call, "unpacks_singletons", False):
        return

    @functools.wraps(call)
    def call_unpacking_singletons(self, *args, **kwargs):
        outputs = call(self, *args, **kwargs)
        if isinstance(outputs, list) and len(outputs) == 1:
            return outputs[0]
        return outputs

    call_unpacking_singletons.unpacks_singletons = True
    base_layer_v1.Layer.__call__ = call_unpacking_singletons
