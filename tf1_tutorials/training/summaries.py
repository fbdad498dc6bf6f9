"""What a run writes to TensorBoard besides its graph: scalar summaries (loss, batch and test
accuracy) and, with ``--summaries full``, one op with what TF1's mnist_with_summaries showed."""

from __future__ import annotations

import math

from tf1_tutorials.tf import load_v1

tf = load_v1()

FULL_SUMMARY_EVERY = 10  # recorded points: histograms and images at about 50 of the 500
FULL_SUMMARY_IMAGES = 3


def scalar_summary(values: dict[str, float]):
    return tf.Summary(value=[tf.Summary.Value(tag=k, simple_value=v) for k, v in values.items()])


def full_summary_op(model):
    """One op writing a histogram of every trainable variable (weights and biases) and the first
    few fed images, as TF1's mnist_with_summaries did; flat MNIST rows are shown as 28x28."""
    with tf.name_scope("weights_and_biases"):  # a tag named as its variable would be renamed W_1
        summaries = [tf.summary.histogram(v.op.name, v) for v in tf.trainable_variables()]
    images = model.images
    pixels = images.shape.as_list()[1:]
    if len(pixels) == 1:
        side = math.isqrt(pixels[0])
        images = tf.reshape(images, [-1, side, side, 1])
    summaries.append(tf.summary.image("input", images, max_outputs=FULL_SUMMARY_IMAGES))
    return tf.summary.merge(summaries)
