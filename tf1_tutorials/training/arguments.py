"""The training arguments `tf1-tutorials run` and `tf1-tutorials cluster` share: the variant, its
settings (as flags and ``--set NAME=VALUE``), the seed, the data and log directories, checkpoints
and threads. Each command adds its own extras. No TensorFlow here.
"""

from __future__ import annotations

import argparse

from tf1_tutorials.training.settings import SettingError, parse_assignments

# command-line flag -> Config field
SETTING_FLAGS = {
    "steps": "training steps (step-based variants)",
    "epochs": "training epochs (epoch-based variants)",
    "batches_per_epoch": "batches in an epoch (epoch-based variants)",
    "learning_rate": "optimizer learning rate",
    "batch_size": "training batch size",
    "keep_prob": "dropout keep probability while training (experts, slim_cnn)",
    "dataset": "mnist or cifar10 (keras_sequential)",
}
HELP = {
    **SETTING_FLAGS,
    "seed": "seed for TensorFlow and the batch order "
    "(default: a fresh random seed, recorded in the result)",
    "logdir": "where checkpoints, TensorBoard events and result.json go "
    "(default: runs/<variant>-<timestamp>)",
    "checkpoint_every": "save a checkpoint every STEPS steps and at the end (0: only at the end)",
}


def add_training_arguments(
    parser: argparse.ArgumentParser,
    variant_help: str,
    help_texts: dict[str, str] | None = None,
    settings: tuple[str, ...] = (*SETTING_FLAGS, "scale_inputs"),
) -> None:
    """The shared arguments, with a flag for each of ``settings`` (SETTING_FLAGS and
    ``scale_inputs``: the ones this command's variants have); ``help_texts`` (a HELP key -> text)
    says what a flag means for this command."""
    texts = {**HELP, **(help_texts or {})}
    parser.add_argument("variant", help=variant_help)
    for name in SETTING_FLAGS:
        if name in settings:
            parser.add_argument("--" + name.replace("_", "-"), dest=name, help=texts[name])
    if "scale_inputs" in settings:
        parser.add_argument(
            "--scale-inputs",
            action="store_const",
            const="true",
            dest="scale_inputs",
            help="divide the CIFAR-10 pixels by 255 (the document fed raw 0-255 values)",
        )
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="any other Config setting of the variant, e.g. --set eval_batch_size=500",
    )
    parser.add_argument("--seed", type=int, help=texts["seed"])
    parser.add_argument("--data-dir", help="data directory (default: the reader's cache)")
    parser.add_argument("--logdir", help=texts["logdir"])
    parser.add_argument(
        "--checkpoint-every",
        type=int,
        default=1000,
        metavar="STEPS",
        help=texts["checkpoint_every"],
    )
    parser.add_argument("--threads", type=int, default=0, help="intra-op threads (0: all cores)")


def overrides_from_args(args: argparse.Namespace) -> dict[str, str]:
    """The Config overrides ``--set`` and the setting flags ask for (as strings)."""
    overrides = parse_assignments(args.set)
    for name in (*SETTING_FLAGS, "scale_inputs"):
        value = getattr(args, name, None)
        if value is not None:
            if name in overrides:
                flag = "--" + name.replace("_", "-")
                raise SettingError(
                    f"--set {name}={overrides[name]} and {flag} {value}: the same setting twice; "
                    "give one"
                )
            overrides[name] = value
    return overrides
