"""The band arithmetic, the judge and the report, on hand-made measurements."""

import argparse
import subprocess
import sys

import pytest

from tf1_tutorials import bands, report
from tf1_tutorials.harness import parse_seeds, record_runs, thin


def measured(accuracies, key="softmax-lr0.01-6000"):
    runs = [
        {"seed": seed, "test_accuracy": acc, "test_images": 10000, "diverged": False}
        for seed, acc in enumerate(accuracies, start=1)
    ]
    return {key: {"tensorflow": "2.21.0", "date": "2026-11-22", "cpu": "x", "runs": runs}}


def test_band_is_spread_widened_by_two_standard_deviations():
    spread = bands.spread("softmax-lr0.01-6000", measured([0.920, 0.922, 0.924]))
    assert spread.n == 3
    assert spread.sd == pytest.approx(0.002)
    assert spread.band == pytest.approx((0.916, 0.928))


def test_band_margin_has_a_floor_when_runs_agree():
    spread = bands.spread("softmax-lr0.01-6000", measured([0.95] * 4))
    assert spread.band == pytest.approx((0.95 - bands.MIN_MARGIN, 0.95 + bands.MIN_MARGIN))


def test_judge_in_band_and_outside():
    item = bands.entry("softmax-lr0.01-6000")
    spread = bands.spread(item.key, measured([0.920, 0.922, 0.924]))
    assert bands.judge(item, 0.925, spread).in_band
    assert not bands.judge(item, 0.93, spread).in_band
    assert not bands.judge(item, 0.91, spread).in_band


def test_unmeasured_entry_never_passes():
    verdict = bands.judge(bands.entry("graph_cnn-15epochs"), 0.99, None)
    assert not verdict.in_band
    assert "not measured" in verdict.message


def test_a_collapsed_run_passes_only_where_measured_runs_collapsed_too():
    item = bands.entry("cifar10_graph-raw-1epoch")
    data = measured([0.30, 0.35, 0.32, 0.086, 0.086], item.key)
    for run in data[item.key]["runs"]:
        run["top_prediction_share"] = 0.99 if run["test_accuracy"] == 0.086 else 0.2
    spread = bands.spread(item.key, data)
    assert spread.accuracies == (0.30, 0.35, 0.32) and spread.collapsed == (0.086, 0.086)
    assert spread.runs == 5 and spread.band[0] > 0.2  # the band is the learning runs'
    assert bands.judge(item, 0.086, spread, top_prediction_share=1.0).in_band
    assert not bands.judge(item, 0.086, spread, top_prediction_share=0.15).in_band
    assert bands.judge(item, 0.33, spread, top_prediction_share=0.15).in_band
    never = bands.spread(item.key, measured([0.30, 0.35, 0.32], item.key))
    assert not bands.judge(item, 0.1, never, top_prediction_share=1.0).in_band
    assert "1 of" not in report.verdict_text(item, never)
    assert "2 of 5 runs collapsed" in report.verdict_text(item, spread)


def test_exact_entry_needs_the_exact_value():
    item = bands.entry("softmax-lr0.03-1000")
    assert bands.judge(item, 0.098, None).in_band
    assert not bands.judge(item, 0.0981, None).in_band


def test_documented_value_outside_spread_is_a_finding_with_its_distance():
    item = bands.entry("softmax-lr0.01-6000")  # documented 0.9233
    inside = bands.spread(item.key, measured([0.920, 0.925]))
    below = bands.spread(item.key, measured([0.925, 0.930]))
    assert bands.documented_position(item, inside) == (True, 0.0)
    position, distance = bands.documented_position(item, below)
    assert position is False
    assert distance == pytest.approx(0.0017)
    assert report.verdict_text(item, below).startswith(
        "FINDING: documented value 0.17 points below"
    )


def test_approximate_documented_value_counts_its_rounding():
    item = bands.entry("experts-20000")  # "approximately 99.2%"
    key = item.key
    assert bands.documented_position(item, bands.spread(key, measured([0.9916, 0.9918], key)))[0]
    assert not bands.documented_position(item, bands.spread(key, measured([0.990, 0.991], key)))[0]


