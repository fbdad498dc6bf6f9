"""graph_cnn -- a smaller CNN with a large learning rate, written with tf.nn ops.

28x28x1 -> conv 3x3x32, SAME, ReLU, no bias -> max-pool 2x2 SAME -> conv 3x3x64, SAME, ReLU, no bias
-> max-pool -> 7x7x64 -> one dense layer to 10 logits (+bias). Conv and dense weights
random_normal(stddev=0.01), the dense bias random_normal (stddev 1). Mean cross-entropy, Adam 0.01,
15 epochs of ``int(55000 / 100) = 550`` batches of 100; the training wall time is printed.
"""

from __future__ import annotations

from dataclasses import dataclass

from tf1_tutorials.data.facts import MNIST_IMAGE_SHAPE
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
    weight_stddev: float = 0.01  # random_normal, conv and dense weights
    dense_bias_stddev: float = 1.0  # random_normal


def conv_relu(x, out_channels: int, stddev: float, name: str):
    with tf.name_scope(name):
        in_channels = x.shape[-1]
        shape = [3, 3, in_channels, out_channels]
        weights = tf.Variable(tf.random_normal(shape, stddev=stddev), name="weights")
        return tf.nn.relu(tf.nn.conv2d(x, weights, strides=[1, 1, 1, 1], padding="SAME"))


def max_pool(x):
    return tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")


def dense_logits(features, weight_stddev: float, bias_stddev: float):
    """Flatten, then the one dense layer to 10 logits (weights and bias from random_normal)."""
    with tf.name_scope("logits"):
        size = features.shape[1:].num_elements()
        flat = tf.reshape(features, [-1, size])
        weights = tf.Variable(tf.random_normal([size, 10], stddev=weight_stddev), name="weights")
        biases = tf.Variable(tf.random_normal([10], stddev=bias_stddev), name="biases")
        return tf.matmul(flat, weights) + biases


def network(images, config, image_shape):
    """The network on ``images`` seen as ``image_shape`` pictures (cifar10_graph's too)."""
    end_points = {}
    x = tf.reshape(images, [-1, *image_shape])
    end_points["conv1"] = conv_relu(x, 32, config.weight_stddev, "conv1")
    end_points["pool1"] = max_pool(end_points["conv1"])
    end_points["conv2"] = conv_relu(end_points["pool1"], 64, config.weight_stddev, "conv2")
    end_points["pool2"] = max_pool(end_points["conv2"])
    end_points["logits"] = dense_logits(
        end_points["pool2"], config.weight_stddev, config.dense_bias_stddev
    )
    return end_points["logits"], end_points


def inference(images, is_training, config: Config):
    return network(images, config, MNIST_IMAGE_SHAPE)


def optimizer(config):
    return tf.train.AdamOptimizer(config.learning_rate)
