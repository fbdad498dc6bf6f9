"""Keras optimizers as Keras 2.2 scripts built them, and as TensorFlow 2 scripts do; prints each
one's hyperparameters as JSON: {form: {name: value}}."""

import json

import keras
import tensorflow as tf
from keras import backend as K
from keras.optimizers import SGD, Adagrad, rmsprop


def hyperparameters(optimizer):
    config = optimizer.get_config()
    keys = ("learning_rate", "decay", "rho", "epsilon", "momentum", "initial_accumulator_value")
    values = {key: config[key] for key in keys if key in config}
    values["class"] = type(optimizer).__module__.split(".")[0] + "." + type(optimizer).__name__
    values["lr"] = float(K.get_value(optimizer.lr))
    return values


forms = {
    "keras.optimizers.Adadelta()": keras.optimizers.Adadelta(),
    "Adagrad()": Adagrad(),
    "keras.optimizers.Adamax()": keras.optimizers.Adamax(),
    "keras.optimizers.Nadam()": keras.optimizers.Nadam(),
    "rmsprop(lr=0.0001, decay=1e-6)": rmsprop(lr=0.0001, decay=1e-6),
    "SGD(0.1, 0.9)": SGD(0.1, 0.9),
    "keras.optimizers.sgd(lr=0.05)": keras.optimizers.sgd(lr=0.05),
    "keras.optimizers.Adadelta(learning_rate=0.001)": keras.optimizers.Adadelta(
        learning_rate=0.001
    ),
    "tf.keras.optimizers.Adadelta()": tf.keras.optimizers.Adadelta(),
    "tf.keras.optimizers.Adagrad()": tf.keras.optimizers.Adagrad(),
}
print(json.dumps({form: hyperparameters(optimizer) for form, optimizer in forms.items()}))
