"""Checkpoints in a run's log directory, written whole or not at all.

Each is saved into a staging folder inside the log directory and renamed into place only once
complete (the index last), so a full disk leaves no partial checkpoint and the previous one still
loads; the newest ``CHECKPOINTS_KEPT`` are kept and listed, with paths relative to the log
directory, in TensorFlow's ``checkpoint`` file, so a moved or copied run resumes from its own
files."""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path

from tf1_tutorials.errors import FileProblem, UsageError, write_atomically
from tf1_tutorials.tf import load_v1
from tf1_tutorials.training import results
from tf1_tutorials.training.disk_room import CHECKPOINTS_KEPT
from tf1_tutorials.training.results import CHECKPOINT_NAME

tf = load_v1()


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
