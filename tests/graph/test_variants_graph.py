"""The tf.compat.v1 graph variants, in this process: recipe defaults, layer shapes, parameter
counts, a short training run on the real data whose loss drops, checkpoints, resume and
TensorBoard events.

This module puts the pytest process in v1 mode; the Keras variants are tested in their own
processes (tests/integration/test_variants_keras.py).
"""

from __future__ import annotations

import dataclasses
import glob

import numpy as np
import pytest
from data_support import real_data_root

from tf1_tutorials import variants
from tf1_tutorials.training.runner import RunSettings, run
from tf1_tutorials.training.settings import SettingError

GRAPH_VARIANTS = [
    "softmax",
    "mlp",
    "experts",
    "slim_cnn",
    "graph_cnn",
    "layers_cnn",
    "cifar10_graph",
]
KERAS_VARIANTS = [
    "keras_subclass",
    "keras_sequential",
]  # TF2: tests/integration/test_variants_keras.py

# The documented recipes (each variant module quotes its own), field by field.
RECIPES = {
    "softmax": {"learning_rate": 0.01, "batch_size": 100, "eval_batch_size": 10000},
    "mlp": {
        "learning_rate": 0.1,
        "epochs": 30,
        "batches_per_epoch": 550,
        "batch_size": 100,
        "hidden_units": (256, 256),
        "init_stddev": 1.0,
        "log_every_epochs": 3,
    },
    "experts": {
        "learning_rate": 1e-4,
        "steps": 20000,
        "batch_size": 50,
        "keep_prob": 0.5,
        "weight_stddev": 0.1,
        "bias_init": 0.1,
        "log_every_steps": 100,
    },
    "slim_cnn": {
        "learning_rate": 1e-4,
        "steps": 20000,
        "batch_size": 50,
        "keep_prob": 0.5,
        "weight_stddev": 0.1,
        "bias_init": 0.1,
        "log_every_steps": 100,
    },
    "graph_cnn": {
        "learning_rate": 0.01,
        "epochs": 15,
        "batches_per_epoch": 550,
        "batch_size": 100,
        "weight_stddev": 0.01,
        "dense_bias_stddev": 1.0,
    },
    "layers_cnn": {
        "learning_rate": 0.01,
        "epochs": 15,
        "batches_per_epoch": 550,
        "batch_size": 100,
        "weight_stddev": 0.01,
        "dense_bias_stddev": 1.0,
    },
    "cifar10_graph": {
        "learning_rate": 0.01,
        "epochs": 15,
        "batches_per_epoch": 500,
        "batch_size": 100,
        "shuffle": False,
        "scale_inputs": False,
        "weight_stddev": 0.01,
        "dense_bias_stddev": 1.0,
        "eval_batch_size": 100,
    },
    "graph_basics": {"a": 5, "b": 2, "c": 3},
}

MNIST_CNN_SHAPES = {
    "conv1": [28, 28, 32],
    "pool1": [14, 14, 32],
    "conv2": [14, 14, 64],
    "pool2": [7, 7, 64],
    "logits": [10],
}
SHAPES = {
    "softmax": {"logits": [10]},
    "mlp": {"hidden1": [256], "hidden2": [256], "logits": [10]},
    "experts": {**MNIST_CNN_SHAPES, "fc1": [1024]},
    "slim_cnn": {**MNIST_CNN_SHAPES, "fc3": [1024]},
    "graph_cnn": MNIST_CNN_SHAPES,
    "layers_cnn": MNIST_CNN_SHAPES,
    "cifar10_graph": {
        "conv1": [32, 32, 32],
        "pool1": [16, 16, 32],
        "conv2": [16, 16, 64],
        "pool2": [8, 8, 64],
        "logits": [10],
    },
}
PARAMETERS = {
    "softmax": 784 * 10 + 10,
    "mlp": 784 * 256 + 256 + 256 * 256 + 256 + 256 * 10 + 10,
    "experts": 3_274_634,
    "slim_cnn": 3_274_634,
    "graph_cnn": 3 * 3 * 32 + 3 * 3 * 32 * 64 + 7 * 7 * 64 * 10 + 10,  # no conv biases
    "layers_cnn": 3 * 3 * 32 + 32 + 3 * 3 * 32 * 64 + 64 + 7 * 7 * 64 * 10 + 10,
    "cifar10_graph": 3 * 3 * 3 * 32 + 3 * 3 * 32 * 64 + 8 * 8 * 64 * 10 + 10,
}


def test_every_variant_has_its_recipe_checked():
    assert set(RECIPES) | set(KERAS_VARIANTS) == set(variants.VARIANTS)
    assert set(SHAPES) == set(PARAMETERS) == set(GRAPH_VARIANTS)


