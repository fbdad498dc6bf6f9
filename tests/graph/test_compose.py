"""The runner composes each graph variant's functions: placeholders, the one is_training switch,
the variant's optimizer (wrapped by the cluster without patching anything) and the evaluation."""

from __future__ import annotations

import pytest

from tf1_tutorials import variants
from tf1_tutorials.training.settings import static_variant
from tf1_tutorials.variants import recipe

GRAPH_VARIANTS = [
    name
    for name, variant in variants.VARIANTS.items()
    if static_variant(variant.module).kind == "graph"
]


def composed(name, wrap_optimizer=None, **overrides):
    from tf1_tutorials.tf import load_v1
    from tf1_tutorials.training.compose import compose

    tf = load_v1()
    module = variants.get(name).load()
    graph = tf.Graph()
    with graph.as_default():
        return compose(module, module.Config(**overrides), wrap_optimizer), graph


@pytest.mark.parametrize("name", GRAPH_VARIANTS)
def test_every_graph_variant_is_its_functions_on_a_typed_recipe(name):
    module = variants.get(name).load()
    assert not hasattr(module, "build") and not hasattr(module, "training")
    assert callable(module.inference) and callable(module.optimizer)
    assert isinstance(module.Config(), recipe.Steps | recipe.Epochs)


@pytest.mark.parametrize("name", GRAPH_VARIANTS)
def test_the_placeholders_come_first_and_the_switch_feeds_only_placeholders(name):
    model, graph = composed(name)
    first = [op.name for op in graph.get_operations()[:2]]
    assert first == ["images", "labels"]
    for feed in (model.train_feed, model.eval_feed):
        assert all(tensor.op.type == "Placeholder" for tensor in feed)
    assert model.train_feed.keys() == model.eval_feed.keys()


def test_experts_keep_prob_is_fed_its_recipe_while_training_and_one_while_evaluating():
    model, graph = composed("experts", keep_prob=0.75)
    assert graph.get_operations()[2].name == "keep_prob"  # where the tutorial made it
    assert {t.op.name: v for t, v in model.train_feed.items()} == {"keep_prob": 0.75}
    assert {t.op.name: v for t, v in model.eval_feed.items()} == {"keep_prob": 1.0}


def test_slim_is_training_is_fed_true_while_training_and_false_while_evaluating():
    model, graph = composed("slim_cnn")
    assert graph.get_operations()[2].name == "is_training"
    assert {t.op.name: v for t, v in model.train_feed.items()} == {"is_training": True}
    assert {t.op.name: v for t, v in model.eval_feed.items()} == {"is_training": False}


def test_a_variant_without_its_own_loss_gets_the_mean_cross_entropy():
    softmax, _ = composed("softmax")
    mlp, _ = composed("mlp")
    assert softmax.loss.op.type == "Neg"  # the beginner tutorial's own -reduce_sum(y_ * log(y))
    assert mlp.loss.op.type == "Mean"


def test_the_cluster_wraps_the_variants_optimizer_through_compose():
    wrapped = []

    def wrap(optimizer):
        from tf1_tutorials.tf import load_v1

        tf = load_v1()
        wrapped.append(optimizer)
        return tf.train.SyncReplicasOptimizer(optimizer, 2, total_num_replicas=2)

    model, _ = composed("experts", wrap_optimizer=wrap)
    assert type(wrapped[0]).__name__ == "AdamOptimizer"
    assert type(model.optimizer).__name__ == "SyncReplicasOptimizer"
