"""Eight processes calling read_data_sets on one empty directory at once, downloading from a
mirror on 127.0.0.1 (TF1_TUTORIALS_DATA unset) whose first answer for each file is a cut download.

All must get identical data, equal to the published files; each file is downloaded once (the
directory's lock makes the later processes find the first one's copies); and the directory ends
holding the four files, the lock file and (where the reader keeps one) the decoded-array cache,
nothing else: no temporaries. CI runs one round; ``TF1_TUTORIALS_STRESS=1`` (``make stress``) runs
five.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import subprocess
import sys
import textwrap
import time

import numpy as np
import pytest
from data_support import FAULT_KINDS, Fault, real_data_root, serving
from reliability_support import STRESS, count

from tf1_tutorials.data import idx
from tf1_tutorials.data import mnist as mnist_module
from tf1_tutorials.data.sources import LOCK_NAME

PROCESSES = 8
ROUNDS = 5 if STRESS else 1
NAMES = [spec.name for spec in mnist_module.FILES]

CHILD = textwrap.dedent(
    """
    import hashlib, json, sys, time
    from pathlib import Path
    import numpy as np
    from tf1_tutorials.data import read_data_sets

    directory, ready, go, urls = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), sys.argv[4:]
    ready.touch()
    while not go.exists():
        time.sleep(0.002)
    data = read_data_sets(directory, dtype=np.uint8, reshape=False, source_url=urls)
    sets = {"train": data.train, "validation": data.validation, "test": data.test}
    print(json.dumps({
        f"{split}.{field}": hashlib.sha256(getattr(part, field).tobytes()).hexdigest()
        for split, part in sets.items() for field in ("images", "labels")
    }))
    """
)


def documented_extras() -> set[str]:
    """Files the design keeps beside the data files: the fetch lock, and the decoded-array cache
    where the reader has one."""
    try:
        from tf1_tutorials.data import cache
    except ImportError:
        return {LOCK_NAME}
    return {LOCK_NAME, cache.CACHE_NAME}


def digest(array: np.ndarray) -> str:
    return hashlib.sha256(np.ascontiguousarray(array).tobytes()).hexdigest()


@pytest.fixture(scope="module")
def published():
    """The four files as published, and the digests of the splits read_data_sets must give."""
    source = real_data_root() / "mnist"
    files = {name: (source / name).read_bytes() for name in NAMES}
    train_images = idx.parse_images(gzip.decompress(files[mnist_module.TRAIN_IMAGES]), "x")
    train_labels = idx.parse_labels(gzip.decompress(files[mnist_module.TRAIN_LABELS]), "x")
    test_images = idx.parse_images(gzip.decompress(files[mnist_module.TEST_IMAGES]), "x")
    test_labels = idx.parse_labels(gzip.decompress(files[mnist_module.TEST_LABELS]), "x")
    splits = {
        "train.images": digest(train_images[5000:]),
        "train.labels": digest(train_labels[5000:]),
        "validation.images": digest(train_images[:5000]),
        "validation.labels": digest(train_labels[:5000]),
        "test.images": digest(test_images),
        "test.labels": digest(test_labels),
    }
    return files, splits


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_eight_processes_reading_one_empty_directory_get_the_same_verified_data(
    tmp_path, published, round_
):
    files, expected = published
    directory = tmp_path / "mnist"
    env = {k: v for k, v in os.environ.items() if k != "TF1_TUTORIALS_DATA"}
    env.update(NO_PROXY="127.0.0.1", no_proxy="127.0.0.1", TF1_TUTORIALS_DOWNLOAD_TIMEOUT="5")
    go = tmp_path / "go"
    with serving() as mirror:
        mirror.delay = 0.1  # every answer a little late, so that the processes overlap
        for i, name in enumerate(NAMES):
            mirror.add(f"/good/{name}", files[name])
            mirror.add(f"/flaky/{name}", files[name])
            kind = FAULT_KINDS[(4 * round_ + i) % len(FAULT_KINDS)]
            mirror.fail(
                f"/flaky/{name}", Fault(kind, (round_ * 7919 + i * 104729) % len(files[name]))
            )
        urls = [f"{mirror.url}/flaky/", f"{mirror.url}/good/"]
        children = [
            subprocess.Popen(
                [sys.executable, "-c", CHILD, str(directory), str(tmp_path / f"ready{n}"), str(go)]
                + urls,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for n in range(PROCESSES)
        ]
        deadline = time.monotonic() + 120
        while len(list(tmp_path.glob("ready*"))) < PROCESSES:
            assert all(c.poll() is None for c in children) and time.monotonic() < deadline
            time.sleep(0.01)
        go.touch()  # all at once
        outcomes = [child.communicate(timeout=300) for child in children]
        codes = [child.returncode for child in children]
        good_requests = sorted(r for r in mirror.requests if r.startswith("/good/"))

    assert codes == [0] * PROCESSES, "\n".join(err[-2000:] for _, err in outcomes)
    results = [json.loads(out) for out, _ in outcomes]
    count("stress", "concurrent read_data_sets", "processes", PROCESSES)
    count("stress", "concurrent read_data_sets", "processes failed", PROCESSES - codes.count(0))
    assert all(result == expected for result in results)
    count("stress", "concurrent read_data_sets", "processes with other data", 0)
    # The lock: one process downloaded each file once (after one cut answer); the others read it.
    assert good_requests == sorted(f"/good/{name}" for name in NAMES)
    assert len(mirror.served_faults) == len(NAMES)
    count("stress", "concurrent read_data_sets", "cut answers served", len(NAMES))
    listing = set(os.listdir(directory))
    assert listing >= set(NAMES) and listing - set(NAMES) <= documented_extras(), listing
    for name in NAMES:
        assert (directory / name).read_bytes() == files[name]
    count("stress", "concurrent read_data_sets", "leftover files", 0)