@pytest.mark.parametrize("name", GRAPH_VARIANTS)
def test_graph_variants_are_graph_kind(name):
    assert variants.get(name).load().KIND == "graph"


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_defaults_are_the_documented_recipe(name):
    defaults = dataclasses.asdict(variants.get(name).load().Config())
    assert {field: defaults[field] for field in RECIPES[name]} == RECIPES[name]


def build(name, **overrides):
    from tf1_tutorials.tf import load_v1
    from tf1_tutorials.training.compose import compose
    from tf1_tutorials.variants.graph import parameter_count

    tf = load_v1()
    module = variants.get(name).load()
    graph = tf.Graph()
    with graph.as_default():
        model = compose(module, module.Config(**overrides))
        return model, parameter_count(graph)


@pytest.mark.parametrize("name", GRAPH_VARIANTS)
def test_layer_shapes_and_parameter_count_match_the_recipe(name):
    model, parameters = build(name)
    shapes = {key: model.end_points[key].shape.as_list()[1:] for key in SHAPES[name]}
    assert shapes == SHAPES[name]
    assert parameters == PARAMETERS[name]


@pytest.fixture(scope="module")
def real_data(tmp_path_factory):
    real_data_root()  # skips without the real data
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TF1_TUTORIALS_DATA_DIR", str(tmp_path_factory.mktemp("data")))
        yield


# Short runs: steps for the step-based variants, batches for the epoch-based ones.
SHORT = {
    "softmax": {"steps": 60},
    "mlp": {"epochs": 1, "batches_per_epoch": 60},
    "experts": {"steps": 60},
    "slim_cnn": {"steps": 60},
    "graph_cnn": {"epochs": 1, "batches_per_epoch": 60},
    "layers_cnn": {"epochs": 1, "batches_per_epoch": 60},
    "cifar10_graph": {"epochs": 1, "batches_per_epoch": 60, "scale_inputs": True},
}


@pytest.mark.parametrize("name", GRAPH_VARIANTS)
def test_a_short_run_on_the_real_data_lowers_the_loss(name, tmp_path, real_data):
    settings = RunSettings(name, SHORT[name], seed=3, logdir=tmp_path)
    record, path = run(settings, say=lambda line: None)
    losses = [loss for _, loss in record["loss_curve"]]
    assert record["steps"] == 60 and len(losses) == 60
    assert not record["diverged"]
    assert np.mean(losses[-10:]) < 0.9 * np.mean(losses[:10]), losses
    assert 0.0 <= record["test_accuracy"] <= 1.0
    assert 0.1 <= record["top_prediction_share"] <= 1.0  # ten classes: the top one has >= 10%
    assert record["test_images"] == (1000 if name == "cifar10_graph" else 10000)
    assert path == tmp_path / "result.json"


def test_experts_prints_the_tutorial_line_every_100_steps(tmp_path, real_data):
    lines = []
    run(RunSettings("experts", {"steps": 201}, seed=1, logdir=tmp_path), say=lines.append)
    logged = [line for line in lines if line.startswith("step ")]
    assert [line.split(",")[0] for line in logged] == ["step 0", "step 100", "step 200"]
    assert all(", training accuracy " in line for line in logged)


def scalars(logdir, tag):
    from tf1_tutorials.tf import load_v1

    tf = load_v1()
    values = []
    for events in glob.glob(str(logdir / "events.out.tfevents.*")):
        for event in tf.train.summary_iterator(events):
            values += [(event.step, v.simple_value) for v in event.summary.value if v.tag == tag]
    return sorted(values)


def test_resume_continues_from_the_checkpoint_to_the_total_and_events_hold_the_loss(
    tmp_path, real_data
):
    def quiet(steps, resume=False):
        settings = RunSettings(
            "softmax", {"steps": steps}, seed=4, logdir=tmp_path, resume=resume, checkpoint_every=10
        )
        return run(settings, say=lambda line: None)

    first, _ = quiet(30)
    assert first["steps"] == 30
    assert (tmp_path / "checkpoint").exists()

    resumed, _ = quiet(70, resume=True)
    assert resumed["steps"] == 70
    assert resumed["start_step"] == 30 and resumed["steps_trained"] == 40
    assert 0.5 < resumed["test_accuracy"] <= 1.0

    loss_steps = [step for step, _ in scalars(tmp_path, "loss")]
    assert loss_steps == list(range(1, 71))  # both runs' events, one scalar per step
    assert len(scalars(tmp_path, "test_accuracy")) == 2


def test_resume_without_a_checkpoint_names_the_directory(tmp_path, real_data):
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        run(RunSettings("softmax", {"steps": 5}, seed=1, logdir=tmp_path, resume=True))


def test_an_unknown_setting_names_the_variant_and_its_settings():
    with pytest.raises(SettingError, match="softmax"):
        run(RunSettings("softmax", {"no_such_setting": 1}, seed=1, logdir="unused"))
