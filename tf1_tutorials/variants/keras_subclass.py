"""keras_subclass -- the experts CNN written for TF2: a ``tf.keras.Model`` subclass trained eagerly
with ``GradientTape`` inside a ``tf.function``.

Conv2D(32, 5, same, relu) -> MaxPool(2) -> Conv2D(64, 5, same, relu) -> MaxPool(2) -> Flatten ->
Dense(1024, relu) -> Dense(10); no dropout; Keras default initializers. All 60,000 training images,
one-hot, /255, through ``tf.data`` ``repeat().shuffle(60000).batch(50)``; Adam 1e-4, 10,000 steps,
the training accuracy printed every 100 steps.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from tf1_tutorials.data.facts import MNIST_IMAGE_SHAPE
from tf1_tutorials.tf import seed_everything
from tf1_tutorials.training.recorder import Recorder, accuracy_line, evaluate
from tf1_tutorials.training.results import Outcome
from tf1_tutorials.training.settings import RunSettings
from tf1_tutorials.variants import keras
from tf1_tutorials.variants.keras import tf

KIND = "keras"
DATASET = "mnist"


@dataclass(frozen=True)
class Config:
    learning_rate: float = 1e-4
    steps: int = 10000
    batch_size: int = 50
    shuffle_buffer: int = 60000
    eval_batch_size: int = 1000
    log_every_steps: int = 100


class MNISTModel(tf.keras.Model):
    def __init__(self):
        super().__init__()
        layers = tf.keras.layers
        self.conv1 = layers.Conv2D(32, 5, padding="same", activation="relu")
        self.pool1 = layers.MaxPool2D(2)
        self.conv2 = layers.Conv2D(64, 5, padding="same", activation="relu")
        self.pool2 = layers.MaxPool2D(2)
        self.flatten = layers.Flatten()
        self.fc1 = layers.Dense(1024, activation="relu")
        self.fc2 = layers.Dense(10)

    def call(self, x):
        x = self.pool1(self.conv1(x))
        x = self.pool2(self.conv2(x))
        return self.fc2(self.fc1(self.flatten(x)))


def train(config: Config, data, settings: RunSettings, say=print) -> Outcome:
    seed_everything(settings.seed, settings.deterministic)
    train_images, train_labels = keras.arrays(data.train, MNIST_IMAGE_SHAPE)
    test_images, test_labels = keras.arrays(data.test, MNIST_IMAGE_SHAPE)
    batches = (
        tf.data.Dataset.from_tensor_slices((train_images, train_labels))
        .repeat()
        .shuffle(config.shuffle_buffer, seed=settings.seed)
        .batch(config.batch_size)
    )
    model = MNISTModel()
    optimizer = tf.keras.optimizers.Adam(config.learning_rate)
    cross_entropy = tf.keras.losses.CategoricalCrossentropy(from_logits=True)

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            logits = model(images)
            loss = cross_entropy(labels, logits)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
        correct = tf.equal(tf.argmax(logits, 1), tf.argmax(labels, 1))
        return loss, tf.reduce_mean(tf.cast(correct, tf.float32))

    writer, write_scalars = keras.scalar_writer(settings.logdir)
    recording = Recorder(config.steps, write_scalars, say)
    step = 0
    started = time.perf_counter()
    for images, labels in batches.take(config.steps):
        loss, accuracy = (float(t) for t in train_step(images, labels))
        if config.log_every_steps and step % config.log_every_steps == 0:
            say(accuracy_line(step, accuracy))
        step += 1
        if not recording.step(step, loss, batch_accuracy=accuracy):
            break
    train_seconds = time.perf_counter() - started
    say(f"training time: {train_seconds:.1f} s")
    evaluation = evaluate(
        keras.classes(model), keras.chunks(test_images, test_labels, config.eval_batch_size)
    )
    writer.close()
    return recording.outcome(
        evaluation, steps=step, train_seconds=train_seconds, parameters=int(model.count_params())
    )