@pytest.mark.parametrize("keras", [False, True], ids=["graph", "keras"])
def test_every_entry_has_a_known_variant_and_valid_settings(keras):
    # Variant modules import TensorFlow in v1 or v2 mode: check each mode in its own process.
    code = (
        "from tf1_tutorials import bands, variants\n"
        "from tf1_tutorials.settings import make_config\n"
        "for item in bands.ENTRIES:\n"
        f"    if item.variant.startswith('keras_') is {keras}:\n"
        "        module = variants.get(item.variant).load()\n"
        "        make_config(module.Config, dict(item.settings), item.variant)\n"
        "        print(item.key)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr[-3000:]
    expected = [i.key for i in bands.ENTRIES if i.variant.startswith("keras_") is keras]
    assert done.stdout.split() == expected


def test_every_default_suite_entry_is_measured_with_enough_seeds():
    data = bands.load_measurements()
    for item in bands.ENTRIES:
        spread = bands.spread(item.key, data)
        if item.ci or spread is not None:
            assert spread is not None, f"{item.key}: no measured runs in {bands.MEASUREMENTS_FILE}"
            assert spread.runs >= item.min_seeds, f"{item.key}: {spread.runs} < {item.min_seeds}"
            assert len(set(spread.seeds)) == spread.runs
            assert spread.n >= 3, f"{item.key}: fewer than 3 runs learned; no band to test"


def test_record_runs_replaces_a_remeasured_seed(tmp_path):
    path = tmp_path / "m.json"
    item = bands.entry("softmax-lr0.001-1000")

    def record(seed, acc):
        return {
            "seed": seed,
            "test_accuracy": acc,
            "test_images": 10000,
            "diverged": False,
            "steps": 1000,
            "train_seconds": 1.0,
            "versions": {"tensorflow": "2.21.0"},
            "cpu": "x",
            "loss_curve": [[i, 1.0 / i] for i in range(1, 1001)],
        }

    record_runs(item, [record(1, 0.91), record(2, 0.90)], path)
    stored = record_runs(item, [record(2, 0.92)], path)
    assert [(r["seed"], r["test_accuracy"]) for r in stored["runs"]] == [(1, 0.91), (2, 0.92)]
    assert len(stored["loss_curve"]) <= 201
    assert stored["loss_curve_seed"] == 1


def _record(seed, acc, onednn="1"):
    return {
        "seed": seed,
        "test_accuracy": acc,
        "test_images": 10000,
        "diverged": False,
        "steps": 1000,
        "train_seconds": 1.0,
        "wall_seconds": 4.0,
        "versions": {"tensorflow": "2.21.0", "onednn": onednn},
        "cpu": "x",
        "loss_curve": [[i, float(seed)] for i in range(1, 11)],
    }


def test_record_runs_one_at_a_time_keeps_the_lowest_seeds_curve_and_wall_time(tmp_path):
    path = tmp_path / "m.json"
    item = bands.entry("softmax-lr0.001-1000")
    for seed in (1, 2, 3):
        stored = record_runs(item, [_record(seed, 0.9 + seed / 1000)], path)
    assert [run["seed"] for run in stored["runs"]] == [1, 2, 3]
    assert stored["loss_curve_seed"] == 1 and stored["loss_curve"][0] == [1, 1.0]
    assert all(run["wall_seconds"] == 4.0 for run in stored["runs"])


def test_record_runs_with_another_onednn_setting_starts_the_entry_anew(tmp_path):
    path = tmp_path / "m.json"
    item = bands.entry("softmax-lr0.001-1000")
    record_runs(item, [_record(1, 0.91, "0"), _record(2, 0.90, "0")], path)
    stored = record_runs(item, [_record(3, 0.92, "1")], path)
    assert [run["seed"] for run in stored["runs"]] == [3]
    assert stored["onednn"] == "1" and stored["loss_curve_seed"] == 3


def test_thin_keeps_last_point():
    curve = [[i, float(i)] for i in range(1, 1001)]
    kept = thin(curve, 200)
    assert len(kept) <= 201 and kept[-1] == [1000, 1000.0] and kept[0] == [1, 1.0]


def test_parse_seeds():
    assert parse_seeds("1-3,7") == [1, 2, 3, 7]
    with pytest.raises(Exception, match="--seeds"):
        parse_seeds("a-b")


def test_report_writes_table_and_plots(tmp_path):
    data = measured([0.920, 0.922, 0.924])
    data.update(measured([0.098] * 3, "softmax-lr0.03-1000"))
    for entry in data.values():
        entry["loss_curve"] = [[1, 2.0], [10, 0.5], [100, float("nan")], [200, "nan"]]
    path = report.write_report(tmp_path, data)
    text = path.read_text()
    assert "| softmax-lr0.01-6000 | softmax |" in text
    assert "reproduces: documented value inside our spread" in text
    assert "reproduces: 3 of 3 runs give exactly 0.098" in text
    assert "| graph_cnn-15epochs |" in text and "not measured" in text
    for name in (report.ACCURACY_PLOT, report.LOSS_PLOT):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _timed(key, seconds):
    data = measured([0.95] * len(seconds), key)
    for run, value in zip(data[key]["runs"], seconds, strict=True):
        run["train_seconds"] = value
    return data


def test_short_entries_are_ci_entries_that_train_under_a_minute():
    data = _timed("graph_cnn-1epoch", [12.0, 13.0, 90.0])
    data.update(_timed("experts-5000", [140.0, 150.0, 30.0]))
    data.update(_timed("graph_cnn-15epochs", [30.0, 31.0]))  # not a CI entry
    assert bands.is_short(bands.entry("graph_cnn-1epoch"), data)
    assert not bands.is_short(bands.entry("experts-5000"), data)
    assert not bands.is_short(bands.entry("graph_cnn-15epochs"), data)
    assert not bands.is_short(bands.entry("layers_cnn-1epoch"), data)  # not measured


def test_report_compares_the_other_tensorflow_with_the_bands(tmp_path):
    ours = measured([0.920, 0.922, 0.924])
    theirs = measured([0.920, 0.950])  # seed 1 as ours, seed 2 2.8 points above
    theirs["softmax-lr0.01-6000"]["tensorflow"] = "2.15.1"
    text = report.write_report(tmp_path, ours, theirs).read_text()
    assert "## TensorFlow 2.15.1 against 2.21.0" in text
    row = next(line for line in text.splitlines() if line.startswith("| softmax-lr0.01-6000 | 0."))
    assert "0.9350 [0.9200, 0.9500], 2 runs" in row
    assert "1 of 2 identical, largest difference 2.80 points | +1.40 points | 1 of 2 |" in row
    assert "TensorFlow 2.15" not in report.write_report(tmp_path, ours, {}).read_text()


def test_measure_into_another_file_uses_the_bands_onednn_setting(tmp_path, monkeypatch):
    from tf1_tutorials import harness

    item = bands.entry("softmax-lr0.001-1000")
    calls = []

    def fake_run_entry(entry, seed, workdir, threads=0, onednn=None):
        calls.append((entry.key, seed, onednn))
        return {
            "seed": seed,
            "test_accuracy": 0.91,
            "test_images": 10000,
            "diverged": False,
            "steps": 1000,
            "train_seconds": 1.0,
            "versions": {"tensorflow": "2.15.1", "onednn": onednn},
            "cpu": "x",
            "loss_curve": [[1, 1.0]],
        }

    monkeypatch.setattr(harness, "run_entry", fake_run_entry)
    into = tmp_path / "other.json"
    parser = argparse.ArgumentParser()
    harness.add_arguments(parser)
    args = parser.parse_args([item.key, "--seeds", "1-2", "--into", str(into)])
    assert harness.main(args) == 0
    onednn = bands.spread(item.key).onednn
    assert calls == [(item.key, 1, onednn), (item.key, 2, onednn)]
    stored = bands.load_measurements(into)[item.key]
    assert stored["tensorflow"] == "2.15.1" and len(stored["runs"]) == 2


def test_measure_without_entries_says_how_to_name_them(capsys):
    from tf1_tutorials import harness

    parser = argparse.ArgumentParser()
    harness.add_arguments(parser)
    assert harness.main(parser.parse_args([])) == 2
    assert "--short" in capsys.readouterr().err
