"""The reference runtime: TensorFlow 1.15.5 on Python 3.7, in its own virtualenv (``make tf115``).

Every documented recipe has a plain TF1 script in ``reference/`` (the tutorial's own form, one
result line at the end). Run under ``.venv-tf115/bin/python`` it gives what the original runtime
gives; the same file runs under ``tf1-tutorials legacy``. Nothing here imports TensorFlow: the
scripts run in their own processes, and this module reads their result lines.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
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


# What a reference interpreter is asked before any TF1 run (it runs on Python 3.7 and on any
# later one, so a wrong venv answers too): one JSON line on stdout.
PROBE = r"""
import json, os, sys
answer = {"python": "%d.%d.%d" % tuple(sys.version_info[:3])}
try:
    import tensorflow as tf
except Exception as err:
    answer["error"] = "%s: %s" % (type(err).__name__, str(err).splitlines()[0] if str(err) else "")
else:
    answer["tensorflow"] = str(getattr(tf, "__version__", "?"))
    answer["eager"] = bool(tf.executing_eagerly())
    answer["distribution"] = "?"
    try:
        try:
            from importlib import metadata
        except ImportError:
            import importlib_metadata as metadata
        init = os.path.realpath(tf.__file__)
        for dist in metadata.distributions():
            if any(str(f).replace(os.sep, "/").endswith("tensorflow/__init__.py")
                   and os.path.realpath(str(dist.locate_file(f))) == init
                   for f in dist.files or ()):
                answer["distribution"] = dist.metadata["Name"]
                break
    except Exception:
        pass
    answer["onednn"] = None
    for module, name in (("tensorflow.python.util._pywrap_util_port", "IsMklEnabled"),
                         ("tensorflow.python.pywrap_tensorflow", "IsMklEnabled")):
        try:
            answer["onednn"] = bool(getattr(__import__(module, fromlist=[name]), name)())
            break
        except Exception:
            continue
print(json.dumps(answer))
"""
PROBE_SECONDS = 180  # TensorFlow 1.15's import takes a few seconds; a loaded machine more


@dataclass(frozen=True)
class Identity:
    """What a reference interpreter said it is (every TF1 run records it)."""

    python: str
    tensorflow: str
    distribution: str  # the installed distribution that owns tensorflow/__init__.py
    onednn: bool | None  # a oneDNN (MKL) build
    eager: bool

    def as_record(self) -> dict:
        return asdict(self) | {"asked": True}


# What each reference runtime must answer: the stock wheel, or intel-tensorflow's MKL build.
EXPECTED = {
    "stock": Identity("3.7", TENSORFLOW, "tensorflow", False, False),
    "mkl": Identity("3.7", "1.15.2", "intel-tensorflow", True, False),
}
_asked: dict = {}


def identify(interpreter: Path, timeout: float = PROBE_SECONDS) -> Identity:
    """Ask ``interpreter`` (one short process) who it is; FileProblem naming it where it cannot
    answer (missing, not runnable, no TensorFlow, no answer in ``timeout`` s)."""
    named = f"the reference runtime {interpreter}"
    env = dict(environment(), TF_CPP_MIN_LOG_LEVEL="3", PYTHONWARNINGS="ignore")
    try:
        done = subprocess.run(
            [str(interpreter), "-c", PROBE],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
            stdin=subprocess.DEVNULL,
        )
    except FileNotFoundError:
        raise FileProblem(f"{named}: no such interpreter (a dangling link?)") from None
    except PermissionError:
        raise FileProblem(f"{named}: not executable") from None
    except OSError as err:
        raise FileProblem(f"{named}: cannot be started ({err.strerror})") from None
    except subprocess.TimeoutExpired:
        raise FileProblem(f"{named}: gave no answer in {timeout:.0f} s") from None
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    try:
        answer = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise FileProblem(
            f"{named}: did not say what it is (exit status {done.returncode}: {last[:200]})"
        ) from None
    if "error" in answer:
        raise FileProblem(
            f"{named}: Python {answer.get('python', '?')} cannot import TensorFlow "
            f"({answer['error'][:200]})"
        )
    return Identity(
        str(answer.get("python", "?")),
        str(answer.get("tensorflow", "?")),
        str(answer.get("distribution", "?")),
        answer.get("onednn"),
        bool(answer.get("eager")),
    )


def mismatch(found: Identity, expected: Identity) -> str | None:
    """What in ``found`` is not what was asked for (``expected``), or None."""
    problems = []
    if found.python.split(".")[:2] != expected.python.split("."):
        problems.append(f"Python {found.python}, not {expected.python}")
    if found.tensorflow != expected.tensorflow:
        problems.append(f"TensorFlow {found.tensorflow}, not {expected.tensorflow}")
    if found.distribution.lower() != expected.distribution:
        problems.append(f"installed as {found.distribution!r}, not {expected.distribution!r}")
    if found.onednn is not None and found.onednn != expected.onednn:
        problems.append("a oneDNN (MKL) build" if found.onednn else "not a oneDNN (MKL) build")
    if found.eager != expected.eager:
        problems.append("eager by default" if found.eager else "not eager")
    return "; ".join(problems) or None


def checked_identity(kind: str = "stock", interpreter: Path | None = None) -> Identity:
    """The reference interpreter's identity, asked once per process, or FileProblem (status 1)
    naming the venv and what it really is when it is not the runtime ``kind`` asked for."""
    interpreter = interpreter or python()
    key = (str(interpreter), kind)
    if key not in _asked:
        found = identify(interpreter)
        wrong = mismatch(found, EXPECTED[kind])
        if wrong:
            raise FileProblem(
                f"the reference runtime {interpreter.parent.parent} is not TensorFlow "
                f"{EXPECTED[kind].tensorflow} ({EXPECTED[kind].distribution}): it is {wrong}"
            )
        _asked[key] = found
    return _asked[key]


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
    given = os.environ.get(PYTHON_ENV)
    if given and not _is_python37(given):
        print(
            f"make tf115: {PYTHON_ENV}={given} is not a Python 3.7 (the reference runtime, "
            f"TensorFlow {TENSORFLOW}, installs on 3.7 only): point it at one, or unset it",
            file=sys.stderr,
        )
        return 1
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
