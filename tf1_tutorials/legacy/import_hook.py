"""The import hook of a legacy run: which module each TF1-era import name gets.

``LegacyImporter`` sits first on ``sys.meta_path`` and serves:

- ``tensorflow``: the legacy ``tf`` (shims/tensorflow/api.py), TensorFlow imported in v1 mode on
  first use, so a script that never imports TensorFlow never pays for it;
- ``tensorflow.contrib[.*]``: shims/contrib/api.py (tf-slim), unsupported parts raising
  UnsupportedModule;
- ``tensorflow.examples.tutorials.mnist.input_data``: tf1-tutorials' MNIST reader;
- ``keras[.*]`` (standalone Keras of its era) and ``tensorflow.keras[.*]``: shims/keras/api.py.

Every other name (``tensorflow.python...``, ``tensorflow.compat.v1``) is left to the normal import
system, so TensorFlow's own modules are the real ones.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
import types
from collections.abc import Callable

from tf1_tutorials.legacy.shims.contrib import api as contrib
from tf1_tutorials.legacy.shims.keras import api as keras_api
from tf1_tutorials.legacy.unsupported import UnsupportedModule

INPUT_DATA = "tensorflow.examples.tutorials.mnist.input_data"
EXAMPLES_PACKAGES = (
    "tensorflow.examples",
    "tensorflow.examples.tutorials",
    "tensorflow.examples.tutorials.mnist",
)


class ExistingModuleLoader(importlib.abc.Loader):
    """Loads the module ``make()`` returns (a module that exists already, or one built in Python).

    The import system stamps a new ``__spec__`` on the module it loads; a module that had its own
    spec gets it back, so aliasing ``keras.layers`` to tf-keras's module leaves that module as it
    was.
    """

    def __init__(self, make: Callable[[], types.ModuleType]):
        self._make = make
        self._spec = None

    def create_module(self, spec):
        module = self._make()
        self._spec = module.__dict__.get("__spec__")
        return module

    def exec_module(self, module):
        if self._spec is not None:
            module.__spec__ = self._spec


def _existing(module: types.ModuleType | None) -> Callable[[], types.ModuleType] | None:
    return None if module is None else lambda: module


def package(name: str) -> types.ModuleType:
    module = types.ModuleType(name)
    module.__path__ = []
    return module


class LegacyImporter(importlib.abc.MetaPathFinder):
    def __init__(self, create_tensorflow: Callable[[], types.ModuleType]):
        self._create_tensorflow = create_tensorflow
        self._importing_tensorflow = False

    def find_spec(self, fullname, path=None, target=None):
        if self._importing_tensorflow:
            return None  # TensorFlow's own import: every name is the real one
        make = self._module_for(fullname)
        if make is None:
            return None
        return importlib.machinery.ModuleSpec(fullname, ExistingModuleLoader(make))

    def _module_for(self, name: str) -> Callable[[], types.ModuleType] | None:
        if name == "tensorflow":
            return self._tensorflow
        if name == "keras":
            return keras_api.standalone_module
        if name == "tensorflow.keras":
            return keras_api.keras_module
        if name.startswith("keras."):
            keras_api.standalone_module()
            return _existing(keras_api.submodule(name.removeprefix("keras.")))
        if name.startswith("tensorflow.keras."):
            return _existing(keras_api.submodule(name.removeprefix("tensorflow.keras."), False))
        if name == contrib.MODULE_NAME:
            return contrib.module
        if name.startswith(contrib.MODULE_NAME + "."):
            return _existing(contrib.import_submodule(name.removeprefix(contrib.MODULE_NAME + ".")))
        if name in EXAMPLES_PACKAGES:
            return lambda: package(name)
        if name == INPUT_DATA:
            return lambda: importlib.import_module("tf1_tutorials.legacy.shims.data.input_data")
        if name.startswith("tensorflow.examples."):
            raise UnsupportedModule(
                name, f"only {INPUT_DATA} is provided (by tf1-tutorials' MNIST reader)"
            )
        return None

    def _tensorflow(self) -> types.ModuleType:
        self._importing_tensorflow = True
        try:
            return self._create_tensorflow()
        finally:
            self._importing_tensorflow = False


def install(create_tensorflow: Callable[[], types.ModuleType]) -> LegacyImporter:
    """Put a LegacyImporter first on ``sys.meta_path``; ``create_tensorflow()`` builds ``tf``."""
    importer = LegacyImporter(create_tensorflow)
    sys.meta_path.insert(0, importer)
    return importer
