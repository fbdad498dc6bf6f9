"""The wheel holds what an installed copy reads at run time: the measurement files the bands come
from. Built from a copy of what docker/Dockerfile copies, as `pip install .` builds it
(no index)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tf1_tutorials.evidence import store

ROOT = Path(__file__).resolve().parents[2]
BAND_ENTRY = "softmax-lr0.001-1000"


def build_wheel(tmp_path: Path) -> Path:
    source = tmp_path / "source"
    source.mkdir()
    for name in ("setup.cfg", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(ROOT / "tf1_tutorials", source / "tf1_tutorials", ignore=ignore)
    out = tmp_path / "wheel"
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps"]
    command += ["--no-build-isolation", "--no-index", "--wheel-dir", str(out), str(source)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    (wheel,) = out.glob("tf1_tutorials-*.whl")
    return wheel


def test_the_wheel_ships_every_measurement_file_and_an_installed_copy_judges_with_them(tmp_path):
    wheel = build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    package_dir = store.MEASUREMENTS_FILE.parent
    measured = sorted(package_dir.glob("measurements*.json"))
    assert store.MEASUREMENTS_FILE in measured and store.MATRIX_MEASUREMENTS_FILE in measured
    for path in measured:
        assert path.relative_to(ROOT).as_posix() in names, f"{path.name} is not in {wheel.name}"

    installed = tmp_path / "installed"  # a pure-Python wheel installs by unpacking
    zipfile.ZipFile(wheel).extractall(installed)
    code = (
        "from tf1_tutorials.evidence import bands\n"
        "print(bands.__file__)\n"
        f"print('\\n'.join(bands.run_lines(bands.entry({BAND_ENTRY!r}), 0.91)))\n"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    env["PYTHONPATH"] = str(installed)
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    where, *said = done.stdout.splitlines()
    assert Path(where).is_relative_to(installed)
    assert said[0].startswith(f"band {BAND_ENTRY}: [") and "not measured" not in said[0], said
