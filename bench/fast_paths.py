"""Fast-path effects: the experts step under each setting, side by side, one process each.

The default is the runner's: oneDNN on (``TF_ENABLE_ONEDNN_OPTS=1``, which ``tf1_tutorials.tf``
sets), intra/inter-op threads 0/0 (TensorFlow chooses), float32 feeds. Each other row changes one
thing: oneDNN off; threads 1/1 or 2/2; the one-hot labels fed as TF1's reader gave them (float64,
converted by ``Session.run`` at every step); images cast to float64 as well. Each setting runs in a
fresh process (the oneDNN switch and the thread pools are fixed when TensorFlow starts), after a
warm-up, ``rounds`` times interleaved; the best round counts. The table gives ms/step and each
setting's time relative to the default (above 1: slower).
"""

from __future__ import annotations

import json

import benchlib

SETTINGS = (
    ("default", "oneDNN on, threads 0/0, float32 feeds", {}, {}),
    ("onednn_off", "oneDNN off (TF_ENABLE_ONEDNN_OPTS=0)", {"TF_ENABLE_ONEDNN_OPTS": "0"}, {}),
    ("threads_1_1", "threads 1/1", {}, {"intra": 1, "inter": 1}),
    ("threads_2_2", "threads 2/2", {}, {"intra": 2, "inter": 2}),
    ("float64_labels", "float64 one-hot labels (TF1's reader)", {}, {"feed": "float64-labels"}),
    ("float64", "float64 images and labels", {}, {"feed": "float64"}),
)


def main(argv=None) -> dict:
    args = benchlib.parser(__doc__.splitlines()[0]).parse_args(argv)
    if args.worker:
        spec = json.loads(args.worker)
        benchlib.emit(
            benchlib.v1_train("experts", spec["steps"], spec["warmup"], **spec["options"])
        )
        return {}
    steps, warmup, rounds = (10, 3, 1) if args.quick else (300, 20, 2)
    print(f"fast paths: experts, {warmup} warm-up + {steps} timed steps, {rounds} round(s) each")
    runs: dict[str, list[dict]] = {key: [] for key, *_ in SETTINGS}
    for _ in range(rounds):
        for key, _label, env, options in SETTINGS:
            spec = {"steps": steps, "warmup": warmup, "options": options}
            env = {"TF_ENABLE_ONEDNN_OPTS": "1", **env}
            run = benchlib.run_worker(__file__, spec, env=env)
            runs[key].append(run)
            print(f"  {key:15s} {run['ms_per_step']:7.1f} ms/step")
    best = {key: min(r["ms_per_step"] for r in runs[key]) for key in runs}
    rows = [[label, best[key], best[key] / best["default"]] for key, label, *_ in SETTINGS]
    print()
    print(benchlib.table(["setting", "ms/step", "x default"], rows))
    ratios = {key: best[key] / best["default"] for key in best}
    print()
    print(
        "ratio to the default (time): "
        + ", ".join(f"{key} {ratio:.2f}x" for key, ratio in ratios.items() if key != "default")
    )
    return benchlib.finish(
        args,
        {
            "steps": steps,
            "warmup": warmup,
            "rounds": rounds,
            "labels": {key: label for key, label, *_ in SETTINGS},
            "ms_per_step": best,
            "ratio_to_default": ratios,
            "runs": runs,
        },
    )


if __name__ == "__main__":
    main()
