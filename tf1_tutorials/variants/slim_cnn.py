"""slim_cnn -- the experts network written with tf-slim.

``slim.conv2d`` (5x5, 32 then 64 filters) and ``slim.max_pool2d`` (2x2, stride 2) under one
``arg_scope`` that sets the experts' init (truncated_normal 0.1 weights, 0.1 biases) and SAME
padding; ``slim.flatten``, ``slim.fully_connected`` 1024 (ReLU), ``slim.dropout`` (keep_prob 0.5
while training, off while evaluating), ``slim.fully_connected`` 10 logits. Adam 1e-4, batch 50,
20,000 steps.
"""

from __future__ import annotations

from dataclasses import dataclass

from tf1_tutorials.variants import graph
from tf1_tutorials.variants.graph import tf


def _import_slim():
    """tf-slim imports TensorFlow itself: only after tf.py has put it in v1 mode (graph.py did)."""
    import tf_slim

    return tf_slim


slim = _import_slim()

KIND = "graph"
DATASET = "mnist"


@dataclass(frozen=True)
class Config:
    learning_rate: float = 1e-4
    steps: int = 20000
    batch_size: int = 50
    keep_prob: float = 0.5
    weight_stddev: float = 0.1
    bias_init: float = 0.1
    eval_batch_size: int = 1000
    log_every_steps: int = 100


def lenet(images, is_training, config: Config):
    """The network as one function with its end points, in the style of TF-Slim's nets/lenet.py."""
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


def loss(logits, labels):
    return graph.mean_cross_entropy(logits, labels)


def training(loss_op, config: Config):
    return graph.minimize(tf.train.AdamOptimizer(config.learning_rate), loss_op)


def build(config: Config) -> graph.Model:
    images, labels = graph.placeholders((784,))
    is_training = tf.placeholder(tf.bool, name="is_training")
    logits, end_points = lenet(images, is_training, config)
    loss_op = loss(logits, labels)
    return graph.assemble(
        images,
        labels,
        logits,
        loss_op,
        training(loss_op, config),
        train_feed={is_training: True},
        eval_feed={is_training: False},
        end_points=end_points,
    )
