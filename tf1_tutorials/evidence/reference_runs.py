"""Runs of the reference scripts on TensorFlow 1.15.5 as measurement records
(``tf1-tutorials measure ENTRY --runtime tf1.15``): the data staged by the project's reader, one
fresh process of the reference runtime (:mod:`tf1_tutorials.reference_runtime`) per seed."""

from __future__ import annotations

import math
import subprocess
from pathlib import Path

from tf1_tutorials import children, reference_runtime
from tf1_tutorials.data import default_data_dir, read_cifar10, read_data_sets
from tf1_tutorials.data.cifar10 import batches_dir
from tf1_tutorials.errors import FileProblem
from tf1_tutorials.training.results import cpu_model


def staged_data(variant: str) -> Path:
    """The verified files the reference script of ``variant`` reads, fetched by the project's
    reader into its data store first (the same bytes every runtime reads): the MNIST ``.gz``
    files, or CIFAR-10's binary batches."""
    if variant == "cifar10_graph":
        read_cifar10(default_data_dir("cifar10"))
        return batches_dir(default_data_dir("cifar10"))
    read_data_sets(default_data_dir("mnist"))
    return default_data_dir("mnist")


def run_reference(variant: str, settings: dict, seed: int, log: Path, data_dir: Path) -> dict:
    """One reference run in a fresh TensorFlow 1.15.5 process on the files :func:`staged_data`
    gave, as a measurement record (its wall and CPU time are added by ``measure.run_entry``, as
    for the project's runs); its whole output is kept in ``log``."""
    identity = reference_runtime.checked_identity()  # asked once per process, before any run
    command = [
        str(reference_runtime.python()),
        *reference_runtime.script_command(variant, settings, seed, data_dir),
    ]
    env = dict(reference_runtime.environment(), TF_CPP_MIN_LOG_LEVEL="2", PYTHONHASHSEED="0")
    with open(log, "w", encoding="utf-8") as out:
        what = f"the TensorFlow {identity.tensorflow} process of {variant} seed {seed}"
        done = children.run(command, what, stdout=out, stderr=subprocess.STDOUT, env=env)
    status = done.returncode
    result = reference_runtime.parse_result(log.read_text(encoding="utf-8", errors="replace"))
    if status != 0 or result is None:
        raise FileProblem(
            f"{reference_runtime.SCRIPTS[variant]} seed {seed} on TensorFlow "
            f"{reference_runtime.TENSORFLOW}: exit status {status}, "
            f"{'no result line' if result is None else 'a result line'} (its output: {log})"
        )
    return {
        "seed": seed,
        "test_accuracy": result.test_accuracy,
        "test_images": result.test_images,
        "diverged": not math.isfinite(result.loss),
        "steps": result.steps,
        "train_seconds": result.train_seconds,
        "versions": {
            "tensorflow": identity.tensorflow,
            "onednn": reference_runtime.ONEDNN,
            "python": identity.python,
        },
        "runtime": identity.as_record(),
        "cpu": cpu_model(),
        "loss_curve": [],
    }
