"""The measurement files' one owner: runs of other runtimes sit beside, writes are locked and whole,
and the report reads each file only as the runtime it must hold."""

import json
import subprocess
import sys

import pytest

from tf1_tutorials import cli
from tf1_tutorials.errors import FileProblem
from tf1_tutorials.evidence import store

ENTRY = "softmax-lr0.001-1000"
WRITER = """
import sys
from tf1_tutorials.evidence import store
path, first = sys.argv[1], int(sys.argv[2])
for seed in range(first, first + 8):
    record = {"seed": seed, "test_accuracy": 0.9, "test_images": 10000, "diverged": False,
              "steps": 1000, "train_seconds": 1.0, "cpu": "x", "loss_curve": [[1, 1.0]],
              "versions": {"tensorflow": "2.21.0", "onednn": "1"}}
    store.record("softmax-lr0.001-1000", "softmax", {}, [record], store.Path(path))
"""


def test_two_processes_recording_into_one_file_lose_no_run(tmp_path):
    path = tmp_path / "m.json"
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(first)])
        for first in (1, 101)
    ]
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0]
    seeds = [run["seed"] for run in store.read(path)[ENTRY]["runs"]]
    assert seeds == [*range(1, 9), *range(101, 109)]


def test_a_lock_file_that_is_a_link_is_refused_and_its_target_left_alone(tmp_path):
    target = tmp_path / "p.txt"
    target.write_text("the user's file\n")
    path = tmp_path / "m.json"
    (tmp_path / ".m.json.lock").symlink_to(target)
    with pytest.raises(FileProblem, match=r"\.m\.json\.lock: cannot be opened as a lock file"):
        with store.locked(path):
            pass
    assert target.read_text() == "the user's file\n"


@pytest.mark.parametrize(
    ("spelling", "setting"),
    [(None, "1"), ("", "1"), ("1", "1"), ("true", "1"), ("True", "1"), ("0", "0"), ("false", "0")],
)
def test_onednn_spellings_tensorflow_reads_alike_are_one_setting(spelling, setting):
    assert store.onednn_setting(spelling) == setting


def _file(tmp_path, name, tensorflow):
    run = {"seed": 1, "test_accuracy": 0.9, "test_images": 10000}
    path = tmp_path / name
    path.write_text(json.dumps({ENTRY: {"tensorflow": tensorflow, "onednn": "1", "runs": [run]}}))
    return path


@pytest.mark.parametrize("tensorflow", ["2.21.0", "2.15.0"])
def test_report_refuses_a_reference_file_of_tensorflow_2(tmp_path, capsys, tensorflow):
    wrong = _file(tmp_path, "ours.json", tensorflow)
    status = cli.main(["report", "--reference", str(wrong), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 1, err
    assert err.count("\n") == 1
    assert f"--reference {wrong}: holds runs of TensorFlow {tensorflow} (entry {ENTRY})" in err
    assert "not of TensorFlow 1.x" in err
    assert not (tmp_path / "out").exists()


def test_report_refuses_a_matrix_file_of_the_same_release_as_ours(tmp_path, capsys):
    same = _file(tmp_path, "same.json", "2.21.0")
    status = cli.main(["report", "--matrix", str(same), "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert status == 1
    assert f"--matrix {same}: holds runs of TensorFlow 2.21.x, the same release as" in err
