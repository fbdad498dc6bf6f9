"""The training loop of the tf.compat.v1 graph variants: it alone owns the Session and the feeds.

``train(module, config, data, settings)`` composes the variant's graph
(:func:`tf1_tutorials.training.compose.compose`), trains it step by step with ``feed_dict`` batches
from ``DataSet.next_batch``, reports every step to :class:`tf1_tutorials.training.recorder.Recorder`
(the loss curve, divergence, the tutorial's lines and the loss and batch accuracy scalars, written
with a v1 ``FileWriter`` with the graph; with ``summaries="full"`` also what TF1's
mnist_with_summaries showed: a histogram of every weight and bias and the first input images of the
batch, about 50 times a run), saves checkpoints with a v1 ``Saver`` (``resume=True`` continues from
the last one to the same total steps), and evaluates the test set.

Checkpoints are found by name in the log directory (a moved or copied run resumes from its own
files) and written whole or not at all: each is saved into a staging folder inside the log
directory and renamed into place only once complete, so a full disk leaves no partial checkpoint
and the previous one still loads. Before training starts the log directory must have room for three
checkpoints of the model (a new one is written before the oldest of the two kept is removed).

Ctrl-C (SIGINT), SIGTERM or SIGHUP (the terminal closed) during training saves a checkpoint at the
step reached and raises KeyboardInterrupt (``Terminated``, a KeyboardInterrupt, for SIGTERM and
SIGHUP), so ``resume=True`` continues from there. All are taken between steps, never in the middle
of a step, a summary or a checkpoint save; a second Ctrl-C before the step ends stops at once (the
checkpoint is still saved, named by the step the graph's own counter reached), and further signals
while that checkpoint is saved are ignored. Signal handlers someone else installed are left
alone."""

from __future__ import annotations

import contextlib
import math
import os
import secrets
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

import numpy as np

from tf1_tutorials.errors import (
    FileProblem,
    Terminated,
    UsageError,
    check_free_space,
    write_atomically,
)
from tf1_tutorials.tf import load_v1, seed_everything, session_config
from tf1_tutorials.training import disk_room, recorder, results
from tf1_tutorials.training.compose import compose
from tf1_tutorials.training.disk_room import CHECKPOINTS_KEPT
from tf1_tutorials.training.recorder import Evaluation, Recorder, accuracy_line, cost_line
from tf1_tutorials.training.results import CHECKPOINT_NAME, Outcome
from tf1_tutorials.training.settings import RunSettings
from tf1_tutorials.variants.graph import parameter_count

tf = load_v1()

SUMMARY_LEVELS = ("light", "full")
FULL_SUMMARY_EVERY = 10  # recorded points: histograms and images at about 50 of the 500
FULL_SUMMARY_IMAGES = 3


class _StopRequest:
    """Set by SIGINT, SIGTERM or SIGHUP while training; the loop checks it between steps."""

    def __init__(self):
        self.signum: int | None = None
        self.honoured = False

    def handle(self, signum, frame) -> None:
        if self.honoured:
            return  # already stopping: let the checkpoint be saved
        if signum == signal.SIGINT and self.signum == signal.SIGINT:
            raise KeyboardInterrupt  # Ctrl-C pressed twice before a step ended: stop at once
        if self.signum is None:
            self.signum = signum

    def check(self, step: int) -> None:
        if self.signum is not None:
            self.honoured = True
            if self.signum != signal.SIGINT:
                name = signal.Signals(self.signum).name
                raise Terminated(f"{name} at step {step}", signum=self.signum)
            raise KeyboardInterrupt


# Each signal is taken over only while it still has the effect Python gives it by default.
_DEFAULT_HANDLERS = {
    signal.SIGINT: signal.default_int_handler,
    signal.SIGTERM: signal.SIG_DFL,
    signal.SIGHUP: signal.SIG_DFL,
}


@contextlib.contextmanager
def _signals_stop_training():
    """A _StopRequest that SIGINT, SIGTERM and SIGHUP set for the duration of the block. A signal
    the block did not act on (one during the last checkpoint save) is delivered again once it ends.
    Main thread only: elsewhere signals cannot be handled, and they keep their usual effect."""
    request = _StopRequest()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum, default in _DEFAULT_HANDLERS.items():
            if signal.getsignal(signum) is default:
                previous[signum] = signal.signal(signum, request.handle)
    try:
        yield request
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        if request.signum is not None and not request.honoured:
            signal.raise_signal(request.signum)


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


