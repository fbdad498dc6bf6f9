"""A graph variant's functions composed into one trainable graph, as TF1's
``fully_connected_feed.py`` composed ``mnist.py``'s: placeholders -> ``inference`` -> ``loss`` ->
``minimize`` with the variant's ``optimizer`` -> evaluation.

The order the ops are made in is part of the result: TF1 seeds each random op from the number of
ops made before it, so the placeholders come first, then the variant's functions, and the
evaluation ops (which hold nothing random) last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tf1_tutorials.data.facts import GRAPH_INPUT_SHAPES, NUM_CLASSES
from tf1_tutorials.variants.graph import IsTraining, mean_cross_entropy, tf

# A data set's images as the placeholders take them: MNIST as flat rows, CIFAR-10 as pictures.


@dataclass
class Model:
    """The tensors and ops the runner feeds and fetches."""

    images: Any  # placeholder, float32
    labels: Any  # placeholder, float32 one-hot
    loss: Any
    optimizer: Any  # the one whose ``minimize`` made ``train_op``
    train_op: Any
    batch_accuracy: Any
    predictions: Any  # argmax class per row
    global_step: Any
    train_feed: dict = field(default_factory=dict)  # the is_training feed while training
    eval_feed: dict = field(default_factory=dict)  # ... and while evaluating
    end_points: dict = field(default_factory=dict)  # layer name -> output tensor


def compose(module, config, wrap_optimizer: Callable | None = None) -> Model:
    """``module``'s graph for ``config`` in the default graph; ``wrap_optimizer`` (the cluster's
    ``SyncReplicasOptimizer``) wraps the variant's optimizer before it minimizes the loss."""
    images = tf.placeholder(tf.float32, [None, *GRAPH_INPUT_SHAPES[module.DATASET]], name="images")
    labels = tf.placeholder(tf.float32, [None, NUM_CLASSES], name="labels")
    is_training = IsTraining()
    logits, end_points = module.inference(images, is_training, config)
    loss = getattr(module, "loss", mean_cross_entropy)(logits, labels)
    optimizer = module.optimizer(config)
    if wrap_optimizer is not None:
        optimizer = wrap_optimizer(optimizer)
    global_step = tf.train.get_or_create_global_step()
    train_op = optimizer.minimize(loss, global_step=global_step)
    batch_accuracy, predictions = evaluation(logits, labels)
    return Model(
        images=images,
        labels=labels,
        loss=loss,
        optimizer=optimizer,
        train_op=train_op,
        batch_accuracy=batch_accuracy,
        predictions=predictions,
        global_step=global_step,
        train_feed=is_training.training_feed,
        eval_feed=is_training.evaluating_feed,
        end_points=end_points,
    )


def evaluation(logits, labels):
    """The share of the batch's rows whose argmax agrees with the one-hot label, and the argmax
    class of each row."""
    correct = tf.equal(tf.argmax(logits, 1), tf.argmax(labels, 1))
    correct_count = tf.reduce_sum(tf.cast(correct, tf.int32), name="correct_count")
    batch_accuracy = tf.divide(
        tf.cast(correct_count, tf.float32),
        tf.cast(tf.shape(labels)[0], tf.float32),
        name="batch_accuracy",
    )
    return batch_accuracy, tf.argmax(logits, 1, name="predictions")
