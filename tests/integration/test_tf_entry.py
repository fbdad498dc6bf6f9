"""The single TensorFlow entry point: mode selection, seeding, legacy Keras."""

import os
import subprocess
import sys
import textwrap


def run_python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=300,
        env={k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"},
    )


def test_v1_graph_mode_with_legacy_layers_and_seeded_graph():
    result = run_python(
        """
        import os
        from tf1_tutorials import tf as entry
        v1 = entry.load_v1()
        assert os.environ["TF_USE_LEGACY_KERAS"] == "1"
        assert not v1.executing_eagerly()
        entry.seed_everything(7)
        x = v1.placeholder("float32", [None, 28, 28, 1])
        y = v1.layers.conv2d(x, 32, [3, 3], padding="SAME")
        assert y.shape.as_list() == [None, 28, 28, 32]
        assert v1.get_default_graph().seed == 7
        with v1.Session(config=entry.session_config(1, 1)) as sess:
            sess.run(v1.global_variables_initializer())
        print("ok", entry.mode())
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["ok", "v1"]


def test_mixing_v1_and_v2_in_one_process_is_refused():
    result = run_python(
        """
        from tf1_tutorials import tf as entry
        entry.load_v1()
        try:
            entry.load_v2()
        except RuntimeError as err:
            print("refused:", err)
        """
    )
    assert result.returncode == 0, result.stderr
    assert "refused: TensorFlow is already in v1 mode" in result.stdout


def test_v2_mode_is_eager_and_deterministic_on_request():
    result = run_python(
        """
        from tf1_tutorials import tf as entry
        tf = entry.load_v2()
        entry.seed_everything(3, deterministic=True)
        a = tf.random.uniform([4]).numpy()
        entry.seed_everything(3, deterministic=True)
        b = tf.random.uniform([4]).numpy()
        assert tf.executing_eagerly()
        assert (a == b).all()
        print("ok")
        """
    )
    assert result.returncode == 0, result.stderr


def test_importing_the_entry_module_does_not_import_tensorflow():
    result = run_python(
        """
        import sys
        import tf1_tutorials.tf
        print("tensorflow" in sys.modules)
        """
    )
    assert result.stdout.strip() == "False", result.stderr


def test_bf16_is_opt_in_and_refused_on_a_cpu_without_bfloat16():
    result = run_python(
        """
        import os
        os.environ["TF_ENABLE_ONEDNN_OPTS"] = "1"
        from tf1_tutorials import tf as entry
        options = entry.session_config(1, 1).graph_options.rewrite_options
        assert options.auto_mixed_precision_onednn_bfloat16 == 0  # DEFAULT: off
        try:
            config = entry.session_config(1, 1, bf16=True)
        except RuntimeError as err:
            assert not entry.cpu_supports_bf16()
            print("refused:", err)
        else:
            assert entry.cpu_supports_bf16()
            assert config.graph_options.rewrite_options.auto_mixed_precision_onednn_bfloat16 == 1
            print("on")
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("on" if _cpu_has_bf16() else "refused: bf16: this CPU")


def _cpu_has_bf16() -> bool:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            flags = next((line.split() for line in cpuinfo if line.startswith("flags")), [])
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags
