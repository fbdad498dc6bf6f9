"""mlp -- the three-layer sigmoid network: 784 -> 256 -> 256 -> 10, every parameter N(0, 1).

Mean cross-entropy, gradient descent 0.1, 30 epochs of ``int(55000 / 100) = 550`` batches of 100;
the last batch's cost is printed every third epoch (``Epoch: 0001 cost= 0.967...``).
"""

from __future__ import annotations

from dataclasses import dataclass

from tf1_tutorials.variants.graph import tf
from tf1_tutorials.variants.recipe import Epochs

KIND = "graph"
DATASET = "mnist"


@dataclass(frozen=True)
class Config(Epochs):
    epochs: int = 30
    batches_per_epoch: int = 550  # int(55000 / batch_size)
    batch_size: int = 100
    eval_batch_size: int = 10000
    log_every_epochs: int = 3
    learning_rate: float = 0.1
    hidden_units: tuple[int, int] = (256, 256)
    init_stddev: float = 1.0  # random_normal for every weight and bias


def dense(inputs, units: int, stddev: float, name: str):
    fan_in = inputs.shape[-1]
    with tf.name_scope(name):
        weights = tf.Variable(tf.random_normal([fan_in, units], stddev=stddev), name="weights")
        biases = tf.Variable(tf.random_normal([units], stddev=stddev), name="biases")
        return tf.matmul(inputs, weights) + biases


def inference(images, is_training, config: Config):
    hidden1 = tf.nn.sigmoid(dense(images, config.hidden_units[0], config.init_stddev, "hidden1"))
    hidden2 = tf.nn.sigmoid(dense(hidden1, config.hidden_units[1], config.init_stddev, "hidden2"))
    logits = dense(hidden2, 10, config.init_stddev, "logits")
    return logits, {"hidden1": hidden1, "hidden2": hidden2, "logits": logits}


def optimizer(config: Config):
    return tf.train.GradientDescentOptimizer(config.learning_rate)
