"""The notebooks: one per classic tutorial, in the tutorials' order, English and Korean side by
side, kept in the repository without outputs, and each executed top to bottom on the real data with
short runs (TF1_TUTORIALS_NOTEBOOK_STEPS, 50 unless set; empty: each recipe at its own length)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import nbformat
import pytest
from data_support import real_data_root
from nbclient import NotebookClient

NOTEBOOK_DIR = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
# notebook -> the variants it trains, in order
TRAINS = {
    "01_mnist_for_beginners": ["softmax"],
    "02_deep_mnist_for_experts": ["experts"],
    "03_cnn_and_tf_layers": ["graph_cnn", "layers_cnn"],
}
HANGUL = re.compile(r"[\uac00-\ud7a3]")


def by_name(path: Path) -> str:
    return path.stem


def test_one_notebook_per_classic_tutorial_in_their_order():
    assert [path.stem for path in NOTEBOOKS] == list(TRAINS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=by_name)
def test_stored_without_outputs(path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [], f"{path.name}: a code cell keeps its outputs"
            assert cell.execution_count is None, f"{path.name}: a code cell keeps its count"
        assert not {"execution", "collapsed", "scrolled"} & set(cell.metadata), path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=by_name)
def test_every_text_cell_is_in_english_and_korean(path):
    notebook = nbformat.read(path, as_version=4)
    texts = [cell.source for cell in notebook.cells if cell.cell_type == "markdown"]
    assert texts
    for text in texts:
        assert "**EN**" in text and "**KO**" in text, text[:80]
        english, korean = text.split("**KO**")
        assert not HANGUL.search(english.split("**EN**")[1]), text[:80]
        assert len(HANGUL.findall(korean)) > 10, text[:80]


def total_steps(config: dict) -> int:
    return config["steps"] if "steps" in config else config["epochs"] * config["batches_per_epoch"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=by_name)
def test_runs_top_to_bottom_on_the_real_data(path, tmp_path, monkeypatch):
    steps = os.environ.get("TF1_TUTORIALS_NOTEBOOK_STEPS", "50")
    monkeypatch.setenv("TF1_TUTORIALS_NOTEBOOK_STEPS", steps)
    monkeypatch.setenv("TF1_TUTORIALS_DATA", str(real_data_root()))
    monkeypatch.setenv("TF1_TUTORIALS_DATA_DIR", str(tmp_path / "data"))
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=3600,  # a cell; the full-length runs (empty steps) take minutes
        kernel_name="python3",
        resources={"metadata": {"path": str(tmp_path)}},  # runs/ is written there
    )
    client.execute()

    text = "\n".join(
        output.get("text", "")
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
    )
    assert "train images (55000, 784) labels (55000, 10)" in text
    assert "validation 5000 test 10000" in text
    records = [json.loads(p.read_text()) for p in sorted(tmp_path.glob("runs/*/result.json"))]
    assert sorted(r["variant"] for r in records) == sorted(TRAINS[path.stem])
    for record in records:
        assert record["steps"] == total_steps(record["config"])
        if steps:
            assert record["steps"] == int(steps)
        assert 0 < record["test_accuracy"] <= 1 and record["test_images"] == 10000
        assert f"test accuracy {record['test_accuracy']:.4f}" in text
