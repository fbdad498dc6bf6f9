"""Run every benchmark, write bench/results.json and BENCHMARKS.md from it (``make bench``).

    python bench/run_all.py            # full length: minutes on 2 cores; run on a quiet machine
    python bench/run_all.py --quick    # a few steps each: checks everything runs (figures rough)
    python bench/run_all.py --render   # BENCHMARKS.md again from bench/results.json, nothing run
    python bench/run_all.py --only reader roofline   # some of them (the others' results are kept)
    python bench/run_all.py --only tf115   # the experts step against TensorFlow 1.15.5 and MKL

Each benchmark is its own script (``bench/<name>.py``), run in a fresh process whose output is
shown as it comes and kept in the JSON along with its figures. The machine (CPU, flags, cores,
memory, load average at the start) and the versions are recorded too; a quick run or a busy machine
is flagged at the top of BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import datetime
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import benchlib

BENCHMARKS = (
    ("session_vs_keras", "1. Session vs Keras"),
    ("roofline", "2. Distance to the machine's limit"),
    ("reader", "3. Reader"),
    ("next_batch", "4. next_batch"),
    ("fast_paths", "5. Fast-path effects"),
    ("suite", "6. Suite"),
    ("bf16", "7. bf16 opt-in"),
    ("tf115", "8. Against the original: TensorFlow 1.15"),
)
RESULTS = benchlib.BENCH_DIR / "results.json"
MARKDOWN = benchlib.ROOT / "BENCHMARKS.md"
DIRTY_CHECK = ("git", "status", "--porcelain", "--untracked-files=no", "--", ".")
BUSY_LOAD = 0.5  # a 1-minute load average above this at the start: the machine was not quiet


def run_one(name: str, quick: bool) -> dict:
    """Run ``bench/<name>.py``, echoing its output; its JSON result plus output and time."""
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        out = Path(tmp) / f"{name}.json"
        command = [sys.executable, str(benchlib.BENCH_DIR / f"{name}.py"), "--json", str(out)]
        if quick:
            command.append("--quick")
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        lines = []
        with subprocess.Popen(
            command, stdout=subprocess.PIPE, text=True, cwd=benchlib.ROOT, bufsize=1
        ) as proc:
            for line in proc.stdout:
                print(line, end="", flush=True)
                lines.append(line)
        seconds = time.perf_counter() - started
        result = json.loads(out.read_text()) if proc.returncode == 0 and out.is_file() else {}
    if proc.returncode != 0:
        result["error"] = f"exit status {proc.returncode}"
    return {**result, "output": "".join(lines), "seconds": round(seconds, 1)}


def git_revision() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=benchlib.ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            # the benchmarks' own output files do not count as changes
            [*DIRTY_CHECK, ":!bench/results.json", ":!BENCHMARKS.md"],
            cwd=benchlib.ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "-"
    return head + (" (with uncommitted changes)" if dirty else "")


# --- BENCHMARKS.md --------------------------------------------------------------------------------


def md_table(headers, rows) -> list[str]:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(["---"] * len(headers)) + "|"]
    lines += ["| " + " | ".join(_fmt(v) for v in row) + " |" for row in rows]
    return lines + [""]


def _fmt(value) -> str:
    if isinstance(value, float):
        if abs(value) >= 100:
            return f"{value:,.0f}"
        return f"{value:.3g}" if abs(value) >= 0.01 else f"{value:.2g}"
    return str(value)


def verdict(met: bool, rough: bool) -> str:
    """The goal's verdict; on rough figures (quick mode, a busy machine) only a provisional one."""
    text = "met" if met else "not met"
    return f"{text} on these rough figures (no verdict)" if rough else f"**{text}**"


def render_session_vs_keras(r: dict, rough: bool) -> list[str]:
    rows = [
        [
            r["labels"][path],
            ips,
            1000 * r["batch_size"] / ips,
            r["images_per_second"]["session"] / ips,
        ]
        for path, ips in r["images_per_second"].items()
    ]
    ratio = r["ratios"]["session_over_tf_keras_fit"]
    return [
        f"The experts network, batch {r['batch_size']}, {r['warmup']} warm-up + {r['steps']} timed "
        f"steps, each path in its own process, best of {r['rounds']} interleaved round(s). "
        "The TF2 paths build the same network (dropout included, Adam 1e-4) and read the same "
        "images through tf.data.",
        "",
        *md_table(["path", "images/s", "ms/step", "Session ÷ this"], rows),
        f"Session / `fit` = **{ratio:.2f}x** (tf.keras), "
        f"{r['ratios']['session_over_keras3_fit']:.2f}x (Keras 3); Session / GradientTape = "
        f"{r['ratios']['session_over_gradient_tape']:.2f}x. Goal Session ≥ 1.0x `fit`: "
        f"{verdict(ratio >= 1.0, rough)}.",
    ]


