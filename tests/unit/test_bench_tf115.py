"""bench/tf115.py: the TF1 script's timing line, the same-round ratios, the rendered section; and
that bench/tf1_experts_steps.py is a script whose printed line the bench reads. Nothing trains."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import run_all  # noqa: E402
import tf115  # noqa: E402


def script_format() -> str:
    """The format string of the line bench/tf1_experts_steps.py prints at the end."""
    tree = ast.parse(tf115.SCRIPT.read_text(), filename=str(tf115.SCRIPT))
    formats = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.startswith("experts steps:")
    ]
    assert len(formats) == 1
    return formats[0]


def test_the_line_the_tf1_script_prints_is_the_line_the_bench_reads():
    line = script_format() % (300, 20, 50, 66.1234, 65.4)
    assert tf115.parse_steps(f"step noise\n{line}\n") == {
        "steps": 300,
        "warmup": 20,
        "batch_size": 50,
        "ms_per_step": 66.12,
        "median_ms_per_step": 65.4,
    }


def test_the_tf1_script_is_tf1_style_with_its_flags():
    source = tf115.SCRIPT.read_text()
    compile(source, str(tf115.SCRIPT), "exec")
    assert "import tensorflow as tf\n" in source
    assert "from tensorflow.examples.tutorials.mnist import input_data" in source
    for flag in ("--data_dir", "--warmup", "--steps", "--seed"):
        assert f"'{flag}'" in source


def test_parse_steps_takes_the_last_line_and_none_without_one():
    first = "experts steps: 3 timed after 2 warm-up, batch 50: mean 10.00 ms, median 9.00 ms "
    first += "per step"
    last = first.replace("9.00", "8.00")
    assert tf115.parse_steps(f"{first}\n{last}\n")["median_ms_per_step"] == 8.0
    assert tf115.parse_steps("test accuracy 0.99\n") is None
    assert tf115.parse_steps(first.replace("mean 10.00", "mean nan")) is None
    assert tf115.parse_steps(first + " (late)") is None


def test_rounds_shift_the_order_and_run_every_path_once():
    order = tf115.rounds_order(3, ("a", "b", "c"))
    assert order == [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"]]


def runs_of(**ms: list[float]) -> dict[str, list[dict]]:
    return {path: [{"median_ms_per_step": v} for v in values] for path, values in ms.items()}


def test_ratios_are_taken_within_each_round():
    # The machine doubles in speed between the rounds: the medians mix the rounds, the
    # same-round ratios do not.
    summary = tf115.summarize(runs_of(session=[100.0, 50.0, 60.0], tf115=[200.0, 100.0, 150.0]))
    assert summary["paths"]["session"] == {"median_ms": 60.0, "min_ms": 50.0, "max_ms": 100.0}
    ratio = summary["ratios"]["session/tf115"]
    assert ratio["per_round"] == [0.5, 0.5, 0.4]
    assert (ratio["median"], ratio["min"], ratio["max"]) == (0.5, 0.4, 0.5)
    assert set(summary["ratios"]) == {"session/tf115"}  # no original over a project path


def test_every_project_path_over_every_original_that_ran():
    summary = tf115.summarize(
        runs_of(session=[1.0], session_eigen=[2.0], legacy=[3.0], tf115=[4.0], tf115_mkl=[5.0])
    )
    assert len(summary["ratios"]) == 6
    assert summary["ratios"]["legacy/tf115_mkl"]["median"] == pytest.approx(0.6)


def test_missing_runtimes_are_named_with_how_to_build_them(tmp_path, monkeypatch):
    monkeypatch.setenv("TF1_TUTORIALS_TF115_VENV", str(tmp_path / "none"))
    monkeypatch.setenv(tf115.MKL_VENV_ENV, str(tmp_path / "none-mkl"))
    found, missing = tf115.original_pythons()
    assert found == {}
    assert "make tf115 " in missing["tf115"] and "make tf115-mkl" in missing["tf115_mkl"]
    (tmp_path / "none-mkl" / "bin").mkdir(parents=True)
    (tmp_path / "none-mkl" / "bin" / "python").touch()
    found, missing = tf115.original_pythons()
    assert found == {"tf115_mkl": tmp_path / "none-mkl" / "bin" / "python"}
    assert set(missing) == {"tf115"}


def test_the_section_names_a_missing_runtime_in_one_line_and_renders_the_rest():
    runs = runs_of(session=[40.0, 44.0], legacy=[36.0, 30.0], tf115=[80.0, 60.0])
    summary = tf115.summarize(runs)
    result = {
        "steps": 300,
        "warmup": 20,
        "rounds": 2,
        "labels": tf115.LABELS,
        "missing": {"tf115_mkl": "intel-tensorflow 1.15.2 is not built"},
        "load_average_range": [0.5, 1.25],
        **summary,
    }
    text = "\n".join(run_all.render_tf115(result, rough=False))
    assert text.count("not run") == 1
    assert "intel-tensorflow 1.15.2 (MKL): not run; intel-tensorflow 1.15.2 is not built." in text
    session_row = "| project: compat.v1 Session on TF 2.21, oneDNN on ÷ TensorFlow 1.15.5 |"
    assert f"{session_row} **0.62x** | 0.50–0.73 |" in text  # rounds 0.5 and 0.733
    assert "| **0.47x** | 0.45–0.50 |" in text  # legacy ÷ TF 1.15.5: rounds 0.45 and 0.5
    assert "load average 0.50–1.25" in text
    assert "÷ intel" not in text