def evaluate(sess, model, batches: Batches, batch_size: int) -> Evaluation:
    """The model tested on every image of ``batches``, fed ``batch_size`` at a time, with the
    evaluating feed (dropout off)."""

    def predict(images):
        return sess.run(model.predictions, {model.images: images, **model.eval_feed})

    return recorder.evaluate(predict, batches.chunks(batch_size))


def scalar_summary(values: dict[str, float]):
    return tf.Summary(value=[tf.Summary.Value(tag=k, simple_value=v) for k, v in values.items()])


def _full_summary(model):
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


def _progress_bar(settings: RunSettings, initial: int, total: int):
    show = sys.stderr.isatty() if settings.progress is None else settings.progress
    if not show:
        return None
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="step", dynamic_ncols=True)


class Checkpoints:
    """Whole checkpoints in ``logdir``: each saved into a staging folder there, then renamed into
    place (index last); the newest CHECKPOINTS_KEPT are kept, listed with paths relative to the
    log directory in TensorFlow's ``checkpoint`` file."""

    def __init__(self, saver, logdir: Path):
        self.saver = saver
        self.logdir = logdir

    def save(self, sess, step: int) -> None:
        staging = self.logdir / f".saving-{os.getpid()}-{secrets.token_hex(4)}"
        try:
            staging.mkdir()
            self.saver.save(
                sess, str(staging / CHECKPOINT_NAME), global_step=step, write_state=False
            )
            files = sorted(staging.iterdir(), key=lambda path: path.suffix == ".index")
            for path in files:  # the index last: a checkpoint counts only once it is there
                os.replace(path, self.logdir / path.name)
            steps = results.checkpoint_steps(self.logdir)
            kept, dropped = steps[-CHECKPOINTS_KEPT:], steps[:-CHECKPOINTS_KEPT]
            state = [f'model_checkpoint_path: "{CHECKPOINT_NAME}-{kept[-1]}"']
            state += [f'all_model_checkpoint_paths: "{CHECKPOINT_NAME}-{s}"' for s in kept]
            write_atomically(self.logdir / results.CHECKPOINT_STATE, "\n".join(state) + "\n")
        except (OSError, tf.errors.OpError) as err:
            previous = results.checkpoint_steps(self.logdir)
            kept_note = f"; the checkpoint at step {previous[-1]} is intact" if previous else ""
            reason = err.strerror if isinstance(err, OSError) else err.message.splitlines()[0]
            raise FileProblem(
                f"--logdir {self.logdir}: the checkpoint at step {step} could not be saved "
                f"({reason}){kept_note}"
            ) from err
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        for old in dropped:
            for path in self.logdir.glob(f"{CHECKPOINT_NAME}-{old}.*"):
                path.unlink(missing_ok=True)

    def restore_latest(self, sess, variant: str) -> Path:
        steps = results.checkpoint_steps(self.logdir)
        if not steps:
            raise FileNotFoundError(f"--resume: no checkpoint in {self.logdir}")
        prefix = results.checkpoint_prefix(self.logdir, steps[-1])
        try:
            self.saver.restore(sess, str(prefix))
        except (tf.errors.NotFoundError, tf.errors.InvalidArgumentError) as err:
            raise UsageError(
                f"--resume: {prefix} is not a checkpoint of this {variant} graph "
                f"({err.message.splitlines()[0]})"
            ) from None
        except tf.errors.OpError as err:
            raise FileProblem(
                f"--resume: {prefix} cannot be read ({err.message.splitlines()[0]})"
            ) from None
        return prefix


def checkpoint_bytes(graph) -> int:
    """The size of a checkpoint of ``graph``: every variable (optimizer slots too), in bytes."""
    with graph.as_default():
        return sum(v.shape.num_elements() * v.dtype.size for v in tf.global_variables())


