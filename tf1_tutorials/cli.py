"""The `tf1-tutorials` command. Each subcommand lives in its own module, imported only when used, so
`tf1-tutorials list` never pays for a TensorFlow import."""

from __future__ import annotations

import argparse
import importlib
import sys

# subcommand -> (module, one-line help); each module defines add_arguments(parser), main(args).
COMMANDS: dict[str, tuple[str, str]] = {
    "list": ("tf1_tutorials.list_command", "list the tutorial variants"),
    "run": ("tf1_tutorials.run_command", "train one tutorial variant and write its result"),
    "measure": ("tf1_tutorials.harness", "run band entries under seeds; record or check them"),
    "report": ("tf1_tutorials.report", "write REPORT.md and plots from the measured runs"),
    "legacy": ("tf1_tutorials.legacy.runner", "run an unmodified TensorFlow 1.x script"),
    "cluster": (
        "tf1_tutorials.cluster.launcher",
        "train softmax or experts on a TF1 cluster of ps and worker processes",
    ),
    "doctor": ("tf1_tutorials.doctor", "check versions, data, mirrors and disk before a run"),
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tf1-tutorials",
        description="Run the TensorFlow 1.x MNIST/CIFAR-10 tutorials on current TensorFlow.",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module_name, help_text) in COMMANDS.items():
        command = sub.add_parser(name, help=help_text, description=help_text)
        module = importlib.import_module(module_name)
        module.add_arguments(command)
        command.set_defaults(_module=module)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help(sys.stderr)
        return 2
    return int(args._module.main(args) or 0)


if __name__ == "__main__":
    sys.exit(main())