def render_roofline(r: dict, rough: bool) -> list[str]:
    flops = r["flops_per_image"]
    layer_rows = [[name, f"{value:,}"] for name, value in flops["forward_by_layer"].items()]
    layer_rows += [
        ["forward", f"{flops['forward']:,}"],
        ["backward (weights + inputs, no input gradient for conv1)", f"{flops['backward']:,}"],
        ["**forward + backward, per image**", f"**{flops['total']:,}**"],
    ]
    matmul_rows = [[f"{m['size']} x {m['size']}", m["reps"], m["gflops"]] for m in r["matmul"]]
    limit = r["limit_gflops"]
    step_rows = [
        [
            "as trained (next_batch + feed_dict + run)" if key == "as_trained" else "one batch fed",
            e["ms_per_step"],
            e["gflops"],
            e["gflops"] / limit,
        ]
        for key, e in r["experts"].items()
    ]
    lines = [
        "FLOPs per image, counted from the layer shapes (multiply-add = 2 FLOPs; bias, ReLU, "
        "pooling, dropout, softmax and Adam left out):",
        "",
        *md_table(["layer", "forward FLOPs"], layer_rows),
        f"TensorFlow's fp32 matmul in a v1 Session (the limit: the best size, {limit:.1f} "
        "GFLOP/s):",
        "",
        *md_table(["size", "runs", "GFLOP/s"], matmul_rows),
        *md_table(["experts step", "ms/step", "GFLOP/s", "x matmul"], step_rows),
    ]
    if r.get("nominal_peak_gflops"):
        lines += [
            f"(Nominal AVX2 peak at the reported clock, two 256-bit FMA units per core: "
            f"{r['nominal_peak_gflops']:.0f} GFLOP/s.)",
            "",
        ]
    lines.append(
        f"Experts step / matmul = **{r['ratio']:.2f}**. "
        f"Goal ≥ 0.9: {verdict(r['ratio'] >= 0.9, rough)}."
    )
    return lines


def render_reader(r: dict, rough: bool) -> list[str]:
    base = r["decompress_seconds"]
    rows = [["gzip.decompress of the four files", base, "", 1.0, ""]]
    rows += [
        [f"`{name}`", c["cold_seconds"], c["warm_seconds"], c["cold_seconds"] / base,
         c["warm_seconds"] / base]
        for name, c in r["calls"].items()
    ]  # fmt: skip
    return [
        f"Real MNIST files copied into a fresh directory per round (median of {r['rounds']}); cold "
        "= first call (decompress, verify, parse, write the decoded-array cache), warm = second "
        f"call (from the cache). sha256 of the payloads, part of every cold read: "
        f"{r['sha256_seconds']:.3f} s.",
        "",
        *md_table(["", "cold s", "warm s", "cold ÷ gunzip", "warm ÷ gunzip"], rows),
        f"`{r['main_call']}`: cold = **{r['cold_over_decompress']:.2f}x** decompression (goal ≤ "
        f"1.5x: {verdict(r['cold_over_decompress'] <= 1.5, rough)}), warm = "
        f"**{r['warm_over_decompress']:.2f}x** (goal: far below 1x).",
    ]


def render_next_batch(r: dict, rough: bool) -> list[str]:
    rows = [
        [f"{name} (batch {s['batch_size']})", s["next_batch_us"], s["step_ms"], f"{s['share']:.2%}"]
        for name, s in r["steps"].items()
    ]
    return [
        f"Mean over {r['calls']} calls of the runner's `next_batch`; each step timed as trained, "
        "in the same process.",
        "",
        *md_table(["step", "next_batch µs", "step ms", "share of the step"], rows),
    ]


