"""softmax -- the beginner tutorial: y = softmax(xW + b), W and b zeros, naive sum cross-entropy.

The loss is ``-reduce_sum(y_ * log(y))`` over the whole batch with no clipping, as the tutorial
wrote it; at learning rate 0.03 it overflows to NaN within 1,000 steps (documented accuracy 0.098).
"""

from __future__ import annotations

from dataclasses import dataclass

from tf1_tutorials.variants.graph import tf
from tf1_tutorials.variants.recipe import Steps

KIND = "graph"
DATASET = "mnist"


@dataclass(frozen=True)
class Config(Steps):  # the tutorial printed only the final accuracy: no log lines
    steps: int = 1000
    batch_size: int = 100
    eval_batch_size: int = 10000  # the whole test set in one run, as the tutorial did
    learning_rate: float = 0.01


def inference(images, is_training, config: Config):
    weights = tf.Variable(tf.zeros([784, 10]), name="W")
    biases = tf.Variable(tf.zeros([10]), name="b")
    logits = tf.matmul(images, weights) + biases
    return logits, {"logits": logits}


def loss(logits, labels):
    """Sum cross-entropy over the batch, through the naive log of the softmax."""
    probabilities = tf.nn.softmax(logits)
    return tf.negative(tf.reduce_sum(labels * tf.log(probabilities)), name="cross_entropy")


def optimizer(config: Config):
    return tf.train.GradientDescentOptimizer(config.learning_rate)
