"""Session vs Keras: the experts network trained the same number of steps, batch 50, four ways.

- ``session``: our tf.compat.v1 path -- ``tf1_tutorials.variants.experts.build``, the real data
  through ``variants.inputs.mnist`` and ``DataSet.next_batch``, a ``feed_dict`` per step, exactly
  the runner's loop (``sess.run([train_op, loss, batch_accuracy])``).
- ``tf_keras_fit``: ``Model.fit`` of tf.keras (tf-keras, the Keras the project's TF2 variants use).
- ``keras3_fit``: ``Model.fit`` of Keras 3 on the TensorFlow backend.
- ``gradient_tape``: a ``tf.function`` train step with ``GradientTape`` (tf.keras layers), as the
  ``keras_subclass`` variant trains.

The TF2 paths build the same network -- conv 5x5x32, pool, conv 5x5x64, pool, dense 1024, dropout
0.5, dense 10, truncated-normal(0.1) weights and 0.1 biases -- with Adam 1e-4 and mean softmax
cross-entropy, and read the same 55,000 training images through ``tf.data`` (``repeat``,
``shuffle``, ``batch(50)``, ``prefetch``). Each path runs in its own process; after the warm-up
steps, the next ``steps`` steps are timed from inside the loop (a callback for ``fit``), so set-up
and tracing are not counted. Each path runs ``rounds`` times, interleaved; the best round counts.
Goal: Session >= 1.0x Keras ``fit``.
"""

from __future__ import annotations

import time

import benchlib

PATHS = ("session", "tf_keras_fit", "keras3_fit", "gradient_tape")
LABELS = {
    "session": "compat.v1 Session + feed_dict",
    "tf_keras_fit": "tf.keras Model.fit (tf-keras)",
    "keras3_fit": "Keras 3 Model.fit",
    "gradient_tape": "tf.function + GradientTape",
}
LEARNING_RATE = 1e-4
BATCH_SIZE = 50


def build_model(keras):
    """The experts network as a Keras ``Sequential`` model (tf-keras or Keras 3)."""
    layers = keras.layers

    def weights():  # a fresh initializer per layer, seeded from the global seed
        return {
            "kernel_initializer": keras.initializers.TruncatedNormal(stddev=0.1),
            "bias_initializer": keras.initializers.Constant(0.1),
        }

    return keras.Sequential(
        [
            keras.Input(shape=(28, 28, 1)),
            layers.Conv2D(32, 5, padding="same", activation="relu", **weights()),
            layers.MaxPool2D(2, padding="same"),
            layers.Conv2D(64, 5, padding="same", activation="relu", **weights()),
            layers.MaxPool2D(2, padding="same"),
            layers.Flatten(),
            layers.Dense(1024, activation="relu", **weights()),
            layers.Dropout(0.5),
            layers.Dense(10, **weights()),
        ]
    )


def tf2_dataset(tf, seed: int):
    """The 55,000 training images as the Session path reads them, as a tf.data pipeline."""
    from tf1_tutorials.variants import inputs, keras

    data = inputs.mnist(benchlib.mnist_dir(), seed)
    images, labels = keras.arrays(data.train, (28, 28, 1))
    return (
        tf.data.Dataset.from_tensor_slices((images, labels))
        .repeat()
        .shuffle(len(labels), seed=seed)
        .batch(BATCH_SIZE)
        .prefetch(tf.data.AUTOTUNE)
    )


