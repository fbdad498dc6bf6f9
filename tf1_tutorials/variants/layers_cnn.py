"""layers_cnn -- graph_cnn's tf.layers form: ``tf.compat.v1.layers.conv2d`` / ``max_pooling2d``.

The convolutions use the layer defaults (bias on, Glorot-uniform kernels, zero biases); the dense
layer to 10 logits is graph_cnn's own (random_normal weights 0.01, bias N(0, 1)). Adam 0.01,
15 epochs of 550 batches of 100.
"""

from __future__ import annotations

from dataclasses import dataclass

from tf1_tutorials.variants import graph_cnn
from tf1_tutorials.variants.graph import tf
from tf1_tutorials.variants.recipe import Epochs

KIND = "graph"
DATASET = "mnist"


@dataclass(frozen=True)
class Config(Epochs):
    epochs: int = 15
    batches_per_epoch: int = 550  # int(55000 / batch_size)
    batch_size: int = 100
    eval_batch_size: int = 1000
    log_every_epochs: int = 1
    learning_rate: float = 0.01
    weight_stddev: float = 0.01  # the dense layer's random_normal weights
    dense_bias_stddev: float = 1.0


def conv_pool(x, filters: int, name: str):
    conv = tf.layers.conv2d(
        x,
        filters=filters,
        kernel_size=[3, 3],
        padding="SAME",
        strides=1,
        activation=tf.nn.relu,
        name=name,
    )
    return conv, tf.layers.max_pooling2d(conv, pool_size=[2, 2], padding="SAME", strides=2)


def inference(images, is_training, config: Config):
    end_points = {}
    x = tf.reshape(images, [-1, 28, 28, 1])
    end_points["conv1"], end_points["pool1"] = conv_pool(x, 32, "conv1")
    end_points["conv2"], end_points["pool2"] = conv_pool(end_points["pool1"], 64, "conv2")
    end_points["logits"] = graph_cnn.dense_logits(
        end_points["pool2"], config.weight_stddev, config.dense_bias_stddev
    )
    return end_points["logits"], end_points


optimizer = graph_cnn.optimizer
