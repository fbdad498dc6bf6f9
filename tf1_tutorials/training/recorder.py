"""What every training loop records, in one place: the Session loop
(:mod:`tf1_tutorials.training.session`), the cluster's workers, Keras ``fit`` and the
``GradientTape`` loop all report their steps here.

- :class:`Recorder`: the loss curve (about ``CURVE_POINTS`` evenly spaced steps and always the last
  one), divergence (a loss that is not finite is recorded and ends training), the TensorBoard
  scalars at the same steps (through the loop's own writer), and the tutorials' log lines.
- :func:`evaluate`: the test accuracy over every test image and ``top_prediction_share``, the share
  of the images given the most often predicted class (near 1: the model collapsed onto one class).

No TensorFlow here: a loop passes its predictions and its scalar writer in.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from tf1_tutorials.training.results import Outcome

CURVE_POINTS = 500  # about this many points on the loss curve and in TensorBoard


def accuracy_line(step: int, accuracy: float) -> str:
    """The experts tutorial's line, every ``log_every_steps`` steps."""
    return f"step {step}, training accuracy {accuracy:g}"


def cost_line(epoch: int, cost: float) -> str:
    """The MLP document's line, every ``log_every_epochs`` epochs."""
    return f"Epoch: {epoch:04d} cost= {cost:.9f}"


@dataclass
class Recorder:
    """One run's loss curve, divergence and scalars. ``write_scalars(step, {tag: value})`` writes
    TensorBoard scalars (the loop's v1 or v2 writer); ``say`` prints the log lines."""

    total_steps: int
    write_scalars: Callable[[int, dict], None] | None = None
    say: Callable[[str], None] = print
    start_step: int = 0  # a resumed run's first step
    stop_on_divergence: bool = True  # False: a cluster worker trains on (the others wait for it)
    curve: list[tuple[int, float]] = field(default_factory=list)
    diverged: bool = False

    def __post_init__(self):
        self.record_every = max(1, self.total_steps // CURVE_POINTS)
        self._period = self.start_step // self.record_every  # the last period recorded

    def due(self, step: int) -> bool:
        """Whether ``step`` is recorded: each multiple of ``record_every``, and the last step. A
        step that jumps past a multiple (a cluster's global step counts every worker's updates)
        is recorded in its place."""
        return step // self.record_every > self._period or step >= self.total_steps

    def step(self, step: int, loss: float, **scalars: float) -> bool:
        """Record the loss after ``step`` steps (and ``scalars`` with it in TensorBoard). False
        when the loss is not finite: training has diverged and should stop."""
        loss = float(loss)
        if not math.isfinite(loss):
            if not self.diverged:
                self.curve.append((step, loss))
                stopping = ", stopping" if self.stop_on_divergence else ""
                self.say(f"step {step}: loss is {loss}; training diverged{stopping}")
            self.diverged = True
            return False
        if self.due(step):
            self._period = step // self.record_every
            self.curve.append((step, loss))
            if self.write_scalars is not None:
                self.write_scalars(
                    step, {"loss": loss, **{k: float(v) for k, v in scalars.items()}}
                )
        return True

    def outcome(self, evaluation: Evaluation, steps: int, train_seconds: float, **extra) -> Outcome:
        """What the loop reports back to the runner, which makes the result record of it."""
        return Outcome(
            test_accuracy=evaluation.accuracy,
            test_images=evaluation.images,
            loss_curve=self.curve,
            steps=steps,
            train_seconds=train_seconds,
            diverged=self.diverged,
            extra={**extra, "top_prediction_share": evaluation.top_prediction_share},
        )


@dataclass(frozen=True)
class Evaluation:
    accuracy: float
    top_prediction_share: float
    images: int


def evaluate(predict: Callable, chunks: Iterable) -> Evaluation:
    """Test ``predict`` (images -> the predicted class of each) on every ``(images, one-hot
    labels)`` chunk: the accuracy and the share of the most often predicted class."""
    correct, total, per_class = 0, 0, np.zeros(0, dtype=np.int64)
    for images, labels in chunks:
        predicted = np.asarray(predict(images))
        correct += int(np.sum(predicted == np.argmax(labels, 1)))
        total += len(labels)
        counts = np.bincount(predicted, minlength=len(per_class))
        per_class = counts + np.pad(per_class, (0, len(counts) - len(per_class)))
    return Evaluation(correct / total, float(per_class.max()) / total, total)
