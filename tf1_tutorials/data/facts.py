"""What the two data sets are, as the TF1 readers give them: shapes, sizes and MNIST's split.
One owner: the readers, the graph's placeholders, the Keras variants and the settings checks all
take these from here (``tf1_tutorials.data`` exports them)."""

from __future__ import annotations

NUM_CLASSES = 10  # both data sets

MNIST_IMAGE_SHAPE = (28, 28, 1)  # one image; read_data_sets(reshape=True) flattens it to 784
MNIST_PIXELS = 28 * 28
MNIST_TRAIN = 60_000  # images in train-images-idx3-ubyte
MNIST_TEST = 10_000
MNIST_VALIDATION = 5_000  # read_data_sets' default validation_size: the first 5,000 train images
MNIST_TRAIN_AFTER_VALIDATION = MNIST_TRAIN - MNIST_VALIDATION  # 55,000: what the tutorials train on

CIFAR10_IMAGE_SIZE = 32
CIFAR10_CHANNELS = 3
CIFAR10_IMAGE_SHAPE = (CIFAR10_IMAGE_SIZE, CIFAR10_IMAGE_SIZE, CIFAR10_CHANNELS)
CIFAR10_TRAIN = 50_000  # five data_batch_N.bin of 10,000

# One image as each data set's reader gives it to a graph variant (MNIST flattened, as TF1's
# read_data_sets(reshape=True) did; CIFAR-10 channels-last) and to a Keras variant.
GRAPH_INPUT_SHAPES = {"mnist": (MNIST_PIXELS,), "cifar10": CIFAR10_IMAGE_SHAPE}
IMAGE_SHAPES = {"mnist": MNIST_IMAGE_SHAPE, "cifar10": CIFAR10_IMAGE_SHAPE}
