"""next_batch: what a batch costs, as a share of the training step it feeds.

In one v1 process: ``next_batch(50)`` and ``next_batch(100)`` on the real 55,000-image training set
exactly as the runner calls it (``step.Batches`` over ``variants.inputs.mnist``: a gather of
float32 images and float32 one-hot labels, a reshuffle at each epoch's end), averaged over many
calls that cross several epochs; then, in the same run, an experts step (batch 50) and a softmax
step (batch 100), each timed as trained (``next_batch`` + ``feed_dict`` + ``sess.run``). The share
is the batch's cost over that whole step.
"""

from __future__ import annotations

import benchlib


def main(argv=None) -> dict:
    args = benchlib.parser(__doc__.splitlines()[0]).parse_args(argv)
    calls, steps, warmup = (300, 10, 3) if args.quick else (10000, 300, 20)
    from tf1_tutorials.training.step import Batches
    from tf1_tutorials.variants import inputs

    print(f"next_batch: {calls} calls per batch size; {warmup} warm-up + {steps} timed steps")
    batches = Batches(inputs.mnist(benchlib.mnist_dir(), benchlib.SEED).train)
    batch_seconds = {}
    for size in (50, 100):
        batches.next_batch(size)
        batch_seconds[size] = benchlib.mean_seconds(
            lambda size=size: batches.next_batch(size), calls
        )
    experts = benchlib.v1_train("experts", steps, warmup)
    softmax = benchlib.v1_train("softmax", steps, warmup)
    rows, figures = [], {}
    for name, size, run in (("experts", 50, experts), ("softmax", 100, softmax)):
        step = run["ms_per_step"] / 1000
        share = batch_seconds[size] / step
        figures[name] = {
            "batch_size": size,
            "next_batch_us": 1e6 * batch_seconds[size],
            "step_ms": 1000 * step,
            "share": share,
            "run": run,
        }
        rows.append(
            [f"{name} (batch {size})", 1e6 * batch_seconds[size], 1000 * step, f"{share:.2%}"]
        )
    print()
    print(benchlib.table(["step", "next_batch us", "step ms", "share of step"], rows))
    print()
    print(
        f"ratio next_batch / step = {figures['experts']['share']:.2%} (experts, batch 50), "
        f"{figures['softmax']['share']:.2%} (softmax, batch 100)"
    )
    return benchlib.finish(
        args,
        {
            "calls": calls,
            "next_batch_us": {str(k): 1e6 * v for k, v in batch_seconds.items()},
            "steps": figures,
        },
    )


if __name__ == "__main__":
    main()
