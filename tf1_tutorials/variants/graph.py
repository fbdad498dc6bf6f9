"""What the tf.compat.v1 graph variants share: TensorFlow in v1 mode, the training switch and the
tutorials' mean cross-entropy.

A graph variant is its tutorial's own functions, in the TF1 ``mnist.py`` style: ``inference(images,
is_training, config)`` -> ``(logits, end_points)``, optionally ``loss(logits, labels)`` (the mean
cross-entropy below when it has none) and ``optimizer(config)``. The runner
(:mod:`tf1_tutorials.training.compose`, :mod:`tf1_tutorials.training.session`) makes the
placeholders, composes those functions with ``minimize`` and the evaluation, and owns the Session
and the feed dicts.
"""

from __future__ import annotations

from tf1_tutorials.tf import load_v1

tf = load_v1()


class IsTraining:
    """The one training/evaluating switch, fed by the runner. A variant asks it for a placeholder
    that holds one value while training and another while evaluating -- tf-slim's ``is_training``
    (``placeholder(True, False)``) or the experts' ``keep_prob`` (``placeholder(0.5, 1.0,
    tf.float32, "keep_prob")``) -- and the runner feeds each the value of the phase. Only the
    placeholder enters the graph, so the graph (and the seed TF1 gives each random op, which
    counts the ops made before it) is exactly the tutorial's."""

    def __init__(self):
        self.training_feed: dict = {}
        self.evaluating_feed: dict = {}

    def placeholder(
        self, when_training=True, when_evaluating=False, dtype=tf.bool, name="is_training"
    ):
        value = tf.placeholder(dtype, name=name)
        self.training_feed[value] = when_training
        self.evaluating_feed[value] = when_evaluating
        return value


def mean_cross_entropy(logits, labels):
    """``reduce_mean(softmax_cross_entropy_with_logits(...))``: the tutorials' "mean CE"."""
    return tf.reduce_mean(
        tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits),
        name="cross_entropy",
    )


def parameter_count(graph=None) -> int:
    """Trainable parameters in ``graph`` (the default graph when omitted)."""
    graph = graph or tf.get_default_graph()
    with graph.as_default():
        return sum(v.shape.num_elements() for v in tf.trainable_variables())
