"""What a legacy run does with each TF1/Keras name: one owner for every rule, read by the run and
by `legacy --check` alike.

Each rule says how a name is served: ``mapped`` (another implementation: tf-slim, tf.compat.v1.nn,
the project's readers), ``emulated`` (TF1's behaviour imitated here), ``restored`` (a name, argument
or default of Keras 1.2-2.3 that tf-keras changed or removed) or ``unsupported`` (the run stops with
one line naming it). The shims (shims/contrib/api.py, shims/keras/api.py, shims/keras/layers.py,
shims/keras/optimizers.py, shims/tensorflow/api.py) take their tables from here; check.py reports
from the same tables. Nothing here imports TensorFlow.
"""

from __future__ import annotations

import dataclasses

MAPPED, EMULATED, RESTORED, UNSUPPORTED = "mapped", "emulated", "restored", "unsupported"
READER = "tf1-tutorials' MNIST reader"
TF_SLIM = "tf-slim 1.1 (made to work on current TensorFlow)"


@dataclasses.dataclass(frozen=True)
class Rule:
    api: str  # the TF1 or Keras name as scripts write it (``tf.contrib.rnn``, ``keras.objectives``)
    kind: str
    what: str


# --- tf.contrib: each part's rule; a part not listed is unsupported with CONTRIB_UNMAPPED.
CONTRIB = {
    "slim": Rule("tf.contrib.slim", MAPPED, TF_SLIM),
    "layers": Rule(
        "tf.contrib.layers", MAPPED, "tf-slim 1.1's layers (made to work on current TensorFlow)"
    ),  # fmt: skip
    "framework": Rule("tf.contrib.framework", MAPPED, "tf-slim 1.1's arg_scope and variables"),
    "rnn": Rule("tf.contrib.rnn", MAPPED, "tf.compat.v1.nn.rnn_cell and tf.compat.v1.nn"),
    "learn": Rule("tf.contrib.learn.datasets", MAPPED, READER),
    "seq2seq": Rule(
        "tf.contrib.seq2seq",
        EMULATED,
        "sequence_loss rebuilt on tf.compat.v1 (its decoders and attention are not)",
    ),
    "factorization": Rule(
        "tf.contrib.factorization",
        EMULATED,
        "KMeans (its graph-building API): TensorFlow's own clustering_ops.KMeans, seeded as TF "
        "1.15's contrib class was",
    ),
    "tensor_forest": Rule(
        "tf.contrib.tensor_forest",
        UNSUPPORTED,
        "TensorFlow 2 has no tf.contrib, and tensor_forest's random forests ran on kernels that "
        "left with it (there is no graph-mode replacement to map them onto)",
    ),
}
CONTRIB_UNMAPPED = (
    "TensorFlow 2 has no tf.contrib, and only "
    + ", ".join(f"tf.contrib.{name}" for name, rule in CONTRIB.items() if rule.kind != UNSUPPORTED)
    + " are served"
)
# The contrib parts served from one module: part -> (the module, the names it serves, why any
# other name of the part is not served).
CONTRIB_SERVED = {
    "seq2seq": (
        "tf1_tutorials.legacy.shims.contrib.seq2seq",
        ("sequence_loss",),
        "of tf.contrib.seq2seq only sequence_loss is provided; its decoders (BasicDecoder, "
        "dynamic_decode), helpers and attention wrappers left with tf.contrib",
    ),
    "factorization": (
        "tf1_tutorials.legacy.shims.contrib.factorization",
        (
            "KMeans",
            "RANDOM_INIT",
            "KMEANS_PLUS_PLUS_INIT",
            "KMC2_INIT",
            "SQUARED_EUCLIDEAN_DISTANCE",
            "COSINE_DISTANCE",
        ),
        "of tf.contrib.factorization only KMeans (its graph-building API) is provided; "
        "KMeansClustering, GMM and WALS left with tf.contrib",
    ),  # fmt: skip
}

