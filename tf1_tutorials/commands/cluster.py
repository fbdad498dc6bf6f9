"""`tf1-tutorials cluster run VARIANT` trains softmax or experts on TF1's own distributed runtime,
on --ps ps and --workers worker processes of this machine
(:func:`tf1_tutorials.cluster.launcher.launch`); `tf1-tutorials cluster task` runs one task of a
cluster (:func:`tf1_tutorials.cluster.task.run_task_and_exit`)."""

from __future__ import annotations

import argparse
import signal
import sys

from tf1_tutorials.cluster import task as task_module
from tf1_tutorials.cluster.launcher import (
    DEFAULT_TIMEOUT,
    PROG,
    LaunchError,
    check_arguments,
    launch,
    raise_terminated,
)
from tf1_tutorials.errors import UsageError


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--ps", type=int, default=1, help="parameter-server tasks (default 1)")
    parser.add_argument("--workers", type=int, default=2, help="worker tasks (default 2)")
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help="stop every task and fail after S seconds (default 6 hours)",
    )
    sub = parser.add_subparsers(dest="cluster_command", metavar="run|task")
    run = sub.add_parser(
        "run",
        help="train a variant on a cluster of local processes",
        description="Train a variant on --ps ps and --workers worker processes on 127.0.0.1.",
    )
    task_module.add_cluster_training_arguments(run)
    one = sub.add_parser(
        "task",
        help="run one task of a cluster (TF_CONFIG or --ps-hosts/--worker-hosts/...)",
        description=task_module.__doc__.split("\n\n")[0],
    )
    task_module.add_arguments(one)


def main(args: argparse.Namespace) -> int:
    if args.cluster_command is None:
        raise UsageError("say `run VARIANT ...` or `task VARIANT ...`")
    if args.cluster_command == "task":
        task_module.run_task_and_exit(args, f"{PROG} task")
    check_arguments(args)
    previous = {
        signum: signal.signal(signum, raise_terminated)
        for signum in (signal.SIGTERM, signal.SIGHUP)
    }
    try:
        launch(args, args.ps, args.workers, args.timeout)
    except LaunchError as err:  # a task's own output follows the line naming it
        print(f"{PROG}: error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt as err:
        signum = getattr(err, "signum", signal.SIGINT)
        print(
            f"{PROG}: stopped by {signal.Signals(signum).name}; every task has been stopped",
            file=sys.stderr,
        )
        return 128 + signum
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    return 0
