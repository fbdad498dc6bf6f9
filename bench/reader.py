"""Reader: read_data_sets cold and warm on the real MNIST files vs plain gzip decompression.

Each round copies the four real ``.gz`` files (from ``$TF1_TUTORIALS_DATA/mnist``, else the
reader's default directory) into a fresh temporary directory, then times

- cold: the first ``read_data_sets`` call on that directory (every file read, decompressed and
  verified, the arrays built -- and the decoded-array cache written),
- warm: a second call on the same directory (the cache read instead),
- decompression: ``gzip.decompress`` of the same four files' bytes (read from the directory).

The files themselves are in the OS page cache in every case: "cold" is about the reader's work,
not the disk. Three calls are timed: the tutorials' ``read_data_sets(dir, one_hot=True)`` (float32
images, float64 one-hot labels), ``dtype=uint8`` (no float conversion) and the runner's own
``variants.inputs.mnist``. The median of the rounds counts. Goals: cold <= 1.5x decompression,
warm far below it.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import benchlib
import numpy as np

FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)


def calls():
    from tf1_tutorials.data import read_data_sets
    from tf1_tutorials.variants import inputs

    return {
        "read_data_sets(dir, one_hot=True)": lambda d: read_data_sets(str(d), one_hot=True),
        "read_data_sets(dir, dtype=uint8)": lambda d: read_data_sets(str(d), dtype=np.uint8),
        "variants.inputs.mnist(dir, seed)": lambda d: inputs.mnist(d, benchlib.SEED),
    }


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def decompress_all(directory: Path) -> list[bytes]:
    return [gzip.decompress((directory / name).read_bytes()) for name in FILES]


def main(argv=None) -> dict:
    args = benchlib.parser(__doc__.splitlines()[0]).parse_args(argv)
    rounds = 2 if args.quick else 7
    source = benchlib.mnist_dir()
    missing = [name for name in FILES if not (source / name).is_file()]
    if missing:
        from tf1_tutorials.data import read_data_sets

        read_data_sets(str(source))  # fills the reader's default directory (download or copy)
    print(f"reader: MNIST from {source}, {rounds} round(s), fresh directory per round")

    readers = calls()
    cold: dict[str, list[float]] = {name: [] for name in readers}
    warm: dict[str, list[float]] = {name: [] for name in readers}
    decompress: list[float] = []
    sha256: list[float] = []
    for _ in range(rounds):
        for name, read in readers.items():
            with tempfile.TemporaryDirectory(prefix="bench-reader-") as tmp:
                directory = Path(tmp)
                for file in FILES:
                    shutil.copyfile(source / file, directory / file)
                cold[name].append(timed(lambda read=read, d=directory: read(d)))
                warm[name].append(timed(lambda read=read, d=directory: read(d)))
                if name == next(iter(readers)):
                    decompress.append(timed(lambda d=directory: decompress_all(d)))
                    payloads = decompress_all(directory)
                    sha256.append(timed(lambda p=payloads: [hashlib.sha256(x) for x in p]))

    base = statistics.median(decompress)
    rows = [["gzip.decompress of the four files", base, "", 1.0, ""]]
    figures = {}
    for name in readers:
        c, w = statistics.median(cold[name]), statistics.median(warm[name])
        figures[name] = {
            "cold_seconds": c,
            "warm_seconds": w,
            "cold": cold[name],
            "warm": warm[name],
        }
        rows.append([name, c, w, c / base, w / base])
    print()
    print(benchlib.table(["", "cold s", "warm s", "cold / gunzip", "warm / gunzip"], rows))
    print(
        f"(sha256 of the four payloads, part of every cold read: {statistics.median(sha256):.3f} s)"
    )
    main_call = next(iter(readers))
    cold_ratio = figures[main_call]["cold_seconds"] / base
    warm_ratio = figures[main_call]["warm_seconds"] / base
    print()
    print(
        f"ratio {main_call}: cold = {cold_ratio:.2f}x decompression (goal: <= 1.5x), "
        f"warm = {warm_ratio:.2f}x"
    )
    return benchlib.finish(
        args,
        {
            "rounds": rounds,
            "decompress_seconds": base,
            "decompress": decompress,
            "sha256_seconds": statistics.median(sha256),
            "calls": figures,
            "main_call": main_call,
            "cold_over_decompress": cold_ratio,
            "warm_over_decompress": warm_ratio,
            "goal": "cold_over_decompress <= 1.5, warm far below 1",
        },
    )


if __name__ == "__main__":
    main()
