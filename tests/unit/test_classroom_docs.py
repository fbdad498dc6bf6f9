"""README.ko.md kept in step with README.md (the same make targets, subcommands and variants), and
the Korean tutorial names in `tf1-tutorials list`."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tf1_tutorials.cli import COMMANDS
from tf1_tutorials.variants import VARIANTS

ROOT = Path(__file__).resolve().parents[2]
ENGLISH = (ROOT / "README.md").read_text()
KOREAN = (ROOT / "README.ko.md").read_text()
MAKEFILE = (ROOT / "Makefile").read_text()


def make_targets(text: str) -> set[str]:
    return set(re.findall(r"\bmake ([a-z][a-z0-9<>-]*)", text))


def subcommands(text: str) -> set[str]:
    return {word for word in re.findall(r"\btf1-tutorials (\w+)", text) if word in COMMANDS}


def variants(text: str) -> set[str]:
    return {name for name in VARIANTS if f"`{name}`" in text}


@pytest.mark.parametrize(
    "mentioned", [make_targets, subcommands, variants], ids=lambda f: f.__name__
)
def test_both_readmes_name_the_same(mentioned):
    assert mentioned(ENGLISH), "the English README names none"
    assert mentioned(KOREAN) == mentioned(ENGLISH)


def test_the_readmes_name_every_variant_and_only_real_make_targets():
    assert variants(ENGLISH) == set(VARIANTS)
    declared = set(re.findall(r"^([a-z][a-z0-9%-]*):", MAKEFILE, re.MULTILINE))
    for target in make_targets(ENGLISH):
        pattern = target.replace("<variant>", "%")
        assert pattern in declared or f"{target.split('-')[0]}-%" in declared, target


def test_the_english_readme_links_the_korean_one_at_the_top():
    assert "(README.ko.md)" in "\n".join(ENGLISH.splitlines()[:5])
    assert "(README.md)" in "\n".join(KOREAN.splitlines()[:5])


def test_list_names_the_tutorials_as_korean_class_material_does():
    done = subprocess.run(
        [sys.executable, "-m", "tf1_tutorials.cli", "list"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONIOENCODING": "utf-8", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr
    blocks = re.split(r"\n(?=\S)", done.stdout.strip())
    korean = {block.split()[0]: re.findall(r"한국어: (.+)", block) for block in blocks}
    assert korean["softmax"] == ["초보자를 위한 MNIST"]
    assert korean["experts"] == ["전문가를 위한 딥 MNIST"]
    for name, variant in VARIANTS.items():
        assert korean[name] == ([variant.korean] if variant.korean else []), name
        if variant.korean:
            assert variant.korean in KOREAN, f"README.ko.md does not name {name}'s tutorial"
