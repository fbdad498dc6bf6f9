"""The one module that imports TensorFlow.

Everything else in the package gets TensorFlow from here:

    tf = load_v1()   # tf.compat.v1 with v2 behaviour disabled (graph mode)
    tf = load_v2()   # plain TF2 (eager), for the Keras comparison variants

A process is either v1 or v2: asking for the other mode after one has been chosen raises
``RuntimeError``, because TensorFlow cannot switch back once v2 behaviour is disabled.

``TF_USE_LEGACY_KERAS=1`` is set before TensorFlow is imported so that ``v1.layers`` works (it is
built on tf-keras; with Keras 3 alone it raises "not available with Keras 3"). TensorFlow's log
lines and deprecation warnings are quiet unless ``TF1_TUTORIALS_VERBOSE=1`` is set (C++ log
level 3); the lines TensorFlow 2.21's C++ libraries write at import, before that level applies
("All log messages before absl::InitializeLog()", oneDNN, CUDA), are held back too (they are shown
if the import fails). TensorFlow is imported once per process, on first use.

oneDNN's optimised CPU kernels are switched on (``TF_ENABLE_ONEDNN_OPTS=1``) unless the
environment says otherwise: TensorFlow leaves them off on CPUs without AVX-512 (a 300-step experts
run on a 2-core AVX2 machine trained in 10.3 s with them, 16.0 s without; ``make bench`` measures
the steady state). Runs stay bit-identical under op determinism; the measured bands in
``measurements.json`` record the setting they were measured with.
"""

from __future__ import annotations

import contextlib
import os
import random
import sys
import tempfile
import warnings

import numpy as np

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "1")
_VERBOSE = os.environ.get("TF1_TUTORIALS_VERBOSE", "") not in ("", "0")
if not _VERBOSE:
    # 3: even the "failed call to cuInit" line a machine without a GPU prints is hidden.
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

_mode: str | None = None
_tf = None


@contextlib.contextmanager
def _start_up_lines_held_back():
    """File descriptor 2 goes to a temporary file for the block (unless verbose): the C++ start-up
    lines are written there, not to the terminal; replayed if the block raises."""
    try:
        saved = None if _VERBOSE else os.dup(2)
    except OSError:  # no stderr at all: nothing to hold back
        saved = None
    if saved is None:
        yield
        return
    sys.stderr.flush()
    with tempfile.TemporaryFile() as held:
        os.dup2(held.fileno(), 2)
        try:
            yield
        except BaseException:
            os.dup2(saved, 2)
            held.seek(0)
            os.write(2, held.read())
            raise
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def _import_tensorflow():
    global _tf
    if _tf is None:
        with _start_up_lines_held_back():
            import tensorflow

        if not _VERBOSE:
            tensorflow.get_logger().setLevel("ERROR")
            try:
                from tensorflow.python.util import deprecation

                deprecation._PRINT_DEPRECATION_WARNINGS = False
            except ImportError:  # pragma: no cover - private module moved
                pass
            warnings.filterwarnings("ignore", message=r".*is deprecated.*", category=UserWarning)
        _tf = tensorflow
    return _tf


def _enter(mode: str) -> None:
    global _mode
    if _mode is not None and _mode != mode:
        raise RuntimeError(
            f"TensorFlow is already in {_mode} mode in this process; {mode} mode needs a fresh "
            "process (v1 and v2 behaviour are never mixed in one process)"
        )
    _mode = mode


def load_v1():
    """Return ``tf.compat.v1`` with v2 behaviour disabled: placeholders, Sessions, feed dicts."""
    tensorflow = _import_tensorflow()
    if _mode is None:
        tensorflow.compat.v1.disable_v2_behavior()
    _enter("v1")
    return tensorflow.compat.v1


def load_v2():
    """Return TensorFlow 2 (eager execution), for the Keras comparison variants."""
    tensorflow = _import_tensorflow()
    _enter("v2")
    return tensorflow


def mode() -> str | None:
    """The mode this process has chosen: ``"v1"``, ``"v2"`` or ``None`` before either is loaded."""
    return _mode


def seed_everything(seed: int | None, deterministic: bool = False) -> None:
    """Seed Python, NumPy and TensorFlow's graph-level (v1) or global (v2) seed.

    With ``deterministic=True`` TensorFlow's op determinism is switched on too, so two runs with the
    same seed give bit-identical losses (slower on some ops). ``seed=None`` leaves every generator
    unseeded, as the tutorials were.
    """
    if seed is not None:
        random.seed(seed)
        np.random.seed(seed)
    tensorflow = _import_tensorflow()
    if seed is not None:
        if _mode == "v2":
            tensorflow.random.set_seed(seed)
        else:
            load_v1().set_random_seed(seed)
    if deterministic:
        tensorflow.config.experimental.enable_op_determinism()


BF16_CPU_FLAGS = ("avx512_bf16", "amx_bf16")


def cpu_supports_bf16() -> bool:
    """Whether the CPU has bfloat16 arithmetic (AVX512-BF16 or AMX-BF16 in /proc/cpuinfo)."""
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("flags"):
                    return any(flag in line.split() for flag in BF16_CPU_FLAGS)
    except OSError:
        pass
    return False


def session_config(intra_op_threads: int = 0, inter_op_threads: int = 0, *, bf16: bool = False):
    """A v1 ``ConfigProto``; 0 threads lets TensorFlow choose (one per core).

    ``bf16=True`` (opt-in) switches on Grappler's oneDNN bfloat16 auto-mixed-precision rewrite:
    convolutions and matmuls run in bfloat16, so results differ from float32 ones. It is refused
    (RuntimeError) on a CPU without AVX512-BF16 or AMX-BF16, where TensorFlow falls back to slower
    kernels, and with oneDNN switched off, where the rewrite does nothing.
    """
    v1 = load_v1()
    config = v1.ConfigProto(
        intra_op_parallelism_threads=intra_op_threads,
        inter_op_parallelism_threads=inter_op_threads,
    )
    if bf16:
        if not cpu_supports_bf16():
            raise RuntimeError(
                "bf16: this CPU has no bfloat16 arithmetic (neither AVX512-BF16 nor AMX-BF16); "
                "TensorFlow would fall back to slower kernels"
            )
        if os.environ.get("TF_ENABLE_ONEDNN_OPTS") == "0":
            raise RuntimeError("bf16: the bfloat16 rewrite needs oneDNN (TF_ENABLE_ONEDNN_OPTS=1)")
        from tensorflow.core.protobuf import rewriter_config_pb2

        config.graph_options.rewrite_options.auto_mixed_precision_onednn_bfloat16 = (
            rewriter_config_pb2.RewriterConfig.ON
        )
    return config


def versions() -> dict[str, str]:
    """TensorFlow and Keras versions, for result records."""
    tensorflow = _import_tensorflow()
    out = {
        "tensorflow": tensorflow.__version__,
        "onednn": os.environ.get("TF_ENABLE_ONEDNN_OPTS", ""),
    }
    try:
        import tf_keras

        out["tf_keras"] = tf_keras.__version__
    except ImportError:  # pragma: no cover
        pass
    return out
