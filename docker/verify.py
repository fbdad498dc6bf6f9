"""`make docker-verify`: build docker/Dockerfile (TensorFlow as pinned, and TF_VARIANT=tf215) and
run the tutorials in each image as its own non-root user, with the real data mounted read-only.

In each image: `tf1-tutorials list`; the band entry softmax-lr0.001-1000, whose first run copies
and verifies the MNIST files from the mounted data into the /data volume, whose band lines (the
image judges its own run with the measurements its wheel ships) must be the ones this checkout's
measurements give, and whose result.json is judged against its band here too (evidence.bands); two
runs of experts sharing /data and a log volume, the second resuming the first's checkpoint and
copying nothing; and `tf1-tutorials legacy` on tests/legacy_scripts/softmax_input_data.py reading
/data. Prints each image's build time and size; a failed check is one line, and the exit status
is 1.

A Docker engine is used where `docker info` answers, else buildah (root, chroot isolation). With
buildah, the Dockerfile's base image is pulled, or where no container registry is reachable, made
locally by docker/standin-base.sh (cached in --cache).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from engines import Buildah, Engine, Failure, Mount, call, detect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tf1_tutorials.data import mnist  # noqa: E402
from tf1_tutorials.evidence import bands  # noqa: E402
from tf1_tutorials.training import results  # noqa: E402

DOCKERFILE = ROOT / "docker" / "Dockerfile"
VARIANTS = {"": "", "tf215": ":tf215"}  # TF_VARIANT -> tag suffix
BAND_ENTRY = "softmax-lr0.001-1000"
MNIST_FILES = (mnist.TRAIN_IMAGES, mnist.TRAIN_LABELS, mnist.TEST_IMAGES, mnist.TEST_LABELS)
EXPERTS_STEPS = (100, 200)  # the first run's steps, then the total the resumed run reaches
LEGACY_SCRIPT = "softmax_input_data.py"
LEGACY_MIN_ACCURACY = 0.85  # as tests/integration/test_legacy.py asks of the same script
USER_ID = 1000  # the image's USER
FETCHED = re.compile(r"^tf1-tutorials: (copied|downloading|downloaded|extracted) ", re.M)


def base_image() -> str:
    for line in DOCKERFILE.read_text().splitlines():
        if line.startswith("FROM "):
            return line.split()[1]
    raise Failure(f"{DOCKERFILE}: no FROM line")


def prepare_base(engine: Buildah, image: str, cache: Path) -> None:
    """Pull ``image``; where that fails, make the local stand-in (or reuse the one made before)."""
    if engine.label(image, "tf1-tutorials.stand-in") == "":
        print(f"base: {image} (pulled before)")
        return
    if call(["buildah", "pull", "--quiet", "--policy=always", image]).returncode == 0:
        print(f"base: {image} (pulled)")
        return
    print(f"base: {image} cannot be pulled; using a Debian bookworm stand-in cached in {cache}")
    script = ROOT / "docker" / "standin-base.sh"
    started = time.perf_counter()
    made = subprocess.run(["sh", str(script), image, str(cache)])
    if made.returncode != 0:
        raise Failure(f"docker/standin-base.sh could not make a stand-in for {image}")
    print(f"base: stand-in ready in {time.perf_counter() - started:.0f} s")


class Image:
    """One built image and the volumes its checks share."""

    def __init__(self, engine: Engine, tag: str, source: Path, scratch: Path):
        self.engine = engine
        self.tag = tag
        self.data = scratch / "data"
        self.logs = scratch / "logs"
        for volume in (self.data, self.logs):
            volume.mkdir()
            volume.chmod(0o777)  # the image's user writes here
        self.mounts: list[Mount] = [
            (source, "/datasets", True),
            (ROOT / "tests" / "legacy_scripts", "/scripts", True),
            (self.data, "/data", False),
            (self.logs, "/logs", False),
        ]

    def run(self, what: str, argv: list[str], **env: str) -> subprocess.CompletedProcess:
        started = time.perf_counter()
        env = {"TF1_TUTORIALS_DATA": "/datasets", **env}
        result = self.engine.run(self.tag, argv, self.mounts, env)
        if result.returncode != 0:
            print((result.stdout + result.stderr).strip()[-3000:])
            raise Failure(f"{self.tag}: {what}: `{' '.join(argv)}` exited {result.returncode}")
        print(f"  {what}: {time.perf_counter() - started:.0f} s")
        return result

    def fail(self, message: str) -> Failure:
        return Failure(f"{self.tag}: {message}")


def copied_line(name: str, source: str, target: str) -> str:
    """What the reader says when it copies and verifies ``name`` from the local source."""
    return f"tf1-tutorials: copied {name} from {source} into {target} (verified)"


def check_list(image: Image) -> None:
    lines = image.run("list", ["tf1-tutorials", "list"]).stdout.splitlines()
    listed = [line.split()[0] for line in lines if line[:1].strip()]
    if "softmax" not in listed or "experts" not in listed:
        raise image.fail(f"tf1-tutorials list printed the variants {listed}")


def check_band_entry(image: Image) -> str:
    """The first run to read data: it fills /data from the mounted source, verified."""
    item = bands.entry(BAND_ENTRY)
    spread = bands.spread(item.key)
    settings = [f"--set={name}={value}" for name, value in item.settings.items()]
    argv = ["tf1-tutorials", "run", item.variant, *settings, "--seed=1", "--logdir=/logs/band"]
    # The band was measured with this oneDNN setting; a fresh run is made the same way.
    result = image.run(item.key, argv, TF_ENABLE_ONEDNN_OPTS=spread.onednn)
    for name in MNIST_FILES:
        if copied_line(name, "/datasets/mnist", "/data/mnist") not in result.stderr:
            raise image.fail(f"the first run did not copy and verify {name} into /data/mnist")
        stored = image.data / "mnist" / name
        if not stored.is_file() or stored.stat().st_uid != USER_ID:
            raise image.fail(f"{stored} missing or not owned by uid {USER_ID} (the image's user)")
    record = results.read(image.logs / "band")
    verdict = bands.judge(item, record["test_accuracy"], spread, record.get("top_prediction_share"))
    versions = record["versions"]
    line = f"{item.key}: {verdict.message} (TensorFlow {versions['tensorflow']})"
    if not verdict.in_band or versions.get("onednn") != spread.onednn:
        raise image.fail(line + f", oneDNN {versions.get('onednn')!r}")
    # The image judges its own run with the measurements it ships: its band lines must be the ones
    # this checkout's measurements give for the same accuracy (not "not measured yet").
    expected = bands.run_lines(item, record["test_accuracy"], record.get("top_prediction_share"))
    printed = band_lines(result.stdout, item.key)
    if printed != expected:
        raise image.fail(f"its run printed {printed or 'no band line'}, expected {expected}")
    print(f"  {line}; in the image: {printed[-1]}")
    return line


def band_lines(stdout: str, key: str) -> list[str]:
    """The lines a finished run printed about its band entry ``key`` (bands.run_lines)."""
    starts = (f"band {key}: ", "this run: ")
    return [line for line in stdout.splitlines() if line.startswith(starts)]


def refetch(image: Image, result: subprocess.CompletedProcess) -> None:
    """Fail if a run after the first copied or downloaded data rather than reuse /data."""
    fetched = FETCHED.search(result.stderr)
    if fetched:
        raise image.fail(f"a run after the first fetched data again: {fetched[0]}")


def check_experts_resume(image: Image) -> str:
    """Two container runs sharing /data and /logs: the second resumes the first's checkpoint."""
    first, total = EXPERTS_STEPS
    argv = ["tf1-tutorials", "run", "experts", "--seed=1", "--logdir=/logs/experts"]
    for steps, extra in ((first, []), (total, ["--resume"])):
        result = image.run(f"experts {steps} steps", [*argv, f"--steps={steps}", *extra])
        refetch(image, result)
    if f"at step {first} of {total}" not in result.stdout:
        raise image.fail(f"experts --resume did not resume at step {first}: {result.stdout[-300:]}")
    record = results.read(image.logs / "experts")
    if (record["start_step"], record["steps"]) != (first, total):
        raise image.fail(f"experts resumed run: start_step {record['start_step']}, steps {total}")
    accuracy = record["test_accuracy"]
    line = f"experts {first}+{total - first} steps (resumed): test accuracy {accuracy:.4f}"
    print(f"  {line}")
    return line