def train(module, config, data, settings: RunSettings, say=print) -> Outcome:
    """Compose ``module``'s graph for ``config``, train on ``data.train``, test on ``data.test``."""
    total = config.total_steps
    logdir = Path(settings.logdir)
    logdir.mkdir(parents=True, exist_ok=True)
    train_batches, test_batches = Batches(data.train), Batches(data.test)

    graph = tf.Graph()
    with graph.as_default():
        seed_everything(settings.seed, settings.deterministic)
        model = compose(module, config)
        parameters = parameter_count(graph)
        if settings.summaries not in SUMMARY_LEVELS:
            raise ValueError(f"summaries: {settings.summaries!r} is not one of {SUMMARY_LEVELS}")
        full_summary = _full_summary(model) if settings.summaries == "full" else None
        saver = tf.train.Saver(max_to_keep=None)  # Checkpoints keeps the newest two
        init = tf.global_variables_initializer()
    graph.finalize()
    check_free_space(logdir, disk_room.bytes_needed(checkpoint_bytes(graph)), "--logdir")
    checkpoints = Checkpoints(saver, logdir)

    sess = tf.Session(graph=graph, config=session_config(settings.threads, 0))
    # A unique suffix: the event file's name otherwise holds only the second and the host, so a
    # resumed run started within the same second as the run it continues would write over its file.
    writer = tf.summary.FileWriter(
        str(logdir), graph, filename_suffix=f".{os.getpid()}.{secrets.token_hex(4)}"
    )
    start_step = 0
    if settings.resume:
        checkpoint = checkpoints.restore_latest(sess, module.__name__.rpartition(".")[2])
        start_step = int(sess.run(model.global_step))
        say(f"resumed from {checkpoint} at step {start_step} of {total}")
    else:
        sess.run(init)

    step = start_step
    bar = _progress_bar(settings, start_step, total)
    write = bar.write if bar is not None else say

    def write_scalars(step: int, values: dict) -> None:
        writer.add_summary(scalar_summary(values), step)

    recording = Recorder(total, write_scalars, write, start_step)
    full_every = recording.record_every * FULL_SUMMARY_EVERY
    started = time.perf_counter()
    with _signals_stop_training() as stop:
        try:
            while step < total:
                stop.check(step)
                images, labels = train_batches.next_batch(config.batch_size, config.shuffle)
                feed = {model.images: images, model.labels: labels}
                if config.accuracy_line_due(step):
                    accuracy = sess.run(model.batch_accuracy, {**feed, **model.eval_feed})
                    write(accuracy_line(step, accuracy))
                feed.update(model.train_feed)
                _, loss, accuracy = sess.run(
                    [model.train_op, model.loss, model.batch_accuracy], feed_dict=feed
                )
                step += 1
                if bar is not None:
                    bar.update(1)
                if not recording.step(step, loss, batch_accuracy=accuracy):
                    break
                full_due = step % full_every == 0 or step == total
                if full_summary is not None and full_due:
                    shown = {model.images: images[:FULL_SUMMARY_IMAGES]}
                    writer.add_summary(sess.run(full_summary, shown), step)
                epoch = config.cost_line_epoch(step)
                if epoch is not None:
                    write(cost_line(epoch, loss))
                if settings.checkpoint_every and step % settings.checkpoint_every == 0:
                    checkpoints.save(sess, step)
        except KeyboardInterrupt as err:
            # A second Ctrl-C may have come between a step and the count of it: the graph's
            # counter says which step the variables are at.
            step = int(sess.run(model.global_step))
            checkpoints.save(sess, step)
            how = "interrupted"
            if isinstance(err, Terminated):
                how = f"stopped by {signal.Signals(err.signum).name}"
            with contextlib.suppress(OSError):  # after SIGHUP the terminal may be gone
                say(f"{how} at step {step}; checkpoint saved in {logdir} (--resume continues)")
            raise
        finally:
            if bar is not None:
                bar.close()
        train_seconds = time.perf_counter() - started
        checkpoints.save(sess, step)
    say(f"training time: {train_seconds:.1f} s")

    evaluation = evaluate(sess, model, test_batches, config.eval_batch_size)
    writer.add_summary(scalar_summary({"test_accuracy": evaluation.accuracy}), step)
    writer.close()
    sess.close()
    return recording.outcome(
        evaluation,
        steps=step,
        train_seconds=train_seconds,
        start_step=start_step,
        steps_trained=step - start_step,
        parameters=parameters,
    )
