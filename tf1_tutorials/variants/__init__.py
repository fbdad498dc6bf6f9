"""The tutorial variants: name -> module, one-line description and what the documents report.

This module must not import TensorFlow (``tf1-tutorials list`` reads it and stays instant); a
variant's own module is imported only when it runs. Every variant module has a ``Config``
dataclass whose defaults are the documented recipe (quoted in its docstring), a ``DATASET``
and a ``KIND``:

- ``"graph"``: the tutorial's own functions -- ``inference(images, is_training, config)``,
  ``optimizer(config)`` and, where it is not the mean cross-entropy, ``loss(logits, labels)`` --
  on a ``Config`` based on :mod:`.recipe`; :mod:`tf1_tutorials.training.compose` makes the graph
  of them and :mod:`tf1_tutorials.training.session` trains it;
- ``"keras"``: TensorFlow 2 in eager mode, trained by the module's own ``train(config, data, ...)``
  (Keras ``fit`` or a ``GradientTape`` loop), reporting to :mod:`tf1_tutorials.training.recorder`;
- ``"basics"``: no training; ``run(config)`` runs a small graph and returns its value.

Adding a variant: its module here, its line in ``VARIANTS`` below and its entry in
``tf1_tutorials/evidence/bands.py``.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import ModuleType


@dataclass(frozen=True)
class Variant:
    name: str
    module: str
    description: str
    documented: str
    korean: str = ""  # the tutorial's name in Korean class material, where it has its own

    def load(self) -> ModuleType:
        return importlib.import_module(self.module)


def _variant(name: str, description: str, documented: str, korean: str = "") -> Variant:
    return Variant(name, f"{__name__}.{name}", description, documented, korean)


VARIANTS: dict[str, Variant] = {
    v.name: v
    for v in (
        _variant(
            "softmax",
            "beginner tutorial: one affine layer, sum cross-entropy, gradient descent",
            "lr 0.01: 0.9233 (6,000 steps), 0.9243 (10,000); lr 0.001, 1,000 steps: 0.9106; "
            "lr 0.03, 1,000 steps: 0.098 (diverges)",
            korean="초보자를 위한 MNIST",
        ),
        _variant(
            "mlp",
            "784-256-256-10 sigmoid network, N(0, 1) init, gradient descent 0.1, 30 epochs",
            "91.64%",
        ),
        _variant(
            "experts",
            "Deep MNIST for Experts: two 5x5 convs, dense 1024, dropout, Adam 1e-4, 20,000 steps",
            "approximately 99.2% (20,000 steps); 0.9883 (5,000 steps)",
            korean="전문가를 위한 딥 MNIST",
        ),
        _variant(
            "slim_cnn",
            "the experts network written with tf-slim (conv2d, arg_scope, max_pool2d, dropout)",
            "none (the experts network: approximately 99.2% at 20,000 steps)",
        ),
        _variant(
            "graph_cnn",
            "3x3 CNN without conv bias, N(0, 0.01) init, Adam 0.01, 15 epochs",
            "none",
        ),
        _variant(
            "layers_cnn",
            "graph_cnn written with tf.compat.v1.layers (layer defaults: bias, Glorot init)",
            "none",
        ),
        _variant(
            "cifar10_graph",
            "graph_cnn on CIFAR-10: raw 0-255 inputs, batches in order, 15 epochs of 500",
            "none (the author's run did not complete)",
        ),
        _variant(
            "keras_subclass",
            "the experts CNN as a TF2 Keras Model subclass: GradientTape, tf.function, 10k steps",
            "none",
        ),
        _variant(
            "keras_sequential",
            "graph_cnn as a Keras Sequential model, 'sgd', 5 epochs (MNIST, or --dataset cifar10)",
            "none",
        ),
        _variant(
            "graph_basics",
            "the Session smoke test: a=5, b=2, int32 placeholder c fed 3 -> f = 13",
            "13",
        ),
    )
}


def get(name: str) -> Variant:
    """The variant called ``name``; ValueError naming the known variants otherwise."""
    try:
        return VARIANTS[name]
    except KeyError:
        raise ValueError(
            f"variant {name!r} is unknown; known variants: {', '.join(VARIANTS)}"
        ) from None
