"""``keras.optimizers`` for scripts that import standalone Keras: that era's names and defaults.

The rule (README, "Keras as it was"): an optimizer a script reaches through standalone ``keras``
(``import keras``, ``from keras.optimizers import ...``, a string such as ``'adadelta'`` given to
``compile`` in such a script) is built with Keras 1.2-2.2's defaults and arguments, when the call
is in that era's form: no argument, ``lr=``, ``decay=``, the old positional order, or a lower-case
alias (``rmsprop(lr=0.001, decay=1e-6)``). A call in the TensorFlow 2 form (``learning_rate=``)
gets tf-keras's optimizer and defaults unchanged, and so does anything reached through
``tf.keras``.

The classes are tf-keras's graph-mode optimizers (``keras.optimizers.legacy``); only their
defaults differ. ``decay`` is tf-keras's own, the old schedule ``lr / (1 + decay * iterations)``;
``epsilon=None`` is ``K.epsilon()`` (1e-7), as in Keras 2.2. Every other name is tf-keras's
``keras.optimizers``.
"""

from __future__ import annotations

from tf_keras.api._v1.keras import optimizers as tf_keras_optimizers

from tf1_tutorials.legacy import registry

EPSILON = 1e-7  # K.epsilon()


KERAS_2_2 = registry.ERA


def _era_class(base, parameters: tuple[tuple[str, object], ...], fixed=None):
    """A subclass of the tf-keras optimizer ``base`` whose constructor takes the era's arguments.

    ``parameters`` is the era's signature (names and defaults, ``lr`` first) in its positional
    order; ``fixed`` are tf-keras arguments the era's optimizer had no say in (Adagrad's
    accumulators started at 0).
    """
    name = base.__name__
    names = [key for key, _ in parameters]

    def __init__(self, *args, **kwargs):
        if "learning_rate" in kwargs:  # the TensorFlow 2 form: tf-keras as it is
            base.__init__(self, *args, **kwargs)
            return
        if len(args) > len(names):
            raise TypeError(f"{name}() takes at most {len(names)} positional arguments")
        given = dict(zip(names, args, strict=False))
        for key in given.keys() & kwargs.keys():
            raise TypeError(f"{name}() got multiple values for argument {key!r}")
        era = {**dict(parameters), **(fixed or {}), **given, **kwargs}
        if era.get("epsilon", EPSILON) is None:
            era["epsilon"] = EPSILON
        if era.pop("schedule_decay", NADAM_SCHEDULE_DECAY) != NADAM_SCHEDULE_DECAY:
            raise ValueError(f"{name}: tf-keras's Nadam has schedule_decay {NADAM_SCHEDULE_DECAY}")
        era["learning_rate"] = era.pop("lr")
        if not era.get("decay"):
            era.pop("decay", None)
        base.__init__(self, **era)

    defaults = ", ".join(f"{key}={value}" for key, value in parameters)
    doc = f"tf-keras's {name} with {KERAS_2_2}'s arguments and defaults ({defaults})."
    return type(name, (base,), {"__init__": __init__, "__doc__": doc, "__module__": __name__})


NADAM_SCHEDULE_DECAY = dict(registry.ERA_OPTIMIZERS["Nadam"][0])["schedule_decay"]
ERA_CLASSES = {
    name: _era_class(getattr(tf_keras_optimizers, name), parameters, fixed)
    for name, (parameters, fixed) in registry.ERA_OPTIMIZERS.items()
}
SGD, RMSprop, Adagrad, Adadelta, Adam, Adamax, Nadam = ERA_CLASSES.values()
# Keras 2.2's lower-case aliases, which are also the strings ``compile(optimizer=...)`` accepted.
sgd, rmsprop, adagrad, adadelta, adam, adamax, nadam = ERA_CLASSES.values()
BY_STRING = {lower: ERA_CLASSES[name] for lower, name in registry.LOWER_CASE.items()}


def get(identifier):
    """Keras 2.2's ``optimizers.get``: an era optimizer for its name, else tf-keras's ``get``."""
    if isinstance(identifier, str) and identifier.lower() in BY_STRING:
        return BY_STRING[identifier.lower()]()
    return tf_keras_optimizers.get(identifier)


def __getattr__(name: str):
    return getattr(tf_keras_optimizers, name)
