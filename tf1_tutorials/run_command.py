"""`tf1-tutorials run VARIANT`: train one variant, print the tutorial's lines, write result.json.

``run_variant`` does the same in-process; ``run_in_subprocess`` runs any variant (graph or Keras)
in a fresh Python process and returns its parsed result record, so one process can run many variants
(a process holds TensorFlow in either v1 or v2 mode, never both).

``plan_run`` checks every argument before TensorFlow is imported: the variant and its settings
(read from the variant's source), the seed, the threads, the data and log directories (a new run
never writes into one that holds a run; ``--resume`` continues the run ``run.json`` there records,
with its seed and settings). Errors are raised for ``cli.main`` to report
(:mod:`tf1_tutorials.errors`).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import os
import secrets
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from tf1_tutorials import bands, results, variants
from tf1_tutorials.errors import (
    ENVIRONMENT,
    USAGE,
    FileProblem,
    MissingFile,
    UsageError,
    UserError,
    check_writable_dir,
)
from tf1_tutorials.settings import check_batch_size, make_config, parse_assignments, static_variant

# The committed report, where the package runs from its repository (else: how to write one).
REPORT = Path(__file__).resolve().parent.parent / "report" / "REPORT.md"

# command-line flag -> Config field
FLAG_SETTINGS = {
    "steps": "training steps (step-based variants)",
    "epochs": "training epochs (epoch-based variants)",
    "batches_per_epoch": "batches in an epoch (epoch-based variants)",
    "learning_rate": "optimizer learning rate",
    "batch_size": "training batch size",
    "keep_prob": "dropout keep probability while training (experts, slim_cnn)",
    "dataset": "mnist or cifar10 (keras_sequential)",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("variant", help="a name from `tf1-tutorials list`")
    for name, help_text in FLAG_SETTINGS.items():
        parser.add_argument("--" + name.replace("_", "-"), dest=name, help=help_text)
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
    parser.add_argument(
        "--seed",
        type=int,
        help="seed for TensorFlow and the batch order "
        "(default: a fresh random seed, recorded in the result)",
    )
    parser.add_argument("--data-dir", help="data directory (default: the reader's cache)")
    parser.add_argument(
        "--logdir",
        help="where checkpoints, TensorBoard events and result.json go "
        "(default: runs/<variant>-<timestamp>)",
    )
    parser.add_argument(
        "--resume",
        action="store_true",
        help="continue from the last checkpoint in --logdir (default: the newest "
        "runs/<variant>-*) to the same total steps",
    )
    parser.add_argument("--deterministic", action="store_true", help="TensorFlow op determinism on")
    parser.add_argument("--checkpoint-every", type=int, default=1000, metavar="STEPS")
    parser.add_argument("--threads", type=int, default=0, help="intra-op threads (0: all cores)")
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


def overrides_from_args(args: argparse.Namespace) -> dict:
    overrides = parse_assignments(args.set)
    for name in (*FLAG_SETTINGS, "scale_inputs"):
        value = getattr(args, name, None)
        if value is not None:
            overrides[name] = value
    return overrides


RUN_PROG = "tf1-tutorials run"
SEED_RANGE = range(2**32)  # what TensorFlow and NumPy accept as a seed
# Settings a resumed run may change: how long it trains and what it prints, not what it trains.
RESUMABLE_SETTINGS = ("steps", "epochs", "eval_batch_size", "log_every_steps", "log_every_epochs")


@dataclass
class Plan:
    """A run whose every argument has been checked (no TensorFlow imported yet)."""

    variant: variants.Variant
    kind: str
    dataset: str | None
    overrides: dict
    seed: int
    logdir: Path
    resume: bool


def _fresh_logdir(variant: str) -> Path:
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    logdir, number = Path("runs") / f"{variant}-{stamp}", 1
    while logdir.exists():
        number += 1
        logdir = Path("runs") / f"{variant}-{stamp}-{number}"
    return logdir


def default_logdir(variant: str, resume: bool) -> Path:
    """A fresh ``runs/<variant>-<timestamp>``; with ``resume``, the newest one with a checkpoint."""
    if not resume:
        return _fresh_logdir(variant)
    runs = Path("runs")
    candidates = [
        path for path in sorted(runs.glob(f"{variant}-*")) if results.checkpoint_steps(path)
    ]
    if not candidates:
        raise MissingFile(
            f"--resume: no --logdir given and no {runs}/{variant}-* holds a checkpoint to continue"
        )
    return candidates[-1]


def _step_flag(config) -> str:
    return "--steps" if hasattr(config, "steps") else "--epochs"


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
    total = total_steps(config)
    if steps[-1] > total:
        raise UsageError(
            f"{_step_flag(config)}: {total} steps is fewer than the {steps[-1]} the checkpoint in "
            f"{logdir} has trained",
            hint=f"ask for at least {steps[-1]} steps, or none to continue to the run's own total",
        )


def total_steps(config) -> int:
    """Training steps a config asks for (as ``variants.graph.total_steps``, without TensorFlow)."""
    if hasattr(config, "steps"):
        return config.steps
    return config.epochs * config.batches_per_epoch


def plan_run(
    name: str,
    overrides: dict,
    *,
    seed: int | None,
    data_dir,
    logdir,
    resume: bool,
    checkpoint_every: int,
    threads: int,
    summaries: str = "light",
) -> Plan:
    """Check every argument of a run before TensorFlow is imported or anything is written but an
    (empty) log directory; SettingError/UsageError or FileProblem naming the first bad one."""
    try:
        variant = variants.get(name)
    except ValueError as err:
        raise UsageError(str(err), hint="`tf1-tutorials list` shows them") from None
    static = static_variant(variant.module)
    config = make_config(static.config_class, overrides, name)
    if resume and static.kind == "keras":
        raise UsageError(f"--resume: {name} is a Keras variant and keeps no checkpoints")
    if summaries != "light" and static.kind != "graph":
        raise UsageError(f"--summaries {summaries}: graph variants only, not {name}")
    if seed is not None and seed not in SEED_RANGE:
        raise UsageError(f"--seed: must be 0 to {2**32 - 1}, got {seed}")
    if threads < 0:
        raise UsageError(f"--threads: must be 0 (all cores) or more, got {threads}")
    if checkpoint_every < 0:
        raise UsageError(
            f"--checkpoint-every: must be 0 (only at the end) or more, got {checkpoint_every}"
        )
    if data_dir is not None and Path(data_dir).exists() and not Path(data_dir).is_dir():
        raise FileProblem(f"--data-dir {data_dir}: is a file, not a directory")
    logdir = Path(logdir) if logdir is not None else default_logdir(name, resume)
    if resume:
        if logdir.exists() and not logdir.is_dir():
            raise FileProblem(f"--logdir {logdir}: is a file, not a directory")
        overrides, seed = _resume_settings(name, static, overrides, logdir, seed)
        config = make_config(static.config_class, overrides, name)
        _check_resume_steps(config, logdir)
    elif results.holds_a_run(logdir):
        held = results.read_run(logdir) if (logdir / results.RUN_FILE).is_file() else None
        what = f"a {held['variant']} run" if held and "variant" in held else "another run's files"
        raise FileProblem(
            f"--logdir {logdir}: already holds {what}; a new run does not write over it",
            hint="give another --logdir, or --resume to continue that run",
        )
    dataset = getattr(config, "dataset", static.dataset)
    check_batch_size(config, dataset, static.kind)
    check_writable_dir(logdir, "--logdir")
    if seed is None:
        seed = secrets.randbelow(2**31)
    return Plan(variant, static.kind, dataset, overrides, seed, logdir, resume)


def run_variant(
    name: str,
    overrides: dict | None = None,
    *,
    seed: int | None = None,
    data_dir: str | Path | None = None,
    logdir: str | Path | None = None,
    resume: bool = False,
    deterministic: bool = False,
    checkpoint_every: int = 1000,
    threads: int = 0,
    progress: bool | None = None,
    summaries: str = "light",
    say=print,
) -> tuple[dict, Path]:
    """Run variant ``name`` in this process; return its result record and the result file."""
    started = time.perf_counter()
    plan = plan_run(
        name,
        overrides or {},
        seed=seed,
        data_dir=data_dir,
        logdir=logdir,
        resume=resume,
        checkpoint_every=checkpoint_every,
        threads=threads,
        summaries=summaries,
    )
    module = plan.variant.load()
    config = make_config(module.Config, plan.overrides, name)
    seed, logdir, dataset = plan.seed, plan.logdir, plan.dataset

    if module.KIND == "basics":
        results.write_run(logdir, name, config, seed, deterministic)
        outcome = module.run(config, say=say)
    else:
        if data_dir is None:
            from tf1_tutorials.data import default_data_dir

            data_dir = default_data_dir(dataset)
        from tf1_tutorials.variants import inputs

        data = inputs.read(module, config, data_dir, seed)
        results.write_run(logdir, name, config, seed, deterministic)
        if module.KIND == "graph":
            from tf1_tutorials.session import RunOptions, train

            options = RunOptions(
                logdir=logdir,
                seed=seed,
                deterministic=deterministic,
                resume=resume,
                checkpoint_every=checkpoint_every,
                intra_op_threads=threads,
                progress=progress,
                summaries=summaries,
            )
            outcome = train(module, config, data, options, say=say)
        else:
            outcome = module.train(
                config, data, seed=seed, deterministic=deterministic, logdir=logdir, say=say
            )

    from tf1_tutorials.tf import versions

    record = results.make_record(
        name, config, seed, outcome, time.perf_counter() - started, versions()
    )
    record["dataset"] = dataset
    record["data_dir"] = str(data_dir) if data_dir is not None else None
    path = results.write(record, logdir)
    if outcome.test_accuracy is not None:
        say(f"test accuracy {outcome.test_accuracy:g}")
        defaults = dataclasses.asdict(module.Config())
        item = bands.entry_for(name, record["config"], defaults)
        if item is not None:
            for line in bands.run_lines(
                item, outcome.test_accuracy, record.get("top_prediction_share")
            ):
                say(line)
            say(f"report: {REPORT if REPORT.exists() else 'tf1-tutorials report --html'}")
    say(f"result: {path}")
    return record, path


def main(args: argparse.Namespace) -> int:
    """Errors reach ``cli.main``, which turns them into one line and an exit status."""
    run_variant(
        args.variant,
        overrides_from_args(args),
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
    return 0


def run_in_subprocess(
    variant: str,
    logdir: str | Path,
    settings: dict | None = None,
    *,
    seed: int | None = None,
    data_dir: str | Path | None = None,
    extra_args: tuple[str, ...] = (),
    timeout: float | None = None,
    env: dict[str, str] | None = None,
) -> dict:
    """Run ``variant`` with ``python -m tf1_tutorials.cli run`` in a fresh process; return the
    parsed result record. ``settings`` are Config overrides (name -> value); ``env`` adds to (or
    replaces in) this process's environment.

    Raises ChildRunError (a RuntimeError) with the run's own error line when it refused or
    failed on a user error, RuntimeError with the process's output tail if it failed otherwise.
    """
    command = [sys.executable, "-m", "tf1_tutorials.cli", "run", variant, "--logdir", str(logdir)]
    for name, value in (settings or {}).items():
        command += ["--set", f"{name}={_as_setting(value)}"]
    if seed is not None:
        command += ["--seed", str(seed)]
    if data_dir is not None:
        command += ["--data-dir", str(data_dir)]
    command += ["--no-progress", *extra_args]
    done = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, env={**os.environ, **(env or {})}
    )
    said = [line for line in done.stderr.splitlines() if line.startswith(f"{RUN_PROG}: ")]
    if done.returncode in (ENVIRONMENT, USAGE) and said:  # a user error, said in one line
        raise ChildRunError(variant, logdir, done.returncode, said)
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited with {done.returncode}:\n{done.stdout[-2000:]}"
            f"\n{done.stderr[-4000:]}"
        )
    record = results.read(logdir)
    record["stdout"] = done.stdout
    return record


class ChildRunError(UserError, RuntimeError):
    """A run in a fresh process ended on a user error; its own error (and hint) lines say which."""

    def __init__(self, variant: str, logdir, status: int, lines: list[str]):
        said = [line.removeprefix(f"{RUN_PROG}: ") for line in lines]
        message = f"{variant} run in {logdir}: " + said[0].removeprefix("error: ")
        super().__init__(message, hint=said[1].removeprefix("hint: ") if len(said) > 1 else None)
        self.exit_status = status


def _as_setting(value) -> str:
    if isinstance(value, tuple | list):
        return ",".join(str(v) for v in value)
    return str(value).lower() if isinstance(value, bool) else str(value)
