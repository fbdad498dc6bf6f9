"""What a run is asked to do (:class:`RunSettings`) and a variant's ``Config`` with its overrides
applied, checked (no TensorFlow here).

``static_config_class(variant)`` reads a variant's ``Config`` from its source without importing the
module (which imports TensorFlow), so a bad setting is refused in a fraction of a second.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib.util
import json
import math
from dataclasses import dataclass, field
from pathlib import Path

from tf1_tutorials import variants
from tf1_tutorials.data import facts
from tf1_tutorials.errors import UsageError
from tf1_tutorials.variants import recipe

# Training images each data set gives a variant: MNIST keeps 5,000 of its 60,000 for validation,
# except in the Keras variants, which train on all of them.
TRAINING_IMAGES = {
    ("mnist", "graph"): facts.MNIST_TRAIN_AFTER_VALIDATION,
    ("mnist", "keras"): facts.MNIST_TRAIN,
    ("cifar10", "graph"): facts.CIFAR10_TRAIN,
    ("cifar10", "keras"): facts.CIFAR10_TRAIN,
}
DATASETS = ("mnist", "cifar10")
# The optimizers Keras knows by name (keras_sequential's ``optimizer``), in any case.
KERAS_OPTIMIZERS = ("sgd", "adam", "adamax", "adagrad", "adadelta", "rmsprop", "nadam", "ftrl")
POSITIVE_COUNTS = ("steps", "epochs", "batches_per_epoch", "batch_size", "eval_batch_size")
# Counts where 0 means "none" or "all": steps_per_epoch 0 is every batch, log_every_* 0 is silence.
COUNTS = ("steps_per_epoch", "shuffle_buffer", "log_every_steps", "log_every_epochs")
# TensorFlow counts steps in an int64 (the global step), so no count or total of steps goes above.
INT64_MAX = 2**63 - 1
# Intra-op threads: TensorFlow takes an int32, and each is an OS thread; past a few per core they
# only wait on each other, and 1,024 is more than the largest machines have cores.
MAX_THREADS = 1024


class SettingError(UsageError):
    """An override that names no setting of the variant, or a value of the wrong type or range."""


def _convert(name: str, value, default):
    if not isinstance(value, str):
        return value
    try:
        if isinstance(default, bool):
            lowered = value.lower()
            if lowered not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(value)
            return lowered in ("true", "1", "yes")
        if isinstance(default, tuple):
            return tuple(type(default[0])(part) for part in value.split(","))
        if default is None:
            return value
        return type(default)(value)
    except ValueError:
        raise SettingError(
            f"{name}: {value!r} is not a valid {type(default).__name__} (default {default!r})"
        ) from None


def make_config(config_class, overrides: dict, variant: str = ""):
    """``config_class()`` with ``overrides`` (name -> value, strings converted to the field's type).

    Raises :class:`SettingError` naming the setting when the variant has no such setting, the
    value does not convert, or it is out of range (see :func:`check_values`).
    """
    defaults = config_class()
    fields = {f.name for f in dataclasses.fields(config_class)}
    values = {}
    for name, value in overrides.items():
        if name not in fields:
            raise SettingError(
                f"{name}: variant {variant or config_class.__module__!r} has no setting {name!r} "
                f"(its settings: {', '.join(sorted(fields))})"
            )
        values[name] = _convert(name, value, getattr(defaults, name))
    config = dataclasses.replace(defaults, **values)
    check_values(config)
    return config


def check_values(config) -> None:
    """SettingError naming the first setting whose value no training can use."""
    for name in POSITIVE_COUNTS:
        value = getattr(config, name, None)
        if value is not None and (not isinstance(value, int) or value <= 0):
            raise SettingError(f"{name}: must be a positive integer, got {value!r}")
    for name in COUNTS:
        value = getattr(config, name, None)
        if value is not None and value < 0:
            raise SettingError(f"{name}: must be 0 or more, got {value!r}")
    for name in (*POSITIVE_COUNTS, *COUNTS):
        value = getattr(config, name, None)
        if isinstance(value, int) and value > INT64_MAX:
            raise SettingError(
                f"{name}: {value} is above {INT64_MAX:,}, the most TensorFlow's int64 counts hold"
            )
    total = getattr(config, "total_steps", None)
    if isinstance(total, int) and total > INT64_MAX:
        raise SettingError(
            f"total steps: {total} is above {INT64_MAX:,}, the most TensorFlow's global step holds"
        )
    units = getattr(config, "hidden_units", None)
    if units is not None and not all(count > 0 for count in units):
        raise SettingError(f"hidden_units: each layer needs at least one unit, got {units!r}")
    rate = getattr(config, "learning_rate", None)
    if rate is not None and not (math.isfinite(rate) and rate > 0):
        raise SettingError(f"learning_rate: must be a finite number above 0, got {rate!r}")
    keep_prob = getattr(config, "keep_prob", None)
    if keep_prob is not None and not 0 < keep_prob <= 1:
        raise SettingError(f"keep_prob: must be above 0 and at most 1, got {keep_prob!r}")
    optimizer = getattr(config, "optimizer", None)
    if optimizer is not None and optimizer.lower() not in KERAS_OPTIMIZERS:
        raise SettingError(f"optimizer: {optimizer!r} is not one of {', '.join(KERAS_OPTIMIZERS)}")
    dataset = getattr(config, "dataset", None)
    if dataset is not None and dataset not in DATASETS:
        raise SettingError(f"dataset: {dataset!r} is not one of {', '.join(DATASETS)}")


SEED_RANGE = range(2**32)  # what TensorFlow and NumPy accept as a seed


def check_run_settings(settings: RunSettings) -> None:
    """UsageError naming the first bad setting that every run shares, in one process (``run``,
    ``measure``) or as a cluster (the launcher and each task): its variant's ``--set`` values,
    ``--seed``, ``--threads`` and ``--checkpoint-every``."""
    try:
        variant = variants.get(settings.variant)
    except ValueError as err:
        raise UsageError(str(err), hint="`tf1-tutorials list` shows them") from None
    make_config(static_variant(variant.module).config_class, settings.overrides, settings.variant)
    if settings.seed is not None and settings.seed not in SEED_RANGE:
        raise UsageError(f"--seed: must be 0 to {2**32 - 1}, got {settings.seed}")
    check_threads(settings.threads)
    if settings.checkpoint_every < 0:
        raise UsageError(
            f"--checkpoint-every: must be 0 (only at the end) or more, "
            f"got {settings.checkpoint_every}"
        )


def check_threads(threads: int) -> None:
    """UsageError for a thread count TensorFlow cannot or should not be given."""
    if threads < 0:
        raise UsageError(f"--threads: must be 0 (all cores) or more, got {threads}")
    if threads > MAX_THREADS:
        raise UsageError(
            f"--threads: {threads} is more than {MAX_THREADS:,}; each is an OS thread, and past a "
            "few per core they only wait on each other"
        )


def check_batch_size(config, dataset: str | None, kind: str) -> None:
    """SettingError when a training batch is larger than the training split it is drawn from."""
    images = TRAINING_IMAGES.get((dataset, kind))
    batch_size = getattr(config, "batch_size", None)
    if images is not None and batch_size is not None and batch_size > images:
        raise SettingError(
            f"batch_size: {batch_size} is larger than the {images:,} {dataset} training images"
        )


@dataclasses.dataclass(frozen=True)
class StaticVariant:
    """What a variant module declares, read from its source: ``KIND``, ``DATASET``, ``Config``."""

    kind: str
    dataset: str | None
    config_class: type


def static_variant(module_name: str) -> StaticVariant:
    """``KIND``, ``DATASET`` and the ``Config`` dataclass of ``module_name``, from its source text
    (the module itself imports TensorFlow). The Config's defaults are literals in every variant,
    and its base, if any, is one of :mod:`tf1_tutorials.variants.recipe`'s."""
    origin = importlib.util.find_spec(module_name).origin
    with open(origin) as source:
        tree = ast.parse(source.read(), origin)
    constants, config_node = {}, None
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == "Config":
            config_node = node
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id in ("KIND", "DATASET"):
                constants[target.id] = ast.literal_eval(node.value)
    module = ast.Module(body=[config_node], type_ignores=[])
    code = compile(module, origin, "exec")  # inherits this module's postponed annotations
    namespace = {"dataclass": dataclasses.dataclass, "field": dataclasses.field, **vars(recipe)}
    exec(code, namespace)  # the project's own variant source, its Config class only
    return StaticVariant(constants["KIND"], constants.get("DATASET"), namespace["Config"])


def parse_assignments(pairs: list[str]) -> dict[str, str]:
    """``["steps=100", "learning_rate=0.03"]`` -> a dict; SettingError on a pair without ``=``."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise SettingError(f"--set: expected NAME=VALUE, got {pair!r}")
        key = name.strip().replace("-", "_")
        if key in out:
            raise SettingError(f"--set {key}: given twice; a setting takes one value")
        out[key] = value.strip()
    return out


@dataclass(frozen=True)
class RunSettings:
    """Everything one run is asked to do. ``overrides``: Config field -> value (typed, or a string
    to convert as ``--set`` does); ``seed`` None picks a fresh one; ``logdir`` None picks
    :func:`default_logdir`; ``progress`` None shows a bar only when stderr is a terminal."""

    variant: str
    overrides: dict = field(default_factory=dict)
    seed: int | None = None
    data_dir: Path | None = None
    logdir: Path | None = None
    resume: bool = False
    deterministic: bool = False
    checkpoint_every: int = 1000
    threads: int = 0
    progress: bool | None = None
    summaries: str = "light"

    def __post_init__(self):
        object.__setattr__(self, "overrides", dict(self.overrides))
        for name in ("data_dir", "logdir"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, Path(value))

    def to_json(self) -> str:
        fields = dataclasses.asdict(self)
        for name in ("data_dir", "logdir"):
            fields[name] = None if fields[name] is None else str(fields[name])
        return json.dumps(fields)

    @classmethod
    def from_json(cls, text: str) -> RunSettings:
        """The settings ``to_json`` wrote (JSON lists become the tuples they were)."""
        fields = json.loads(text)
        overrides = fields.pop("overrides")
        typed = {k: tuple(v) if isinstance(v, list) else v for k, v in overrides.items()}
        return cls(overrides=typed, **fields)
