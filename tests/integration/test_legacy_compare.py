"""`tf1-tutorials legacy --compare`: a script under the project and under TensorFlow 1.15.5.

The parsing of what a script printed and the verdict are tested on made-up output; the command
end to end on scripts that import no TensorFlow, with a stand-in reference interpreter (this
Python, behind a venv's ``bin/python``); and live, on the real TensorFlow 1.15.5, where
``make tf115`` has built it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from data_support import real_data_root

from tf1_tutorials import cli, reference_runtime
from tf1_tutorials.legacy.compare import sides as compare
from tf1_tutorials.legacy.compare.verdict import (
    Run,
    compare_values,
    printed_result,
    step_time,
    table,
    verdict,
    why_failed,
)

CHECKOUT = Path(__file__).resolve().parents[2]
SCRIPTS = Path(__file__).resolve().parents[1] / "legacy_scripts"
LABELS = ("project", "reference")
RESULT = "test accuracy 0.098 after 1000 steps (loss nan, 5.8 s of training, 10000 test images)"
TRACEBACK = [
    "Traceback (most recent call last):",
    '  File "gpu_pinned_softmax.py", line 26, in <module>',
    "tensorflow.python.framework.errors_impl.InvalidArgumentError: Cannot assign a device",
    "\t [[zeros]]",
]


def ran(*lines: str, status: int = 0, stderr: list[str] | None = None) -> Run:
    return Run(status, [(float(i), line) for i, line in enumerate(lines)], stderr or [])


# --- what the script printed ----------------------------------------------------------------


def test_the_result_line_gives_the_accuracy_even_before_other_lines():
    printed = printed_result(["step 900, training accuracy 0.94", RESULT, "done in 12.5 s"])
    assert (printed.value, printed.line) == (0.098, RESULT)


def test_the_last_line_naming_an_accuracy_wins_over_a_later_loss():
    lines = ["step 100, training accuracy 0.9", "Test Accuracy: 0.9191", "test loss 0.31"]
    assert printed_result(lines).value == 0.9191


def test_without_an_accuracy_the_last_float_in_0_1_counts():
    assert printed_result(["epoch 1 of 3", "0.25 0.5", "wrote 3 files"]).value == 0.5


def test_a_script_printing_whole_numbers_is_compared_by_its_last_number():
    assert printed_result(["Extracting", "[3. 5.]", "13"]).value == 13
    assert printed_result(["test accuracy 91.2%"]).value == 91.2


def test_no_number_printed_is_none():
    assert printed_result(["Optimization Finished!", ""]) is None
    assert printed_result([]) is None


def test_nan_is_a_printed_result():
    assert str(printed_result(["test accuracy nan"]).value) == "nan"


def test_time_per_step_from_the_result_line():
    told = step_time(ran("Extracting ...", RESULT))
    assert (round(told.seconds, 6), told.steps, told.source) == (0.0058, 1000, "result line")


def test_time_per_step_from_step_lines_and_their_arrival_times():
    run = Run(0, [(1.0, "step 0, training accuracy 0.1"), (3.0, "Step 100"), (5.0, "step 200")])
    told = step_time(run)
    assert (told.seconds, told.steps, told.source) == (0.02, 200, "step lines")


def test_no_time_per_step_without_steps():
    assert step_time(ran("test accuracy 0.9")) is None
    assert step_time(ran("step 5", "step 5")) is None


def test_why_a_run_failed_is_its_exception_line_not_the_trailing_node_name():
    assert why_failed(TRACEBACK).startswith("tensorflow.python.framework.errors_impl.")
    unsupported = "s.py:3: tf.contrib.learn is not supported by tf1-tutorials legacy: gone"
    assert why_failed(["W0101 a log line", unsupported, ""]) == unsupported
    assert why_failed(["something went wrong", "  "]) == "something went wrong"
    assert why_failed([]) == "nothing on stderr"


# --- the verdict ----------------------------------------------------------------------------


def test_one_run_a_side_must_be_equal():
    same = compare_values([0.098], [0.098], LABELS)
    assert (same.word, same.exit_status) == ("same", 0)
    assert "must be equal" in same.reason
    differs = compare_values([0.9168], [0.9169], LABELS)
    assert (differs.word, differs.exit_status) == ("differs", 1)
    assert "0.9168 against 0.9169" in differs.reason


def test_repeated_runs_are_the_same_within_the_larger_spread():
    # softmax lr 0.01 x 6000 steps, 3 seeds a side: 2.21 against 1.15.5
    same = compare_values([0.9111, 0.9196, 0.9226], [0.9123, 0.9209, 0.9168], LABELS)
    assert same.word == "same"
    assert "within the larger run-to-run spread 0.0115" in same.reason
    differs = compare_values([0.9111, 0.9196, 0.9226], [0.95, 0.951, 0.952], LABELS)
    assert differs.word == "differs"
    assert "beyond" in differs.reason


def test_deterministic_repeated_runs_must_still_be_equal():
    assert compare_values([0.098] * 3, [0.098] * 3, LABELS).word == "same"
    assert compare_values([0.5, 0.5], [0.5001, 0.5001], LABELS).word == "differs"


def test_missing_numbers_and_nan():
    assert compare_values([None], [None], LABELS).word == "same"
    missing = compare_values([0.9], [None], LABELS)
    assert (missing.word, missing.reason) == ("differs", "reference printed no number in some run")
    nan = float("nan")
    assert compare_values([nan], [nan], LABELS).word == "same"
    assert compare_values([nan], [0.098], LABELS).word == "differs"


def test_a_side_that_failed_makes_it_ran_on_one_side_only_with_why():
    said = verdict(
        [ran(RESULT)], [ran("W is on /device:GPU:0", status=1, stderr=TRACEBACK)], LABELS
    )
    assert (said.word, said.exit_status) == ("ran on one side only", 1)
    assert said.reason.startswith("ran under project only; under reference it ended with exit")
    assert "InvalidArgumentError: Cannot assign a device" in said.reason


def test_one_failed_repeat_is_enough_to_count_a_side_as_failed():
    said = verdict([ran(RESULT), ran(status=2, stderr=["boom"])], [ran(RESULT)] * 2, LABELS)
    assert said.word == "ran on one side only"
    assert said.reason.endswith("under project it ended with exit status 2: boom")


def test_both_sides_failing_is_its_own_verdict():
    said = verdict([ran(status=1, stderr=["OSError: x"])], [ran(status=2)], LABELS)
    assert (said.word, said.exit_status) == ("failed on both sides", 1)
    assert "project: exit status 1, OSError: x; reference: exit status 2" in said.reason


def test_the_table_puts_the_sides_side_by_side():
    runs = ([ran(RESULT), ran(RESULT)], [ran("x", status=1, stderr=TRACEBACK)] * 2)
    lines = table(("legacy (TF 2.21.0)", "TF 1.15.5"), runs)
    assert lines[0].split() == ["legacy", "(TF", "2.21.0)", "TF", "1.15.5"]
    rows = {line.split("  ")[0]: line for line in lines[1:]}
    assert rows["exit status"].split()[2:] == ["0", "1"]
    assert rows["result"].split()[1:] == ["0.098", "/", "0.098", "—", "/", "—"]
    assert "0.098..0.098 (0)" in rows["min..max (sd)"]
    assert "5.8 ms (result line)" in rows["time per step"]
    assert "InvalidArgumentError" in rows["why"]
    assert lines[-2] == f"legacy (TF 2.21.0) printed last: {RESULT} (run 2)"
    assert lines[-1] == "TF 1.15.5 ended with exit status 1 (run 2)"


# --- the working copy and the data ----------------------------------------------------------


def test_data_dirs_are_the_relative_ones_a_script_names_or_is_given():
    sources = [
        'mnist = input_data.read_data_sets("MNIST-data", one_hot=True)',
        "flags.DEFINE_string('data_dir', '/tmp/tensorflow/mnist/input_data', 'where')",
        "parser.add_argument('--data_dir', type=str, default='data/mnist/')",
    ]
    args = ["--input_data_dir", "given", "--other_dir=x", "--data_dir=../outside", "--log", "l"]
    assert compare.data_dirs(sources, args) == ["MNIST_data", "MNIST-data", "data/mnist", "given"]
    assert compare.data_dirs([], ["--data_dir=/abs", "--data-dir", "./"]) == ["MNIST_data"]


def test_the_copy_holds_the_script_its_small_files_and_its_packages(tmp_path):
    source, copy = tmp_path / "source", tmp_path / "copy"
    (source / "helpers" / "__pycache__").mkdir(parents=True)
    (source / "checkpoints").mkdir()
    (source / "helpers" / "__init__.py").write_text("")
    (source / "helpers" / "__pycache__" / "x.pyc").write_text("")
    (source / "script.py").write_text("import helpers\n" + "#" * compare.SMALL_FILE)
    (source / "settings.json").write_text("{}")
    (source / "big.bin").write_bytes(b"\0" * (compare.SMALL_FILE + 1))
    (source / "checkpoints" / "model.ckpt").write_text("")
    copy.mkdir()
    assert compare.copy_workdir(source / "script.py", copy) == copy / "script.py"
    copied = sorted(str(path.relative_to(copy)) for path in copy.rglob("*"))
    assert copied == ["helpers", "helpers/__init__.py", "script.py", "settings.json"]


# --- the command ----------------------------------------------------------------------------


def test_without_the_reference_runtime_one_line_says_what_is_missing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv(reference_runtime.VENV_ENV, str(tmp_path / "no-venv"))
    monkeypatch.delenv(reference_runtime.PYTHON_ENV, raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "no-pyenv"))
    status = cli.main(["legacy", "--compare", str(SCRIPTS / "invocation.py")])
    err = capsys.readouterr().err.splitlines()
    assert status == 1
    assert len(err) == 1
    assert err[0].startswith("tf1-tutorials legacy: error: the TensorFlow 1.15.5 reference")
    assert "make tf115" in err[0]
    assert "no Python 3.7 is here to build it from (pyenv install 3.7.16" in err[0]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--repeat", "2"], "--repeat goes with --compare"),
        (["--compare", "--repeat", "0"], "--repeat 0: give a number of runs of 1 or more"),
        (["--compare", "--check"], "--check and --compare: give one of them"),
    ],
)
def test_usage_errors(argv, message, capsys):
    assert cli.main(["legacy", *argv, str(SCRIPTS / "invocation.py")]) == 2
    assert capsys.readouterr().err == f"tf1-tutorials legacy: error: {message}\n"


def test_a_missing_script(fake_reference, capsys):
    assert cli.main(["legacy", "--compare", "nowhere.py"]) == 1
    assert (
        capsys.readouterr().err == "tf1-tutorials legacy: error: script nowhere.py: no such file\n"
    )


@pytest.fixture
def fake_reference(tmp_path, monkeypatch) -> Path:
    """A reference venv whose ``bin/python`` is this Python (for scripts without TensorFlow)."""
    venv = tmp_path / "fake-venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    python.chmod(0o755)
    monkeypatch.setenv(reference_runtime.VENV_ENV, str(venv))
    return venv


def compare_command(
    script: Path, *script_args: str, options: tuple = (), cwd: Path
) -> subprocess.CompletedProcess:
    """`legacy --compare` in a fresh process, which says at the end if it imported TensorFlow."""
    code = (
        "import sys; from tf1_tutorials import cli; status = cli.main(sys.argv[1:]); "
        "print('parent imported tensorflow:', 'tensorflow' in sys.modules, file=sys.stderr); "
        "sys.exit(status)"
    )
    env = dict(os.environ, PYTHONPATH=str(CHECKOUT))
    return subprocess.run(
        [sys.executable, "-c", code, "legacy", "--compare", *options, str(script), *script_args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=cwd,
        env=env,
    )


def write_script(directory: Path, body: str) -> Path:
    directory.mkdir(exist_ok=True)
    script = directory / "script.py"
    script.write_text(textwrap.dedent(body))
    return script


# Which side a script runs on: the project's child process has the legacy import hook loaded.
ON_PROJECT = "'tf1_tutorials.legacy.import_hook' in sys.modules"


def test_the_same_printed_number_on_both_sides_exits_0(fake_reference, tmp_path):
    script = write_script(
        tmp_path / "scripts",
        """\
        import time
        for step in (0, 50, 100):
            print("step %d" % step)
            time.sleep(0.2)
        print("test accuracy 0.9191")
        """,
    )
    result = compare_command(script, options=("--repeat", "2"), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    rows = {line.split("  ")[0]: line for line in result.stdout.splitlines()}
    assert rows["result"].split()[1:] == ["0.9191", "/", "0.9191"] * 2
    assert rows["time per step"].count("ms (step lines)") == 2
    assert result.stdout.splitlines()[-1] == (
        "verdict: same: means 0.9191 and 0.9191 differ by 0, within the larger run-to-run "
        "spread 0 (2 runs a side)"
    )
    assert result.stderr.count("round 2 of 2") == 4  # each side's run, started and ended
    assert "parent imported tensorflow: False" in result.stderr


def test_numbers_that_differ_exit_1(fake_reference, tmp_path):
    script = write_script(
        tmp_path / "scripts",
        f"import sys\nprint('accuracy', 0.5 if {ON_PROJECT} else 0.25)\n",
    )
    result = compare_command(script, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[-1].startswith("verdict: differs: 0.5 against 0.25")


def test_a_script_failing_on_one_side_says_why(fake_reference, tmp_path):
    script = write_script(
        tmp_path / "scripts",
        f"""\
        import sys
        if not {ON_PROJECT}:
            raise RuntimeError("only on the project")
        print("test accuracy 0.9")
        """,
    )
    result = compare_command(script, cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert result.stdout.splitlines()[-1] == (
        f"verdict: ran on one side only: ran under {compare.project_label()} only; under "
        "TF 1.15.5 it ended with exit status 1: RuntimeError: only on the project"
    )


def test_each_run_has_a_fresh_copy_with_mnist_staged(fake_reference, tmp_path, monkeypatch):
    monkeypatch.setenv("TF1_TUTORIALS_DATA", str(real_data_root()))
    monkeypatch.setenv("TF1_TUTORIALS_DATA_DIR", str(tmp_path / "store"))
    scripts = tmp_path / "scripts"
    script = write_script(
        scripts,
        """\
        # MNIST from input_data.read_data_sets("digits/mnist"), MNIST_data/ or --data_dir
        import os, sys
        assert os.getcwd() == os.path.dirname(os.path.abspath(__file__))
        assert open("notes.txt").read() == "kept"
        assert not os.path.exists("written.txt"), "a run saw the last one's file"
        open("written.txt", "w").write("x")
        for d in ("MNIST_data", "digits/mnist", sys.argv[2]):
            assert len([n for n in os.listdir(d) if n.endswith("-ubyte.gz")]) == 4, d
        print("accuracy 1.0")
        """,
    )
    (scripts / "notes.txt").write_text("kept")
    result = compare_command(
        script, "--data_dir", "given/dir", options=("--repeat", "2"), cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.splitlines()[-1].startswith("verdict: same: means 1 and 1")
    assert sorted(path.name for path in scripts.iterdir()) == ["notes.txt", "script.py"]


# --- live, on TensorFlow 1.15.5 -------------------------------------------------------------

MISSING = reference_runtime.missing_reason()
LIVE = pytest.mark.skipif(MISSING is not None, reason=str(MISSING))


@pytest.fixture
def real_data(monkeypatch, tmp_path) -> Path:
    monkeypatch.setenv("TF1_TUTORIALS_DATA", str(real_data_root()))
    monkeypatch.setenv("TF1_TUTORIALS_DATA_DIR", str(tmp_path / "store"))
    return tmp_path


def rows_of(stdout: str) -> dict[str, list[str]]:
    """The table's rows: name -> its two cells."""
    rows = {}
    for line in stdout.splitlines()[1:]:
        cells = [cell.strip() for cell in line.split("  ") if cell.strip()]
        if len(cells) == 3:
            rows[cells[0]] = cells[1:]
    return rows


