"""Broken environments, limits and evidence files, each through the installed `tf1-tutorials` in a
fresh process: one line with the documented status, never a traceback, nothing the user had lost.

A broken or shadowing numpy or tensorflow on PYTHONPATH (in `run` and in `doctor`, which survives
and names the module and the file), a low ``ulimit -v``, a log directory name that is not UTF-8
under ``LC_ALL=C``, an ASCII-only terminal, a closed pipe, a taken port, a legacy script's bad
flag value, binary or endless files given to `legacy`, and full disks under `report --html` and
the measurements file.
"""

from __future__ import annotations

import fcntl
import json
import os
import resource
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from data_support import real_data_root

CLI = str(Path(sys.executable).with_name("tf1-tutorials"))

BROKEN = {  # a folder on PYTHONPATH -> the package it holds and that package's __init__.py
    "numpy-raises": ("numpy", 'raise ImportError("this numpy is broken")\n'),
    "numpy-empty": ("numpy", ""),
    "tensorflow-raises": ("tensorflow", 'raise RuntimeError("this tensorflow is broken")\n'),
    "tensorflow-empty": ("tensorflow", ""),
    "tensorflow-syntax": ("tensorflow", "def (\n"),
}


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    return {
        **os.environ,
        "TF1_TUTORIALS_DATA": str(real_data_root()),
        "TF1_TUTORIALS_DATA_DIR": str(tmp_path_factory.mktemp("data")),
    }


def cli(*args, env, cwd, timeout=600, **kwargs):
    return subprocess.run(
        [CLI, *map(str, args)],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        **kwargs,
    )


def one_error(done, status: int) -> str:
    where = f"status {done.returncode}, stderr:\n{done.stderr}"
    assert done.returncode == status, where
    assert "Traceback" not in done.stderr, where
    lines = [line for line in done.stderr.splitlines() if " error: " in line]
    assert len(lines) == 1, where
    return lines[0]


def shadow(tmp_path: Path, kind: str) -> tuple[Path, str]:
    package, text = BROKEN[kind]
    folder = tmp_path / "shadow"
    (folder / package).mkdir(parents=True)
    (folder / package / "__init__.py").write_text(text)
    return folder, package


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_a_broken_or_shadowing_library_is_one_line_naming_it_and_its_file(kind, tmp_path, env):
    folder, package = shadow(tmp_path, kind)
    paths = [str(folder), env.get("PYTHONPATH", "")]
    broken = {**env, "PYTHONPATH": os.pathsep.join(filter(None, paths))}
    logdir = tmp_path / "run"
    done = cli("run", "softmax", "--steps", 5, "--logdir", logdir, env=broken, cwd=tmp_path)
    line = one_error(done, 1)
    assert f"{package} ({folder / package / '__init__.py'}) cannot be used" in line
    assert "shadows the installed" in done.stderr
    assert not logdir.exists()  # the refused run left nothing behind


@pytest.mark.parametrize("kind", ["numpy-raises", "tensorflow-raises", "tensorflow-empty"])
def test_doctor_survives_a_broken_library_and_never_calls_it_ok(kind, tmp_path, env):
    folder, package = shadow(tmp_path, kind)
    broken = {
        **env,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(folder), env.get("PYTHONPATH", "")])),
    }
    done = cli("doctor", "--timeout", 1, env=broken, cwd=tmp_path, timeout=300)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    [fail] = [line for line in done.stdout.splitlines() if line.startswith(f"FAIL  {package}:")]
    assert str(folder / package / "__init__.py") in fail and "shadows the installed" in fail
    ok_lines = [line for line in done.stdout.splitlines() if line.startswith("ok ")]
    assert not any(f"{package} " in line for line in ok_lines), done.stdout
    assert done.stdout.splitlines()[-1].startswith("blocked:")


def limited(kib: int):
    def set_limit():
        resource.setrlimit(resource.RLIMIT_AS, (kib * 1024, kib * 1024))

    return set_limit


