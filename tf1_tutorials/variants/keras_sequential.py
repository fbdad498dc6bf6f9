"""keras_sequential -- graph_cnn as a Keras Sequential model (TF2), on MNIST or CIFAR-10.

Conv2D(32, (3, 3), same, relu) -> MaxPooling2D(2) -> Conv2D(64, (3, 3), same, relu) ->
MaxPooling2D(2) -> Flatten -> Dense(10, softmax); categorical cross-entropy; optimizer 'sgd'
(Keras's default learning rate 0.01); 5 epochs, batch 100; inputs /255 with a channel axis; all the
training images (60,000 for MNIST, 50,000 for CIFAR-10, whose test set here may be only the first
1,000).
"""

from __future__ import annotations

import math
import sys
import time
from dataclasses import dataclass

from tf1_tutorials.data.facts import IMAGE_SHAPES
from tf1_tutorials.tf import seed_everything
from tf1_tutorials.training.recorder import Recorder, evaluate
from tf1_tutorials.training.results import Outcome
from tf1_tutorials.training.settings import RunSettings
from tf1_tutorials.variants import keras
from tf1_tutorials.variants.keras import tf

KIND = "keras"
DATASET = "mnist"


@dataclass(frozen=True)
class Config:
    dataset: str = "mnist"  # or "cifar10"
    optimizer: str = "sgd"
    epochs: int = 5
    batch_size: int = 100
    steps_per_epoch: int = 0  # 0: every batch of the training set
    eval_batch_size: int = 1000


def model_for(image_shape) -> tf.keras.Sequential:
    layers = tf.keras.layers
    return tf.keras.Sequential(
        [
            layers.Input(shape=image_shape),
            layers.Conv2D(32, (3, 3), padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Conv2D(64, (3, 3), padding="same", activation="relu"),
            layers.MaxPooling2D(2),
            layers.Flatten(),
            layers.Dense(10, activation="softmax"),
        ]
    )


class Recording(tf.keras.callbacks.Callback):
    """Hands Keras's running means of the epoch's loss and accuracy to the recorder after every
    batch; stops training on a loss that is not finite."""

    def __init__(self, recording: Recorder):
        super().__init__()
        self.recording = recording
        self.step = 0

    def on_train_batch_end(self, batch, logs=None):
        self.step += 1
        if not self.recording.step(self.step, logs["loss"], batch_accuracy=logs["accuracy"]):
            self.model.stop_training = True


def train(config: Config, data, settings: RunSettings, say=print) -> Outcome:
    image_shape = IMAGE_SHAPES[config.dataset]
    seed_everything(settings.seed, settings.deterministic)
    train_images, train_labels = keras.arrays(data.train, image_shape)
    test_images, test_labels = keras.arrays(data.test, image_shape)
    model = model_for(image_shape)
    model.compile(optimizer=config.optimizer, loss="categorical_crossentropy", metrics=["accuracy"])
    steps_per_epoch = config.steps_per_epoch or math.ceil(len(train_labels) / config.batch_size)
    writer, write_scalars = keras.scalar_writer(settings.logdir)
    recording = Recorder(config.epochs * steps_per_epoch, write_scalars, say)
    callback = Recording(recording)
    started = time.perf_counter()
    model.fit(
        train_images,
        train_labels,
        batch_size=config.batch_size,
        epochs=config.epochs,
        steps_per_epoch=config.steps_per_epoch or None,
        callbacks=[callback],
        verbose=1 if sys.stderr.isatty() else 2,
    )
    train_seconds = time.perf_counter() - started
    say(f"training time: {train_seconds:.1f} s")
    evaluation = evaluate(
        keras.classes(lambda x: model(x, training=False)),
        keras.chunks(test_images, test_labels, config.eval_batch_size),
    )
    writer.close()
    return recording.outcome(
        evaluation,
        steps=callback.step,
        train_seconds=train_seconds,
        parameters=int(model.count_params()),
        loss_curve_kind="epoch running mean",
    )