# --- Other TF1 names, by prefix of the name as scripts write it; the first match wins.
NAMES = (
    Rule("tf.estimator", EMULATED, "TF1's Estimator rebuilt on tf.compat.v1 Sessions"),
    Rule("tf.compat.v1.estimator", EMULATED, "TF1's Estimator rebuilt on tf.compat.v1 Sessions"),
    Rule("tf.contrib.learn.python.learn.datasets", MAPPED, READER),
    Rule("tensorflow.examples.tutorials.mnist.input_data", MAPPED, READER),
)

# --- Standalone Keras's modules. ``keras.<name>`` -> (the module serving it, its rule); the rule's
# api is filled in from the name. SHARED ones are served under ``tf.keras`` too.
KERAS_SHIMS = {
    "utils.np_utils": (
        "tf1_tutorials.legacy.shims.keras.np_utils",
        RESTORED,
        "Keras 1/2's np_utils (nb_classes= accepted)",
    ),
    "datasets.mnist": ("tf1_tutorials.legacy.shims.keras.mnist", MAPPED, READER + " (no download)"),
    "datasets.cifar10": (
        "tf1_tutorials.legacy.shims.keras.cifar10",
        MAPPED,
        "tf1-tutorials' CIFAR-10 reader (no download)",
    ),
}
KERAS_ERA_MODULES = {
    "optimizers": ("tf1_tutorials.legacy.shims.keras.optimizers", None, ""),
    "layers": ("tf1_tutorials.legacy.shims.keras.layers", None, ""),
}
# Keras 1 and 2.0-2.2 module names tf-keras dropped, for standalone ``keras`` only.
KERAS_MODULE_ALIASES = {
    "objectives": (
        "tf_keras.api._v1.keras.losses",
        RESTORED,
        "Keras 1's name for keras.losses",
    ),
    "utils.visualize_util": (
        "tf1_tutorials.legacy.shims.keras.visualize_util",
        RESTORED,
        "Keras 1's module: plot() is plot_model(), model_to_dot()",
    ),
    "utils.vis_utils": (
        "tf1_tutorials.legacy.shims.keras.visualize_util",
        RESTORED,
        "Keras 2's module: plot_model(), model_to_dot()",
    ),
    "engine": (
        "tf1_tutorials.legacy.shims.keras.engine",
        RESTORED,
        "Keras 1-2.2's engine (Layer, InputSpec, Input, Model, get_source_inputs)",
    ),
    "engine.topology": (
        "tf1_tutorials.legacy.shims.keras.engine",
        RESTORED,
        "Keras 1-2.1's engine.topology (Layer, InputSpec, Input, Container)",
    ),
    "engine.training": (
        "tf1_tutorials.legacy.shims.keras.engine",
        RESTORED,
        "Keras 1-2.2's engine.training (Model)",
    ),
    "legacy": ("tf1_tutorials.legacy.shims.keras.legacy", RESTORED, "Keras 2.0-2.2's keras.legacy"),
    "legacy.interfaces": (
        "tf1_tutorials.legacy.shims.keras.legacy",
        RESTORED,
        "Keras 2.0-2.2's argument-conversion decorators (no conversion left to do)",
    ),
}
# Keras 1's layer modules (``keras.layers.core``, ...), each served by ``keras.layers``.
KERAS_1_LAYER_MODULES = (
    "advanced_activations",
    "convolutional",
    "convolutional_recurrent",
    "core",
    "embeddings",
    "local",
    "merge",
    "noise",
    "normalization",
    "pooling",
    "recurrent",
    "wrappers",
)
KERAS_1_LAYER_MODULE_RULE = (RESTORED, "Keras 1-2.2's layer module: keras.layers")

UNPACK_SINGLETON = (
    "Keras 2.2-2.3's unpack_singleton: a layer whose call returns a one-item list gives the tensor"
)
KERAS_NAMES = (
    Rule("keras.layers.Lambda", RESTORED, UNPACK_SINGLETON),
    Rule("keras.backend.image_dim_ordering", RESTORED, "Keras 1's name ('tf' or 'th')"),
    Rule("keras.backend.set_image_dim_ordering", RESTORED, "Keras 1's name ('tf' or 'th')"),
)