@pytest.mark.parametrize("kib", [300_000, 1_000_000, 2_000_000])
def test_a_low_address_space_limit_is_one_line_before_tensorflow(kib, tmp_path, env):
    logdir = tmp_path / "run"
    done = cli(
        "run", "softmax", "--steps", 5, "--logdir", logdir,
        env=env, cwd=tmp_path, preexec_fn=limited(kib),
    )  # fmt: skip
    assert "(ulimit -v)" in one_error(done, 1)
    assert not logdir.exists()


def test_doctor_under_a_low_address_space_limit_ends_with_its_verdict(tmp_path, env):
    done = cli(
        "doctor", "--timeout", 1, env=env, cwd=tmp_path, preexec_fn=limited(300_000), timeout=300
    )
    assert done.returncode == 1, (done.returncode, done.stderr)
    assert "Traceback" not in done.stderr
    assert any(line.startswith("FAIL  memory:") for line in done.stdout.splitlines())
    assert done.stdout.splitlines()[-1].startswith("blocked:")


def test_a_log_directory_name_that_is_not_utf8_is_refused_under_the_c_locale(tmp_path, env):
    logdir = os.fsencode(tmp_path) + b"/run-\xff"
    done = subprocess.run(
        [CLI, "run", "softmax", "--steps", "5", "--logdir", logdir],
        env={**env, "LC_ALL": "C"},
        cwd=tmp_path,
        capture_output=True,
        timeout=300,
    )
    assert done.returncode == 2, done.stderr
    assert b"Traceback" not in done.stderr
    assert b"run-\\xff: the name is not valid UTF-8" in done.stderr
    assert os.listdir(tmp_path) == []


