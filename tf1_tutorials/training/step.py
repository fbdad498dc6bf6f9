"""One training step, as every loop here takes it: a batch from ``next_batch`` fed as float32 with
the training feeds (dropout on), one ``Session.run`` of the train op, the loss and the batch
accuracy. The Session loop (:mod:`tf1_tutorials.training.session`), the cluster worker
(:mod:`tf1_tutorials.cluster.runtime`) and the benchmarks (``bench/benchlib.py``) all step with
:func:`train_step`, so what is timed is what is trained.

``run`` is ``Session.run`` or anything called like it (the cluster's session without its hooks)."""

from __future__ import annotations

import numpy as np

from tf1_tutorials.training import recorder
from tf1_tutorials.training.recorder import Evaluation


class Batches:
    """A data set fed in the placeholders' float32. Its one-hot labels are float32 already
    (:mod:`tf1_tutorials.variants.inputs` made them so once); uint8 images (raw CIFAR-10 pixels)
    are converted a batch at a time."""

    def __init__(self, dataset):
        if dataset.labels.dtype != np.float32:
            raise TypeError(f"labels must be float32 (variants.inputs), not {dataset.labels.dtype}")
        self.dataset = dataset
        self.labels = dataset.labels

    def next_batch(self, batch_size: int, shuffle: bool = True):
        images, labels = self.dataset.next_batch(batch_size, shuffle=shuffle)
        return np.asarray(images, dtype=np.float32), labels

    def chunks(self, size: int):
        images = self.dataset.images
        for start in range(0, len(self.labels), size):
            chunk = slice(start, start + size)
            yield np.asarray(images[chunk], dtype=np.float32), self.labels[chunk]


def train_step(run, model, images, labels, train_op=None):
    """One step on the batch: ``[train_op, loss, batch_accuracy]`` run with the training feeds.
    ``train_op`` is the model's own unless given (the cluster's runs it and reads the global step
    after it); returns the three fetched values."""
    fetches = [model.train_op if train_op is None else train_op, model.loss, model.batch_accuracy]
    return run(fetches, {model.images: images, model.labels: labels, **model.train_feed})


def batch_accuracy(run, model, images, labels) -> float:
    """The batch's accuracy with the evaluating feeds (dropout off), before the step trains on it:
    the tutorials' "step N, training accuracy" line."""
    feed = {model.images: images, model.labels: labels, **model.eval_feed}
    return run(model.batch_accuracy, feed)


def evaluate(run, model, batches: Batches, batch_size: int) -> Evaluation:
    """The model tested on every image of ``batches``, fed ``batch_size`` at a time, with the
    evaluating feed (dropout off)."""

    def predict(images):
        return run(model.predictions, {model.images: images, **model.eval_feed})

    return recorder.evaluate(predict, batches.chunks(batch_size))
