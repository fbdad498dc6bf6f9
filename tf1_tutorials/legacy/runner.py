"""`tf1-tutorials legacy SCRIPT.py [ARGS...]`: run an unmodified TensorFlow 1.x script.

The script runs in a fresh Python process (bootstrap.py) where ``import tensorflow`` gives
``tf.compat.v1`` in graph mode, ``tensorflow.examples.tutorials.mnist.input_data`` is
tf1-tutorials' reader, ``tf.contrib.slim``/``layers``/``framework`` are tf-slim, and ``keras`` is
tf-keras's TF1 API with Keras 1/2's ``np_utils`` and MNIST/CIFAR-10 ``load_data``. This process
only builds the command and passes the script's exit status on; nothing here imports TensorFlow.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys

from tf1_tutorials.legacy import compare
from tf1_tutorials.legacy.devices import STRICT_ENV
from tf1_tutorials.legacy.launch import command
from tf1_tutorials.legacy.unsupported import EXIT_UNSUPPORTED, PROGRAM


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--strict-devices",
        action="store_true",
        help="keep tf.device pins to absent GPUs as written and fail as TensorFlow 1 did "
        "(by default their ops run on the CPU)",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="do not run the script: list each TF1 API it uses that is mapped, emulated, given "
        "its old default or not supported (exit 2 if any is unsupported)",
    )
    compare.add_arguments(parser)
    parser.add_argument("script", help="the TensorFlow 1.x script to run, unmodified")
    parser.add_argument(
        "script_args",
        nargs=argparse.REMAINDER,
        metavar="ARGS",
        help="the script's own arguments, passed on as they are",
    )


def run(script: str, script_args: list[str], strict_devices: bool = False) -> int:
    """Run ``script`` in a fresh process; its exit status (128 + N if signal N ended it)."""
    if not os.path.isfile(script):
        what = "is not a file" if os.path.exists(script) else "no such file"
        print(f"{PROGRAM}: can't open script {script!r}: {what}", file=sys.stderr)
        return EXIT_UNSUPPORTED
    env = dict(os.environ)
    if strict_devices:
        env[STRICT_ENV] = "1"
    child = subprocess.Popen(command(script, script_args), env=env)
    try:
        status = child.wait()
    except KeyboardInterrupt:  # the child got the same Ctrl-C: let it finish its own way
        status = child.wait()
    return 128 - status if status < 0 else status


def main(args: argparse.Namespace) -> int:
    if args.compare or args.repeat is not None:
        return compare.main(args)
    if args.check:
        from tf1_tutorials.legacy import check

        return check.main(args.script)
    return run(args.script, args.script_args, args.strict_devices)
