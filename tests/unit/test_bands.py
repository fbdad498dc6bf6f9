"""The band arithmetic, the judge and the report, on hand-made measurements."""

import argparse
import math
import statistics
from statistics import NormalDist

import pytest

from tf1_tutorials import errors, variants
from tf1_tutorials.commands import measure as measure_command
from tf1_tutorials.errors import UsageError
from tf1_tutorials.evidence import bands, measure, report, report_model, store
from tf1_tutorials.evidence.measure import parse_seeds
from tf1_tutorials.evidence.store import thin
from tf1_tutorials.training.settings import make_config, static_variant


def measured(accuracies, key="softmax-lr0.01-6000"):
    runs = [
        {"seed": seed, "test_accuracy": acc, "test_images": 10000, "diverged": False}
        for seed, acc in enumerate(accuracies, start=1)
    ]
    return {key: {"tensorflow": "2.21.0", "date": "2026-11-22", "cpu": "x", "runs": runs}}


def test_band_is_the_mean_widened_by_the_ci_share_of_sds():
    spread = bands.spread("softmax-lr0.01-6000", measured([0.920, 0.922, 0.924]))
    assert spread.n == 3
    assert spread.sd == pytest.approx(0.002)
    margin = bands.BAND_SDS * 0.002
    assert spread.band == pytest.approx((0.922 - margin, 0.922 + margin))


def test_band_sds_spend_the_false_failure_budget_evenly():
    # Each of CI_CHECKS normal draws misses mean ± BAND_SDS sd with probability budget / checks.
    tail = 2 * (1 - NormalDist().cdf(bands.BAND_SDS))
    assert tail == pytest.approx(bands.FALSE_FAILURE_BUDGET / bands.CI_CHECKS)
    assert 1 - (1 - tail) ** bands.CI_CHECKS < bands.FALSE_FAILURE_BUDGET


def test_false_failure_rate_of_a_band_under_normality():
    item = bands.entry("softmax-lr0.01-6000")
    spread = bands.spread(item.key, measured([0.920, 0.922, 0.924]))
    expected = bands.FALSE_FAILURE_BUDGET / bands.CI_CHECKS
    assert bands.false_failure_rate(item, spread) == pytest.approx(expected)
    assert bands.false_failure_rate(item, None) == 1.0


def test_false_failure_rate_counts_only_runs_that_learn():
    item = bands.entry("cifar10_graph-raw-1epoch")
    data = measured([0.30, 0.35, 0.32, 0.086], item.key)
    data[item.key]["runs"][3]["top_prediction_share"] = 1.0
    spread = bands.spread(item.key, data)
    alone = bands.spread(item.key, measured([0.30, 0.35, 0.32], item.key))
    rate = bands.false_failure_rate(item, spread)
    assert rate == pytest.approx(0.75 * bands.false_failure_rate(item, alone))


def test_the_committed_measurements_keep_a_ci_run_below_one_false_failure_in_100():
    assert bands.suite_false_failure_rate() < 0.01


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
    assert "1 of" not in report_model.verdict_text(item, never)
    assert "2 of 5 runs collapsed" in report_model.verdict_text(item, spread)


def test_exact_entry_needs_the_exact_value():
    item = bands.entry("softmax-lr0.03-1000")
    assert bands.judge(item, 0.098, None).in_band
    missed = bands.judge(item, 0.0981, None)
    assert not missed.in_band and "!=" in missed.message
    spread = bands.spread(item.key, measured([0.098, 0.098], item.key))
    assert bands.documented_verdict(item, spread) is None  # judged by the exact value instead
    assert report_model.verdict_text(item, spread) == "reproduces: 2 of 2 runs give exactly 0.098"
    odd = bands.spread(item.key, measured([0.098, 0.1], item.key))
    assert report_model.verdict_text(item, odd).startswith("FINDING: 1 of 2")


