"""`tf1-tutorials run VARIANT`: train one variant, print the tutorial's lines, write result.json.

``run_variant`` does the same in-process; ``run_in_subprocess`` runs any variant (graph or Keras)
in a fresh Python process and returns its parsed result record, so one process can run many variants
(a process holds TensorFlow in either v1 or v2 mode, never both).
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

from tf1_tutorials import bands, results, variants
from tf1_tutorials.settings import SettingError, make_config, parse_assignments

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


def default_logdir(variant: str, resume: bool) -> Path:
    runs = Path("runs")
    if resume:
        candidates = sorted(runs.glob(f"{variant}-*"))
        if not candidates:
            raise SettingError(f"--resume: no --logdir given and no {runs}/{variant}-* to continue")
        return candidates[-1]
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    return runs / f"{variant}-{stamp}"


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
    variant = variants.get(name)
    module = variant.load()
    config = make_config(module.Config, overrides or {}, name)
    if seed is None:
        seed = secrets.randbelow(2**31)
    logdir = Path(logdir) if logdir is not None else default_logdir(name, resume)
    dataset = getattr(config, "dataset", getattr(module, "DATASET", None))

    if module.KIND == "basics":
        outcome = module.run(config, say=say)
    else:
        if data_dir is None:
            from tf1_tutorials.data import default_data_dir

            data_dir = default_data_dir(dataset)
        data = module.read_data(config, data_dir, seed)
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
            if resume:
                raise SettingError(f"--resume: {name} is a Keras variant and keeps no checkpoints")
            if summaries != "light":
                raise SettingError(f"--summaries {summaries}: graph variants only, not {name}")
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
    try:
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
    except (SettingError, FileNotFoundError) as err:
        print(f"tf1-tutorials run: error: {err}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as err:  # Ctrl-C, or SIGTERM while training (session.Terminated)
        signum = getattr(err, "signum", signal.SIGINT)
        print(f"tf1-tutorials run: stopped by {signal.Signals(signum).name}", file=sys.stderr)
        return 128 + signum
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

    Raises RuntimeError with the process's output tail if it fails.
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
    if done.returncode != 0:
        raise RuntimeError(
            f"{' '.join(command)} exited with {done.returncode}:\n{done.stdout[-2000:]}"
            f"\n{done.stderr[-4000:]}"
        )
    record = results.read(logdir)
    record["stdout"] = done.stdout
    return record


def _as_setting(value) -> str:
    if isinstance(value, tuple | list):
        return ",".join(str(v) for v in value)
    return str(value).lower() if isinstance(value, bool) else str(value)
