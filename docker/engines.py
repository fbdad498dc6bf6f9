"""The two ways docker/verify.py builds docker/Dockerfile and runs commands in the image: a Docker
engine where `docker info` answers, else buildah as root with chroot isolation (no daemon needed).

Each container run starts from the image afresh; mounts are (host path, container path, read-only).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

Mount = tuple[Path, str, bool]


class Failure(Exception):
    """A check failed: the message is the one line printed."""


def call(argv: list[str], **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, **kwargs)


class Engine:
    name = ""

    def build_argv(self, dockerfile: Path, tag: str, build_args: dict[str, str]) -> list[str]:
        raise NotImplementedError

    def build(self, context: Path, dockerfile: Path, tag: str, build_args: dict[str, str]) -> None:
        """Build ``tag``; its output goes to ``<tag>.build.log`` in the working directory only
        on failure, whose last lines are shown."""
        previous = self.image_id(tag)
        result = call(self.build_argv(dockerfile, tag, build_args), cwd=context)
        if result.returncode != 0:
            tail = (result.stdout + result.stderr).strip().splitlines()[-15:]
            print("\n".join(tail))
            raise Failure(f"building {tag} failed ({self.name} exited {result.returncode})")
        if previous and previous != self.image_id(tag):
            call([self.name, "rmi", previous])  # the image this tag named before; kept if in use

    def image_id(self, tag: str) -> str | None:
        raise NotImplementedError

    def size(self, tag: str) -> int:
        raise NotImplementedError

    def run(
        self, image: str, argv: list[str], mounts: list[Mount], env: dict[str, str]
    ) -> subprocess.CompletedProcess:
        raise NotImplementedError


def volume_flags(mounts: list[Mount], env: dict[str, str]) -> list[str]:
    flags: list[str] = []
    for host, inside, read_only in mounts:
        flags += ["-v", f"{host}:{inside}" + (":ro" if read_only else "")]
    for name, value in env.items():
        flags += ["-e", f"{name}={value}"]
    return flags


class Docker(Engine):
    name = "docker"

    def build_argv(self, dockerfile, tag, build_args):
        flags = [f"--build-arg={name}={value}" for name, value in build_args.items()]
        return ["docker", "build", "--quiet", "-f", str(dockerfile), "-t", tag, *flags, "."]

    def image_id(self, tag):
        result = call(["docker", "image", "inspect", "--format", "{{.Id}}", tag])
        return result.stdout.strip() if result.returncode == 0 else None

    def size(self, tag):
        result = call(["docker", "image", "inspect", "--format", "{{.Size}}", tag], check=True)
        return int(result.stdout)

    def run(self, image, argv, mounts, env):
        return call(["docker", "run", "--rm", *volume_flags(mounts, env), image, *argv])


class Buildah(Engine):
    name = "buildah"
    isolation = "--isolation=chroot"

    def build_argv(self, dockerfile, tag, build_args):
        flags = [f"--build-arg={name}={value}" for name, value in build_args.items()]
        return ["buildah", "build", self.isolation, "--pull=never", "--quiet"] + [
            "-f",
            str(dockerfile),
            "-t",
            tag,
            *flags,
            ".",
        ]

    def image(self, tag: str) -> dict | None:
        result = call(["buildah", "images", "--json", tag])
        return json.loads(result.stdout)[0] if result.returncode == 0 else None

    def image_id(self, tag):
        found = self.image(tag)
        return found["id"] if found else None

    def size(self, tag):
        result = call(["buildah", "inspect", "--type", "image", tag], check=True)
        manifest = json.loads(json.loads(result.stdout)["Manifest"])
        return sum(layer["size"] for layer in manifest["layers"])

    def label(self, tag: str, name: str) -> str | None:
        """The image's label ``name`` ("" when it has none), or None when there is no such image."""
        result = call(["buildah", "inspect", "--type", "image", tag])
        if result.returncode != 0:
            return None
        labels = json.loads(result.stdout)["OCIv1"]["config"].get("Labels") or {}
        return labels.get(name, "")

    def run(self, image, argv, mounts, env):
        container = call(["buildah", "from", "--quiet", "--pull=never", image], check=True)
        name = container.stdout.strip()
        try:
            flags = volume_flags(mounts, env)
            return call(["buildah", "run", self.isolation, *flags, name, "--", *argv])
        finally:
            call(["buildah", "rm", name])


def detect() -> Engine:
    """A Docker engine when `docker info` works, else buildah."""
    if shutil.which("docker") and call(["docker", "info"]).returncode == 0:
        return Docker()
    if not shutil.which("buildah"):
        raise Failure("no Docker engine (docker info failed) and no buildah (apt-get install it)")
    return Buildah()
