"""The free-space rule's one measured number: the largest checkpoint of any graph variant's own
recipe, as the Session loop computes it from the graph it built (``doctor`` has no graph to ask)."""

from __future__ import annotations

from tf1_tutorials import variants
from tf1_tutorials.training import disk_room
from tf1_tutorials.training.settings import static_variant


def test_the_largest_checkpoint_is_the_largest_recipe_s():
    from tf1_tutorials.tf import load_v1

    tf = load_v1()
    from tf1_tutorials.training.checkpoints import checkpoint_bytes
    from tf1_tutorials.training.compose import compose

    sizes = {}
    for variant in variants.VARIANTS.values():
        static = static_variant(variant.module)
        if static.kind != "graph":
            continue  # Keras variants keep no checkpoints
        graph = tf.Graph()
        with graph.as_default():
            compose(variant.load(), static.config_class())
        sizes[variant.name] = checkpoint_bytes(graph)
    assert max(sizes.values()) == disk_room.LARGEST_CHECKPOINT_BYTES, sizes
    assert sizes["experts"] == disk_room.LARGEST_CHECKPOINT_BYTES
