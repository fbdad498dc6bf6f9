"""slim_cnn -- the experts network written with tf-slim.

``slim.conv2d`` (5x5, 32 then 64 filters) and ``slim.max_pool2d`` (2x2, stride 2) under one
``arg_scope`` that sets the experts' init (truncated_normal 0.1 weights, 0.1 biases) and SAME
padding; ``slim.flatten``, ``slim.fully_connected`` 1024 (ReLU), ``slim.dropout`` (keep_prob 0.5
while training, off while evaluating), ``slim.fully_connected`` 10 logits. Adam 1e-4, batch 50,
20,000 steps.
"""

from __future__ import annotations

from dataclasses import dataclass

from tf1_tutorials.variants.graph import tf
from tf1_tutorials.variants.recipe import Steps


def _import_slim():
    """tf-slim imports TensorFlow itself: only after tf.py has put it in v1 mode (graph.py did)."""
    import tf_slim

    return tf_slim


slim = _import_slim()

KIND = "graph"
DATASET = "mnist"


@dataclass(frozen=True)
class Config(Steps):
    steps: int = 20000
    batch_size: int = 50
    eval_batch_size: int = 1000
    log_every_steps: int = 100
    learning_rate: float = 1e-4
    keep_prob: float = 0.5
    weight_stddev: float = 0.1
    bias_init: float = 0.1


def lenet(images, is_training, config: Config):
    """The network as one function with its end points, in the style of TF-Slim's nets/lenet.py;
    slim.dropout is on while ``is_training`` is fed True."""
    is_training = is_training.placeholder(True, False)
    end_points = {}
    with slim.arg_scope(
        [slim.conv2d, slim.fully_connected],
        weights_initializer=tf.truncated_normal_initializer(stddev=config.weight_stddev),
        biases_initializer=tf.constant_initializer(config.bias_init),
        activation_fn=tf.nn.relu,
    ):
        with slim.arg_scope([slim.conv2d, slim.max_pool2d], padding="SAME"):
            net = tf.reshape(images, [-1, 28, 28, 1])
            net = end_points["conv1"] = slim.conv2d(net, 32, [5, 5], scope="conv1")
            net = end_points["pool1"] = slim.max_pool2d(net, [2, 2], 2, scope="pool1")
            net = end_points["conv2"] = slim.conv2d(net, 64, [5, 5], scope="conv2")
            net = end_points["pool2"] = slim.max_pool2d(net, [2, 2], 2, scope="pool2")
        net = slim.flatten(net)
        net = end_points["fc3"] = slim.fully_connected(net, 1024, scope="fc3")
        net = slim.dropout(net, config.keep_prob, is_training=is_training, scope="dropout3")
        logits = end_points["logits"] = slim.fully_connected(
            net, 10, activation_fn=None, scope="fc4"
        )
    return logits, end_points


inference = lenet


def optimizer(config: Config):
    return tf.train.AdamOptimizer(config.learning_rate)