@pytest.mark.reference
@LIVE
def test_live_softmax_lr_003_prints_0098_on_both_runtimes(real_data):
    script = CHECKOUT / "reference" / "softmax.py"
    args = ("--learning_rate", "0.03", "--steps", "1000", "--data_dir", "MNIST_data")
    result = compare_command(script, *args, cwd=real_data)
    assert result.returncode == 0, result.stdout + result.stderr
    rows = rows_of(result.stdout)
    assert rows["exit status"] == ["0", "0"]
    assert rows["result"] == ["0.098", "0.098"]
    assert all(cell.endswith("ms (result line)") for cell in rows["time per step"])
    assert result.stdout.splitlines()[-1] == (
        "verdict: same: 0.098 on both sides (1 run a side: must be equal)"
    )


@pytest.mark.reference
@LIVE
def test_live_gpu_pinned_script_runs_on_the_project_only(real_data):
    # TensorFlow 1's default placement cannot put the /gpu:0 pins on a CPU; legacy runs them there.
    result = compare_command(SCRIPTS / "gpu_pinned_softmax.py", "200", cwd=real_data)
    assert result.returncode == 1, result.stdout + result.stderr
    rows = rows_of(result.stdout)
    assert rows["exit status"] == ["0", "1"]
    assert float(rows["result"][0]) > 0.85
    assert result.stdout.splitlines()[-1].startswith(
        "verdict: ran on one side only: ran under tf1-tutorials legacy (TF "
    )
    assert (
        "under TF 1.15.5 it ended with exit status 1: tensorflow.python.framework.errors_impl"
        ".InvalidArgumentError: Cannot assign a device for operation"
    ) in result.stdout