def render_fast_paths(r: dict, rough: bool) -> list[str]:
    rows = [
        [label, r["ms_per_step"][key], r["ratio_to_default"][key]]
        for key, label in r["labels"].items()
    ]
    return [
        f"The experts step, {r['warmup']} warm-up + {r['steps']} timed steps, one process per "
        f"setting, best of {r['rounds']} round(s); above 1x is slower than the default.",
        "",
        *md_table(["setting", "ms/step", "x default"], rows),
    ]


def render_suite(r: dict, rough: bool) -> list[str]:
    if r.get("skipped"):
        return [f'Skipped in quick mode (`pytest -m "{r["marks"]}"`).']
    rows = [[f"`{t['name']}`", t["seconds"], t["outcome"]] for t in r["tests"]]
    return [
        f'`pytest -m "{r["marks"]}"`: **{r["wall_seconds"]:.0f} s** wall, {len(rows)} tests '
        f"(pytest's own total {r['junit_seconds']:.0f} s), exit status {r['exit_status']}.",
        "",
        *md_table(["test", "seconds", "outcome"], rows),
    ]


def render_bf16(r: dict, rough: bool) -> list[str]:
    if not r["supported"]:
        return [
            f"CPU flags: {', '.join(r['flags']) or '-'}; neither AMX-BF16 nor AVX512-BF16. "
            "**bf16 is not supported on this CPU**: nothing timed. "
            "(`session_config(bf16=True)` refuses on such a CPU.)"
        ]
    rows = [[key, ms] for key, ms in r["ms_per_step"].items()]
    return [
        f"CPU flags: {', '.join(r['flags'] + r['bf16_flags'])}.",
        "",
        *md_table(["experts step", "ms/step"], rows),
        f"float32 / bf16 step time = **{r['ratio']:.2f}x** (above 1: bf16 faster).",
    ]


def render_tf115(r: dict, rough: bool) -> list[str]:
    lines = [f"{r['labels'][path]}: not run; {reason}." for path, reason in r["missing"].items()]
    if lines:
        lines.append("")
    rows = [
        [r["labels"][path], s["median_ms"], f"{_fmt(s['min_ms'])}–{_fmt(s['max_ms'])}"]
        for path, s in r["paths"].items()
    ]
    ratio_rows = []
    for key, ratio in r["ratios"].items():
        project, original = key.split("/")
        ratio_rows.append(
            [
                f"{r['labels'][project]} ÷ {r['labels'][original]}",
                f"**{ratio['median']:.2f}x**",
                f"{ratio['min']:.2f}–{ratio['max']:.2f}",
            ]
        )
    low, high = r["load_average_range"]
    lines += [
        f"The experts graph and feed loop (batch 50, Adam 1e-4, keep_prob 0.5 fed), "
        f"{r['warmup']} warm-up + {r['steps']} timed steps per run, each path a fresh process, "
        f"{r['rounds']} interleaved round(s) (the order shifted each round); 1-minute load "
        f"average {low:.2f}–{high:.2f} before the runs. The TF 1.15 paths and `legacy` run the "
        "plain TF1 script `bench/tf1_experts_steps.py`. A run's figure is its median step; "
        "ms/step is the median over the rounds.",
        "",
        *md_table(["path", "ms/step", "rounds' range"], rows),
    ]
    if ratio_rows:
        lines += [
            "Step time ratios, taken within each round (the machine drifts between rounds), "
            "median over the rounds; below 1x the project's step is faster:",
            "",
            *md_table(["ratio", "median", "rounds' range"], ratio_rows),
        ]
    return lines


RENDER = {
    "session_vs_keras": render_session_vs_keras,
    "roofline": render_roofline,
    "reader": render_reader,
    "next_batch": render_next_batch,
    "fast_paths": render_fast_paths,
    "suite": render_suite,
    "bf16": render_bf16,
    "tf115": render_tf115,
}


def context(results: dict, name: str) -> dict:
    """When, at which revision and on how busy a machine a benchmark ran (older results: the
    whole run's)."""
    fallback = {
        "started": results.get("started", "-"),
        "revision": results.get("revision", "-"),
        "load_average": results["machine"].get("load_average", []),
    }
    return results["benchmarks"].get(name, {}).get("context", fallback)


def _busy(ctx: dict) -> bool:
    return bool(ctx["load_average"]) and ctx["load_average"][0] > BUSY_LOAD


