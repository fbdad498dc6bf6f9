"""Print the requirements in setup.cfg, with same-named pins replaced by those of an override file.

    python constraints/requirements.py [--extra test] [--override constraints/tf215.txt]

setup.cfg stays the one place the default versions are pinned; an override file (one requirement a
line, ``#`` comments) holds only what differs for another TensorFlow. Used with
``pip install --no-deps .`` followed by ``pip install -r`` of this script's output (see
docker/install.sh and the Makefile's matrix venv). Standard library only: it runs before anything
is installed.
"""

from __future__ import annotations

import argparse
import configparser
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


def canonical_name(requirement: str) -> str:
    """The PEP 503 normalised project name a requirement line starts with."""
    match = _NAME.match(requirement)
    if match is None:
        raise ValueError(f"not a requirement: {requirement!r}")
    return re.sub(r"[-_.]+", "-", match.group(1)).lower()


def _lines(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


def setup_cfg_requirements(setup_cfg: Path, extras: list[str]) -> list[str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(setup_cfg, encoding="utf-8")
    requirements = _lines(parser.get("options", "install_requires"))
    for extra in extras:
        if not parser.has_option("options.extras_require", extra):
            raise SystemExit(f"{setup_cfg}: no extra named {extra!r} in [options.extras_require]")
        requirements += _lines(parser.get("options.extras_require", extra))
    return requirements


def apply_overrides(requirements: list[str], overrides: list[str]) -> list[str]:
    """Replace each requirement whose name an override names; append the other overrides."""
    by_name = {canonical_name(line): line for line in overrides}
    out = [by_name.pop(canonical_name(line), line) for line in requirements]
    return out + list(by_name.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--extra", action="append", default=[], help="also an extra's requirements")
    parser.add_argument("--override", type=Path, help="requirements replacing same-named pins")
    parser.add_argument("--setup-cfg", type=Path, default=ROOT / "setup.cfg")
    args = parser.parse_args(argv)
    requirements = setup_cfg_requirements(args.setup_cfg, args.extra)
    if args.override is not None:
        overrides = _lines(args.override.read_text(encoding="utf-8"))
        requirements = apply_overrides(requirements, overrides)
    sys.stdout.write("".join(line + "\n" for line in requirements))
    return 0


if __name__ == "__main__":
    sys.exit(main())
