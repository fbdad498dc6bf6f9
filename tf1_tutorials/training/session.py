"""The training loop of the tf.compat.v1 graph variants: it alone owns the Session.

``train(module, config, data, settings)`` composes the variant's graph
(:func:`tf1_tutorials.training.compose.compose`), trains it with one
:func:`tf1_tutorials.training.step.train_step` per batch from ``DataSet.next_batch``, reports every
step to :class:`tf1_tutorials.training.recorder.Recorder` (the loss curve, divergence, the
tutorial's lines and the loss and batch accuracy scalars, written with a v1 ``FileWriter`` with the
graph; with ``summaries="full"`` also what TF1's mnist_with_summaries showed: a histogram of every
weight and bias and the first input images of the batch, about 50 times a run), saves whole
checkpoints (:mod:`tf1_tutorials.training.checkpoints`; ``resume=True`` continues from the last one
to the same total steps), and evaluates the test set. Before training starts the log directory must
have room for three checkpoints of the model (:mod:`tf1_tutorials.training.disk_room`).

Ctrl-C, SIGTERM or SIGHUP during training (:mod:`tf1_tutorials.training.interrupts`) stops it
between steps: a checkpoint is saved at the step reached (named by the step the graph's own counter
reached) and KeyboardInterrupt raised, so ``resume=True`` continues from there."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import sys
import time
from pathlib import Path

from tf1_tutorials.errors import Terminated, check_free_space
from tf1_tutorials.tf import load_v1, seed_everything, session_config
from tf1_tutorials.training import disk_room
from tf1_tutorials.training.checkpoints import Checkpoints, checkpoint_bytes
from tf1_tutorials.training.compose import compose
from tf1_tutorials.training.interrupts import signals_stop_training
from tf1_tutorials.training.recorder import Recorder, accuracy_line, cost_line
from tf1_tutorials.training.results import Outcome
from tf1_tutorials.training.settings import RunSettings
from tf1_tutorials.training.step import Batches, batch_accuracy, evaluate, train_step
from tf1_tutorials.training.summaries import (
    FULL_SUMMARY_EVERY,
    FULL_SUMMARY_IMAGES,
    full_summary_op,
    scalar_summary,
)
from tf1_tutorials.variants.graph import parameter_count

tf = load_v1()

SUMMARY_LEVELS = ("light", "full")


def _progress_bar(settings: RunSettings, initial: int, total: int):
    show = sys.stderr.isatty() if settings.progress is None else settings.progress
    if not show:
        return None
    from tqdm import tqdm

    return tqdm(total=total, initial=initial, unit="step", dynamic_ncols=True)


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
        full_summary = full_summary_op(model) if settings.summaries == "full" else None
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
    with signals_stop_training() as stop:
        try:
            while step < total:
                stop.check(step)
                images, labels = train_batches.next_batch(config.batch_size, config.shuffle)
                if config.accuracy_line_due(step):
                    accuracy = batch_accuracy(sess.run, model, images, labels)
                    write(accuracy_line(step, accuracy))
                _, loss, accuracy = train_step(sess.run, model, images, labels)
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

    evaluation = evaluate(sess.run, model, test_batches, config.eval_batch_size)
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
