"""experts -- "Deep MNIST for Experts".

28x28x1 -> conv 5x5x32 + bias, ReLU -> max-pool 2x2 -> conv 5x5x64 + bias, ReLU -> max-pool 2x2 ->
7x7x64 -> dense 1024, ReLU -> dropout (keep_prob fed: 0.5 training, 1.0 evaluating) -> dense 10.
Weights truncated_normal(stddev=0.1), biases 0.1; mean cross-entropy; Adam 1e-4; batch 50; 20,000
steps; every 100 steps ``step N, training accuracy A`` on the current batch.
"""

from __future__ import annotations

from dataclasses import dataclass

from tf1_tutorials.variants.graph import tf
from tf1_tutorials.variants.recipe import Steps

KIND = "graph"
DATASET = "mnist"


@dataclass(frozen=True)
class Config(Steps):
    steps: int = 20000
    batch_size: int = 50
    eval_batch_size: int = 1000  # the test set in ten chunks; the accuracy is the same as in one
    log_every_steps: int = 100
    learning_rate: float = 1e-4
    keep_prob: float = 0.5
    weight_stddev: float = 0.1  # truncated_normal
    bias_init: float = 0.1  # constant


def weight_variable(shape, config: Config):
    return tf.Variable(tf.truncated_normal(shape, stddev=config.weight_stddev), name="weights")


def bias_variable(shape, config: Config):
    return tf.Variable(tf.constant(config.bias_init, shape=shape), name="biases")


def conv2d(x, w):
    return tf.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding="SAME")


def max_pool_2x2(x):
    return tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")


def inference(images, is_training, config: Config):
    keep_prob = is_training.placeholder(config.keep_prob, 1.0, tf.float32, name="keep_prob")
    end_points = {}
    x_image = tf.reshape(images, [-1, 28, 28, 1])
    with tf.name_scope("conv1"):
        w = weight_variable([5, 5, 1, 32], config)
        end_points["conv1"] = tf.nn.relu(conv2d(x_image, w) + bias_variable([32], config))
        end_points["pool1"] = max_pool_2x2(end_points["conv1"])
    with tf.name_scope("conv2"):
        w = weight_variable([5, 5, 32, 64], config)
        end_points["conv2"] = tf.nn.relu(
            conv2d(end_points["pool1"], w) + bias_variable([64], config)
        )
        end_points["pool2"] = max_pool_2x2(end_points["conv2"])
    with tf.name_scope("fc1"):
        flat = tf.reshape(end_points["pool2"], [-1, 7 * 7 * 64])
        w = weight_variable([7 * 7 * 64, 1024], config)
        end_points["fc1"] = tf.nn.relu(tf.matmul(flat, w) + bias_variable([1024], config))
    with tf.name_scope("dropout"):
        dropped = tf.nn.dropout(end_points["fc1"], keep_prob=keep_prob)
    with tf.name_scope("fc2"):
        w = weight_variable([1024, 10], config)
        end_points["logits"] = tf.matmul(dropped, w) + bias_variable([10], config)
    return end_points["logits"], end_points


def optimizer(config: Config):
    return tf.train.AdamOptimizer(config.learning_rate)
