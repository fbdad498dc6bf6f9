"""The reference runtime (TensorFlow 1.15.5): finding it, the reference scripts, their result
lines, their committed measurements; live runs only where `make tf115` has built it."""

from __future__ import annotations

import ast
import math
import os
import subprocess
import sys

import pytest

from tf1_tutorials import reference_runtime
from tf1_tutorials.commands import measure as measure_command
from tf1_tutorials.evidence import bands, equivalence, reference_runs, store

LINE = "test accuracy 0.9162 after 6000 steps (loss 12.5, 4.1 s of training, 10000 test images)"
MISSING = reference_runtime.missing_reason()
needs_runtime = pytest.mark.skipif(MISSING is not None, reason=f"{MISSING}")


def test_the_result_line_is_read_back_whole():
    result = reference_runtime.parse_result(f"step 0, training accuracy 0.1\n{LINE}\n")
    assert result == reference_runtime.Result(0.9162, 6000, 12.5, 4.1, 10000)
    diverged = reference_runtime.parse_result(LINE.replace("loss 12.5", "loss nan"))
    assert math.isnan(diverged.loss)
    assert reference_runtime.parse_result("test accuracy 0.9162\n") is None


def test_every_documented_entry_and_every_graph_recipe_has_a_reference_script():
    for item in bands.ENTRIES:
        if item.documented is None and item.variant not in reference_runtime.SCRIPTS:
            continue  # the Keras comparison variants: TF2 forms with no TF1 original
        command = reference_runtime.script_command(item.variant, item.settings, 7, "DATA")
        script = command[0]
        assert os.path.isfile(script), script
        assert command[1:5] == ["--data_dir", "DATA", "--seed", "7"]
        source = open(script, encoding="utf-8").read()
        ast.parse(source)  # Python 3.7 syntax: no walrus, no match (checked by the live runs too)
        for flag in command[5:]:
            if flag.startswith("--"):
                assert f"'{flag}'" in source, f"{script} takes no {flag}"


def test_a_keras_variant_or_unknown_setting_is_refused_in_one_line():
    with pytest.raises(reference_runtime.UsageError, match="no TensorFlow 1.15.5 reference"):
        reference_runtime.script_command("keras_subclass", {}, 1, "DATA")
    with pytest.raises(reference_runtime.UsageError, match="takes no setting 'keep_prob'"):
        reference_runtime.script_command("experts", {"keep_prob": 0.4}, 1, "DATA")


def test_python37_is_taken_from_the_environment_first(monkeypatch):
    monkeypatch.setenv("TF115_PYTHON", "/somewhere/python3.7")
    assert reference_runtime.find_python37() == "/somewhere/python3.7"


def test_without_a_python37_make_tf115_says_so_in_one_line(tmp_path):
    env = {
        "PATH": str(tmp_path),  # no python3.7 here
        "PYENV_ROOT": str(tmp_path / "no-pyenv"),
        "HOME": str(tmp_path),
        "PYTHONPATH": os.pathsep.join(sys.path),
    }
    done = subprocess.run(
        [sys.executable, "-m", "tf1_tutorials.reference_runtime", "find-python"],
        capture_output=True,
        text=True,
        env=env,
    )
    assert done.returncode == 1
    assert done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "no Python 3.7 found" in lines[0] and "pyenv install" in lines[0]


def test_measure_with_the_reference_runtime_missing_fails_in_one_line(tmp_path, monkeypatch):
    monkeypatch.setenv("TF1_TUTORIALS_TF115_VENV", str(tmp_path / "none"))
    with pytest.raises(reference_runtime.FileProblem, match="make tf115"):
        args = _measure_args(["softmax-lr0.03-1000", "--runtime", "tf1.15"], tmp_path)
        measure_command.main(args)


def _measure_args(argv, tmp_path):
    import argparse

    parser = argparse.ArgumentParser()
    measure_command.add_arguments(parser)
    return parser.parse_args([*argv, "--into", str(tmp_path / "m.json")])


def test_the_committed_tf115_measurements_are_valid_and_made_alike():
    data = store.read(store.REFERENCE_MEASUREMENTS_FILE)
    for key, stored in data.items():
        item = bands.entry(key)
        assert stored["variant"] == item.variant and stored["settings"] == item.settings
        assert stored["tensorflow"] == reference_runtime.TENSORFLOW
        assert stored["onednn"] == reference_runtime.ONEDNN
        seeds = [run["seed"] for run in stored["runs"]]
        assert len(set(seeds)) == len(seeds)


def test_every_entry_measured_on_tf115_gets_an_equivalence_verdict():
    reference = store.load(store.REFERENCE_MEASUREMENTS_FILE)
    found = equivalence.verdicts(store.load(), reference)
    assert set(found) == {key for key, data in reference.items() if data["runs"]}
    for key, verdict in found.items():
        assert verdict.verdict in (
            equivalence.EQUIVALENT,
            equivalence.DIFFERS,
            equivalence.INCONCLUSIVE,
        ), key
    # the documented divergence is the same number on both runtimes, every run
    if "softmax-lr0.03-1000" in found:
        assert found["softmax-lr0.03-1000"].verdict == equivalence.EQUIVALENT


@needs_runtime
def test_one_reference_script_gives_the_documented_divergence_on_both_runtimes(tmp_path):
    """reference/softmax.py at lr 0.03: 0.098 on TensorFlow 1.15.5 and under `legacy`."""
    data_dir = reference_runs.staged_data("softmax")
    record = reference_runs.run_reference(
        "softmax", {"learning_rate": 0.03, "steps": 1000}, 1, tmp_path / "tf115.log", data_dir
    )
    assert record["test_accuracy"] == pytest.approx(0.098) and record["diverged"]
    assert record["versions"]["tensorflow"] == "1.15.5"
    script, *flags = reference_runtime.script_command(
        "softmax",
        {"learning_rate": 0.03, "steps": 1000},
        1,
        data_dir,
    )
    done = subprocess.run(
        [sys.executable, "-m", "tf1_tutorials.cli", "legacy", script, *flags],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    result = reference_runtime.parse_result(done.stdout)
    assert result is not None and result.test_accuracy == pytest.approx(0.098)
    assert math.isnan(result.loss)


def test_a_reference_process_never_inherits_what_tensorflow_2_set(monkeypatch):
    """TensorFlow 2 sets TF2_BEHAVIOR=1 in os.environ on import, which makes TF 1.15 eager."""
    monkeypatch.setenv("TF2_BEHAVIOR", "1")
    monkeypatch.setenv("TF_USE_LEGACY_KERAS", "1")
    env = reference_runtime.environment()
    assert "TF2_BEHAVIOR" not in env and "TF_USE_LEGACY_KERAS" not in env
    assert env["PATH"] == os.environ["PATH"]
