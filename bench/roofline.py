"""Distance to the machine's limit: TensorFlow's fp32 matmul GFLOP/s vs the experts step's.

The limit is TensorFlow's own float32 matmul on this CPU: large square ``tf.matmul`` of two
variables in a v1 Session (the same Session config as training), 2*n^3 FLOPs each, timed in the
same run as the experts training step; the best size counts.

FLOPs of one experts training step, counted per image from the layer shapes (a multiply-add is 2
FLOPs; SAME padding as computed; bias adds, ReLU, pooling, dropout, softmax and Adam left out --
Adam's ~10 FLOPs per parameter are ~0.65 MFLOP per image at batch 50, under 1%):

    layer                       multiply-adds         forward FLOPs
    conv1 5x5x1x32 on 28x28     28*28*32*25 =   627,200     1,254,400
    conv2 5x5x32x64 on 14x14    14*14*64*800 = 10,035,200   20,070,400
    fc1 3136x1024               3,211,264                   6,422,528
    fc2 1024x10                 10,240                         20,480
    forward                     13,883,904                 27,767,808

Backward = gradients with respect to the weights (one forward's worth) and to the inputs (one
forward's worth, except conv1, whose input is the image): 2 * 27,767,808 - 1,254,400 = 54,281,216.
Forward + backward: 82,049,024 FLOPs per image, 4.10 GFLOP per step of 50 images.

The step is timed as trained (``next_batch`` + ``feed_dict`` + ``sess.run``) and, for reference,
with one batch fed over and over (no reader in the loop). Goal: step GFLOP/s >= 0.9 x matmul.
"""

from __future__ import annotations

import time

import benchlib

# (name, output height*width, output channels, multiply-adds per output value)
LAYERS = (
    ("conv1", 28 * 28, 32, 5 * 5 * 1),
    ("conv2", 14 * 14, 64, 5 * 5 * 32),
    ("fc1", 1, 1024, 7 * 7 * 64),
    ("fc2", 1, 10, 1024),
)


def experts_flops_per_image() -> dict:
    """Forward and forward+backward FLOPs of the experts network per image (see the docstring)."""
    forward = {name: 2 * positions * channels * macs for name, positions, channels, macs in LAYERS}
    total_forward = sum(forward.values())
    backward = 2 * total_forward - forward["conv1"]  # no input gradient for conv1
    return {
        "forward_by_layer": forward,
        "forward": total_forward,
        "backward": backward,
        "total": total_forward + backward,
    }


def matmul_gflops(size: int, reps: int) -> dict:
    """Mean GFLOP/s of ``reps`` runs of a ``size`` x ``size`` float32 matmul in a v1 Session."""
    from tf1_tutorials.tf import load_v1, session_config

    tf = load_v1()
    graph = tf.Graph()
    with graph.as_default():
        a = tf.Variable(tf.random.uniform([size, size]))
        b = tf.Variable(tf.random.uniform([size, size]))
        product = tf.matmul(a, b).op  # fetched as a target: computed, never copied out
        init = tf.global_variables_initializer()
    graph.finalize()
    with tf.Session(graph=graph, config=session_config()) as sess:
        sess.run(init)
        for _ in range(2):
            sess.run(product)
        times = []
        for _ in range(reps):
            started = time.perf_counter()
            sess.run(product)
            times.append(time.perf_counter() - started)
    flops = 2 * size**3
    return {
        "size": size,
        "reps": reps,
        "gflops": flops * reps / sum(times) / 1e9,
        "best_gflops": flops / min(times) / 1e9,
    }


def main(argv=None) -> dict:
    args = benchlib.parser(__doc__.splitlines()[0]).parse_args(argv)
    quick = args.quick
    sizes = ((512, 5), (1024, 3)) if quick else ((1024, 60), (2048, 20), (4096, 4))
    steps, warmup = (10, 3) if quick else (300, 20)
    flops = experts_flops_per_image()
    print("experts FLOPs per image (forward + backward, multiply-add = 2):")
    for name, value in flops["forward_by_layer"].items():
        print(f"  {name:6s} forward {value:>12,}")
    print(
        f"  forward {flops['forward']:,}  backward {flops['backward']:,}  total {flops['total']:,}"
    )

    matmuls = [matmul_gflops(size, reps) for size, reps in sizes]
    for m in matmuls:
        print(
            f"matmul {m['size']}x{m['size']} fp32: {m['gflops']:.1f} GFLOP/s (mean of {m['reps']})"
        )
    limit = max(matmuls, key=lambda m: m["gflops"])

    steps_as_trained = benchlib.v1_train("experts", steps, warmup)
    steps_fixed = benchlib.v1_train("experts", steps, warmup, fixed_batch=True)
    rows, achieved = [], {}
    for key, run in (("as_trained", steps_as_trained), ("fixed_batch", steps_fixed)):
        gflops = run["images_per_second"] * flops["total"] / 1e9
        achieved[key] = {"ms_per_step": run["ms_per_step"], "gflops": gflops, "run": run}
        label = "experts step, as trained" if key == "as_trained" else "experts step, one batch"
        rows.append([label, run["ms_per_step"], gflops, gflops / limit["gflops"]])
    rows.insert(0, [f"matmul {limit['size']} (the limit)", "", limit["gflops"], 1.0])
    nominal = None
    mhz = benchlib.cpu_mhz()
    if mhz and {"avx2", "fma"} <= benchlib.cpu_flags():
        # two 256-bit FMA units per core: 2 * 8 lanes * 2 FLOPs per cycle
        nominal = (benchlib.machine()["cores"] or 1) * 32 * mhz / 1e3
    print()
    print(benchlib.table(["", "ms/step", "GFLOP/s", "x matmul"], rows))
    if nominal:
        print(
            f"(nominal AVX2 peak, 2 FMA units per core at the reported {mhz:.0f} MHz: "
            f"{nominal:.0f} GFLOP/s; matmul reaches {limit['gflops'] / nominal:.0%} of it)"
        )
    ratio = achieved["as_trained"]["gflops"] / limit["gflops"]
    print()
    print(f"ratio experts step / matmul = {ratio:.2f} (goal: >= 0.9)")
    return benchlib.finish(
        args,
        {
            "flops_per_image": flops,
            "flops_per_step": flops["total"] * steps_as_trained["batch_size"],
            "matmul": matmuls,
            "limit_gflops": limit["gflops"],
            "limit_size": limit["size"],
            "nominal_peak_gflops": nominal,
            "experts": achieved,
            "ratio": ratio,
            "goal": "ratio >= 0.9",
        },
    )


if __name__ == "__main__":
    main()