def render(results: dict) -> str:
    m = results["machine"]
    quick = results["quick"]
    ran = [name for name, _ in BENCHMARKS if name in results["benchmarks"]]
    busy_names = [name for name in ran if _busy(context(results, name))]
    lines = ["# Benchmarks", ""]
    if quick or busy_names:
        what = []
        if quick:
            what.append("quick mode (a few steps each)")
        if busy_names:
            loads = ", ".join(
                f"{name} {context(results, name)['load_average'][0]:.2f}" for name in busy_names
            )
            what.append(f"machine busy (1-minute load average at the start: {loads})")
        lines += [
            f"> **{', '.join(what).capitalize()} — to be replaced.** These figures only show that "
            "every benchmark runs; regenerate them on a quiet machine with `make bench`.",
            "",
        ]
    v = m["versions"]
    lines += [
        "Written by `bench/run_all.py` from `bench/results.json`: `make bench` measures again and "
        "rewrites both; `python bench/run_all.py --render` rewrites this file alone.",
        "",
        f"- date (UTC): {results['finished']}; mode: {'quick' if quick else 'full'}; each "
        "section says when it ran, at which revision and the load average when its run began",
        f"- CPU: {m['cpu']}, {m['cores']} cores, {m['cpu_mhz'] or '?'} MHz reported; flags "
        f"{', '.join(m['cpu_flags']) or '-'}; memory {m['memory_gib']} GiB",
        f"- OS: {m['platform']}",
        f"- Python {v['python']}, TensorFlow {v['tensorflow']}, tf-keras {v['tf-keras']}, "
        f"Keras {v['keras']}, NumPy {v['numpy']}; TF_ENABLE_ONEDNN_OPTS {m['onednn_default']}",
        "",
    ]
    for name, title in BENCHMARKS:
        lines += [f"## {title}", ""]
        result = results["benchmarks"].get(name)
        if result is None:
            lines += ["Not run.", ""]
        elif "error" in result:
            lines += [f"Failed ({result['error']}); see its output in bench/results.json.", ""]
        else:
            ctx = context(results, name)
            lines += [
                f"*Ran {ctx['started']} UTC at revision {ctx['revision']}; load average when its "
                f"run began {', '.join(map(str, ctx['load_average'])) or '-'}.*",
                "",
                *RENDER[name](result, quick or _busy(ctx)),
                "",
            ]
    text = "\n".join(lines).rstrip() + "\n"
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="a few steps each (checks, not figures)")
    p.add_argument("--render", action="store_true", help="only rewrite BENCHMARKS.md from JSON")
    p.add_argument("--only", nargs="+", choices=[n for n, _ in BENCHMARKS], help="run only these")
    p.add_argument("--results", type=Path, default=RESULTS, help=f"default {RESULTS}")
    p.add_argument("--markdown", type=Path, default=MARKDOWN, help=f"default {MARKDOWN}")
    args = p.parse_args(argv)

    if args.render:
        args.markdown.write_text(render(json.loads(args.results.read_text())))
        print(f"wrote {args.markdown}")
        return 0

    names = args.only or [n for n, _ in BENCHMARKS]
    previous = {}
    if args.only and args.results.is_file():
        previous = json.loads(args.results.read_text())
        if previous.get("quick") != args.quick:
            previous = {}  # never mix quick and full figures
    now = datetime.datetime.now(datetime.UTC)
    results = {
        "quick": args.quick,
        "started": now.strftime("%Y-%m-%d %H:%M"),
        "revision": git_revision(),
        "machine": benchlib.machine(),
        "benchmarks": dict(previous.get("benchmarks", {})),
    }
    for name, kept in results["benchmarks"].items():  # kept from the previous run: its context
        kept.setdefault("context", context(previous, name))
    for name in names:
        # The load average is the run's, read before its first benchmark (the benchmarks
        # themselves load the machine, so a reading between two of them says nothing).
        ctx = {
            "started": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M"),
            "revision": results["revision"],
            "load_average": results["machine"]["load_average"],
        }
        results["benchmarks"][name] = {**run_one(name, args.quick), "context": ctx}
    results["finished"] = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M")
    args.results.write_text(json.dumps(results, indent=1) + "\n")
    args.markdown.write_text(render(results))
    failed = [n for n in names if "error" in results["benchmarks"][n]]
    print(f"\nwrote {args.results} and {args.markdown}")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
