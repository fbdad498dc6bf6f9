"""TensorBoard, really: the pinned `tensorboard` serves a short run's log directory on 127.0.0.1,
its HTTP API has the scalars, the graph and (with ``--summaries full``) the histograms and input
images at the right steps, and headless chromium draws the scalars page.

Chromium is Debian's ``chromium`` package, which ``make chromium`` (part of ``make test``) installs;
without it the screenshot test fails, saying so."""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import shutil
import struct
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np
import pytest
from data_support import real_data_root

from tf1_tutorials.training.runner import RunSettings, run_in_fresh_process

STEPS = 50
FULL_STEPS = [10, 20, 30, 40, 50]  # session.FULL_SUMMARY_EVERY recorded points of STEPS
FULL, LIGHT = "full", "light"  # TensorBoard's runs: one log directory each
STARTUP_SECONDS = 90


def train_softmax(logdir: Path, tmp: Path, summaries: str = LIGHT) -> Path:
    settings = RunSettings(
        "softmax",
        {"steps": STEPS},
        seed=1,
        data_dir=tmp / "mnist",
        logdir=logdir,
        summaries=summaries,
    )
    run_in_fresh_process(settings, env={"TF1_TUTORIALS_DATA": str(real_data_root())})
    return logdir


# One pytest-xdist worker takes the whole module, so its module fixture is built once.
pytestmark = pytest.mark.xdist_group("test_tensorboard")


@pytest.fixture(scope="module")
def logs(tmp_path_factory) -> Path:
    """A folder holding two runs of softmax: one with ``--summaries full``, one with the default."""
    tmp = tmp_path_factory.mktemp("tensorboard")
    train_softmax(tmp / "logs" / FULL, tmp, FULL)
    train_softmax(tmp / "logs" / LIGHT, tmp)
    return tmp / "logs"