# --- Keras 1's layer arguments, as Keras 2.0-2.2 converted them.
KERAS_1_ARGUMENTS = {
    "output_dim": "units",
    "nb_filter": "filters",
    "init": "kernel_initializer",
    "W_regularizer": "kernel_regularizer",
    "b_regularizer": "bias_regularizer",
    "W_constraint": "kernel_constraint",
    "b_constraint": "bias_constraint",
    "bias": "use_bias",
    "border_mode": "padding",
    "subsample": "strides",
    "dim_ordering": "data_format",
    "p": "rate",
    "beta_init": "beta_initializer",
    "gamma_init": "gamma_initializer",
}
# Keras 1's fit/fit_generator/evaluate_generator arguments (Keras 2.2's legacy interfaces).
KERAS_1_FIT_ARGUMENTS = {
    "nb_epoch": "epochs",
    "samples_per_epoch": "steps_per_epoch",
    "nb_val_samples": "validation_steps",
    "val_samples": "steps",
    "nb_worker": "workers",
    "pickle_safe": "use_multiprocessing",
    "max_q_size": "max_queue_size",
}
REMOVED_METHODS = {
    "predict_classes": "Sequential.predict_classes, removed in tf-keras",
    "predict_proba": "Sequential.predict_proba, removed in tf-keras",
}
KERAS_BEHAVIOURS = (
    Rule(
        "fit_generator(workers=)",
        EMULATED,
        "a Python generator the worker threads share is read under a lock (tf-keras turns "
        "validation arrays into one)",
    ),
)

# --- Keras optimizers: the era's signature (names and defaults, ``lr`` first, positional
# order) and what it fixes that tf-keras lets vary; tf-keras 2.21's defaults beside them.
ERA = "Keras 1.2-2.2"
ERA_OPTIMIZERS = {
    "SGD": ((("lr", 0.01), ("momentum", 0.0), ("decay", 0.0), ("nesterov", False)), {}),
    "RMSprop": ((("lr", 0.001), ("rho", 0.9), ("epsilon", None), ("decay", 0.0)), {}),
    "Adagrad": (
        (("lr", 0.01), ("epsilon", None), ("decay", 0.0)),
        {"initial_accumulator_value": 0.0},
    ),
    "Adadelta": ((("lr", 1.0), ("rho", 0.95), ("epsilon", None), ("decay", 0.0)), {}),
    "Adam": (
        (
            ("lr", 0.001),
            ("beta_1", 0.9),
            ("beta_2", 0.999),
            ("epsilon", None),
            ("decay", 0.0),
            ("amsgrad", False),
        ),
        {},
    ),  # fmt: skip
    "Adamax": (
        (("lr", 0.002), ("beta_1", 0.9), ("beta_2", 0.999), ("epsilon", None), ("decay", 0.0)),
        {},
    ),
    "Nadam": (
        (
            ("lr", 0.002),
            ("beta_1", 0.9),
            ("beta_2", 0.999),
            ("epsilon", None),
            ("schedule_decay", 0.004),
        ),
        {},
    ),  # fmt: skip
}
TF_KERAS_DEFAULTS = {
    "SGD": {"learning_rate": 0.01},
    "RMSprop": {"learning_rate": 0.001},
    "Adagrad": {"learning_rate": 0.001, "initial_accumulator_value": 0.1},
    "Adadelta": {"learning_rate": 0.001},
    "Adam": {"learning_rate": 0.001},
    "Adamax": {"learning_rate": 0.001},
    "Nadam": {"learning_rate": 0.001},
}


def changed_default(optimizer: str) -> str | None:
    """``lr=1.0 (tf-keras: 0.001)``: the era's defaults tf-keras changed, or None."""
    if optimizer not in ERA_OPTIMIZERS:
        return None
    parameters, fixed = ERA_OPTIMIZERS[optimizer]
    tf_keras = TF_KERAS_DEFAULTS[optimizer]
    era_lr, tf_lr = dict(parameters)["lr"], tf_keras["learning_rate"]
    era_parts, tf_parts = [f"lr={era_lr}"], [str(tf_lr)]
    accumulator = fixed.get("initial_accumulator_value")
    if accumulator is not None and accumulator != tf_keras.get("initial_accumulator_value"):
        era_parts.append(f"accumulators from {accumulator:g}")
        tf_parts.append(f"from {tf_keras['initial_accumulator_value']:g}")
    if era_lr == tf_lr and len(era_parts) == 1:
        return None
    return f"{', '.join(era_parts)} (tf-keras: {', '.join(tf_parts)})"


