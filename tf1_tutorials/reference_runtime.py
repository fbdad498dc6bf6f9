"""The reference runtime: TensorFlow 1.15.5 on Python 3.7, in its own virtualenv (``make tf115``).

Every documented recipe has a plain TF1 script in ``reference/`` (the tutorial's own form, one
result line at the end). Run under ``.venv-tf115/bin/python`` it gives what the original runtime
gives; the same file runs under ``tf1-tutorials legacy``. Nothing here imports TensorFlow: the
scripts run in their own processes, and this module reads their result lines.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tf1_tutorials.errors import FileProblem, UsageError

CHECKOUT = Path(__file__).resolve().parents[1]
REFERENCE_DIR = CHECKOUT / "reference"
VENV_ENV = "TF1_TUTORIALS_TF115_VENV"  # where the reference venv is (default: .venv-tf115)
PYTHON_ENV = "TF115_PYTHON"  # the Python 3.7 interpreter make tf115 builds it from
TENSORFLOW = "1.15.5"
RUNTIME = "tf1.15"
# The stock TensorFlow 1.15.5 wheel has Eigen kernels only: no oneDNN setting to record.
ONEDNN = "none"

# test accuracy 0.9162 after 6000 steps (loss 12.3, 4.1 s of training, 10000 test images)
RESULT_LINE = re.compile(
    r"^test accuracy (?P<accuracy>\S+) after (?P<steps>\d+) steps "
    r"\(loss (?P<loss>\S+), (?P<seconds>\S+) s of training, (?P<images>\d+) test images\)$"
)

# variant -> its reference script; a band entry's settings -> the script's flags.
SCRIPTS = {
    "softmax": "softmax.py",
    "mlp": "mlp.py",
    "experts": "experts.py",
    "graph_cnn": "graph_cnn.py",
    "layers_cnn": "layers_cnn.py",
    "slim_cnn": "slim_cnn.py",
    "cifar10_graph": "cifar10_graph.py",
}
FLAGS = {"learning_rate": "--learning_rate", "steps": "--steps", "epochs": "--epochs"}
SWITCHES = {"scale_inputs": "--scale_inputs"}


# What TensorFlow 2 writes into os.environ when imported (TF2_BEHAVIOR=1 turns TensorFlow 1.15
# eager, and placeholders fail): never passed on to a reference process.
TF2_ONLY_VARIABLES = (
    "TF2_BEHAVIOR",
    "TF_USE_LEGACY_KERAS",
    "TPU_ML_PLATFORM",
    "TPU_ML_PLATFORM_VERSION",
)


def environment(base: dict | None = None) -> dict:
    """``base`` (default: this process's environment) without what TensorFlow 2 set in it."""
    env = dict(os.environ if base is None else base)
    for name in TF2_ONLY_VARIABLES:
        env.pop(name, None)
    return env


def venv_dir() -> Path:
    return Path(os.environ.get(VENV_ENV) or CHECKOUT / ".venv-tf115")


def python() -> Path:
    """The reference venv's interpreter, or FileProblem saying how to build it."""
    interpreter = venv_dir() / "bin" / "python"
    if not interpreter.exists():
        raise FileProblem(
            f"the TensorFlow {TENSORFLOW} reference runtime is not built: {interpreter} is missing "
            "(make tf115 builds it from a Python 3.7)"
        )
    return interpreter


def missing_reason() -> str | None:
    """Why the reference runtime cannot run here, or None when it can."""
    try:
        python()
    except FileProblem as problem:
        return str(problem)
    return None


def find_python37() -> str | None:
    """A Python 3.7 interpreter: $TF115_PYTHON, python3.7 on PATH, else pyenv's newest 3.7."""
    if os.environ.get(PYTHON_ENV):
        return os.environ[PYTHON_ENV]
    found = shutil.which("python3.7")
    if found and _is_python37(found):
        return found
    root = Path(os.environ.get("PYENV_ROOT") or Path.home() / ".pyenv") / "versions"
    candidates = sorted(root.glob("3.7.*/bin/python3.7"), key=lambda p: _version_key(p.parts[-3]))
    for candidate in reversed(candidates):
        if _is_python37(str(candidate)):
            return str(candidate)
    return None


def _version_key(text: str) -> tuple:
    return tuple(int(part) if part.isdigit() else 0 for part in text.split("."))


def _is_python37(interpreter: str) -> bool:
    try:
        out = subprocess.run(
            [interpreter, "-c", "import sys; print(sys.version_info[:2] == (3, 7))"],
            capture_output=True,
            text=True,
            timeout=30,
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.stdout.strip() == "True"


@dataclass(frozen=True)
class Result:
    test_accuracy: float
    steps: int
    loss: float
    train_seconds: float
    test_images: int


def parse_result(output: str) -> Result | None:
    """The script's result line (the last one that matches), or None."""
    for line in reversed(output.splitlines()):
        match = RESULT_LINE.match(line.strip())
        if match:
            return Result(
                float(match["accuracy"]),
                int(match["steps"]),
                float(match["loss"]),
                float(match["seconds"]),
                int(match["images"]),
            )
    return None


def script_command(variant: str, settings: dict, seed: int, data_dir: Path) -> list[str]:
    """The reference script and flags for ``variant`` with a band entry's ``settings``."""
    if variant not in SCRIPTS:
        raise UsageError(
            f"{variant}: no TensorFlow {TENSORFLOW} reference script (the reference runtime has "
            f"one for {', '.join(SCRIPTS)})"
        )
    script = str(REFERENCE_DIR / SCRIPTS[variant])
    command = [script, "--data_dir", str(data_dir), "--seed", str(seed)]
    for name, value in sorted(settings.items()):
        if name in FLAGS:
            command += [FLAGS[name], str(value)]
        elif name in SWITCHES:
            command += [SWITCHES[name]] if value else []
        else:
            raise UsageError(f"{variant}: the reference script takes no setting {name!r}")
    return command


def main(argv: list[str]) -> int:
    """``python -m tf1_tutorials.reference_runtime find-python``: the Python 3.7 make tf115
    builds from, or one line saying none was found (status 1). Runs on any Python 3, no packages."""
    if argv != ["find-python"]:
        print("usage: python -m tf1_tutorials.reference_runtime find-python", file=sys.stderr)
        return 2
    found = find_python37()
    if found is None:
        print(
            f"make tf115: no Python 3.7 found (the reference runtime, TensorFlow {TENSORFLOW}, "
            "needs one): none as python3.7 on PATH nor under pyenv (pyenv install 3.7.16), "
            f"and {PYTHON_ENV} is unset",
            file=sys.stderr,
        )
        return 1
    print(found)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