def test_documented_value_is_judged_by_the_99_percent_prediction_interval():
    item = bands.entry("softmax-lr0.01-6000")  # documented 0.9233
    runs = [0.915, 0.916, 0.917, 0.918, 0.919]  # mean 0.917, sd 0.00158
    verdict = bands.documented_verdict(item, bands.spread(item.key, measured(runs)))
    sd = statistics.stdev(runs)
    half = 4.604095 * sd * math.sqrt(1 + 1 / 5)  # t(0.995, 4)
    assert verdict.interval == pytest.approx((0.917 - half, 0.917 + half), abs=1e-6)
    assert verdict.z == pytest.approx((0.9233 - 0.917) / sd)
    assert (verdict.n, verdict.finding) == (5, False)  # z = 4.0 but n = 5: inside the interval
    tight = [0.9150, 0.9152, 0.9154, 0.9156, 0.9158]
    far = bands.documented_verdict(item, bands.spread(item.key, measured(tight)))
    assert far.finding and far.z > 0
    assert report_model.verdict_text(item, bands.spread(item.key, measured(tight))).startswith(
        f"FINDING: {far.z:.1f} sd above our mean"
    )


def test_a_value_outside_the_min_max_of_ten_runs_is_not_a_finding_by_itself():
    item = bands.entry("mlp-30epochs")  # documented 0.9164
    runs = [0.9176, 0.9185, 0.9190, 0.9195, 0.9200, 0.9205, 0.9210, 0.9215, 0.9222, 0.9230]
    verdict = bands.documented_verdict(item, bands.spread(item.key, measured(runs, item.key)))
    assert 0.9164 < min(runs) and not verdict.finding


def test_approximate_documented_value_is_judged_as_the_interval_it_rounds_from():
    item = bands.entry("experts-20000")  # "approximately 99.2%": [0.9915, 0.9925]
    key = item.key
    near = bands.spread(key, measured([0.9900, 0.9902, 0.9904, 0.9906, 0.9908], key))
    verdict = bands.documented_verdict(item, near)
    assert verdict.documented == pytest.approx((0.9915, 0.9925))
    # z from the interval's nearest end, 0.9915, not from 0.992
    assert verdict.z == pytest.approx((0.9915 - 0.9904) / near.sd)
    inside = bands.spread(key, measured([0.9926, 0.9928, 0.9930, 0.9932, 0.9934], key))
    assert not bands.documented_verdict(item, inside).finding


@pytest.mark.parametrize("item", bands.ENTRIES, ids=lambda item: item.key)
def test_every_entry_has_a_known_variant_and_valid_settings(item):
    # The variant's Config as `run` checks a setting before TensorFlow: read from its source.
    module_name = variants.get(item.variant).module
    make_config(static_variant(module_name).config_class, dict(item.settings), item.variant)


def test_every_default_suite_entry_is_measured_with_enough_seeds():
    data = store.load()
    for item in bands.ENTRIES:
        spread = bands.spread(item.key, data)
        if item.ci:  # a full-length entry may be partly measured: the report says so
            assert spread is not None, f"{item.key}: no measured runs in {store.MEASUREMENTS_FILE}"
            assert spread.runs >= item.seeds_needed, f"{item.key}: {spread.runs} runs"
            assert spread.n >= 3, f"{item.key}: fewer than 3 runs learned; no band to test"
        if spread is not None:
            assert len(set(spread.seeds)) == spread.runs
            assert spread.onednn == "1", f"{item.key}: not measured with oneDNN on, as users run"


def _record(seed, acc, onednn="1", curve_points=10):
    return {
        "seed": seed,
        "test_accuracy": acc,
        "test_images": 10000,
        "diverged": False,
        "steps": 1000,
        "train_seconds": 1.0,
        "wall_seconds": 4.0,
        "cpu_seconds": 7.5,
        "load_average": 2.1,
        "versions": {"tensorflow": "2.21.0", "onednn": onednn},
        "cpu": "x",
        "loss_curve": [[i, float(seed)] for i in range(1, curve_points + 1)],
    }


def record_runs(item, records, path):
    return store.record(item.key, item.variant, item.settings, records, path)


def test_record_runs_replaces_a_remeasured_seed(tmp_path):
    path = tmp_path / "m.json"
    item = bands.entry("softmax-lr0.001-1000")
    record_runs(item, [_record(1, 0.91, curve_points=1000), _record(2, 0.90)], path)
    stored = record_runs(item, [_record(2, 0.92)], path)
    assert [(r["seed"], r["test_accuracy"]) for r in stored["runs"]] == [(1, 0.91), (2, 0.92)]
    assert len(stored["loss_curve"]) <= 201
    assert stored["loss_curve_seed"] == 1


