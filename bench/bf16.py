"""bf16 opt-in: the experts step with the oneDNN bfloat16 mixed-precision rewrite, if the CPU can.

Reads the CPU flags from /proc/cpuinfo. Without AMX-BF16 or AVX512-BF16 it reports that bfloat16 is
not supported on this CPU and times nothing (TensorFlow would fall back to slower kernels, and
``tf1_tutorials.tf.session_config(bf16=True)`` refuses there). With one of them it times the
experts step with float32 and with ``session_config(bf16=True)`` -- Grappler's
``auto_mixed_precision_onednn_bfloat16`` rewrite -- each in its own process, and gives the ratio.
"""

from __future__ import annotations

import json

import benchlib


def main(argv=None) -> dict:
    args = benchlib.parser(__doc__.splitlines()[0]).parse_args(argv)
    if args.worker:
        spec = json.loads(args.worker)
        run = benchlib.v1_train("experts", spec["steps"], spec["warmup"], bf16=spec["bf16"])
        benchlib.emit(run)
        return {}
    flags = benchlib.cpu_flags()
    present = [f for f in benchlib.BF16_FLAGS if f in flags]
    vector = [f for f in ("avx2", "fma", "avx512f") if f in flags]
    print(f"bf16: CPU flags {', '.join(vector) or 'none of avx2/fma/avx512f'}; ", end="")
    if not present:
        print("no amx_bf16, no avx512_bf16")
        print("bf16 is not supported on this CPU: nothing timed (float32 only)")
        return benchlib.finish(
            args, {"supported": False, "flags": vector, "bf16_flags": [], "ratio": None}
        )
    print(", ".join(present))
    steps, warmup = (10, 3) if args.quick else (300, 20)
    runs = {}
    for bf16 in (False, True):
        spec = {"steps": steps, "warmup": warmup, "bf16": bf16}
        runs["bf16" if bf16 else "float32"] = benchlib.run_worker(
            __file__, spec, env={"TF_ENABLE_ONEDNN_OPTS": "1"}
        )
    rows = [[key, run["ms_per_step"], run["images_per_second"]] for key, run in runs.items()]
    print()
    print(benchlib.table(["", "ms/step", "images/s"], rows))
    ratio = runs["float32"]["ms_per_step"] / runs["bf16"]["ms_per_step"]
    print()
    print(f"ratio float32 / bf16 step time = {ratio:.2f}x (above 1: bf16 faster)")
    return benchlib.finish(
        args,
        {
            "supported": True,
            "flags": vector,
            "bf16_flags": present,
            "ms_per_step": {key: run["ms_per_step"] for key, run in runs.items()},
            "ratio": ratio,
            "runs": runs,
        },
    )


if __name__ == "__main__":
    main()
