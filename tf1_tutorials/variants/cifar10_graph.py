"""cifar10_graph -- graph_cnn on CIFAR-10, in the document's form.

Input [None, 32, 32, 3]; the same two 3x3 convs without bias (3 -> 32 -> 64 channels), pools to
8x8x64 = 4096 -> dense 10. Same init, Adam 0.01, 15 epochs of 500 batches of 100 taken in order (no
shuffling). The document fed the raw 0-255 pixel values; ``scale_inputs=True`` divides them by 255.
The test set is evaluated in batches of 100: all the test images there are (the local copy of the
data holds only the first 1,000 of the official 10,000; the result records how many were used).
"""

from __future__ import annotations

from dataclasses import dataclass

from tf1_tutorials.data.facts import CIFAR10_IMAGE_SHAPE
from tf1_tutorials.variants import graph_cnn
from tf1_tutorials.variants.recipe import Epochs

KIND = "graph"
DATASET = "cifar10"


@dataclass(frozen=True)
class Config(Epochs):
    epochs: int = 15
    batches_per_epoch: int = 500  # int(50000 / batch_size)
    batch_size: int = 100
    eval_batch_size: int = 100
    shuffle: bool = False  # batches taken in order
    log_every_epochs: int = 1
    learning_rate: float = 0.01
    scale_inputs: bool = False  # the document fed raw 0-255 values
    weight_stddev: float = 0.01
    dense_bias_stddev: float = 1.0


def inference(images, is_training, config: Config):
    return graph_cnn.network(images, config, CIFAR10_IMAGE_SHAPE)


optimizer = graph_cnn.optimizer
