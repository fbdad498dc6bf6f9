"""softmax -- the beginner tutorial: y = softmax(xW + b), W and b zeros, naive sum cross-entropy.

The loss is ``-reduce_sum(y_ * log(y))`` over the whole batch with no clipping, as the tutorial
wrote it; at learning rate 0.03 it overflows to NaN within 1,000 steps (documented accuracy 0.098).
"""

from __future__ import annotations

from dataclasses import dataclass

from tf1_tutorials.variants import graph
from tf1_tutorials.variants.graph import tf

KIND = "graph"
DATASET = "mnist"


@dataclass(frozen=True)
class Config:
    learning_rate: float = 0.01
    steps: int = 1000
    batch_size: int = 100
    eval_batch_size: int = 10000  # the whole test set in one run, as the tutorial did
    log_every_steps: int = 0  # the tutorial printed only the final accuracy


def inference(images):
    weights = tf.Variable(tf.zeros([784, 10]), name="W")
    biases = tf.Variable(tf.zeros([10]), name="b")
    return tf.matmul(images, weights) + biases


def loss(logits, labels):
    """Sum cross-entropy over the batch, through the naive log of the softmax."""
    probabilities = tf.nn.softmax(logits)
    return tf.negative(tf.reduce_sum(labels * tf.log(probabilities)), name="cross_entropy")


def training(loss_op, config: Config):
    return graph.minimize(tf.train.GradientDescentOptimizer(config.learning_rate), loss_op)


def build(config: Config) -> graph.Model:
    images, labels = graph.placeholders((784,))
    logits = inference(images)
    loss_op = loss(logits, labels)
    return graph.assemble(
        images, labels, logits, loss_op, training(loss_op, config), end_points={"logits": logits}
    )
