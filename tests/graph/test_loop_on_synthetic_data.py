"""The Session loop, the recorder and the checkpoints in one process, in seconds, on a small
synthetic MNIST-shaped set (no real data): class k lights the k-th tenth of the image, which the
beginner's softmax learns in a few dozen steps. The real data's runs are in tests/integration."""

from __future__ import annotations

import numpy as np
import pytest

from tf1_tutorials.data import DataSet, Datasets
from tf1_tutorials.training.results import CHECKPOINT_NAME
from tf1_tutorials.training.settings import RunSettings, make_config

STEPS = 60


def synthetic(count: int, seed: int) -> DataSet:
    """``count`` 28x28 uint8 images with one-hot float32 labels, as variants.inputs serves them."""
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 10, count)
    flat = rng.integers(0, 40, (count, 784)).astype(np.uint8)
    for index, label in enumerate(labels):
        flat[index, label * 78 : (label + 1) * 78] = 255
    one_hot = np.eye(10, dtype=np.float32)[labels]
    return DataSet(flat.reshape(count, 28, 28, 1), one_hot, dtype=np.float32, seed=seed)


# One pytest-xdist worker takes the whole module, so its module fixture is built once.
pytestmark = pytest.mark.xdist_group("test_loop_on_synthetic_data")


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    from tf1_tutorials.training.session import train
    from tf1_tutorials.variants import softmax

    logdir = tmp_path_factory.mktemp("softmax")
    data = Datasets(train=synthetic(2000, 1), validation=synthetic(100, 2), test=synthetic(500, 3))
    config = make_config(softmax.Config, {"steps": STEPS}, "softmax")
    # deterministic=False: op determinism, once on, stays on for every later test in this process
    settings = RunSettings("softmax", seed=5, logdir=logdir, progress=False)
    said: list[str] = []
    outcome = train(softmax, config, data, settings, say=said.append)
    return outcome, logdir, said


def test_the_loop_trains_every_step_and_the_recorder_keeps_the_curve(trained):
    outcome, _, _ = trained
    assert outcome.steps == STEPS and not outcome.diverged
    steps = [step for step, _ in outcome.loss_curve]
    assert steps[0] == 1 and steps[-1] == STEPS and steps == sorted(steps)
    first, last = outcome.loss_curve[0][1], outcome.loss_curve[-1][1]
    assert last < first / 4, outcome.loss_curve


def test_the_test_set_is_evaluated_whole_and_learned(trained):
    outcome, _, _ = trained
    assert outcome.test_images == 500
    assert outcome.test_accuracy > 0.9


def test_the_loop_leaves_its_last_checkpoint_in_the_logdir(trained):
    _, logdir, _ = trained
    assert list(logdir.glob(f"{CHECKPOINT_NAME}-{STEPS}.index"))