def test_record_runs_one_at_a_time_keeps_the_lowest_seeds_curve_and_wall_time(tmp_path):
    path = tmp_path / "m.json"
    item = bands.entry("softmax-lr0.001-1000")
    for seed in (1, 2, 3):
        stored = record_runs(item, [_record(seed, 0.9 + seed / 1000)], path)
    assert [run["seed"] for run in stored["runs"]] == [1, 2, 3]
    assert stored["loss_curve_seed"] == 1 and stored["loss_curve"][0] == [1, 1.0]
    assert all(run["wall_seconds"] == 4.0 for run in stored["runs"])
    assert all((run["cpu_seconds"], run["load_average"]) == (7.5, 2.1) for run in stored["runs"])


def test_runs_with_another_onednn_setting_sit_beside_the_entrys_own(tmp_path):
    path = tmp_path / "m.json"
    item = bands.entry("softmax-lr0.001-1000")
    record_runs(item, [_record(1, 0.91, "0"), _record(2, 0.90, "0")], path)
    beside = record_runs(item, [_record(3, 0.92, "1")], path)
    assert [run["seed"] for run in beside["runs"]] == [3]
    assert beside["onednn"] == "1" and beside["loss_curve_seed"] == 3
    entry = store.read(path)[item.key]
    assert [run["seed"] for run in entry["runs"]] == [1, 2] and entry["onednn"] == "0"
    # TensorFlow's own spellings of the default are one setting with "1": no third group
    record_runs(item, [_record(4, 0.93, "true")], path)
    record_runs(item, [_record(5, 0.93, "TRUE")], path)
    entry = store.read(path)[item.key]
    assert [[run["seed"] for run in group["runs"]] for group in store.groups(entry)] == [
        [1, 2],
        [3, 4, 5],
    ]
    with pytest.raises(errors.UsageError, match="TF_ENABLE_ONEDNN_OPTS=yes"):
        record_runs(item, [_record(6, 0.93, "yes")], path)


