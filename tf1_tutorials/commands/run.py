"""`tf1-tutorials run VARIANT`: train one variant, print the tutorial's lines, write result.json.

The command line becomes a :class:`~tf1_tutorials.training.runner.RunSettings` that
:func:`tf1_tutorials.training.runner.run` checks (before TensorFlow is imported) and trains. Errors
reach ``cli.main``, which turns them into one line and an exit status (:mod:`tf1_tutorials.errors`).
"""

from __future__ import annotations

import argparse
import sys

from tf1_tutorials.evidence import bands
from tf1_tutorials.training import runner
from tf1_tutorials.training.arguments import add_training_arguments, overrides_from_args


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_training_arguments(parser, "a name from `tf1-tutorials list`")
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue from the last checkpoint in --logdir (default: the newest "
        "runs/<variant>-*) to the same total steps",
    )
    parser.add_argument("--deterministic", action="store_true", help="TensorFlow op determinism on")
    parser.add_argument(
        "--summaries",
        choices=("light", "full"),
        default="light",
        help="TensorBoard: light (loss, batch accuracy, graph) or full (also weight and bias "
        "histograms and input images, as TF1's mnist_with_summaries; graph variants)",
    )
    progress = parser.add_mutually_exclusive_group()
    progress.add_argument("--progress", action="store_true", default=None)
    progress.add_argument("--no-progress", action="store_false", dest="progress")


def settings_from_args(args: argparse.Namespace) -> runner.RunSettings:
    return runner.RunSettings(
        variant=args.variant,
        overrides=overrides_from_args(args),
        seed=args.seed,
        data_dir=args.data_dir,
        logdir=args.logdir,
        resume=args.resume,
        deterministic=args.deterministic,
        checkpoint_every=args.checkpoint_every,
        threads=args.threads,
        progress=args.progress,
        summaries=args.summaries,
    )


def run_judged(settings: runner.RunSettings) -> int:
    """The run, its band said after its test accuracy (what ``tf1-tutorials run`` prints)."""
    runner.run(settings, judge=bands.judge_run)
    return 0


def main(args: argparse.Namespace) -> int:
    return run_judged(settings_from_args(args))


def fresh_process_main() -> int:
    """``python -m tf1_tutorials.commands.run`` (:func:`runner.run_in_fresh_process`): the
    settings as JSON on stdin, run and reported as ``tf1-tutorials run`` would."""
    from tf1_tutorials import cli

    settings = runner.RunSettings.from_json(sys.stdin.read())
    return cli.run_reporting_errors("run", lambda: run_judged(settings))


if __name__ == "__main__":
    sys.exit(fresh_process_main())
