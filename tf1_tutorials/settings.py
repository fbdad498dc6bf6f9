"""A variant's ``Config`` with command-line overrides applied (no TensorFlow here)."""

from __future__ import annotations

import dataclasses


class SettingError(ValueError):
    """An override that names no setting of the variant, or a value of the wrong type."""


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

    Raises :class:`SettingError` naming the setting when the variant has no such setting or the
    value does not convert, or when a count that must be positive is not.
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
    for name in ("steps", "epochs", "batches_per_epoch", "batch_size", "eval_batch_size"):
        value = getattr(config, name, None)
        if value is not None and (not isinstance(value, int) or value <= 0):
            raise SettingError(f"{name}: must be a positive integer, got {value!r}")
    rate = getattr(config, "learning_rate", None)
    if rate is not None and not rate > 0:
        raise SettingError(f"learning_rate: must be positive, got {rate!r}")
    return config


def parse_assignments(pairs: list[str]) -> dict[str, str]:
    """``["steps=100", "learning_rate=0.03"]`` -> a dict; SettingError on a pair without ``=``."""
    out = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise SettingError(f"--set: expected NAME=VALUE, got {pair!r}")
        out[name.strip().replace("-", "_")] = value.strip()
    return out
