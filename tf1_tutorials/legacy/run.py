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
import stat
import subprocess
import sys

from tf1_tutorials.legacy.compare import sides as compare
from tf1_tutorials.legacy.launch import command
from tf1_tutorials.legacy.shims.tensorflow.devices import STRICT_ENV
from tf1_tutorials.legacy.unsupported import EXIT_UNSUPPORTED, PROGRAM

# What --check reads of a script: a regular file of at most this size (the longest TF1 tutorial
# scripts are tens of KiB; a file this large is no script, and /dev/zero would never end).
CHECK_MAX_BYTES = 16 * 2**20
BINARY_PROBE_BYTES = 2**20  # where a script run is looked at for the NUL bytes no source has


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


def script_problem(script: str, max_bytes: int | None = None) -> tuple[int, str] | None:
    """The exit status and one line for a script that cannot be run or read: missing, not a
    regular file (a directory, a device, a FIFO), larger than ``max_bytes``, or binary (a NUL
    byte, which no Python source holds); None for a script worth handing to Python."""
    try:
        info = os.stat(script)
    except OSError as err:
        reason = "no such file" if not os.path.lexists(script) else err.strerror.lower()
        return EXIT_UNSUPPORTED, f"{PROGRAM}: can't open script {script!r}: {reason}"
    if not stat.S_ISREG(info.st_mode):
        what = "a directory" if stat.S_ISDIR(info.st_mode) else "not a regular file"
        return EXIT_UNSUPPORTED, f"{PROGRAM}: can't open script {script!r}: is {what}"
    if max_bytes is not None and info.st_size > max_bytes:
        return EXIT_UNSUPPORTED, (
            f"{PROGRAM}: can't check script {script!r}: {info.st_size:,} bytes, more than the "
            f"{max_bytes:,} a script could be"
        )
    try:
        with open(script, "rb") as script_file:
            head = script_file.read(BINARY_PROBE_BYTES)
    except OSError as err:
        return EXIT_UNSUPPORTED, f"{PROGRAM}: can't open script {script!r}: {err.strerror.lower()}"
    nul = head.find(b"\0")
    if nul >= 0:
        return 1, (
            f"{PROGRAM}: {script}: not a Python script: it holds binary data (a NUL byte at "
            f"offset {nul:,})"
        )
    return None


def run(script: str, script_args: list[str], strict_devices: bool = False) -> int:
    """Run ``script`` in a fresh process; its exit status (128 + N if signal N ended it)."""
    problem = script_problem(script)
    if problem is not None:
        print(problem[1], file=sys.stderr)
        return problem[0]
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
        problem = script_problem(args.script, CHECK_MAX_BYTES)
        if problem is not None:
            print(problem[1], file=sys.stderr)
            return problem[0]
        from tf1_tutorials.legacy import check

        return check.main(args.script)
    return run(args.script, args.script_args, args.strict_devices)