def check_legacy(image: Image) -> str:
    argv = ["tf1-tutorials", "legacy", f"/scripts/{LEGACY_SCRIPT}", "--data_dir", "/data/mnist"]
    result = image.run(f"legacy {LEGACY_SCRIPT}", argv)
    refetch(image, result)
    found = re.search(r"^test accuracy ([0-9.]+)$", result.stdout, re.M)
    if not found or float(found[1]) < LEGACY_MIN_ACCURACY:
        got = found[1] if found else "no test accuracy line"
        raise image.fail(f"legacy {LEGACY_SCRIPT}: expected test accuracy >= 0.85, got {got}")
    line = f"legacy {LEGACY_SCRIPT}: test accuracy {found[1]}"
    print(f"  {line}")
    return line


def build_both(engine: Engine, tag: str) -> list[str]:
    """Build the images side by side (most of a build is downloading, unpacking and storing)."""

    def build(variant: str) -> str:
        started = time.perf_counter()
        build_args = {"TF_VARIANT": variant} if variant else {}
        engine.build(ROOT, DOCKERFILE, tag + VARIANTS[variant], build_args)
        seconds = time.perf_counter() - started
        size = engine.size(tag + VARIANTS[variant]) / 1e9
        return f"{tag + VARIANTS[variant]}: built in {seconds:.0f} s, {size:.2f} GB"

    with ThreadPoolExecutor(max_workers=len(VARIANTS)) as pool:
        built = list(pool.map(build, VARIANTS))
    print("\n".join(built))
    return built


def verify(engine: Engine, tag: str, source: Path) -> list[str]:
    with tempfile.TemporaryDirectory(prefix="tf1-tutorials-verify-") as scratch:
        print(f"{tag}:")
        image = Image(engine, tag, source, Path(scratch))
        check_list(image)
        return [
            f"{tag}: {line}"
            for line in (check_band_entry(image), check_experts_resume(image), check_legacy(image))
        ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--image", default="tf1-tutorials", help="the tag to build")
    parser.add_argument(
        "--cache", type=Path, default=Path("/var/cache/tf1-tutorials"), help="stand-in cache"
    )
    args = parser.parse_args()
    started = time.perf_counter()
    try:
        source = os.environ.get("TF1_TUTORIALS_DATA", "")
        if not source or not Path(source, "mnist").is_dir():
            raise Failure(f"TF1_TUTORIALS_DATA={source!r}: expected a directory holding mnist/")
        engine = detect()
        print(f"engine: {engine.name}")
        if isinstance(engine, Buildah):
            prepare_base(engine, base_image(), args.cache)
        summary = build_both(engine, args.image)
        for suffix in VARIANTS.values():
            summary += verify(engine, args.image + suffix, Path(source).resolve())
    except Failure as failure:
        print(f"docker-verify: FAILED: {failure}", file=sys.stderr)
        return 1
    print("\n".join(["docker-verify: ok", *(f"  {line}" for line in summary)]))
    print(f"docker-verify: {time.perf_counter() - started:.0f} s in all")
    return 0


if __name__ == "__main__":
    sys.exit(main())