def test_another_tensorflows_runs_never_delete_the_entrys_own(tmp_path):
    path = tmp_path / "m.json"
    item = bands.entry("softmax-lr0.001-1000")
    tf115 = dict(_record(1, 0.91), versions={"tensorflow": "1.15.5", "onednn": "none"})
    record_runs(item, [tf115], path)
    record_runs(item, [_record(1, 0.95)], path)
    entry = store.read(path)[item.key]
    assert entry["tensorflow"] == "1.15.5" and entry["runs"][0]["test_accuracy"] == 0.91
    assert entry["beside"][0]["tensorflow"] == "2.21.0"
    assert entry["beside"][0]["runs"][0]["test_accuracy"] == 0.95


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
    assert "reproduces (z +" in text
    assert "reproduces: 3 of 3 runs give exactly 0.098" in text
    assert "| graph_cnn-15epochs |" in text and "not measured" in text
    assert "**Findings: none.**" in text and "a CI run fails on ordinary draws" in text
    for name in (report.ACCURACY_PLOT, report.LOSS_PLOT):
        assert (tmp_path / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_report_lists_findings_first_with_their_distance_in_sd(tmp_path):
    data = measured([0.9150, 0.9152, 0.9154, 0.9156, 0.9158])  # documented 0.9233: far above
    data.update(measured([0.918, 0.92, 0.922], "mlp-30epochs"))  # documented 0.9164: inside
    text = report.write_report(tmp_path, data).read_text()
    findings = text.index("**Findings: 1.**")
    assert findings < text.index("| entry |")
    line = next(line for line in text.splitlines() if line.startswith("- **softmax-lr0.01-6000**"))
    assert " sd above our mean 0.9154 (sd 0.0003, n 5); 99% interval [" in line
    findings_section = text[findings : text.index("\n## ", findings)]
    assert "mlp-30epochs**" not in findings_section
    assert "- **mlp-30epochs** (0.9164): the three-layer sigmoid network tutorial" in text  # source


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
    text = report.write_report(tmp_path, ours, theirs, reference={}).read_text()
    assert "## TensorFlow 2.15.1 against 2.21.0" in text
    row = next(line for line in text.splitlines() if line.startswith("| softmax-lr0.01-6000 | 0."))
    assert "0.9350 [0.9200, 0.9500], 2 runs" in row
    assert "1 of 2 identical, largest difference 2.80 points | +1.40 points | 1 of 2 |" in row
    assert "TensorFlow 2.15" not in report.write_report(tmp_path, ours, {}).read_text()


def test_measure_into_another_file_records_there_with_the_default_settings(tmp_path, monkeypatch):
    from tf1_tutorials.evidence import measure

    item = bands.entry("softmax-lr0.001-1000")
    calls = []

    def fake_run_entry(entry, seed, workdir, threads=0, runtime="project"):
        calls.append((entry.key, seed))
        return {
            "seed": seed,
            "test_accuracy": 0.91,
            "test_images": 10000,
            "diverged": False,
            "steps": 1000,
            "train_seconds": 1.0,
            "versions": {"tensorflow": "2.15.1", "onednn": "1"},
            "cpu": "x",
            "loss_curve": [[1, 1.0]],
        }

    monkeypatch.setattr(measure, "run_entry", fake_run_entry)
    into = tmp_path / "other.json"
    parser = argparse.ArgumentParser()
    measure_command.add_arguments(parser)
    args = parser.parse_args([item.key, "--seeds", "1-2", "--into", str(into)])
    assert measure_command.main(args) == 0
    assert calls == [(item.key, 1), (item.key, 2)]
    stored = store.read(into)[item.key]
    assert stored["tensorflow"] == "2.15.1" and len(stored["runs"]) == 2


def test_measure_without_entries_says_how_to_name_them(capsys):
    from tf1_tutorials import cli

    assert cli.main(["measure"]) == 2
    assert "tf1-tutorials measure: error: name entries or give --all or --short" in (
        capsys.readouterr().err
    )


def test_a_run_finds_its_entry_by_the_settings_that_differ_from_the_recipe():
    defaults = {"learning_rate": 1e-4, "steps": 20000, "batch_size": 50, "keep_prob": 0.5}
    assert bands.entry_for("experts", dict(defaults), defaults).key == "experts-20000"
    five = dict(defaults, steps=5000)
    assert bands.entry_for("experts", five, defaults).key == "experts-5000"
    assert bands.entry_for("experts", dict(five, keep_prob=0.6), defaults) is None
    assert bands.entry_for("slim_cnn", dict(defaults), defaults).key == "slim_cnn-20000"


def test_run_lines_state_the_band_and_the_verdict(monkeypatch):
    data = measured([0.920, 0.922, 0.924])
    monkeypatch.setattr(store, "load", lambda path=None: data)
    item = bands.entry("softmax-lr0.01-6000")
    band, verdict = bands.run_lines(item, 0.921)
    low, high = bands.spread(item.key, data).band
    assert band == (
        f"band softmax-lr0.01-6000: [{low:.4f}, {high:.4f}] (mean 0.9220 ± "
        f"{bands.BAND_SDS:.2f} sd of 3 measured runs); documented 0.9233"
    )
    assert verdict == "this run: 0.9210 -> in band"
    assert bands.run_lines(item, 0.5)[1] == "this run: 0.5000 -> OUTSIDE the band"
    unmeasured = bands.run_lines(bands.entry("graph_cnn-15epochs"), 0.99)
    assert unmeasured == ["band graph_cnn-15epochs: not measured yet, so this run cannot be judged"]


def test_seeds_needed_ten_for_ci_entries_three_for_full_length_five_for_the_headline():
    assert bands.entry("experts-5000").seeds_needed == 10
    assert bands.entry("graph_cnn-15epochs").seeds_needed == 3
    assert bands.entry("experts-20000").seeds_needed == 5


def test_a_partly_measured_entry_is_reported_as_partial():
    item = bands.entry("experts-20000")
    two = bands.spread(item.key, measured([0.9917, 0.9921], item.key))
    partial = "PARTIAL (2 of 5 seeds measured so far): "
    assert report_model.verdict_text(item, two).startswith(partial)
    five = bands.spread(item.key, measured([0.9917, 0.9921, 0.992, 0.9915, 0.9925], item.key))
    assert not report_model.verdict_text(item, five).startswith("PARTIAL")


def test_measure_missing_runs_only_the_seeds_not_yet_recorded_alike(tmp_path, monkeypatch):
    from importlib import metadata

    from tf1_tutorials.evidence import measure

    item = bands.entry("softmax-lr0.001-1000")
    into = tmp_path / "m.json"
    tensorflow = metadata.version("tensorflow")
    stored = {"tensorflow": tensorflow, "onednn": "1", "runs": [{"seed": 1}, {"seed": 3}]}
    monkeypatch.delenv("TF_ENABLE_ONEDNN_OPTS", raising=False)
    here = measure.current_runtime()
    assert store.recorded_seeds(stored, here) == {1, 3}
    assert store.recorded_seeds(dict(stored, onednn="0"), here) == set()
    assert store.recorded_seeds(dict(stored, tensorflow="2.15.1"), here) == set()
    monkeypatch.setenv("TF_ENABLE_ONEDNN_OPTS", "true")
    assert store.recorded_seeds(stored, measure.current_runtime()) == {1, 3}
    calls = []

    def fake_run_entry(entry, seed, workdir, threads=0, runtime="project"):
        calls.append(seed)
        record = _record(seed, 0.91)
        record["versions"]["tensorflow"] = tensorflow
        return record

    monkeypatch.setattr(measure, "run_entry", fake_run_entry)
    record_runs(item, [dict(_record(s, 0.9), versions={"tensorflow": tensorflow, "onednn": "1"})
                       for s in (1, 3)], into)  # fmt: skip
    parser = argparse.ArgumentParser()
    measure_command.add_arguments(parser)
    args = [item.key, "--seeds", "1-4", "--into", str(into), "--missing"]
    assert measure_command.main(parser.parse_args(args)) == 0
    assert calls == [2, 4]
    assert [run["seed"] for run in store.read(into)[item.key]["runs"]] == [1, 2, 3, 4]
    assert measure_command.main(parser.parse_args(args)) == 0  # nothing left to run
    assert calls == [2, 4]


def test_measure_planned_runs_every_entry_under_the_seeds_its_band_needs(tmp_path, monkeypatch):
    calls = []

    def fake_run_entry(entry, seed, workdir, threads=0, runtime="project"):
        calls.append((entry.key, seed))
        return _record(seed, 0.95)

    monkeypatch.setattr(measure, "run_entry", fake_run_entry)
    into = tmp_path / "planned.json"
    parser = argparse.ArgumentParser()
    measure_command.add_arguments(parser)
    assert measure_command.main(parser.parse_args(["--planned", "--into", str(into)])) == 0
    expected = {
        (item.key, seed) for item in bands.ENTRIES for seed in range(1, item.seeds_needed + 1)
    }
    assert set(calls) == expected and len(calls) == len(expected)
    ci_last = max(index for index, (key, _) in enumerate(calls) if bands.entry(key).ci)
    assert all(not bands.entry(key).ci for key, _ in calls[ci_last + 1 :])
    assert calls[ci_last + 1 :], "the full-length entries come after the default suite"
    for argv in (
        ["--planned", "--all"],
        ["--planned", "--seeds", "1-3"],
        ["--planned", "mlp-30epochs"],
    ):
        with pytest.raises(UsageError, match="--planned"):
            measure_command.main(parser.parse_args(argv))


def test_report_gives_the_tf115_column_section_and_verdict(tmp_path):
    base = (0.922, 0.924, 0.920, 0.923, 0.921, 0.925, 0.919, 0.922, 0.924, 0.920)
    ours = measured(base)
    same = measured([a + 0.001 * (-1) ** i for i, a in enumerate(base)])
    same["softmax-lr0.01-6000"]["tensorflow"] = "1.15.5"
    text = report.write_report(tmp_path, ours, {}, html=True, reference=same).read_text()
    assert "## Against the original: TensorFlow 1.15.5" in text
    main_row = next(line for line in text.splitlines() if "| softmax | " in line)
    assert main_row.endswith("| 0.9220 (n 10): equivalent |")
    assert "no entry's runs differ from TensorFlow 1.15.5's" in text
    assert "TensorFlow 1.15.5" in (tmp_path / "report.html").read_text()
    shifted = measured([a - 0.02 for a in base])
    text = report.write_report(tmp_path, ours, {}, html=True, reference=shifted).read_text()
    assert "**Findings: 1.**" in text
    assert "- **softmax-lr0.01-6000** differs from TensorFlow 1.15.5" in text
    assert (
        'id="entry-softmax-lr0.01-6000" class="finding"' in (tmp_path / "report.html").read_text()
    )