# --- TF1 behaviours a call's form or a script's values bring in.
TF_BEHAVIOURS = (
    Rule("tf.device(accelerator)", EMULATED, "CPU if absent"),
    Rule(
        "tf.device(function)",
        EMULATED,
        "each device the function returns: the CPU if absent",
    ),
    Rule(
        "NumPy integers in shapes",
        EMULATED,
        "a NumPy integer scalar where an op takes an int32/int64 shape or size is its Python int "
        "(NumPy 1.x made np.uint8 + 1 an int64, NumPy 2 keeps uint8)",
    ),
    Rule(
        "tf.set_random_seed",
        EMULATED,
        "the graph seed is set, but ops without their own seed= draw different numbers than on "
        "TensorFlow 1.15 (their seeds derive from the graph's op count, which differs here)",
    ),
)
SEED_SETTERS = ("tensorflow.set_random_seed", "tensorflow.compat.v1.set_random_seed",
                "tensorflow.random.set_random_seed")  # fmt: skip
# Ops that take ``seed=``; a seeded graph with one of these called without it draws differently.
RANDOM_OPS = (
    "random_normal", "truncated_normal", "random_uniform", "random_shuffle", "random_crop",
    "multinomial", "random_gamma", "random_poisson", "dropout", "glorot_uniform_initializer",
    "glorot_normal_initializer", "random_normal_initializer", "truncated_normal_initializer",
    "random_uniform_initializer", "variance_scaling_initializer", "orthogonal_initializer",
    "xavier_initializer", "get_variable", "dense", "conv2d", "conv2d_transpose", "fully_connected",
    "BasicLSTMCell", "LSTMCell", "GRUCell", "BasicRNNCell",
)  # fmt: skip


def behaviour(api: str) -> Rule:
    """The rule named ``api`` among the behaviours above."""
    for rule in (*TF_BEHAVIOURS, *KERAS_BEHAVIOURS):
        if rule.api == api:
            return rule
    raise KeyError(api)


def keras_module_rule(name: str) -> Rule | None:
    """The rule for the module ``keras.<name>``, or None if it is tf-keras's own."""
    for table in (KERAS_SHIMS, KERAS_MODULE_ALIASES):
        if name in table:
            _, kind, what = table[name]
            return Rule(f"keras.{name}", kind, what)
    package, _, leaf = name.partition(".")
    if package == "layers" and leaf in KERAS_1_LAYER_MODULES:
        return Rule(f"keras.{name}", *KERAS_1_LAYER_MODULE_RULE)
    return None


def name_rule(shown: str) -> Rule | None:
    """The rule for the name ``shown`` (as scripts write it), or None if it is served as it is."""
    if shown.startswith("tf.contrib."):
        part = CONTRIB.get(shown.split(".")[2])
        if part is not None and (shown == part.api or shown.startswith(part.api + ".")):
            return part
    for rule in (*NAMES, *KERAS_NAMES):
        if shown == rule.api or shown.startswith(rule.api + "."):
            return rule
    if shown.startswith("keras."):
        parts = shown.removeprefix("keras.").split(".")
        for depth in range(len(parts), 0, -1):  # the deepest module with a rule
            rule = keras_module_rule(".".join(parts[:depth]))
            if rule is not None:
                return rule
        head, _, leaf = shown.rpartition(".")
        if head == "keras.optimizers" and leaf in LOWER_CASE:
            return Rule(shown, RESTORED, f"Keras 2.2's lower-case alias of {LOWER_CASE[leaf]}")
    return None


# Keras 2.2's lower-case aliases (``keras.optimizers.adadelta``), also the strings compile took.
LOWER_CASE = {name.lower(): name for name in ERA_OPTIMIZERS}