def test_an_ascii_terminal_and_a_non_ascii_logdir_still_report_success(tmp_path, env):
    logdir = tmp_path / "exécution"
    ascii_env = {**env, "PYTHONIOENCODING": "ascii"}
    done = cli("run", "softmax", "--steps", 5, "--logdir", logdir, env=ascii_env, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "result: " in done.stdout and "ex\\xe9cution" in done.stdout
    assert (logdir / "result.json").is_file()


def test_a_closed_pipe_ends_the_run_quietly_with_success(tmp_path, env):
    logdir = tmp_path / "run"
    process = subprocess.Popen(
        [CLI, "run", "softmax", "--steps", "300", "--logdir", str(logdir), "--no-progress"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    process.stdout.readline()  # `| head -1`
    process.stdout.close()
    stderr = process.stderr.read()
    assert process.wait(timeout=600) == 0, stderr
    assert "Broken pipe" not in stderr and "Traceback" not in stderr
    assert json.loads((logdir / "result.json").read_text())["steps"] == 300


def test_a_cluster_task_whose_port_is_taken_names_the_port(tmp_path, env):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        other = f"localhost:{port + 1 if port < 65535 else port - 1}"
        for job, ps, worker in (
            ("ps", f"localhost:{port}", other),
            ("worker", other, f"localhost:{port}"),
        ):
            done = cli(
                "cluster", "task", "softmax", "--ps-hosts", ps, "--worker-hosts", worker,
                "--job-name", job, "--task-index", 0, "--logdir", tmp_path / "run",
                env=env, cwd=tmp_path,
            )  # fmt: skip
            assert f"port {port} (of localhost:{port}) is in use" in one_error(done, 1)


def test_a_cluster_chief_task_takes_its_log_directory_lock(tmp_path, env):
    logdir = tmp_path / "run"
    logdir.mkdir()
    with open(logdir / ".tf1-tutorials-run.lock", "w") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        held.write(f"{os.getpid()}\n")
        held.flush()
        with socket.socket() as free:
            free.bind(("127.0.0.1", 0))
            port = free.getsockname()[1]
        done = cli(
            "cluster", "task", "softmax", "--ps-hosts", "localhost:1",
            "--worker-hosts", f"localhost:{port}", "--job-name", "worker", "--task-index", 0,
            "--logdir", logdir, env=env, cwd=tmp_path,
        )  # fmt: skip
        assert f"in use by another run (pid {os.getpid()})" in one_error(done, 1)


FLAG_SCRIPT = """\
import tensorflow as tf

flags = tf.app.flags
flags.DEFINE_integer("max_steps", 100, "Number of steps to run trainer.")
FLAGS = flags.FLAGS


def main(_):
    print("training for %d steps" % FLAGS.max_steps)


if __name__ == "__main__":
    tf.app.run()
"""


def test_a_legacy_scripts_bad_flag_value_is_one_fatal_line(tmp_path, env):
    script = tmp_path / "train.py"
    script.write_text(FLAG_SCRIPT)
    done = cli("legacy", script, "--max_steps=abc", env=env, cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    lines = [line for line in done.stderr.splitlines() if "max_steps" in line]
    assert lines == [
        "FATAL Flags parsing error: flag --max_steps=abc: invalid literal for int() with "
        "base 10: 'abc'"
    ]
    good = cli("legacy", script, "--max_steps=7", env=env, cwd=tmp_path)
    assert good.returncode == 0 and "training for 7 steps" in good.stdout, good.stderr


def test_legacy_on_binary_endless_or_huge_files_is_one_line_naming_the_file(tmp_path, env):
    binary = tmp_path / "model.py"
    binary.write_bytes(Path(sys.executable).read_bytes()[:4096])
    huge = tmp_path / "huge.py"
    with open(huge, "wb") as out:
        out.truncate(17 * 2**20)  # sparse: no disk used
    fifo = tmp_path / "pipe.py"
    os.mkfifo(fifo)
    cases = [
        (["legacy", binary], 1, f"{binary}: not a Python script: it holds binary data"),
        (["legacy", "--check", binary], 1, f"{binary}: not a Python script"),
        (["legacy", "--check", "/dev/zero"], 2, "'/dev/zero': is not a regular file"),
        (["legacy", "--check", fifo], 2, f"'{fifo}': is not a regular file"),
        (["legacy", "--check", tmp_path], 2, f"'{tmp_path}': is a directory"),
        (["legacy", "--check", huge], 2, "17,825,792 bytes, more than the 16,777,216"),
        (["legacy", fifo], 2, "is not a regular file"),
    ]
    for args, status, says in cases:
        done = cli(*args, env=env, cwd=tmp_path, timeout=60)
        assert done.returncode == status, (args, done.stderr)
        assert done.stderr.strip().splitlines() == [done.stderr.strip()], (args, done.stderr)
        assert says in done.stderr and "Traceback" not in done.stderr, (args, done.stderr)


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
    mount_tmpfs(disk, "200k")
    yield disk
    subprocess.run(["umount", str(disk)], check=True)


def test_report_html_on_a_full_disk_writes_nothing_and_names_the_file(small_disk, env):
    out = small_disk / "report"
    done = cli("report", "--html", "--out", out, env=env, cwd=small_disk)
    line = one_error(done, 1)
    assert f"{out}/" in line and "no space left on the device" in line
    assert os.listdir(out) == []  # no partial PNG, no temporary file


def test_report_on_a_full_disk_keeps_the_previous_report_whole(small_disk, env):
    out = small_disk / "report"
    out.mkdir()
    (out / "REPORT.md").write_text("the previous report\n")
    done = cli("report", "--html", "--out", out, env=env, cwd=small_disk)
    one_error(done, 1)
    assert sorted(os.listdir(out)) == ["REPORT.md"]
    assert (out / "REPORT.md").read_text() == "the previous report\n"


def test_measurements_recorded_on_a_full_disk_leave_the_file_whole(small_disk):
    from tf1_tutorials.evidence import bands, store

    into = small_disk / "measured.json"
    into.write_text("{}\n")
    filler = small_disk / "filler"
    with open(filler, "wb", buffering=0) as full:
        try:
            while True:
                full.write(b"\0" * 4096)
        except OSError:
            pass
    item = bands.ENTRIES[0]
    record = {
        "seed": 1, "test_accuracy": 0.9, "test_images": 10000, "diverged": False, "steps": 10,
        "train_seconds": 1.0, "versions": {"tensorflow": "x", "onednn": "1"}, "cpu": "x",
        "loss_curve": [[1, 1.0]] * 5000,
    }  # fmt: skip
    with pytest.raises(OSError) as caught:
        store.record(item.key, item.variant, item.settings, [record], into)
    assert caught.value.filename == str(into)
    assert into.read_text() == "{}\n"
    assert sorted(os.listdir(small_disk)) == [".measured.json.lock", "filler", "measured.json"]
