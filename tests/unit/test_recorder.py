"""The one recorder and evaluator every training loop reports to, and the recipes' cadence."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tf1_tutorials.training.recorder import CURVE_POINTS, Recorder, cost_line, evaluate
from tf1_tutorials.variants.recipe import Epochs, Steps


def run(recorder: Recorder, steps, losses=None) -> list[int]:
    """Feed ``steps`` (with a loss of 1.0 unless ``losses`` says) until the recorder says stop."""
    for index, step in enumerate(steps):
        loss = 1.0 if losses is None else losses[index]
        if not recorder.step(step, loss, batch_accuracy=0.5):
            break
    return [step for step, _ in recorder.curve]


def test_the_curve_has_every_multiple_of_the_period_and_the_last_step():
    written = []
    recorder = Recorder(20000, lambda step, values: written.append((step, values)), say=None)
    recorded = run(recorder, range(1, 20001))
    assert recorder.record_every == 20000 // CURVE_POINTS == 40
    assert recorded == list(range(40, 20001, 40))
    assert [step for step, _ in written] == recorded
    assert written[0][1] == {"loss": 1.0, "batch_accuracy": 0.5}


def test_a_total_that_is_no_multiple_still_records_its_last_step():
    assert run(Recorder(1003, say=None), range(1, 1004))[-3:] == [1000, 1002, 1003]


def test_a_resumed_run_records_the_same_steps_as_one_that_never_stopped():
    whole = run(Recorder(5000, say=None), range(1, 5001))
    first = run(Recorder(5000, say=None), range(1, 2731))
    second = run(Recorder(5000, say=None, start_step=2730), range(2731, 5001))
    assert first + second == whole


def test_steps_that_jump_are_recorded_once_in_each_period():
    # a cluster's global step counts every worker's update: this worker sees every third one
    steps = range(3, 2001, 3)
    recorded = run(Recorder(2000, say=None), steps)  # a point every 4 steps
    periods = [step // 4 for step in recorded]
    assert periods == sorted(set(periods))  # one point a period at most
    assert set(periods) == {step // 4 for step in steps if step >= 4}  # every period reached
    assert recorded[:4] == [6, 9, 12, 18] and recorded[-1] == 1998


def test_a_loss_that_is_not_finite_is_recorded_once_and_stops_training():
    said = []
    recorder = Recorder(100, say=said.append)
    recorded = run(recorder, range(1, 101), [1.0] * 9 + [math.nan] * 91)
    assert recorded[-1] == 10 and math.isnan(recorder.curve[-1][1])
    assert recorder.diverged and said == ["step 10: loss is nan; training diverged, stopping"]


def test_a_worker_that_does_not_stop_on_divergence_says_so_once():
    said = []
    recorder = Recorder(100, say=said.append, stop_on_divergence=False)
    for step in range(1, 101):
        recorder.step(step, math.inf if step > 50 else 1.0)
    assert recorder.diverged and said == ["step 51: loss is inf; training diverged"]
    assert [step for step, _ in recorder.curve].count(51) == 1


def test_evaluate_counts_every_image_and_the_most_predicted_class():
    labels = np.eye(10, dtype=np.float32)[[0, 1, 2, 3, 3, 3, 9]]
    images = np.arange(7)
    predicted = np.array([0, 1, 5, 3, 3, 3, 3])
    chunks = [(images[:4], labels[:4]), (images[4:], labels[4:])]
    evaluation = evaluate(lambda rows: predicted[rows], chunks)
    assert evaluation.images == 7
    assert evaluation.accuracy == 5 / 7
    assert evaluation.top_prediction_share == 4 / 7


def test_the_outcome_carries_the_curve_the_test_and_the_loops_extras():
    recorder = Recorder(10, say=None)
    run(recorder, range(1, 11))
    evaluation = evaluate(lambda rows: np.zeros(len(rows), int), [(np.zeros(4), np.eye(10)[:4])])
    outcome = recorder.outcome(evaluation, steps=10, train_seconds=1.5, parameters=7)
    assert outcome.loss_curve == [(step, 1.0) for step in range(1, 11)]
    assert (outcome.test_accuracy, outcome.test_images, outcome.steps) == (0.25, 4, 10)
    assert outcome.extra == {"parameters": 7, "top_prediction_share": 1.0}


def test_step_recipes_print_the_accuracy_line_every_log_every_steps():
    recipe = Steps(steps=250, log_every_steps=100)
    assert recipe.total_steps == 250
    assert [step for step in range(250) if recipe.accuracy_line_due(step)] == [0, 100, 200]
    assert not any(Steps(log_every_steps=0).accuracy_line_due(step) for step in range(500))
    assert Steps().cost_line_epoch(550) is None


@pytest.mark.parametrize("every, printed", [(3, [1, 4, 7, 10]), (1, list(range(1, 11)))])
def test_epoch_recipes_print_the_cost_line_of_every_log_every_epochs(every, printed):
    recipe = Epochs(epochs=10, batches_per_epoch=550, log_every_epochs=every)
    assert recipe.total_steps == 5500
    lines = [recipe.cost_line_epoch(step) for step in range(1, 5501)]
    assert [epoch for epoch in lines if epoch is not None] == printed
    assert not recipe.accuracy_line_due(0)
    assert cost_line(1, 0.9671) == "Epoch: 0001 cost= 0.967100000"