def run_fit(path: str, steps: int, warmup: int) -> dict:
    from tf1_tutorials.tf import load_v2, seed_everything

    tf = load_v2()
    if path == "keras3_fit":
        import keras
    else:
        keras = tf.keras
    seed_everything(benchlib.SEED)
    dataset = tf2_dataset(tf, benchlib.SEED)
    model = build_model(keras)
    model.compile(
        optimizer=keras.optimizers.Adam(LEARNING_RATE),
        loss=keras.losses.CategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    stamps: list[float] = []

    class Stamps(keras.callbacks.Callback):
        def on_train_batch_begin(self, batch, logs=None):
            if batch == 0:
                stamps.append(time.perf_counter())

        def on_train_batch_end(self, batch, logs=None):
            stamps.append(time.perf_counter())

    started = time.perf_counter()
    model.fit(
        dataset,
        epochs=1,
        steps_per_epoch=warmup + steps,
        shuffle=False,  # the dataset is shuffled already
        verbose=0,
        callbacks=[Stamps()],
    )
    result = benchlib.steady_state(stamps, warmup, BATCH_SIZE)
    result["fit_call_seconds"] = time.perf_counter() - started
    result["keras"] = benchlib.versions()["keras" if path == "keras3_fit" else "tf-keras"]
    return result


def run_gradient_tape(steps: int, warmup: int) -> dict:
    from tf1_tutorials.tf import load_v2, seed_everything

    tf = load_v2()
    seed_everything(benchlib.SEED)
    dataset = tf2_dataset(tf, benchlib.SEED)
    model = build_model(tf.keras)
    optimizer = tf.keras.optimizers.Adam(LEARNING_RATE)
    cross_entropy = tf.keras.losses.CategoricalCrossentropy(from_logits=True)

    @tf.function
    def train_step(images, labels):
        with tf.GradientTape() as tape:
            logits = model(images, training=True)
            loss = cross_entropy(labels, logits)
        gradients = tape.gradient(loss, model.trainable_variables)
        optimizer.apply_gradients(zip(gradients, model.trainable_variables, strict=True))
        correct = tf.equal(tf.argmax(logits, 1), tf.argmax(labels, 1))
        return loss, tf.reduce_mean(tf.cast(correct, tf.float32))

    stamps = [time.perf_counter()]
    for images, labels in dataset.take(warmup + steps):
        loss, accuracy = (float(t) for t in train_step(images, labels))  # as keras_subclass does
        stamps.append(time.perf_counter())
    return benchlib.steady_state(stamps, warmup, BATCH_SIZE)


def worker(spec: dict) -> dict:
    path, steps, warmup = spec["path"], spec["steps"], spec["warmup"]
    if path == "session":
        result = benchlib.v1_train("experts", steps, warmup)
    elif path == "gradient_tape":
        result = run_gradient_tape(steps, warmup)
    else:
        result = run_fit(path, steps, warmup)
    return {"path": path, **result}


def main(argv=None) -> dict:
    import json

    args = benchlib.parser(__doc__.splitlines()[0]).parse_args(argv)
    if args.worker:
        benchlib.emit(worker(json.loads(args.worker)))
        return {}
    steps, warmup, rounds = (10, 3, 1) if args.quick else (300, 20, 2)
    print(f"session vs keras: experts, batch {BATCH_SIZE}, {warmup} warm-up + {steps} timed steps,")
    print(f"{rounds} round(s) per path, one process each")
    runs: dict[str, list[dict]] = {path: [] for path in PATHS}
    for _ in range(rounds):
        for path in PATHS:
            spec = {"path": path, "steps": steps, "warmup": warmup}
            run = benchlib.run_worker(__file__, spec)
            runs[path].append(run)
            print(f"  {path:14s} {run['images_per_second']:8.0f} images/s")
    best = {path: max(r["images_per_second"] for r in runs[path]) for path in PATHS}
    rows = [
        [
            LABELS[path],
            best[path],
            1000 * BATCH_SIZE / best[path],
            best["session"] / best[path],
        ]
        for path in PATHS
    ]
    print()
    print(benchlib.table(["path", "images/s", "ms/step", "Session / this"], rows))
    ratios = {
        "session_over_tf_keras_fit": best["session"] / best["tf_keras_fit"],
        "session_over_keras3_fit": best["session"] / best["keras3_fit"],
        "session_over_gradient_tape": best["session"] / best["gradient_tape"],
    }
    print()
    print(
        f"ratio Session/fit = {ratios['session_over_tf_keras_fit']:.2f}x (tf.keras), "
        f"{ratios['session_over_keras3_fit']:.2f}x (Keras 3); "
        f"Session/GradientTape = {ratios['session_over_gradient_tape']:.2f}x (goal: >= 1.0x fit)"
    )
    return benchlib.finish(
        args,
        {
            "steps": steps,
            "warmup": warmup,
            "rounds": rounds,
            "batch_size": BATCH_SIZE,
            "labels": LABELS,
            "images_per_second": best,
            "ratios": ratios,
            "goal": "session_over_tf_keras_fit >= 1.0",
            "runs": runs,
        },
    )


if __name__ == "__main__":
    main()
