"""One task of a cluster: ``python -m tf1_tutorials.cluster.task VARIANT [options]``.

The cluster and this task's place in it come from ``TF_CONFIG`` or from ``--ps-hosts``,
``--worker-hosts``, ``--job-name`` and ``--task-index`` (:mod:`tf1_tutorials.cluster.spec`). Each
task is its own process in v1 mode: a ps task serves variables until the workers release it, a
worker trains its share and worker 0, the chief, also checkpoints, tests and writes ``result.json``
(:mod:`tf1_tutorials.cluster.runtime` says how). This module parses and checks the arguments
without importing TensorFlow, so a bad cluster or setting fails at once, before any server starts.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import socket
import sys
import threading
import time
import traceback
from pathlib import Path

from tf1_tutorials.cluster.spec import (
    SUPPORTED,
    ClusterError,
    ClusterSpecError,
    TaskOptions,
    check_variant,
    resolve,
)
from tf1_tutorials.errors import UsageError, UserError
from tf1_tutorials.training import logdir_lock
from tf1_tutorials.training.arguments import add_training_arguments, overrides_from_args
from tf1_tutorials.training.runner import default_logdir
from tf1_tutorials.training.settings import SettingError, check_run_settings

# Set by the launcher to its own pid: a task it started stops when the launcher is gone.
LAUNCHER_PID_ENV = "TF1_TUTORIALS_CLUSTER_LAUNCHER_PID"
# The settings of softmax and experts with a flag of their own; any other goes by --set.
CLUSTER_SETTINGS = ("steps", "learning_rate", "batch_size", "keep_prob")
CLUSTER_HELP = {
    "steps": "global steps: aggregated updates (sync) or all workers' updates together (async)",
    "batch_size": "training batch size of each worker",
    "keep_prob": "dropout keep probability while training (experts)",
    "seed": "graph seed of every task; worker i shuffles its batches with seed + i (default: "
    "`cluster run` picks a fresh one, recorded in the result; a task started alone is unseeded)",
    "logdir": "the chief's checkpoints, TensorBoard events, result.json "
    "(default: runs/cluster-<variant>-<timestamp>)",
    "checkpoint_every": "the chief saves a checkpoint every STEPS global steps and at the end "
    "(0: only at the end)",
}


def add_cluster_training_arguments(parser: argparse.ArgumentParser) -> None:
    """What to train and how: the same for every task (the launcher passes them on to each)."""
    variant_help = f"the variant to train: {' or '.join(SUPPORTED)}"
    add_training_arguments(parser, variant_help, CLUSTER_HELP, CLUSTER_SETTINGS)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--sync",
        dest="sync",
        action="store_true",
        default=True,
        help="synchronous updates: each global step averages one batch from every worker (default)",
    )
    mode.add_argument(
        "--async", dest="sync", action="store_false", help="asynchronous updates (no waiting)"
    )
    parser.add_argument(
        "--wait-seconds",
        type=float,
        default=600.0,
        metavar="S",
        help="longest wait for the chief's initialisation or for the other workers to finish",
    )


def add_cluster_arguments(parser: argparse.ArgumentParser) -> None:
    """The cluster as flags (instead of TF_CONFIG)."""
    group = parser.add_argument_group("the cluster, when TF_CONFIG is not set")
    group.add_argument("--ps-hosts", metavar="HOST:PORT,...", help="parameter-server tasks")
    group.add_argument("--worker-hosts", metavar="HOST:PORT,...", help="worker tasks (0: chief)")
    group.add_argument("--job-name", metavar="ps|worker", help="this task's job")
    group.add_argument("--task-index", metavar="N", help="this task's index in its job")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_cluster_training_arguments(parser)
    add_cluster_arguments(parser)


# --- entry point --------------------------------------------------------------------------------


def cluster_logdir(args: argparse.Namespace) -> Path:
    """``--logdir``, else the default of every run, named ``cluster-<variant>``."""
    return Path(args.logdir) if args.logdir else default_logdir(f"cluster-{args.variant}", False)


def options_from_args(args: argparse.Namespace, overrides: dict) -> TaskOptions:
    return TaskOptions(
        variant=args.variant,
        overrides=overrides,
        logdir=cluster_logdir(args),
        sync=args.sync,
        seed=args.seed,
        data_dir=Path(args.data_dir) if args.data_dir else None,
        checkpoint_every=args.checkpoint_every,
        threads=args.threads,
        wait_seconds=args.wait_seconds,
    )


def run_task(args: argparse.Namespace, prog: str = "tf1-tutorials cluster task") -> int:
    """Resolve the task from TF_CONFIG or the flags and run it; 2 on a usage error."""
    try:
        task = resolve(
            ps_hosts=args.ps_hosts,
            worker_hosts=args.worker_hosts,
            job_name=args.job_name,
            task_index=args.task_index,
        )
        check_variant(args.variant)
        options = options_from_args(args, overrides_from_args(args))
        check_run_settings(options)
        if not args.wait_seconds > 0:
            raise UsageError(f"--wait-seconds: must be positive, got {args.wait_seconds:g}")
    except (ClusterSpecError, UsageError, ValueError) as err:
        print(f"{prog}: error: {err}", file=sys.stderr)
        return 2
    overrides = options.overrides
    try:
        check_port_free(task.address)
        if task.is_chief:
            options.logdir.mkdir(parents=True, exist_ok=True)
            owner = logdir_lock.hold(options.logdir)  # the chief alone writes the log directory
        else:
            owner = contextlib.nullcontext()
        with owner:
            return _run_task(task, args, overrides, options, prog)
    except UserError as err:
        print(f"{prog}: {task.name}: error: {err}", file=sys.stderr)
        if err.hint:
            print(f"{prog}: hint: {err.hint}", file=sys.stderr)
        return err.exit_status
    except OSError as err:
        print(f"{prog}: {task.name}: error: --logdir {options.logdir}: {err}", file=sys.stderr)
        return 1


def check_port_free(address: str) -> None:
    """UserError naming the port when another process listens on this task's port (the server
    would otherwise fail in many lines of gRPC that never name it)."""
    port = address.rpartition(":")[2]
    probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind(("", int(port)))
    except OSError as err:
        if err.errno == errno.EADDRINUSE:
            raise UserError(
                f"port {port} (of {address}) is in use by another process; this task cannot "
                "serve there",
                hint="stop what listens there, or give this task another port",
            ) from None
        if err.errno == errno.EACCES:
            raise UserError(f"port {port} (of {address}): not allowed to listen there") from None
    finally:
        probe.close()


def _run_task(task, args: argparse.Namespace, overrides: dict, options: TaskOptions, prog) -> int:
    from tf1_tutorials.cluster import runtime  # TensorFlow, v1 mode

    if task.job_name == "ps":
        return runtime.run_ps(task, options)
    try:
        runtime.run_worker(task, args.variant, overrides, options)
    except (SettingError, FileNotFoundError) as err:
        print(f"{prog}: {task.name}: error: {err}", file=sys.stderr)
        return 2
    except ClusterError as err:
        print(f"{prog}: {task.name}: error: {err}", file=sys.stderr)
        return 1
    return 0


def _exit_with_launcher(prog: str) -> None:
    """When a launcher started this task (its pid in LAUNCHER_PID_ENV), end the task as soon as
    the launcher is gone, however it ended: a cluster never outlives the command that made it."""
    value = os.environ.get(LAUNCHER_PID_ENV, "")
    if not value.isdigit():
        return
    launcher_pid = int(value)

    def watch():
        while os.getppid() == launcher_pid:
            time.sleep(1.0)
        try:
            print(f"{prog}: the launcher (pid {launcher_pid}) is gone; stopping", file=sys.stderr)
            sys.stderr.flush()
        except OSError:  # the launcher held the other end of this task's output
            pass
        os._exit(1)

    threading.Thread(target=watch, name="launcher-watch", daemon=True).start()


def run_task_and_exit(args: argparse.Namespace, prog: str):
    """Run the task and end the process with its exit code, without waiting for the TensorFlow
    server's threads (a server cannot be shut down from Python)."""
    _exit_with_launcher(prog)
    try:
        code = run_task(args, prog)
    except KeyboardInterrupt:
        code = 130
    except Exception:
        traceback.print_exc()
        code = 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def main(argv: list[str] | None = None):
    prog = "python -m tf1_tutorials.cluster.task"
    parser = argparse.ArgumentParser(prog=prog, description=__doc__.split("\n\n")[0])
    add_arguments(parser)
    run_task_and_exit(parser.parse_args(argv), prog)


if __name__ == "__main__":
    main()
