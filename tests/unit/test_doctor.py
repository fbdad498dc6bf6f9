"""`tf1-tutorials doctor`: versions and pins, data found and verified, mirrors, disk, exit code."""

from __future__ import annotations

import contextlib
import http.server
import platform
import socket
import sys
import threading
import time

import pytest
from data_support import closed_port_url, real_data_root

from tf1_tutorials import cli
from tf1_tutorials.data import mnist
from tf1_tutorials.training import disk_room, doctor

PROXY_VARIABLES = ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy")


def proxy_everything_through(monkeypatch, url: str) -> None:
    for name in PROXY_VARIABLES:
        monkeypatch.setenv(name, url)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """Every mirror unreachable (a proxy on a closed local port), an empty data directory."""
    proxy_everything_through(monkeypatch, closed_port_url())
    monkeypatch.setenv("TF1_TUTORIALS_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("TF1_TUTORIALS_DATA", raising=False)
    return tmp_path


def run_doctor(capsys, *args: str) -> tuple[int, dict[str, str]]:
    """The exit status and the output lines, keyed by the word that names each check."""
    status = cli.main(["doctor", *args])
    out = capsys.readouterr().out
    lines = {}
    for line in out.splitlines():
        text = line[6:] if line[:4].strip() in ("ok", "note", "FAIL") else line
        key = text.split(":")[0].split()[0]
        lines[key] = line
    return status, lines


def test_with_the_data_in_the_local_source_nothing_blocks(offline, monkeypatch, capsys):
    monkeypatch.setenv("TF1_TUTORIALS_DATA", str(real_data_root()))
    status, lines = run_doctor(capsys, "--logdir", str(offline / "runs"))
    assert status == 0
    assert lines["ready"] == "ready: nothing blocks a run"
    version = ".".join(map(str, sys.version_info[:3]))
    assert lines["Python"].startswith(f"ok    Python {version}")
    assert (
        "tensorflow 2." in lines["tensorflow"] and "as pinned in setup.cfg" in lines["tensorflow"]
    )
    assert lines["MNIST"].startswith("ok    MNIST: 0 of 4 files verified in")
    assert f"4 more in TF1_TUTORIALS_DATA ({real_data_root() / 'mnist'})" in lines["MNIST"]
    assert lines["CIFAR-10"].startswith("ok    CIFAR-10: 0 of 6 files verified")
    if not (real_data_root() / "cifar10/cifar-10-batches-bin/test_batch.bin").exists():
        assert lines["CIFAR-10"].endswith(
            "test_batch_first1000.bin stands in for test_batch.bin (the first 1,000 test images)"
        )
    assert "Connection refused" in lines["mirrors"] and lines["mirrors"].startswith("note")
    assert lines["disk"].startswith("ok    disk:")


def test_files_in_the_data_directory_are_verified_as_the_reader_does(offline, monkeypatch, capsys):
    source = real_data_root() / "mnist"
    data_dir = offline / "mnist"
    data_dir.mkdir()
    for spec in mnist.FILES[:3]:
        (data_dir / spec.name).write_bytes((source / spec.name).read_bytes())
    (data_dir / mnist.TEST_LABELS).write_bytes(b"not gzip")
    status, lines = run_doctor(capsys, "--data-dir", str(data_dir), "--logdir", str(offline))
    assert status == 1  # the bad file has no other source here
    assert lines["MNIST"].startswith(f"FAIL  MNIST: 3 of 4 files verified in {data_dir}")
    assert f"{mnist.TEST_LABELS} fails its check (" in lines["MNIST"]
    assert f"no source for {mnist.TEST_LABELS}" in lines["MNIST"]

    monkeypatch.setenv("TF1_TUTORIALS_DATA", str(real_data_root()))
    status, lines = run_doctor(capsys, "--data-dir", str(data_dir), "--logdir", str(offline))
    assert status == 0
    assert "1 more in TF1_TUTORIALS_DATA" in lines["MNIST"]


@pytest.mark.parametrize("source", [None, "nowhere"])
def test_without_data_or_mirrors_it_says_what_blocks_and_exits_1(
    offline, monkeypatch, capsys, source
):
    if source is not None:
        monkeypatch.setenv("TF1_TUTORIALS_DATA", str(offline / source))
    started = time.monotonic()
    status, lines = run_doctor(capsys, "--logdir", str(offline / "runs"))
    assert time.monotonic() - started < 20  # no hang: the mirrors are refused at once
    assert status == 1
    assert lines["MNIST"].startswith("FAIL  MNIST: 0 of 4 files verified")
    assert "no source for any of them" in lines["MNIST"]
    why = "TF1_TUTORIALS_DATA is unset" if source is None else "which is not a folder"
    assert why in lines["MNIST"]
    assert lines["CIFAR-10"].startswith("note")  # it blocks only the two CIFAR-10 runs
    assert "cifar10_graph and keras_sequential --dataset cifar10 cannot run" in lines["CIFAR-10"]
    assert lines["mirrors"].startswith("note  mirrors: none answers")
    assert lines["blocked"] == "blocked: fix the FAIL line above before a run"


class _Proxy(http.server.BaseHTTPRequestHandler):
    """Answers plain-HTTP requests for MNIST files, refuses HTTPS tunnels."""

    def do_HEAD(self):
        self.send_response(200 if self.path.endswith(mnist.TEST_LABELS) else 404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_CONNECT(self):
        self.send_response(502)
        self.end_headers()

    def log_message(self, *args):
        pass


@contextlib.contextmanager
def proxy_server():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Proxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_mirror_that_answers_makes_missing_files_downloadable(offline, monkeypatch, capsys):
    with proxy_server() as proxy:
        proxy_everything_through(monkeypatch, proxy)
        status, lines = run_doctor(capsys, "--logdir", str(offline))
    assert status == 0
    assert lines["mirrors"].startswith("ok    mirrors: yann.lecun.com answer; not ")
    assert "storage.googleapis.com (" in lines["mirrors"]
    assert "4 to download" in lines["MNIST"] and lines["MNIST"].startswith("ok")
    # The CIFAR-10 archive is on an HTTPS host the proxy refuses.
    assert "no source for any of them" in lines["CIFAR-10"]


def test_a_mirror_that_never_answers_costs_the_timeout_not_a_hang(offline, monkeypatch, capsys):
    with socket.socket() as silent:  # accepts connections (the backlog) and never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(16)
        proxy_everything_through(monkeypatch, f"http://127.0.0.1:{silent.getsockname()[1]}")
        started = time.monotonic()
        status, lines = run_doctor(capsys, "--timeout", "1", "--logdir", str(offline))
        elapsed = time.monotonic() - started
    assert elapsed < 10
    assert status == 1
    assert lines["mirrors"].startswith("note  mirrors: none answers")
    assert "timed out" in lines["mirrors"] or "no answer within 1 s" in lines["mirrors"]


def test_a_log_directory_without_room_or_write_access_blocks(offline, monkeypatch, capsys):
    monkeypatch.setenv("TF1_TUTORIALS_DATA", str(real_data_root()))
    monkeypatch.setattr(disk_room, "LARGEST_CHECKPOINT_BYTES", 1 << 62)
    status, lines = run_doctor(capsys, "--logdir", str(offline / "runs"))
    assert status == 1
    assert lines["disk"].startswith("FAIL  disk:")
    assert lines["disk"].endswith(
        f"free in {offline} (for {offline / 'runs'}); the largest recipe's run (experts) needs "
        "about 13194139533313 MB"  # three checkpoints of 2**62 bytes and 1 MiB for the events
    )


def test_doctor_and_run_ask_one_free_space_rule():
    assert disk_room.bytes_needed(10) == 3 * 10 + 2**20
    assert disk_room.largest_run_bytes() == disk_room.bytes_needed(39_295_624)


def test_package_versions_are_compared_with_the_pins(monkeypatch):
    installed = {"tensorflow": "2.15.1", "tf-keras": "2.21.0", "tf-slim": "1.1.0", "numpy": "2.4.6"}

    def version(name):
        if name not in installed:
            raise doctor.metadata.PackageNotFoundError(name)
        return installed[name]

    monkeypatch.setattr(doctor.metadata, "version", version)
    pins = {
        "tensorflow": "2.21.0",
        "tf-keras": "2.21.0",
        "tf-slim": "1.1.0",
        "tensorboard": "2.21.0",
    }
    checks = [(c.status, c.text) for c in doctor.check_packages(pins)]
    assert checks[0] == (
        "ok",
        "tf-keras 2.21.0, tf-slim 1.1.0, numpy 2.4.6: as pinned in setup.cfg",
    )
    assert ("note", "tensorboard is not installed (setup.cfg pins 2.21.0)") in checks
    assert any(s == "note" and t.startswith("tensorflow 2.15.1 differs from") for s, t in checks)
    assert any(s == "FAIL" and t.startswith("tf-keras 2.21.0 is not made for") for s, t in checks)
    del installed["tf-slim"]
    assert ("FAIL", "tf-slim is not installed (setup.cfg pins 1.1.0)") in [
        (c.status, c.text) for c in doctor.check_packages(pins)
    ]


def test_python_outside_requires_python_blocks():
    assert doctor._satisfies((3, 11, 7), ">=3.11,<3.12")
    assert not doctor._satisfies((3, 12, 0), ">=3.11,<3.12")
    assert doctor.check_python(">=3.99").status == "FAIL"


@pytest.mark.parametrize(
    ("value", "status", "start"),
    [(None, "ok", "oneDNN on: TF_ENABLE_ONEDNN_OPTS is unset"), ("0", "note", "oneDNN off")],
)
def test_onednn_is_reported_as_tf_py_sets_it(monkeypatch, value, status, start):
    if value is None:
        monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS", raising=False)
    else:
        monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", value)
    check = doctor.check_onednn()
    assert check.status == status and check.text.startswith(start)


def test_doctor_never_imports_tensorflow():
    import subprocess

    code = (
        "import sys; from tf1_tutorials import cli; cli.main(['doctor', '--timeout', '0.5']); "
        "assert 'tensorflow' not in sys.modules, 'tensorflow was imported'"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "tensorflow was imported" not in done.stderr
    assert "Traceback" not in done.stderr


def test_doctor_says_whether_the_reference_runtime_is_built(tmp_path, monkeypatch):
    monkeypatch.setenv("TF1_TUTORIALS_TF115_VENV", str(tmp_path / "absent"))
    monkeypatch.setenv("TF115_PYTHON", "/opt/python3.7/bin/python3.7")
    check = doctor.check_reference_runtime()
    assert check.status == "note"
    assert "is not in" in check.text and "make tf115 builds it from /opt/python3.7" in check.text
    # a dist-info folder and a dangling bin/python are not a runtime: the interpreter is asked
    venv = tmp_path / "venv"
    site = venv / "lib" / "python3.7" / "site-packages"
    (site / "tensorflow-1.15.5.dist-info").mkdir(parents=True)
    (venv / "bin").mkdir()
    (venv / "bin" / "python").symlink_to(tmp_path / "gone" / "python3.7")
    monkeypatch.setenv("TF1_TUTORIALS_TF115_VENV", str(venv))
    check = doctor.check_reference_runtime()
    assert check.status == "FAIL" and "no such interpreter" in check.text, check.text
    # a venv of another Python answers, and is named for what it is
    (venv / "bin" / "python").unlink()
    (venv / "bin" / "python").symlink_to(sys.executable)
    check = doctor.check_reference_runtime()
    assert check.status == "FAIL", check.text
    assert f"Python {platform.python_version()}" in check.text
