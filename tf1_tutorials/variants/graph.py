"""What every tf.compat.v1 graph variant shares: the built-graph record and the TF1 building blocks.

A variant module builds its graph from four small functions in the TF1 ``mnist.py`` style
(``inference`` -> logits, ``loss``, ``training`` -> train op, ``evaluation`` -> correct count) and
returns them together from ``build(config)`` as a :class:`Model`. The runner
(``tf1_tutorials.session``) owns the Session, the feed dicts, logging and checkpoints.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tf1_tutorials.tf import load_v1

tf = load_v1()


@dataclass
class Model:
    """The tensors and ops the runner feeds and fetches."""

    images: Any  # placeholder, float32
    labels: Any  # placeholder, float32 one-hot
    loss: Any
    train_op: Any
    correct_count: Any  # number of rows of the fed batch classified right
    batch_accuracy: Any
    global_step: Any
    train_feed: dict = field(default_factory=dict)  # extra feeds while training (keep_prob 0.5)
    eval_feed: dict = field(default_factory=dict)  # extra feeds while evaluating (keep_prob 1.0)
    end_points: dict = field(default_factory=dict)  # layer name -> output tensor
    predictions: Any = None  # argmax class per row


def total_steps(config) -> int:
    """Training steps a config asks for: ``steps``, or ``epochs * batches_per_epoch``."""
    if hasattr(config, "steps"):
        return config.steps
    return config.epochs * config.batches_per_epoch


def placeholders(image_shape: tuple[int, ...], num_classes: int = 10):
    images = tf.placeholder(tf.float32, [None, *image_shape], name="images")
    labels = tf.placeholder(tf.float32, [None, num_classes], name="labels")
    return images, labels


def mean_cross_entropy(logits, labels):
    """``reduce_mean(softmax_cross_entropy_with_logits(...))``: the tutorials' "mean CE"."""
    return tf.reduce_mean(
        tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits),
        name="cross_entropy",
    )


def minimize(optimizer, loss):
    """The train op, counting steps in the graph's global step."""
    global_step = tf.train.get_or_create_global_step()
    return optimizer.minimize(loss, global_step=global_step)


def evaluation(logits, labels):
    """The number of rows whose argmax agrees with the one-hot label (an int32 scalar)."""
    correct = tf.equal(tf.argmax(logits, 1), tf.argmax(labels, 1))
    return tf.reduce_sum(tf.cast(correct, tf.int32), name="correct_count")


def assemble(images, labels, logits, loss, train_op, **extra) -> Model:
    """A :class:`Model` from the four pieces, with the batch accuracy and the global step added."""
    correct_count = evaluation(logits, labels)
    batch_accuracy = tf.divide(
        tf.cast(correct_count, tf.float32),
        tf.cast(tf.shape(labels)[0], tf.float32),
        name="batch_accuracy",
    )
    return Model(
        images=images,
        labels=labels,
        loss=loss,
        train_op=train_op,
        correct_count=correct_count,
        batch_accuracy=batch_accuracy,
        global_step=tf.train.get_or_create_global_step(),
        predictions=tf.argmax(logits, 1, name="predictions"),
        **extra,
    )


def parameter_count(graph=None) -> int:
    """Trainable parameters in ``graph`` (the default graph when omitted)."""
    graph = graph or tf.get_default_graph()
    with graph.as_default():
        return sum(v.shape.num_elements() for v in tf.trainable_variables())