@contextlib.contextmanager
def tensorboard(logdir: Path):
    """The pinned TensorBoard on 127.0.0.1 and a port the system picks; yields its base URL."""
    program = Path(sys.executable).with_name("tensorboard")
    assert program.exists(), f"{program}: the pinned tensorboard is not installed (make install)"
    process = subprocess.Popen(
        [str(program), "--logdir", str(logdir), "--host", "127.0.0.1", "--port", "0"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"},
    )
    found: list[str] = []
    lines: list[str] = []

    def read_stderr() -> None:
        for line in process.stderr:
            lines.append(line)
            match = re.search(r"at (http://127\.0\.0\.1:\d+/)", line)
            if match and not found:
                found.append(match[1])

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not found and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert found, f"tensorboard did not start:\n{''.join(lines[-20:])}"
        yield found[0]
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def board(logs):
    with tensorboard(logs) as url:
        yield url


def get(base: str, path: str, **query) -> bytes:
    url = base + path + ("?" + urllib.parse.urlencode(query) if query else "")
    with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(url, timeout=30) as r:
        return r.read()


def get_json(base: str, path: str, **query):
    return json.loads(get(base, path, **query))


def wait_for_tags(base: str, plugin: str, wanted: set[str], run: str = FULL) -> dict:
    """The plugin's tags of ``run``, once TensorBoard has loaded every wanted one."""
    deadline = time.monotonic() + 60
    while True:
        tags = get_json(base, f"data/plugin/{plugin}/tags").get(run, {})
        if wanted <= set(tags) or time.monotonic() > deadline:
            return tags
        time.sleep(0.5)


@pytest.mark.parametrize("run", [FULL, LIGHT])
def test_scalars_and_graph_through_the_http_api(board, run):
    tags = wait_for_tags(board, "scalars", {"loss", "batch_accuracy", "test_accuracy"}, run)
    assert {"loss", "batch_accuracy", "test_accuracy"} <= set(tags)
    for tag in ("loss", "batch_accuracy"):
        points = get_json(board, "data/plugin/scalars/scalars", run=run, tag=tag)
        steps = [step for _, step, _ in points]
        assert steps == list(range(1, STEPS + 1)), tag  # every step of a 50-step run
        assert all(math.isfinite(value) for _, _, value in points)
    accuracy = [
        v
        for _, _, v in get_json(board, "data/plugin/scalars/scalars", run=run, tag="batch_accuracy")
    ]
    assert 0 <= min(accuracy) and max(accuracy) <= 1 and accuracy[-1] > accuracy[0]
    (test_point,) = get_json(board, "data/plugin/scalars/scalars", run=run, tag="test_accuracy")
    assert test_point[1] == STEPS and 0.5 < test_point[2] <= 1

    assert get_json(board, "data/plugin/graphs/info")[run]["run_graph"] is True
    graph = get(board, "data/plugin/graphs/graph", run=run, conceptual="false").decode()
    nodes = set(re.findall(r'^\s*name: "([^"]+)"', graph, re.MULTILINE))
    assert {"images", "labels", "W", "b", "cross_entropy", "batch_accuracy"} <= nodes
    assert any(name.startswith("GradientDescent") for name in nodes)


def test_full_summaries_give_weight_and_bias_histograms_and_input_images(board):
    run = FULL
    histograms = {"weights_and_biases/W", "weights_and_biases/b"}
    assert histograms <= set(wait_for_tags(board, "histograms", histograms))
    for tag, size in (("weights_and_biases/W", 784 * 10), ("weights_and_biases/b", 10)):
        points = get_json(board, "data/plugin/histograms/histograms", run=run, tag=tag)
        assert [step for _, step, _ in points] == FULL_STEPS, tag
        buckets = points[-1][2]  # [left, right, count] each
        assert sum(count for _, _, count in buckets) == pytest.approx(size)
        assert max(right for _, right, _ in buckets) > min(left for left, _, _ in buckets)

    images = {f"input/image/{i}" for i in range(3)}
    assert images <= set(wait_for_tags(board, "images", images))
    for tag in sorted(images):
        entries = get_json(board, "data/plugin/images/images", run=run, tag=tag)
        assert [entry["step"] for entry in entries] == FULL_STEPS, tag
        png = get(board, "data/plugin/images/individualImage?" + entries[-1]["query"])
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", png[16:24]) == (28, 28)  # IHDR: an MNIST digit


def test_the_default_light_summaries_have_no_histograms_or_images(board):
    wait_for_tags(board, "scalars", {"test_accuracy"}, LIGHT)  # the last event written
    assert get_json(board, "data/plugin/histograms/tags").get(LIGHT, {}) == {}
    assert get_json(board, "data/plugin/images/tags").get(LIGHT, {}) == {}
    assert FULL in get_json(board, "data/plugin/histograms/tags")


def test_full_summaries_are_refused_for_a_keras_variant_in_one_line(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "tf1_tutorials.cli", "run", "keras_sequential", "--summaries"]
        + ["full", "--data-dir", str(tmp_path / "mnist"), "--logdir", str(tmp_path / "run")],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "TF1_TUTORIALS_DATA": str(real_data_root())},
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1] == (
        "tf1-tutorials run: error: --summaries full: graph variants only, not keras_sequential"
    )
    assert not (tmp_path / "run").exists()


def test_chromium_draws_the_scalars_page(board, tmp_path):
    chromium = shutil.which("chromium")
    if chromium is None:
        pytest.fail(
            "chromium is not installed: `make chromium` installs Debian's package as root "
            "(make test does it first)",
            pytrace=False,
        )
    for run in (FULL, LIGHT):
        wait_for_tags(board, "scalars", {"loss", "batch_accuracy"}, run)
    screenshot = tmp_path / "tensorboard-scalars.png"
    done = subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-proxy-server",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--window-size=1280,900",
            "--virtual-time-budget=15000",
            f"--screenshot={screenshot}",
            board + "#scalars",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert screenshot.exists(), (
        f"chromium wrote no screenshot ({done.returncode}):\n{done.stderr[-2000:]}"
    )
    import matplotlib.image

    pixels = (matplotlib.image.imread(screenshot)[..., :3] * 255).round().astype(int)
    assert pixels.shape[:2] == (900, 1280)
    header = np.median(pixels[:50].reshape(-1, 3), axis=0)
    assert np.abs(header - (245, 124, 0)).max() < 20, f"no TensorBoard header: {header}"
    assert len(np.unique(pixels.reshape(-1, 3), axis=0)) > 200  # text and charts, not a blank page
    charts = pixels[70:, 340:]  # right of the side bar: the run's orange lines on the charts
    drawn = (
        (charts[..., 0] > 200)
        & (charts[..., 1] > 60)
        & (charts[..., 1] < 170)
        & (charts[..., 2] < 120)
    )
    assert drawn.sum() > 300, f"the charts have no data drawn on them (see {screenshot})"
