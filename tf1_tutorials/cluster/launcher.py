"""`tf1-tutorials cluster`: a TF1 cluster of ps and worker tasks, each in its own process.

``tf1-tutorials cluster --ps 1 --workers 2 run experts --steps 2000 [--async]`` picks free ports on
127.0.0.1, starts every task as ``python -m tf1_tutorials.cluster.task`` with its ``TF_CONFIG``,
streams the chief's output (worker 0), keeps every other task's output in
``<logdir>/tasks/<job>-<index>.log``, waits for the workers, then for the ps tasks to stop by
themselves (they are released by the workers; any still running a few seconds later are
terminated). Any task exiting with an error, or the whole run outliving ``--timeout``, stops every
task and exits non-zero with a message naming the task and the end of its log.

``tf1-tutorials cluster task experts ...`` runs one task of a cluster spread over machines, with
the cluster in ``TF_CONFIG`` or given by ``--ps-hosts``, ``--worker-hosts``, ``--job-name`` and
``--task-index``.

No TensorFlow is imported in this process.
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

from tf1_tutorials.cluster import task as task_module
from tf1_tutorials.cluster.spec import ClusterSpecError, TaskSpec, check_variant, local_cluster
from tf1_tutorials.errors import FileProblem, Terminated, UsageError, check_writable_dir
from tf1_tutorials.training import logdir_lock, results
from tf1_tutorials.training.arguments import SETTING_FLAGS, overrides_from_args
from tf1_tutorials.training.runner import check_logdir_name
from tf1_tutorials.training.settings import RunSettings, check_run_settings

PS_GRACE_SECONDS = 10.0  # how long the ps tasks get to stop by themselves once the workers are done
TERMINATE_GRACE_SECONDS = 5.0  # between SIGTERM and SIGKILL
DEFAULT_TIMEOUT = 6 * 3600.0
PROG = "tf1-tutorials cluster"
# Every task is a TensorFlow process of its own (a few hundred MB, its own thread pools): past a
# few per core they only wait on one another, and a mistyped count would start hundreds.
MAX_TASKS = max(8, 4 * (os.cpu_count() or 1))


@dataclass
class TaskProcess:
    task: TaskSpec
    process: subprocess.Popen
    log_path: Path
    tail: deque = field(default_factory=lambda: deque(maxlen=40))
    reader: threading.Thread | None = None

    @property
    def name(self) -> str:
        return self.task.name

    def last_lines(self) -> str:
        if self.reader is not None:
            self.reader.join(timeout=2)
            lines = list(self.tail)
        else:
            try:
                lines = self.log_path.read_text(errors="replace").splitlines()[-40:]
            except OSError:
                lines = []
        return "\n".join(f"  | {line}" for line in lines) or "  | (no output)"


class LaunchError(RuntimeError):
    """A task failed or the cluster ran out of time; every task has been stopped."""


def task_argv(args: argparse.Namespace, logdir: Path, seed: int) -> list[str]:
    """The training arguments every task gets (paths absolute: tasks run in their own folders)."""
    argv = [args.variant, "--logdir", str(logdir), "--seed", str(seed)]
    for name in SETTING_FLAGS:
        value = getattr(args, name, None)
        if value is not None:
            argv += ["--" + name.replace("_", "-"), str(value)]
    for pair in args.set:
        argv += ["--set", pair]
    argv.append("--sync" if args.sync else "--async")
    if args.data_dir:
        argv += ["--data-dir", str(Path(args.data_dir).resolve())]
    argv += [
        "--checkpoint-every",
        str(args.checkpoint_every),
        "--threads",
        str(args.threads),
        "--wait-seconds",
        str(args.wait_seconds),
    ]
    return argv


def _task_env(task: TaskSpec, logdir: Path) -> dict[str, str]:
    package_root = str(Path(__file__).resolve().parents[2])
    path = os.environ.get("PYTHONPATH", "")
    return {
        **os.environ,
        **logdir_lock.held_by_me_env(logdir),
        "TF_CONFIG": task.tf_config(),
        "PYTHONPATH": package_root + (os.pathsep + path if path else ""),
        "PYTHONUNBUFFERED": "1",
        task_module.LAUNCHER_PID_ENV: str(os.getpid()),
    }


def _stream(proc: TaskProcess, log, say) -> None:
    """Copy the task's output to its log and to ``say``, line by line, to the end (still draining
    the pipe if ``say`` fails, so the task never blocks on a full pipe)."""
    for line in proc.process.stdout:
        log.write(line)
        log.flush()
        line = line.rstrip("\n")
        proc.tail.append(line)
        try:
            say(line)
        except OSError:  # e.g. the launcher's own output was closed
            say = _ignore
    log.close()


def _ignore(line: str) -> None:
    pass


def start_task(
    task: TaskSpec, argv: list[str], tasks_dir: Path, say=None, logdir: Path | None = None
) -> TaskProcess:
    """Start ``task`` as its own process, in its own folder and session (so Ctrl-C reaches only
    the launcher, which then stops the tasks in order). With ``say`` its output goes there line
    by line, and to its log; without, to its log only."""
    workdir = tasks_dir / f"{task.job_name}-{task.task_index}"
    workdir.mkdir(parents=True, exist_ok=True)
    log_path = tasks_dir / f"{task.job_name}-{task.task_index}.log"
    log = open(log_path, "w")  # noqa: SIM115 (closed by the reader thread, or below)
    command = [sys.executable, "-m", "tf1_tutorials.cluster.task", *argv]
    process = subprocess.Popen(
        command,
        cwd=workdir,
        env=_task_env(task, logdir if logdir is not None else tasks_dir.parent),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE if say else log,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    proc = TaskProcess(task, process, log_path)
    if say:
        proc.reader = threading.Thread(target=_stream, args=(proc, log, say), daemon=True)
        proc.reader.start()
    else:
        log.close()
    return proc


def stop(procs: list[TaskProcess]) -> None:
    """SIGTERM every task still running, SIGKILL any left after a grace period, reap them all."""
    running = [p for p in procs if p.process.poll() is None]
    for proc in running:
        _signal(proc, signal.SIGTERM)
    deadline = time.monotonic() + TERMINATE_GRACE_SECONDS
    for proc in running:
        try:
            proc.process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _signal(proc, signal.SIGKILL)
            proc.process.wait()


def _signal(proc: TaskProcess, signum: int) -> None:
    try:
        proc.process.send_signal(signum)  # by its pid, and only while it has not been reaped
    except ProcessLookupError:
        pass


def _failure(proc: TaskProcess, what: str) -> LaunchError:
    return LaunchError(
        f"{proc.name} {what}; the end of its output ({proc.log_path}):\n" + proc.last_lines()
    )


def supervise(procs: list[TaskProcess], timeout: float, say=print) -> None:
    """Wait for every worker to exit 0, then a little for the ps tasks to stop by themselves, and
    stop any still running. LaunchError when a task exits with an error or ``timeout`` seconds
    pass; every task is stopped in any case, before this returns or raises."""
    deadline = time.monotonic() + timeout
    workers = [p for p in procs if p.task.job_name == "worker"]
    ps = [p for p in procs if p.task.job_name == "ps"]
    try:
        while True:
            for proc in procs:
                code = proc.process.poll()
                if code is not None and code != 0:
                    raise _failure(proc, f"exited with code {code}")
            if all(p.process.poll() == 0 for p in workers):
                break
            if time.monotonic() > deadline:
                still = [p.name for p in procs if p.process.poll() is None]
                raise LaunchError(
                    f"timed out after {timeout:g} s (--timeout); still running: {', '.join(still)}"
                )
            time.sleep(0.2)
        ps_deadline = time.monotonic() + PS_GRACE_SECONDS
        while any(p.process.poll() is None for p in ps) and time.monotonic() < ps_deadline:
            time.sleep(0.1)
        lingering = [p.name for p in ps if p.process.poll() is None]
        if lingering:
            say(f"{PROG}: stopping {', '.join(lingering)} (the workers are done)")
        for proc in ps:
            code = proc.process.poll()
            if code is not None and code != 0:
                raise _failure(proc, f"exited with code {code}")
    finally:
        stop(procs)
        for proc in procs:
            if proc.reader is not None:
                proc.reader.join(timeout=5)


def launch(
    args: argparse.Namespace, num_ps: int, num_workers: int, timeout: float, say=print
) -> Path:
    """Run the whole cluster on this machine; return the chief's log directory (result.json).
    The log directory is the cluster's alone while it runs: this process holds its lock, for the
    chief, and refuses one that already holds a run (as `run` does)."""
    logdir = task_module.cluster_logdir(args).resolve()
    check_new_logdir(logdir)
    check_writable_dir(logdir, "--logdir")
    with logdir_lock.hold(logdir):
        check_new_logdir(logdir)  # again, now that no other process can start one there
        return _launch(args, logdir, num_ps, num_workers, timeout, say)


def check_new_logdir(logdir: Path) -> None:
    """FileProblem when ``logdir`` cannot take a new cluster run: it is a file, or holds a run
    (a checkpoint the chief would silently continue from, or a result it would write over)."""
    check_logdir_name(logdir)
    if logdir.exists() and not logdir.is_dir():
        raise FileProblem(f"--logdir {logdir}: is a file, not a directory")
    if results.holds_a_run(logdir):
        held = results.read_run(logdir) if (logdir / results.RESULT_FILE).is_file() else None
        what = f"a {held['variant']} run" if held and "variant" in held else "another run's files"
        raise FileProblem(
            f"--logdir {logdir}: already holds {what}; a new cluster run does not write over it",
            hint="give another --logdir",
        )


def _launch(args, logdir: Path, num_ps: int, num_workers: int, timeout: float, say) -> Path:
    seed = args.seed if args.seed is not None else secrets.randbelow(2**31)
    tasks_dir = logdir / "tasks"
    tasks_dir.mkdir(parents=True, exist_ok=True)
    chief = local_cluster(num_ps, num_workers)
    argv = task_argv(args, logdir, seed)
    say(
        f"{PROG}: {num_ps} ps and {num_workers} worker(s) on {', '.join(chief.ps + chief.workers)}"
        f"; logs in {tasks_dir}"
    )
    started = time.perf_counter()
    procs: list[TaskProcess] = []
    try:
        for index in range(num_ps):
            procs.append(start_task(chief.with_task("ps", index), argv, tasks_dir, logdir=logdir))
        for index in range(num_workers):
            task = chief.with_task("worker", index)
            say_here = say if task.is_chief else None
            procs.append(start_task(task, argv, tasks_dir, say=say_here, logdir=logdir))
    except BaseException:
        stop(procs)
        raise
    supervise(procs, timeout, say)
    say(f"{PROG}: every task finished in {time.perf_counter() - started:.1f} s")
    return logdir


def check_arguments(args: argparse.Namespace) -> None:
    """UsageError naming the first bad argument, before any task starts (no TensorFlow)."""
    try:
        check_variant(args.variant)
        overrides = overrides_from_args(args)
        if args.ps < 1 or args.workers < 1:
            raise ClusterSpecError(
                f"--ps {args.ps} --workers {args.workers}: a cluster needs at least one of each"
            )
        if args.ps + args.workers > MAX_TASKS:
            raise ClusterSpecError(
                f"--ps {args.ps} --workers {args.workers}: more than {MAX_TASKS} tasks (4 per core "
                f"of this machine's {os.cpu_count()}, at least 8); each is a TensorFlow process, "
                "and past that they only wait on one another"
            )
    except (ClusterSpecError, ValueError) as err:
        raise UsageError(str(err)) from None
    if not args.timeout > 0:
        raise UsageError(f"--timeout: must be positive, got {args.timeout:g}")
    check_run_settings(
        RunSettings(
            variant=args.variant,
            overrides=overrides,
            seed=args.seed,
            checkpoint_every=args.checkpoint_every,
            threads=args.threads,
        )
    )
    if not args.wait_seconds > 0:
        raise UsageError(f"--wait-seconds: must be positive, got {args.wait_seconds:g}")


def raise_terminated(signum, frame):
    raise Terminated(signum=signum)
