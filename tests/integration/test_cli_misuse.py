"""Wrong and unusual invocations of the installed `tf1-tutorials`, each in its own process.

Every case must end with its documented exit status (2: the command line is wrong, 1: a file,
directory, disk or data set is), one error line on stderr naming the argument or file (a hint line
may follow; argparse adds its usage lines), no traceback, and every file the user had unchanged.
The table's cases run with a stand-in ``tensorflow`` package first on the path that fails loudly
when imported, so each also proves the mistake was caught before TensorFlow was imported.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CLI = str(Path(sys.executable).with_name("tf1-tutorials"))
TF_IMPORTED = "the stand-in tensorflow package was imported"
PROGRESS = re.compile(r"tf1-tutorials: (?!error:|hint:)")  # the reader's notes, e.g. downloads
ENTRY = "softmax-lr0.001-1000"  # any band entry: measure must refuse before training it


@dataclass(frozen=True)
class Case:
    id: str
    args: tuple[str, ...]
    status: int
    says: str  # text the error line must hold (after "{tmp}" is replaced by the folder)
    needs: str = ""  # "ro": a read-only mount at {tmp}/ro
    env: dict = field(default_factory=dict)


def case(id, args, status, says, needs="", env=None) -> Case:
    return Case(id, tuple(args.split()), status, says, needs, env or {})


CASES = [
    # run: names and values
    case("run-unknown-variant", "run nosuch", 2, "variant 'nosuch' is unknown"),
    case("run-no-variant", "run", 2, "the following arguments are required: variant"),
    case("unknown-command", "nosuch", 2, "invalid choice: 'nosuch'"),
    case("run-unknown-flag", "run softmax --bogus", 2, "unrecognized arguments: --bogus"),
    case("keep-prob-above-1", "run experts --keep-prob 1.5", 2, "keep_prob: must be above 0"),
    case("keep-prob-0", "run experts --keep-prob 0", 2, "keep_prob: must be above 0"),
    case("keep-prob-negative", "run slim_cnn --keep-prob -0.5", 2, "keep_prob: must be above 0"),
    case("keep-prob-text", "run experts --keep-prob abc", 2, "keep_prob: 'abc' is not a valid"),
    case("keep-prob-no-dropout", "run softmax --keep-prob 0.5", 2, "has no setting 'keep_prob'"),
    case("lr-0", "run softmax --learning-rate 0", 2, "learning_rate: must be a finite number"),
    case("lr-negative", "run mlp --learning-rate -1", 2, "learning_rate: must be a finite"),
    case("lr-nan", "run softmax --learning-rate nan", 2, "learning_rate: must be a finite"),
    case("lr-inf", "run experts --learning-rate inf", 2, "learning_rate: must be a finite"),
    case("threads-negative", "run softmax --threads -1", 2, "--threads: must be 0"),
    case("threads-text", "run softmax --threads many", 2, "argument --threads: invalid int"),
    case("seed-negative", "run softmax --seed -1", 2, "--seed: must be 0 to 4294967295"),
    case("seed-too-big", "run softmax --seed 4294967296", 2, "--seed: must be 0 to 4294967295"),
    case("seed-text", "run softmax --seed x", 2, "argument --seed: invalid int value"),
    case("batch-over-split", "run softmax --batch-size 100000", 2, "55,000 mnist training"),
    case("batch-0", "run experts --batch-size 0", 2, "batch_size: must be a positive"),
    case("batch-keras", "run keras_sequential --batch-size 60001", 2, "60,000 mnist training"),
    case("batch-cifar", "run cifar10_graph --batch-size 50001", 2, "50,000 cifar10 training"),
    case("dataset-unknown", "run keras_sequential --dataset foo", 2, "dataset: 'foo' is not"),
    case("optimizer", "run keras_sequential --set optimizer=fast", 2, "optimizer: 'fast' is not"),
    case("steps-0", "run softmax --steps 0", 2, "steps: must be a positive integer"),
    case("steps-negative", "run experts --steps -5", 2, "steps: must be a positive integer"),
    case("steps-fraction", "run softmax --steps 1.5", 2, "steps: '1.5' is not a valid int"),
    case("epochs-0", "run mlp --epochs 0", 2, "epochs: must be a positive integer"),
    case("batches-negative", "run graph_cnn --batches-per-epoch -1", 2, "batches_per_epoch:"),
    case("set-unknown", "run softmax --set foo=1", 2, "has no setting 'foo'"),
    case("set-no-value", "run softmax --set steps", 2, "--set: expected NAME=VALUE"),
    case("set-eval-0", "run experts --set eval_batch_size=0", 2, "eval_batch_size: must be"),
    case("set-tuple", "run mlp --set hidden_units=a,b", 2, "hidden_units: 'a,b' is not a valid"),
    case("log-every-negative", "run experts --set log_every_steps=-1", 2, "log_every_steps:"),
    case("hidden-units-0", "run mlp --set hidden_units=256,0", 2, "hidden_units: each layer"),
    case("keras-resume", "run keras_subclass --resume", 2, "keeps no checkpoints"),
    case("checkpoint-every", "run softmax --checkpoint-every -1", 2, "--checkpoint-every:"),
    case("progress-both", "run softmax --progress --no-progress", 2, "not allowed with"),
    # run: files and directories
    case("data-dir-file", "run softmax --data-dir {tmp}/afile", 1, "--data-dir {tmp}/afile: is"),
    case("logdir-file", "run softmax --logdir {tmp}/afile", 1, "--logdir {tmp}/afile: is a file"),
    case("logdir-under-file", "run softmax --logdir {tmp}/afile/sub", 1, "cannot write there"),
    case("logdir-read-only", "run softmax --logdir {tmp}/ro/run", 1, "read-only", needs="ro"),
    case("logdir-has-run", "run softmax --logdir {tmp}/oldrun", 1, "already holds a softmax run"),
    case("logdir-has-ckpt", "run experts --logdir {tmp}/ckptonly", 1, "another run's files"),
    case("logdir-has-run-other", "run mlp --logdir {tmp}/oldrun", 1, "already holds a softmax"),
    # run --resume
    case("resume-empty", "run softmax --resume --logdir {tmp}/empty", 1, "no checkpoint in"),
    case("resume-missing", "run softmax --resume --logdir {tmp}/nothing", 1, "no checkpoint in"),
    case("resume-default", "run softmax --resume", 1, "no runs/softmax-* holds a checkpoint"),
    case("resume-corrupt-run", "run softmax --resume --logdir {tmp}/badrun", 1, "not valid JSON"),
    case("resume-other", "run experts --resume --logdir {tmp}/oldrun", 2, "a softmax run, not"),
    case("resume-steps-below", "run softmax --resume --steps 10 --logdir {tmp}/oldrun", 2, "20"),
    case("resume-lr", "run softmax --resume --learning-rate 0.5 --logdir {tmp}/oldrun", 2, "0.5"),
    case("resume-batch", "run softmax --resume --batch-size 7 --logdir {tmp}/oldrun", 2, "batch"),
    case("resume-seed", "run softmax --resume --seed 5 --logdir {tmp}/oldrun", 2, "--seed 5"),
    case("resume-logdir-file", "run softmax --resume --logdir {tmp}/afile", 1, "is a file"),
    # measure
    case("measure-jobs-0", f"measure {ENTRY} --jobs 0", 2, "--jobs: must be 1 or more"),
    case("measure-unknown", "measure nosuch-entry", 2, "no band entry 'nosuch-entry'"),
    case("measure-nothing", "measure", 2, "name entries or give --all or --short"),
    case("measure-seeds-text", f"measure {ENTRY} --seeds abc", 2, "--seeds: expected"),
    case("measure-seeds-range", f"measure {ENTRY} --seeds 1-4294967296", 2, "--seeds: each"),
    case("measure-seeds-many", f"measure {ENTRY} --seeds 0-99999", 2, "more than 10,000"),
    case("measure-into-bad", f"measure {ENTRY} --into {{tmp}}/bad.json", 1, "bad.json: not valid"),
    case("measure-into-field", f"measure {ENTRY} --into {{tmp}}/part.json", 1, "test_accuracy"),
    case("measure-into-list", f"measure {ENTRY} --into {{tmp}}/list.json", 1, "an object"),
    case("measure-into-dir", f"measure {ENTRY} --into {{tmp}}/empty", 1, "is a directory"),
    case("measure-into-nodir", f"measure {ENTRY} --into {{tmp}}/no/m.json", 1, "does not exist"),
    case("measure-into-ro", f"measure {ENTRY} --into {{tmp}}/ro/m.json", 1, "only", needs="ro"),
    case("measure-workdir", f"measure {ENTRY} --workdir {{tmp}}/afile", 1, "--workdir"),
    # report
    case("report-bad", "report --from {tmp}/bad.json --out {tmp}/r", 1, "bad.json: not valid"),
    case("report-field", "report --from {tmp}/part.json --out {tmp}/r", 1, "runs[0].test_acc"),
    case("report-list", "report --from {tmp}/list.json --out {tmp}/r", 1, "an object of entries"),
    case("report-matrix", "report --matrix {tmp}/bad.json --out {tmp}/r", 1, "bad.json: not"),
    case("report-out-file", "report --out {tmp}/afile", 1, "--out {tmp}/afile: is a file"),
    case("report-out-ro", "report --out {tmp}/ro/r", 1, "read-only", needs="ro"),
    # cluster, list, legacy
    case("cluster-nothing", "cluster", 2, "say `run VARIANT ...`"),
    case("cluster-variant", "cluster run mlp", 2, "'mlp' cannot run on a cluster"),
    case("cluster-no-ps", "cluster --ps 0 run softmax", 2, "at least one of each"),
    case("cluster-keep-prob", "cluster run experts --keep-prob 3", 2, "keep_prob: must be"),
    case("cluster-timeout", "cluster --timeout 0 run softmax", 2, "--timeout: must be positive"),
    case("cluster-seed", "cluster run softmax --seed -1", 2, "--seed: must be 0"),
    case("cluster-threads", "cluster run experts --threads -1", 2, "--threads: must be 0"),
    case("list-flag", "list --bogus", 2, "unrecognized arguments: --bogus"),
    case("legacy-nothing", "legacy", 2, "the following arguments are required: script"),
    case("debug-flag-place", "run softmax --debug", 2, "unrecognized arguments: --debug"),
    # bounds, each with its reason
    case("threads-huge", "run softmax --threads 10000000000", 2, "--threads: 10000000000 is more"),
    case("threads-1025", "run experts --threads 1025", 2, "more than 1,024; each is an OS thread"),
    case("steps-20-digits", "run softmax --steps 99999999999999999999", 2, "steps: 9999"),
    case("steps-int64", "run softmax --steps 9223372036854775808", 2, "int64 counts"),
    case("epochs-total", "run mlp --epochs 9223372036854775807", 2, "total steps: "),
    case("cluster-workers", "cluster --workers 1000 run softmax", 2, "more than"),
    case("cluster-ps-many", "cluster --ps 500 run experts", 2, "each is a TensorFlow process"),
    case("cluster-threads-huge", "cluster run softmax --threads 99999", 2, "--threads: 99999"),
    case("cluster-steps-huge", "cluster run softmax --steps 99999999999999999999", 2, "above"),
    # one setting, one value
    case("set-and-flag", "run softmax --set learning_rate=0.1 --learning-rate 0.2", 2, "twice"),
    case("set-twice", "run softmax --set steps=1 --set steps=2", 2, "--set steps: given twice"),
    case("cluster-set-and-flag", "cluster run softmax --set steps=3 --steps 4", 2, "twice"),
    case("measure-all-name", f"measure --all {ENTRY}", 2, "one way only"),
    case("measure-all-short", "measure --all --short", 2, "one way only"),
    case("measure-short-name", f"measure --short {ENTRY}", 2, "one way only"),
    # a cluster follows run's rules about a log directory
    case("cluster-has-run", "cluster run softmax --logdir {tmp}/oldrun", 1, "holds a softmax run"),
    case("cluster-has-ckpt", "cluster run experts --logdir {tmp}/ckptonly", 1, "another run's"),
    case("cluster-logdir-file", "cluster run softmax --logdir {tmp}/afile", 1, "is a file"),
    # the environment
    case(
        "timeout-env",
        "run softmax",
        1,
        "TF1_TUTORIALS_DOWNLOAD_TIMEOUT='soon'",
        env={"TF1_TUTORIALS_DOWNLOAD_TIMEOUT": "soon"},
    ),  # fmt: skip
    case(
        "timeout-env-0",
        "run experts",
        1,
        "TF1_TUTORIALS_DOWNLOAD_TIMEOUT='0'",
        env={"TF1_TUTORIALS_DOWNLOAD_TIMEOUT": "0"},
    ),  # fmt: skip
    # report: missing, empty or malformed inputs, named with the entry and field
    case("report-from-missing", "report --from {tmp}/no.json --out {tmp}/r", 1, "no.json: no such"),
    case("report-from-braces", "report --from {} --out {tmp}/r", 1, "--from {}: no such file"),
    case("report-from-empty", "report --from {tmp}/none.json --out {tmp}/r", 1, "holds no entries"),
    case("report-nan", "report --from {tmp}/nan.json --out {tmp}/r", 1, "nan is not a finite"),
    case("report-inf", "report --from {tmp}/inf.json --out {tmp}/r", 1, "train_seconds: inf"),
    case("report-type", "report --from {tmp}/type.json --out {tmp}/r", 1, "'0.9' is not a number"),
    case("report-range", "report --from {tmp}/over.json --out {tmp}/r", 1, "not between 0 and 1"),
    case("report-matrix-missing", "report --matrix {tmp}/no.json --out {tmp}/r", 1, "--matrix"),
    case("report-matrix-nan", "report --matrix {tmp}/nan.json --out {tmp}/r", 1, "runs[0].test_a"),
    case("measure-into-nan", f"measure {ENTRY} --into {{tmp}}/nan.json", 1, "not a finite number"),
]


def fake_checkpoint(logdir: Path, step: int) -> None:
    for suffix in ("index", "data-00000-of-00001"):
        (logdir / f"model.ckpt-{step}.{suffix}").write_bytes(b"not a real checkpoint")


@pytest.fixture
def user_files(tmp_path):
    """The files a user might have: a plain file, broken and partial measurement files, a
    softmax run at step 20, a folder of checkpoints only, a run with a corrupt run.json."""
    (tmp_path / "afile").write_text("the user's notes\n")
    (tmp_path / "bad.json").write_text('{"softmax": {"runs": [\n')
    runs = {ENTRY: {"runs": [{"seed": 1, "test_images": 10000}]}}
    (tmp_path / "part.json").write_text(json.dumps(runs))
    (tmp_path / "list.json").write_text("[1, 2]\n")
    (tmp_path / "none.json").write_text("{}\n")
    good = {"seed": 1, "test_accuracy": 0.9, "test_images": 10000, "train_seconds": 2.0}
    for name, bad in {
        "nan": {"test_accuracy": float("nan")},
        "inf": {"train_seconds": float("inf")},
        "type": {"test_accuracy": "0.9"},
        "over": {"test_accuracy": 1.5},
    }.items():
        entry = {ENTRY: {"runs": [{**good, **bad}], "loss_curve": []}}
        (tmp_path / f"{name}.json").write_text(json.dumps(entry))  # NaN and Infinity as Python
    (tmp_path / "empty").mkdir()
    old = tmp_path / "oldrun"
    old.mkdir()
    config = {"learning_rate": 0.01, "steps": 20, "batch_size": 100}
    run = {"variant": "softmax", "config": config, "seed": 7, "deterministic": False}
    (old / "run.json").write_text(json.dumps(run))
    (old / "result.json").write_text(json.dumps({**run, "test_accuracy": 0.9}))
    fake_checkpoint(old, 20)
    (tmp_path / "ckptonly").mkdir()
    fake_checkpoint(tmp_path / "ckptonly", 3)
    (tmp_path / "badrun").mkdir()
    (tmp_path / "badrun" / "run.json").write_text("{")
    fake_checkpoint(tmp_path / "badrun", 1)
    return tmp_path


@pytest.fixture
def read_only_mount(tmp_path):
    """A read-only tmpfs at tmp_path/ro (we run as root, so permissions alone stop nothing)."""
    mount_point = tmp_path / "ro"
    mount_point.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(mount_point)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a read-only tmpfs here: {done.stderr.strip()}")
    yield mount_point
    subprocess.run(["umount", str(mount_point)], check=True)


@pytest.fixture
def no_tensorflow(tmp_path_factory):
    """A folder whose ``tensorflow`` package stops the process when imported."""
    shadow = tmp_path_factory.mktemp("shadow")
    (shadow / "tensorflow").mkdir()
    (shadow / "tensorflow" / "__init__.py").write_text(f"raise SystemExit({TF_IMPORTED!r})\n")
    return shadow


def shadowed(shadow: Path) -> dict[str, str]:
    """PYTHONPATH with the stand-in first, then what it held (the package under test)."""
    return {
        "PYTHONPATH": os.pathsep.join(filter(None, [str(shadow), os.environ.get("PYTHONPATH")]))
    }


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file() and "ro" not in path.relative_to(root).parts[:1]
    }


def cli(*args, cwd: Path, env: dict | None = None, timeout: float = 120):
    return subprocess.run(
        [CLI, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def assert_one_error(done, status: int, says: str) -> None:
    """The documented status, one error line holding ``says``, a short block, no traceback."""
    where = f"status {done.returncode}, stderr:\n{done.stderr}"
    assert done.returncode == status, where
    assert "Traceback" not in done.stderr and TF_IMPORTED not in done.stderr, where
    block = [line for line in done.stderr.splitlines() if not PROGRESS.match(line)]
    errors = [line for line in block if "error:" in line]
    assert len(errors) == 1 and says in errors[0], where
    assert len(block) <= 6, where  # the error, a hint, or argparse's usage lines


@pytest.mark.parametrize("misuse", CASES, ids=[item.id for item in CASES])
def test_misuse_is_one_line_with_its_status_before_tensorflow(misuse, user_files, request):
    if misuse.needs == "ro":
        request.getfixturevalue("read_only_mount")
    shadow = request.getfixturevalue("no_tensorflow")
    before = snapshot(user_files)
    args = [arg.replace("{tmp}", str(user_files)) for arg in misuse.args]
    env = {**shadowed(shadow), **misuse.env}
    done = cli(*args, cwd=user_files, env=env)
    assert_one_error(done, misuse.status, misuse.says.replace("{tmp}", str(user_files)))
    after = snapshot(user_files)
    assert {name: after.get(name) for name in before} == before, "a file the user had changed"


def test_the_table_covers_every_subcommand_and_both_statuses():
    assert len(CASES) >= 60
    commands = {item.args[0] if item.args else "" for item in CASES}
    assert {"run", "measure", "report", "cluster", "list", "legacy"} <= commands
    assert {item.status for item in CASES} == {1, 2}


def test_debug_shows_the_traceback_and_keeps_the_status(tmp_path, no_tensorflow):
    env = shadowed(no_tensorflow)
    done = cli(
        "run", "softmax", "--seed", "-1", cwd=tmp_path, env={**env, "TF1_TUTORIALS_DEBUG": "1"}
    )
    assert done.returncode == 2 and "Traceback" in done.stderr and "--seed" in done.stderr
    done = cli("--debug", "run", "nosuch", cwd=tmp_path, env=env)
    assert done.returncode == 2 and "Traceback" in done.stderr


def test_help_never_imports_tensorflow(tmp_path, no_tensorflow):
    for command in ("run", "measure", "report", "cluster", "list", "legacy"):
        done = cli(command, "--help", cwd=tmp_path, env=shadowed(no_tensorflow))
        assert done.returncode == 0 and "usage: tf1-tutorials" in done.stdout, done.stderr


def test_without_logdir_a_new_run_gets_a_fresh_directory(tmp_path, monkeypatch):
    from tf1_tutorials.training.runner import default_logdir

    monkeypatch.chdir(tmp_path)
    first = default_logdir("softmax", resume=False)
    first.mkdir(parents=True)
    second = default_logdir("softmax", resume=False)
    assert second != first and not second.exists()
    assert second.parent == first.parent == Path("runs")


def test_a_logdir_another_process_owns_is_refused_naming_its_pid(user_files, no_tensorflow):
    import fcntl

    from tf1_tutorials.training.logdir_lock import LOCK_FILE

    held = user_files / "held"
    held.mkdir()
    env = shadowed(no_tensorflow)
    with open(held / LOCK_FILE, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        lock.write(f"{os.getpid()}\n")
        lock.flush()
        for args in (
            ["run", "softmax", "--steps", "5"],
            ["run", "softmax", "--resume"],
            ["cluster", "run", "softmax"],
        ):
            done = cli(*args, "--logdir", str(held), cwd=user_files, env=env)
            says = f"--logdir {held}: in use by another run (pid {os.getpid()})"
            assert_one_error(done, 1, says)
    assert sorted(os.listdir(held)) == [LOCK_FILE]  # the owner's, untouched


def test_resuming_a_finished_run_says_so_and_changes_nothing(user_files, no_tensorflow):
    before = snapshot(user_files)
    done = cli(
        "run", "softmax", "--resume", "--logdir", str(user_files / "oldrun"),
        cwd=user_files, env=shadowed(no_tensorflow),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "the run there is finished (20 steps and its result)" in done.stdout
    assert snapshot(user_files) == before
