"""``keras.engine``, ``keras.engine.topology`` and ``keras.engine.training`` of Keras 1-2.2.

Custom layers of that era subclass ``keras.engine.topology.Layer`` (or ``keras.engine.Layer``) and
declare ``InputSpec``; models are built from ``Input`` and ``Model``. Each name is tf-keras's own
class (``Container`` and ``Network``, the functional graph Keras 1-2.2 built ``Model`` on, are
tf-keras's functional ``Model``).
"""

from __future__ import annotations

import sys

from tf_keras.api._v1.keras import Input, Model
from tf_keras.api._v1.keras.layers import InputLayer, InputSpec, Layer
from tf_keras.api._v1.keras.utils import get_source_inputs
from tf_keras.src.engine.node import Node

Container = Network = Model
# One module for the package and its submodules: ``import keras.engine.topology`` finds it here.
__path__: list[str] = []
topology = training = sys.modules[__name__]

__all__ = [
    "Container",
    "Input",
    "InputLayer",
    "InputSpec",
    "Layer",
    "Model",
    "Network",
    "Node",
    "get_source_inputs",
]
