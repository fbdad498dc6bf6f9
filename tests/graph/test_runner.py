"""The run library: typed settings through JSON, a fresh process that trains exactly as this one
does, its user errors as one line, and one rule for a log directory nobody named."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest
from data_support import real_data_root

from tf1_tutorials.cluster import task
from tf1_tutorials.training.runner import (
    ChildRunError,
    RunSettings,
    default_logdir,
    plan,
    run,
    run_in_fresh_process,
)


def test_settings_keep_their_types_through_json():
    settings = RunSettings(
        "mlp",
        {"hidden_units": (128, 32), "learning_rate": 0.1 + 0.2, "log_every_steps": 0},
        seed=7,
        data_dir="data",
        logdir=Path("runs/x"),
        deterministic=True,
        progress=False,
        summaries="full",
    )
    again = RunSettings.from_json(settings.to_json())
    assert again == settings
    assert again.overrides["hidden_units"] == (128, 32)
    assert again.overrides["learning_rate"] == 0.30000000000000004
    assert (again.deterministic, again.progress, again.resume) == (True, False, False)
    assert again.data_dir == Path("data") and again.logdir == Path("runs/x")


def test_a_fresh_process_trains_exactly_as_this_one(tmp_path, monkeypatch):
    real_data_root()
    monkeypatch.setenv("TF1_TUTORIALS_DATA_DIR", str(tmp_path / "data"))

    def settings(logdir: Path) -> RunSettings:  # one thread: the same sums in the same order
        return RunSettings("softmax", {"steps": 20}, seed=3, logdir=logdir, threads=1)

    fresh = run_in_fresh_process(settings(tmp_path / "fresh"), timeout=300)
    here, _ = run(settings(tmp_path / "here"), say=lambda line: None)
    assert len(fresh["loss_curve"]) == 20
    assert fresh["loss_curve"] == here["loss_curve"]
    assert fresh["test_accuracy"] == here["test_accuracy"]
    assert f"result: {tmp_path / 'fresh' / 'result.json'}" in fresh["stdout"]

    with pytest.raises(ChildRunError) as refused:  # a log directory holding a run is kept
        run_in_fresh_process(settings(tmp_path / "fresh"), timeout=300)
    assert refused.value.exit_status == 1
    assert str(refused.value) == (
        f"softmax run in {tmp_path / 'fresh'}: --logdir {tmp_path / 'fresh'}: already holds a "
        "softmax run; a new run does not write over it"
    )
    assert refused.value.hint == "give another --logdir, or --resume to continue that run"


def test_a_bad_setting_in_a_fresh_process_is_its_one_error_line(tmp_path):
    settings = RunSettings("experts", {"keep_prob": 1.5}, logdir=tmp_path / "run")
    with pytest.raises(ChildRunError) as refused:
        run_in_fresh_process(settings, timeout=120)
    assert refused.value.exit_status == 2
    assert str(refused.value) == (
        f"experts run in {tmp_path / 'run'}: keep_prob: must be above 0 and at most 1, got 1.5"
    )
    assert not (tmp_path / "run").exists()


def test_every_command_without_a_logdir_takes_the_one_default(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    stamped = re.compile(r"(.+)-\d{8}-\d{6}(-\d+)?")
    run_dir = plan(RunSettings("softmax")).logdir
    parser = argparse.ArgumentParser()
    task.add_arguments(parser)
    cluster_dir = task.cluster_logdir(parser.parse_args(["experts"]))
    next_dir = default_logdir("softmax", resume=False)
    assert run_dir.parent == cluster_dir.parent == next_dir.parent == Path("runs")
    assert stamped.fullmatch(run_dir.name)[1] == "softmax" and run_dir.is_dir()
    assert stamped.fullmatch(cluster_dir.name)[1] == "cluster-experts"
    assert stamped.fullmatch(next_dir.name)[1] == "softmax" and next_dir != run_dir
