"""The error contract where TensorFlow or the data are needed: missing and damaged data, resumes of
moved, copied and foreign log directories, a disk too small or filling up mid-run, a quiet start.

Each case runs the installed `tf1-tutorials` on softmax for a few steps (experts where a larger
model is the point), on the real MNIST (TF1_TUTORIALS_DATA) copied into a private data directory.
The disk cases mount a small tmpfs (we run as root) and are skipped, saying why, where mounting
is not allowed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from data_support import real_data_root

CLI = str(Path(sys.executable).with_name("tf1-tutorials"))
START_UP_LINES = ("absl::InitializeLog", "port.cc", "cudart_stub", "cpu_feature_guard")


def cli(*args, env: dict, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    command = [CLI, *map(str, args)]
    return subprocess.run(
        command, env=env, cwd=cwd, capture_output=True, text=True, timeout=timeout
    )


def error_lines(done) -> list[str]:
    assert "Traceback" not in done.stderr, done.stderr
    return [line for line in done.stderr.splitlines() if " error: " in line]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    data = tmp_path_factory.mktemp("data")
    return {
        **os.environ,
        "TF1_TUTORIALS_DATA": str(real_data_root()),
        "TF1_TUTORIALS_DATA_DIR": str(data),
        "TF1_TUTORIALS_DOWNLOAD_TIMEOUT": "2",
    }


@pytest.fixture(scope="module")
def softmax_run(tmp_path_factory, env):
    """A 5-step softmax run with seed 7 and a checkpoint at every step (the newest two kept)."""
    logdir = tmp_path_factory.mktemp("runs") / "softmax"
    done = cli(
        "run", "softmax", "--steps", 5, "--seed", 7, "--checkpoint-every", 1, "--logdir", logdir,
        env=env, cwd=logdir.parent,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    return logdir, done


def test_training_starts_quietly(softmax_run):
    _, done = softmax_run
    assert not [line for line in done.stderr.splitlines() if any(s in line for s in START_UP_LINES)]
    assert "Traceback" not in done.stderr


def test_a_moved_or_copied_run_resumes_from_its_own_files_with_its_own_seed(
    softmax_run, tmp_path, env
):
    original, _ = softmax_run
    copy = tmp_path / "copied"
    shutil.copytree(original, copy)
    # An old-style index naming the original's files by absolute path must not lead there.
    (copy / "checkpoint").write_text(f'model_checkpoint_path: "{original}/model.ckpt-5"\n')
    moved_away = tmp_path / "gone"
    original.rename(moved_away)
    try:
        done = cli(
            "run", "softmax", "--resume", "--steps", 8, "--logdir", copy, env=env, cwd=tmp_path
        )
    finally:
        moved_away.rename(original)
    assert done.returncode == 0, done.stderr
    assert f"resumed from {copy / 'model.ckpt-5'} at step 5 of 8" in done.stdout
    record = json.loads((copy / "result.json").read_text())
    assert record["seed"] == 7 and record["steps"] == 8 and record["start_step"] == 5
    assert json.loads((copy / "run.json").read_text())["seed"] == 7
    assert 'model_checkpoint_path: "model.ckpt-8"' in (copy / "checkpoint").read_text()


def test_resuming_another_variants_checkpoint_without_run_files_is_refused(
    softmax_run, tmp_path, env
):
    logdir = tmp_path / "old"
    shutil.copytree(softmax_run[0], logdir)
    (logdir / "run.json").unlink()
    (logdir / "result.json").unlink()  # as a run made before run files existed
    done = cli(
        "run", "experts", "--resume", "--steps", 6, "--logdir", logdir, env=env, cwd=tmp_path
    )
    assert done.returncode == 2, done.stderr
    [line] = error_lines(done)
    assert "model.ckpt-5 is not a checkpoint of this experts graph" in line


@pytest.mark.parametrize("kind", ["empty", "no-source", "truncated-source", "wrong-file"])
def test_data_that_cannot_be_had_is_one_line_naming_the_file(kind, tmp_path, env):
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    source = tmp_path / "source"
    (source / "mnist").mkdir(parents=True)
    real = real_data_root() / "mnist"
    for path in real.glob("*.gz"):
        (source / "mnist" / path.name).symlink_to(path)
    wanted = "train-labels-idx1-ubyte.gz"
    if kind == "truncated-source":
        (source / "mnist" / wanted).unlink()
        (source / "mnist" / wanted).write_bytes((real / wanted).read_bytes()[:1000])
    if kind == "wrong-file":
        (source / "mnist" / wanted).unlink()
        shutil.copy(real / "t10k-labels-idx1-ubyte.gz", source / "mnist" / wanted)
    overrides = {"TF1_TUTORIALS_DATA": str(source)}
    if kind == "empty":
        overrides["TF1_TUTORIALS_DATA"] = ""
    if kind == "no-source":
        overrides["TF1_TUTORIALS_DATA"] = str(tmp_path / "nothing")
    done = cli(
        "run", "softmax", "--steps", 5, "--data-dir", data_dir, "--logdir", tmp_path / "run",
        env={**env, **overrides}, cwd=tmp_path, timeout=600,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    [line] = error_lines(done)
    assert wanted in line and str(data_dir) in line
    assert not (data_dir / wanted).exists()  # nothing that failed verification was kept
    assert not (tmp_path / "run" / "result.json").exists()


def mount_tmpfs(path: Path, size: str) -> None:
    path.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a {size} tmpfs here: {done.stderr.strip()}")


@pytest.fixture
def small_disk(tmp_path):
    disk = tmp_path / "disk"
    mount_tmpfs(disk, "4m")
    yield disk
    subprocess.run(["umount", str(disk)], check=True)


def test_a_disk_too_small_for_the_checkpoints_is_refused_before_training(small_disk, env):
    done = cli(
        "run", "experts", "--steps", 5, "--logdir", small_disk / "run", env=env, cwd=small_disk
    )
    assert done.returncode == 1, done.stderr
    [line] = error_lines(done)
    assert "the checkpoints of this model need about" in line and str(small_disk) in line
    assert "step 0" not in done.stdout  # no training started
    assert not list((small_disk / "run").glob("model.ckpt-*"))


def fill(disk: Path) -> Path:
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as out:  # unbuffered: closing writes nothing more
        try:
            while True:
                out.write(b"\0" * 4096)
        except OSError:
            pass
    return filler


def test_a_disk_filling_up_mid_run_leaves_whole_checkpoints_that_still_load(small_disk, env):
    logdir = small_disk / "run"
    command = [CLI, "run", "softmax", "--steps", "200000", "--checkpoint-every", "1"]
    command += ["--seed", "2", "--no-progress", "--logdir", str(logdir)]
    process = subprocess.Popen(
        command, env=env, cwd=small_disk, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 300
    while not list(logdir.glob("model.ckpt-*.index")):
        assert process.poll() is None and time.monotonic() < deadline, process.communicate()
        time.sleep(0.05)
    filler = fill(small_disk)
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 1, stderr
    assert "Traceback" not in stderr
    [line] = [line for line in stderr.splitlines() if " error: " in line]
    assert "could not be saved" in line and "is intact" in line
    assert not list(logdir.glob(".saving-*"))  # no partial checkpoint left behind
    assert not (logdir / "result.json").exists()
    steps = sorted(int(p.name.split("-")[1].split(".")[0]) for p in logdir.glob("*.index"))
    filler.unlink()
    done = cli("run", "softmax", "--resume", "--steps", steps[-1] + 3, "--logdir", logdir,
               env=env, cwd=small_disk)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert f"resumed from {logdir / f'model.ckpt-{steps[-1]}'}" in done.stdout


def test_a_result_written_on_a_full_disk_leaves_the_old_one_whole(small_disk):
    from tf1_tutorials.training import results

    (small_disk / "result.json").write_text('{"test_accuracy": 0.9}\n')
    fill(small_disk)
    with pytest.raises(OSError):
        results.write({"test_accuracy": 0.5, "padding": "x" * 100_000}, small_disk)
    assert json.loads((small_disk / "result.json").read_text()) == {"test_accuracy": 0.9}
    assert sorted(path.name for path in small_disk.iterdir()) == ["filler", "result.json"]


def test_measure_passes_a_runs_own_error_line_on_and_records_nothing(tmp_path, env):
    into = tmp_path / "measured.json"
    into.write_text("{}\n")
    broken = {**env, "TF1_TUTORIALS_DATA": str(tmp_path / "nothing")}
    broken["TF1_TUTORIALS_DATA_DIR"] = str(tmp_path / "empty-cache")
    done = cli(
        "measure", "softmax-lr0.001-1000", "--seeds", 1, "--into", into,
        "--workdir", tmp_path / "work", env=broken, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    [line] = error_lines(done)
    assert line.startswith("tf1-tutorials measure: error: softmax run in ")
    assert "no good copy of train-images-idx3-ubyte.gz" in line
    assert into.read_text() == "{}\n"
