"""graph_basics -- the Session smoke test: a = 5, b = 2, an int32 placeholder c fed 3;
e = b * c, d = b + a, f = e + d -> 13."""

from __future__ import annotations

import time
from dataclasses import dataclass

from tf1_tutorials.tf import load_v1
from tf1_tutorials.training.results import Outcome

KIND = "basics"
DATASET = None


@dataclass(frozen=True)
class Config:
    a: int = 5
    b: int = 2
    c: int = 3  # fed to the placeholder


def build(config: Config):
    """The graph's constants, placeholder and result tensor ``f``."""
    tf = load_v1()
    a = tf.constant(config.a, name="a")
    b = tf.constant(config.b, name="b")
    c = tf.placeholder(tf.int32, shape=[], name="c")
    e = tf.multiply(b, c, name="e")
    d = tf.add(b, a, name="d")
    f = tf.add(e, d, name="f")
    return c, f


def run(config: Config, say=print) -> Outcome:
    tf = load_v1()
    started = time.perf_counter()
    with tf.Graph().as_default() as graph:
        c, f = build(config)
    with tf.Session(graph=graph) as sess:
        value = int(sess.run(f, feed_dict={c: config.c}))
    say(f"f = {value}")
    return Outcome(
        test_accuracy=None,
        test_images=0,
        loss_curve=[],
        steps=0,
        train_seconds=time.perf_counter() - started,
        extra={"value": value},
    )
