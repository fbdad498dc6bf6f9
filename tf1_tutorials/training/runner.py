"""Run one variant: what the commands, the harness and the tests call (no TensorFlow at import).

A run is described by :class:`RunSettings`, typed values only. :func:`plan` checks every setting
before TensorFlow is imported: the variant and its settings (read from the variant's source), the
seed, the threads, the data and log directories (a new run never writes into one that holds a run;
``resume`` continues the run ``run.json`` there records, with its seed and settings). :func:`run`
trains in this process; :func:`run_in_fresh_process` in a new Python process
(``python -m tf1_tutorials.commands.run``, the settings as JSON on its stdin), so one process
can run many variants (a process holds TensorFlow in either v1 or v2 mode, never both).
:func:`default_logdir` is the one rule for a log directory nobody named.

Errors are those of :mod:`tf1_tutorials.errors`, for ``cli.main`` to report.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import secrets
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tf1_tutorials import broken_environment, children, variants
from tf1_tutorials.errors import (
    ENVIRONMENT,
    USAGE,
    FileProblem,
    MissingFile,
    UsageError,
    UserError,
    check_writable_dir,
)
from tf1_tutorials.training import logdir_lock, results
from tf1_tutorials.training.settings import (
    RunSettings,
    check_batch_size,
    check_run_settings,
    make_config,
    static_variant,
)
from tf1_tutorials.variants import recipe

RUNS_DIR = Path("runs")  # where runs without a log directory of their own go
RUN_PROG = "tf1-tutorials run"  # how a run's error lines begin
# Settings a resumed run may change: how long it trains and what it prints, not what it trains.
RESUMABLE_SETTINGS = ("steps", "epochs", "eval_batch_size", "log_every_steps", "log_every_epochs")


@dataclass
class Plan:
    """A run whose every setting has been checked (no TensorFlow imported yet)."""

    variant: variants.Variant
    kind: str
    dataset: str | None
    overrides: dict
    seed: int
    logdir: Path
    resume: bool
    reused: bool = False  # a new run in the folder of one that stopped before its first checkpoint
    finished: bool = False  # a resume of a run that has trained all its steps and has its result


def default_logdir(variant: str, resume: bool) -> Path:
    """A fresh ``runs/<variant>-<timestamp>``; with ``resume``, the newest one with a checkpoint.
    The one rule of every command given no log directory (a cluster passes cluster-<variant>)."""
    if resume:
        candidates = [
            path for path in sorted(RUNS_DIR.glob(f"{variant}-*")) if results.checkpoint_steps(path)
        ]
        if not candidates:
            raise MissingFile(
                f"--resume: no --logdir given and no {RUNS_DIR}/{variant}-* holds a checkpoint "
                "to continue"
            )
        return candidates[-1]
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    logdir, number = RUNS_DIR / f"{variant}-{stamp}", 1
    while logdir.exists():
        number += 1
        logdir = RUNS_DIR / f"{variant}-{stamp}-{number}"
    return logdir


def check_logdir_name(logdir: Path) -> None:
    """UsageError when TensorFlow could not be given ``logdir``'s name: it takes UTF-8 paths only,
    and a name that is not (read under LC_ALL=C, say) would fail once training has begun."""
    try:
        str(logdir).encode("utf-8")
    except UnicodeEncodeError:
        shown = os.fsencode(logdir).decode("utf-8", "backslashreplace")
        raise UsageError(
            f"--logdir {shown}: the name is not valid UTF-8, which TensorFlow needs of a path",
            hint="give a log directory whose name is UTF-8",
        ) from None


def check_download_timeout() -> None:
    """UserError naming the variable and its value when the download timeout is not a number
    of seconds (found now, not when a download would need it)."""
    from tf1_tutorials.data.sources import download_timeout

    try:
        download_timeout()
    except ValueError as err:
        raise UserError(str(err)) from None


def _step_flag(config) -> str:
    return "--steps" if isinstance(config, recipe.Steps) else "--epochs"


def _resume_settings(name: str, static, overrides: dict, logdir: Path, seed: int | None):
    """The overrides and seed of the run ``logdir`` holds, with ``overrides`` on top; UsageError
    naming the first difference a resumed run cannot have."""
    try:
        recorded = results.read_run(logdir)
    except ValueError as err:
        raise FileProblem(f"--resume: {err}") from None
    if recorded is None:  # checkpoints written before run files existed: TensorFlow checks them
        return overrides, seed
    if recorded.get("variant") != name:
        raise UsageError(
            f"--resume: {logdir} holds a {recorded.get('variant')} run, not {name}",
            hint=f"tf1-tutorials run {recorded.get('variant')} --resume --logdir {logdir}",
        )
    fields = {f.name for f in dataclasses.fields(static.config_class)}
    base = {
        key: tuple(value) if isinstance(value, list) else value
        for key, value in recorded.get("config", {}).items()
        if key in fields
    }
    asked = make_config(static.config_class, overrides, name)
    merged = make_config(static.config_class, {**base, **overrides}, name)
    for key, value in base.items():
        if key not in RESUMABLE_SETTINGS and key in overrides and getattr(asked, key) != value:
            raise UsageError(
                f"--resume: {key} {getattr(asked, key)!r} differs from the run's {value!r} "
                f"in {logdir}; a resumed run keeps its settings"
            )
    recorded_seed = recorded.get("seed")
    if seed is not None and recorded_seed is not None and seed != recorded_seed:
        raise UsageError(f"--resume: --seed {seed} differs from the run's seed {recorded_seed}")
    return {key: getattr(merged, key) for key in fields}, recorded_seed if seed is None else seed


def _check_resume_steps(config, logdir: Path) -> None:
    steps = results.checkpoint_steps(logdir)
    if not steps:
        raise MissingFile(f"--resume: no checkpoint in {logdir}")
    total = config.total_steps  # only graph variants resume: their Config is a recipe
    if steps[-1] > total:
        raise UsageError(
            f"{_step_flag(config)}: {total} steps is fewer than the {steps[-1]} the checkpoint in "
            f"{logdir} has trained",
            hint=f"ask for at least {steps[-1]} steps, or none to continue to the run's own total",
        )


def plan(settings: RunSettings) -> Plan:
    """Check every setting of a run before TensorFlow is imported or anything is written but an
    (empty) log directory; SettingError/UsageError or FileProblem naming the first bad one."""
    name, seed, resume = settings.variant, settings.seed, settings.resume
    finished = False
    check_run_settings(settings)
    variant = variants.get(name)
    static = static_variant(variant.module)
    overrides = settings.overrides
    config = make_config(static.config_class, overrides, name)
    if resume and static.kind == "keras":
        raise UsageError(f"--resume: {name} is a Keras variant and keeps no checkpoints")
    if settings.summaries != "light" and static.kind != "graph":
        raise UsageError(f"--summaries {settings.summaries}: graph variants only, not {name}")
    data_dir = settings.data_dir
    if data_dir is not None and data_dir.exists() and not data_dir.is_dir():
        raise FileProblem(f"--data-dir {data_dir}: is a file, not a directory")
    logdir = settings.logdir if settings.logdir is not None else default_logdir(name, resume)
    if resume:
        if logdir.exists() and not logdir.is_dir():
            raise FileProblem(f"--logdir {logdir}: is a file, not a directory")
        overrides, seed = _resume_settings(name, static, overrides, logdir, seed)
        config = make_config(static.config_class, overrides, name)
        _check_resume_steps(config, logdir)
        finished = results.is_finished(logdir, config.total_steps)
    elif results.holds_a_run(logdir):
        held = results.read_run(logdir) if (logdir / results.RUN_FILE).is_file() else None
        what = f"a {held['variant']} run" if held and "variant" in held else "another run's files"
        raise FileProblem(
            f"--logdir {logdir}: already holds {what}; a new run does not write over it",
            hint="give another --logdir, or --resume to continue that run",
        )
    dataset = getattr(config, "dataset", static.dataset)
    check_batch_size(config, dataset, static.kind)
    check_logdir_name(logdir)
    broken_environment.check_address_space()
    check_download_timeout()
    check_writable_dir(logdir, "--logdir")
    if seed is None:
        seed = secrets.randbelow(2**31)
    reused = not resume and results.abandoned(logdir)
    return Plan(variant, static.kind, dataset, overrides, seed, logdir, resume, reused, finished)


def run(settings: RunSettings, say=print, judge=None) -> tuple[dict, Path]:
    """Run ``settings`` in this process; return its result record and the result file.
    ``judge(variant, record, recipe_defaults)``, where given, returns the lines said after the test
    accuracy (``tf1-tutorials run`` gives :func:`tf1_tutorials.evidence.bands.judge_run`: the band).

    The log directory is this run's alone while it runs (:mod:`.logdir_lock`): the
    settings are checked, the lock taken, and the log directory checked again under it. A run
    that ends before it has anything to resume (a checkpoint or its result) leaves nothing of its
    own behind: not its ``run.json``, nor the folder if it made it."""
    started = time.perf_counter()
    made_logdir = settings.logdir is None or not settings.logdir.exists()
    try:
        checked = plan(settings)  # every argument, before the lock is asked for
    except UserError:
        if settings.logdir is not None:  # "in use" says more than what a run in progress lacks
            logdir_lock.check_free(settings.logdir)
        raise
    with logdir_lock.hold(checked.logdir):
        checked = plan(dataclasses.replace(settings, logdir=checked.logdir))
        if checked.finished:
            path = checked.logdir / results.RESULT_FILE
            say(
                f"{checked.logdir}: the run there is finished "
                f"({results.checkpoint_steps(checked.logdir)[-1]} steps and its result); "
                f"nothing to resume, {path.name} unchanged"
            )
            return results.read(path), path
        if checked.reused:
            say(
                f"note: {checked.logdir} held a run that stopped before its first checkpoint "
                "(nothing to resume); this run starts over there"
            )
        try:
            return _run_planned(settings, checked, started, say, judge)
        except BaseException:
            if not checked.resume:
                results.remove_unfinished(checked.logdir, made_logdir, keep=logdir_lock.LOCK_FILE)
            raise


def _run_planned(
    settings: RunSettings, checked: Plan, started: float, say, judge
) -> tuple[dict, Path]:
    name, data_dir = settings.variant, settings.data_dir
    module = checked.variant.load()
    config = make_config(module.Config, checked.overrides, name)
    seed, logdir, dataset = checked.seed, checked.logdir, checked.dataset
    resolved = dataclasses.replace(settings, seed=seed, logdir=logdir)  # what the loop runs with

    if module.KIND == "basics":
        results.write_run(logdir, name, config, seed, settings.deterministic)
        outcome = module.run(config, say=say)
    else:
        if data_dir is None:
            from tf1_tutorials.data import default_data_dir

            data_dir = default_data_dir(dataset)
        from tf1_tutorials.variants import inputs

        data = inputs.read(module, config, data_dir, seed)
        results.write_run(logdir, name, config, seed, settings.deterministic)
        if module.KIND == "graph":
            from tf1_tutorials.training.session import train

            outcome = train(module, config, data, resolved, say=say)
        else:
            outcome = module.train(config, data, resolved, say=say)

    from tf1_tutorials.tf import versions

    seconds = time.perf_counter() - started
    record = results.make_record(
        name, config, seed, outcome, seconds, versions(), dataset, data_dir
    )
    path = results.write(record, logdir)
    if outcome.test_accuracy is not None:
        say(f"test accuracy {outcome.test_accuracy:g}")
        if judge is not None:
            for line in judge(name, record, dataclasses.asdict(module.Config())):
                say(line)
    say(f"result: {path}")
    return record, path


def run_in_fresh_process(
    settings: RunSettings, timeout: float | None = None, env: dict[str, str] | None = None
) -> dict:
    """Run ``settings`` in a fresh ``python -m tf1_tutorials.commands.run`` (the settings as JSON on
    its stdin: a ``tf1-tutorials run``, band lines included); return the parsed result record,
    with the run's output as ``record["stdout"]``. Without a ``logdir``, :func:`default_logdir`
    picks one here. ``env`` adds to (or replaces in) this process's environment; stderr is
    captured, so no progress bar unless asked for.

    Raises ChildRunError (a RuntimeError) with the run's own error line when it refused or
    failed on a user error, RuntimeError with the process's output tail if it failed otherwise.
    """
    if settings.logdir is None:
        logdir = default_logdir(settings.variant, settings.resume)
        settings = dataclasses.replace(settings, logdir=logdir)
    command = [sys.executable, "-m", "tf1_tutorials.commands.run"]
    done = children.run(
        command,
        f"the training process of {settings.variant}",
        input=settings.to_json(),
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )
    said = [line for line in done.stderr.splitlines() if line.startswith(f"{RUN_PROG}: ")]
    if done.returncode in (ENVIRONMENT, USAGE) and said:  # a user error, said in one line
        raise ChildRunError(settings.variant, settings.logdir, done.returncode, said)
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} ({settings.to_json()}) exited with {done.returncode}:\n"
            f"{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        )
    record = results.read(settings.logdir)
    record["stdout"] = done.stdout
    return record


class ChildRunError(UserError, RuntimeError):
    """A run in a fresh process ended on a user error; its own error (and hint) lines say which."""

    def __init__(self, variant: str, logdir, status: int, lines: list[str]):
        said = [line.removeprefix(f"{RUN_PROG}: ") for line in lines]
        message = f"{variant} run in {logdir}: " + said[0].removeprefix("error: ")
        super().__init__(message, hint=said[1].removeprefix("hint: ") if len(said) > 1 else None)
        self.exit_status = status
