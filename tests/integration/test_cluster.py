"""Between-graph replicated training on TF1's distributed runtime (tf1_tutorials.cluster).

- the cluster from TF_CONFIG and from flags, and the errors for bad input (no TensorFlow);
- the launcher's supervision on plain child processes: a failing task or the timeout stops every
  task and fails with a message naming the task (no TensorFlow);
- an asynchronous softmax cluster whose three tasks are started by hand with flags: the global
  step counts every worker's updates, and the ps stops by itself once the workers are done;
- the end-to-end run through ``tf1-tutorials cluster``: synchronous softmax on 1 ps + 2 workers on
  loopback, each global step one batch from each worker, lands in the single-process band of
  ``softmax-lr0.01-6000``, and only the chief checkpoints.

Every TensorFlow run happens in child processes; this module never imports TensorFlow.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from data_support import real_data_root

from tf1_tutorials.cluster import launcher
from tf1_tutorials.cluster import task as task_module
from tf1_tutorials.cluster.spec import (
    ClusterSpecError,
    TaskSpec,
    from_flags,
    local_cluster,
    parse_address,
    parse_tf_config,
    resolve,
)
from tf1_tutorials.commands import cluster as cluster_command
from tf1_tutorials.evidence import bands
from tf1_tutorials.training import results

PS = ["127.0.0.1:2222"]
WORKERS = ["127.0.0.1:2223", "127.0.0.1:2224"]


def tf_config(cluster=None, task=None, **top) -> str:
    config = {
        "cluster": {"ps": PS, "worker": WORKERS} if cluster is None else cluster,
        "task": {"type": "worker", "index": 0} if task is None else task,
        **top,
    }
    return json.dumps(config)


# --- (a) the cluster spec -----------------------------------------------------------------------


def test_tf_config_gives_cluster_and_task():
    task = parse_tf_config(tf_config(task={"type": "worker", "index": 1}, environment="cloud"))
    assert task == TaskSpec(tuple(PS), tuple(WORKERS), "worker", 1)
    assert (task.num_ps, task.num_workers, task.is_chief) == (1, 2, False)
    assert task.address == "127.0.0.1:2224"
    assert task.device_filters() == ["/job:ps", "/job:worker/task:1"]
    assert parse_tf_config(task.tf_config()) == task


def test_worker_zero_is_the_chief_and_ps_sees_only_itself():
    assert parse_tf_config(tf_config()).is_chief
    ps = parse_tf_config(tf_config(task={"type": "ps", "index": 0}))
    assert not ps.is_chief
    assert ps.device_filters() == ["/job:ps/task:0"]
    assert ps.with_task("worker", 1).address == WORKERS[1]


def test_flags_give_the_same_task():
    task = from_flags("127.0.0.1:2222", " 127.0.0.1:2223, 127.0.0.1:2224 ", "worker", "1")
    assert task == parse_tf_config(tf_config(task={"type": "worker", "index": 1}))


def test_resolve_takes_flags_or_tf_config_but_not_both():
    env = {"TF_CONFIG": tf_config()}
    assert resolve(env).is_chief
    flags = dict(ps_hosts=PS[0], worker_hosts=",".join(WORKERS), job_name="ps", task_index=0)
    assert resolve({}, **flags).job_name == "ps"
    with pytest.raises(
        ClusterSpecError, match="given twice: TF_CONFIG is set and so is --ps-hosts"
    ):
        resolve(env, **flags)
    with pytest.raises(ClusterSpecError, match="no cluster given: set TF_CONFIG or pass"):
        resolve({})
    with pytest.raises(ClusterSpecError, match="^--worker-hosts: missing"):
        resolve({}, ps_hosts=PS[0], job_name="worker", task_index=0)


@pytest.mark.parametrize(
    "text, message",
    [
        ("{not json", "TF_CONFIG: not valid JSON"),
        ("[1, 2]", 'TF_CONFIG: expected a JSON object with "cluster" and "task", got list'),
        (json.dumps({"task": {"type": "worker", "index": 0}}), "TF_CONFIG: cluster: missing"),
        (tf_config(cluster=["a:1"]), "TF_CONFIG: cluster: expected an object"),
        (tf_config(cluster={"ps": PS}), "TF_CONFIG: cluster.worker: missing"),
        (tf_config(cluster={"ps": [], "worker": WORKERS}), "TF_CONFIG: cluster.ps: empty; a"),
        (
            tf_config(cluster={"ps": PS, "worker": "127.0.0.1:1"}),
            "TF_CONFIG: cluster.worker: expected a list of HOST:PORT strings, got str",
        ),
        (
            tf_config(cluster={"ps": PS, "worker": [WORKERS[0], "localhost"]}),
            "TF_CONFIG: cluster.worker[1]: 'localhost' is not HOST:PORT",
        ),
        (
            tf_config(cluster={"ps": ["h:99999"], "worker": WORKERS}),
            "TF_CONFIG: cluster.ps[0]: 'h:99999' has a bad port '99999'",
        ),
        (
            tf_config(cluster={"ps": [7], "worker": WORKERS}),
            "TF_CONFIG: cluster.ps[0]: expected a HOST:PORT string, got int",
        ),
        (
            tf_config(cluster={"ps": PS, "worker": WORKERS, "chief": ["h:1"]}),
            "TF_CONFIG: cluster.chief: unknown job 'chief'",
        ),
        (
            tf_config(cluster={"ps": PS, "worker": [WORKERS[0], PS[0]]}),
            "TF_CONFIG: cluster.worker[1]: 127.0.0.1:2222 is also cluster.ps[0]",
        ),
        (json.dumps({"cluster": {"ps": PS, "worker": WORKERS}}), "TF_CONFIG: task: missing"),
        (tf_config(task="worker"), "TF_CONFIG: task: expected an object"),
        (tf_config(task={"index": 0}), "TF_CONFIG: task.type: missing"),
        (
            tf_config(task={"type": "evaluator", "index": 0}),
            "TF_CONFIG: task.type: 'evaluator' is not a job of the cluster",
        ),
        (tf_config(task={"type": "worker"}), "TF_CONFIG: task.index: missing"),
        (
            tf_config(task={"type": "worker", "index": "1"}),
            "TF_CONFIG: task.index: expected a non-negative integer, got '1'",
        ),
        (
            tf_config(task={"type": "worker", "index": -1}),
            "TF_CONFIG: task.index: expected a non-negative integer, got -1",
        ),
        (
            tf_config(task={"type": "worker", "index": True}),
            "TF_CONFIG: task.index: expected a non-negative integer, got True",
        ),
        (
            tf_config(task={"type": "worker", "index": 2}),
            "TF_CONFIG: task.index: 2 is out of range: cluster.worker has 2 tasks (indices 0-1)",
        ),
        (
            tf_config(task={"type": "ps", "index": 1}),
            "TF_CONFIG: task.index: 1 is out of range: cluster.ps has 1 task (indices 0-0)",
        ),
    ],
)
def test_bad_tf_config_names_the_field(text, message):
    with pytest.raises(ClusterSpecError) as err:
        parse_tf_config(text)
    assert str(err.value).startswith(message), str(err.value)


@pytest.mark.parametrize(
    "flags, message",
    [
        ((None, "h:2", "worker", 0), "--ps-hosts: missing"),
        (("h:1", "", "worker", 0), "--worker-hosts: empty; a cluster needs at least one worker"),
        (("h:1", "h:2,nohost", "worker", 0), "--worker-hosts[1]: 'nohost' is not HOST:PORT"),
        (("h:1", "h:2", None, 0), "--job-name: missing (ps or worker)"),
        (("h:1", "h:2", "chief", 0), "--job-name: 'chief' is not a job of the cluster"),
        (("h:1", "h:2", "worker", "x"), "--task-index: expected a non-negative integer, got 'x'"),
        (("h:1", "h:2", "worker", 1), "--task-index: 1 is out of range: --worker-hosts has 1"),
        (("h:1", "h:1", "worker", 0), "--worker-hosts[0]: h:1 is also --ps-hosts[0]"),
    ],
)
def test_bad_flags_name_the_flag(flags, message):
    with pytest.raises(ClusterSpecError) as err:
        from_flags(*flags)
    assert str(err.value).startswith(message), str(err.value)


def test_addresses():
    assert parse_address("f", " 10.0.0.1:0080 ") == "10.0.0.1:80"
    assert parse_address("f", "[::1]:2222") == "[::1]:2222"
    for bad in ("::1:2222", "h:", ":1", "h:port", "my host:1"):
        with pytest.raises(ClusterSpecError, match="^f: "):
            parse_address("f", bad)


def test_local_cluster_has_distinct_free_ports():
    chief = local_cluster(2, 3)
    assert chief.is_chief and (chief.num_ps, chief.num_workers) == (2, 3)
    addresses = chief.ps + chief.workers
    assert len(set(addresses)) == 5
    assert all(a.startswith("127.0.0.1:") for a in addresses)
    with pytest.raises(ClusterSpecError, match="^--ps: a cluster needs at least one"):
        local_cluster(0, 1)


def run_cli(*args, env=None, timeout=120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tf1_tutorials.cli", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def test_commands_refuse_bad_input_before_starting_anything(tmp_path):
    bad = tf_config(task={"type": "worker", "index": 5})
    done = run_cli("cluster", "task", "softmax", env={"TF_CONFIG": bad})
    assert done.returncode == 2
    assert "error: TF_CONFIG: task.index: 5 is out of range" in done.stderr
    done = run_cli("cluster", "--workers", "2", "run", "mlp", "--logdir", str(tmp_path))
    assert done.returncode == 2
    assert "variant 'mlp' cannot run on a cluster; the replicated variants are softmax" in (
        done.stderr
    )
    done = run_cli("cluster", "--ps", "0", "run", "softmax", "--logdir", str(tmp_path))
    assert done.returncode == 2 and "at least one of each" in done.stderr
    assert not (tmp_path / "tasks").exists()


# --- the launcher's supervision, on plain processes ---------------------------------------------


def python_task(tmp_path: Path, job: str, index: int, code: str) -> launcher.TaskProcess:
    task = local_cluster(1, 2).with_task(job, index)
    log = tmp_path / f"{job}-{index}.log"
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-c", code],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    return launcher.TaskProcess(task, process, log)


def test_a_failing_task_stops_every_task_and_names_itself(tmp_path):
    ps = python_task(tmp_path, "ps", 0, "import time; time.sleep(120)")
    chief = python_task(tmp_path, "worker", 0, "import time; time.sleep(120)")
    failing = python_task(
        tmp_path, "worker", 1, "import sys; print('loading the data'); sys.exit(3)"
    )
    started = time.monotonic()
    with pytest.raises(launcher.LaunchError) as err:
        launcher.supervise([ps, chief, failing], timeout=60, say=lambda line: None)
    assert time.monotonic() - started < 30
    assert str(err.value).startswith("worker 1 exited with code 3")
    assert "| loading the data" in str(err.value)
    assert ps.process.poll() is not None and chief.process.poll() is not None


def test_the_timeout_stops_every_task(tmp_path):
    procs = [
        python_task(tmp_path, "ps", 0, "import time; time.sleep(120)"),
        python_task(tmp_path, "worker", 0, "import time; time.sleep(120)"),
    ]
    with pytest.raises(launcher.LaunchError, match=r"timed out after 1 s .*ps 0, worker 0"):
        launcher.supervise(procs, timeout=1, say=lambda line: None)
    assert all(p.process.poll() is not None for p in procs)


def test_ps_tasks_that_outlive_the_workers_are_stopped(tmp_path, monkeypatch):
    monkeypatch.setattr(launcher, "PS_GRACE_SECONDS", 0.5)
    said = []
    ps = python_task(tmp_path, "ps", 0, "import time; time.sleep(120)")
    worker = python_task(tmp_path, "worker", 0, "pass")
    launcher.supervise([ps, worker], timeout=60, say=said.append)
    assert ps.process.poll() is not None
    assert said == ["tf1-tutorials cluster: stopping ps 0 (the workers are done)"]


def running(pid: int) -> bool:
    """Whether process ``pid`` exists and is not a zombie waiting to be reaped."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return True
    return state != "Z"


def test_a_task_stops_when_its_launcher_is_killed():
    """The launcher's SIGKILL leaves nothing running: each task watches its launcher."""
    task_code = (
        "import time; from tf1_tutorials.cluster import task; "
        "task._exit_with_launcher('task'); print('watching', flush=True); time.sleep(60)"
    )
    launcher_code = (
        "import os, subprocess, sys, time; "
        f"env = {{**os.environ, {task_module.LAUNCHER_PID_ENV!r}: str(os.getpid())}}; "
        f"child = subprocess.Popen([sys.executable, '-c', {task_code!r}], env=env); "
        "print(child.pid, flush=True); time.sleep(60)"
    )
    fake_launcher = subprocess.Popen(
        [sys.executable, "-c", launcher_code], stdout=subprocess.PIPE, text=True
    )
    child_pid = int(fake_launcher.stdout.readline())
    assert fake_launcher.stdout.readline() == "watching\n"  # the task runs, its watch has begun
    time.sleep(1.5)  # and has seen its launcher alive at least once
    assert running(child_pid)
    fake_launcher.kill()
    fake_launcher.wait()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if not running(child_pid):
            break
        time.sleep(0.2)
    else:
        os.kill(child_pid, 9)
        pytest.fail("the task outlived its launcher")


# --- real clusters on loopback ------------------------------------------------------------------


@pytest.fixture
def private_data_dir(tmp_path_factory, monkeypatch):
    real_data_root()  # fails, rather than skips, without the real data
    monkeypatch.setenv("TF1_TUTORIALS_DATA_DIR", str(tmp_path_factory.mktemp("data")))


def checkpoint_files(root: Path) -> list[Path]:
    return sorted(
        p for p in root.rglob("*") if p.name == "checkpoint" or p.name.startswith("model.ckpt")
    )


def test_async_cluster_started_by_hand_with_flags(tmp_path, private_data_dir):
    """Four tasks -- 2 ps, 2 workers -- started one by one with --ps-hosts/--worker-hosts/
    --job-name/--task-index, no launcher: in async mode the global step counts every worker's
    updates (the local steps add up to it, but for increments that met), and each ps stops by
    itself once both workers have released it.

    Learning rate 0.001: at the recipe's 0.01 the naive softmax loss sometimes overflows to NaN
    under asynchronous updates (both workers' first gradients, taken at the zero weights, land
    one after the other), which is not what this test is about."""
    steps = 300
    chief = local_cluster(2, 2)
    hosts = ["--ps-hosts", ",".join(chief.ps), "--worker-hosts", ",".join(chief.workers)]
    env = {
        k: v for k, v in os.environ.items() if k not in ("TF_CONFIG", task_module.LAUNCHER_PID_ENV)
    }
    procs = {}
    for job, index in (("ps", 0), ("ps", 1), ("worker", 0), ("worker", 1)):
        command = [sys.executable, "-m", "tf1_tutorials.cluster.task", "softmax", "--async"]
        command += ["--steps", str(steps), "--learning-rate", "0.001", "--seed", "3"]
        command += ["--logdir", str(tmp_path / "run"), *hosts]
        command += ["--job-name", job, "--task-index", str(index)]
        procs[job, index] = subprocess.Popen(
            command,
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
    try:
        outputs = {key: proc.communicate(timeout=150)[0] for key, proc in procs.items()}
    finally:
        for proc in procs.values():
            proc.kill()
    for key, proc in procs.items():
        assert proc.returncode == 0, f"{key}:\n{outputs[key][-3000:]}"
    for index in (0, 1):
        assert f"ps {index}: every worker is done; stopping" in outputs["ps", index]
    record = results.read(tmp_path / "run")
    cluster = record["cluster"]
    assert (cluster["mode"], cluster["replicas_to_aggregate"]) == ("async", None)
    # A step in flight on one worker when the other reaches `steps` may add one.
    assert steps <= record["steps"] <= steps + 1
    # Every worker step is one update; in async mode TF1's apply_gradients adds 1 to the global
    # step (a ref variable on the ps) without a lock, so two workers' increments that meet count
    # once: the local steps may exceed the global step by the few that met (seen: 301 against
    # 300, with both cores busy), never fall short of it.
    assert 0 <= sum(cluster["local_steps"]) - record["steps"] <= 3
    assert cluster["images_per_global_step"] == 100
    assert record["test_accuracy"] > 0.6 and not record["diverged"]
    assert checkpoint_files(tmp_path) == checkpoint_files(tmp_path / "run")


@pytest.mark.accuracy
def test_cluster_softmax_lands_in_the_single_process_band(tmp_path, private_data_dir):
    """softmax, learning rate 0.01, batch 100, on 1 ps + 2 workers through `tf1-tutorials
    cluster`, against the band measured for single-process runs of `softmax-lr0.01-6000`.

    What is compared: 6,000 synchronous global steps -- 6,000 updates, as in the recipe, each the
    average of one 100-image batch's gradient from each worker -- with 6,000 single-process steps
    of one 100-image batch each. The asynchronous mode (6,000 updates shared by the workers, a
    batch each) would match the recipe's images too, but it is no fair test of the band: with
    stale gradients the naive softmax loss at 0.01 overflowed to NaN in one of six runs here (the
    two workers' first gradients, both taken at the zero weights, are applied one after the
    other), as the single process does at 0.03. About 90 s on 2 busy cores.
    """
    item = bands.entry("softmax-lr0.01-6000")
    spread = bands.spread(item.key)
    assert spread is not None, "softmax-lr0.01-6000 has not been measured"
    assert item.settings == {"learning_rate": 0.01, "steps": 6000}
    logdir = tmp_path / "run"
    done = run_cli(
        "cluster", "--ps", "1", "--workers", "2", "--timeout", "300",
        "run", "softmax", "--steps", "6000", "--learning-rate", "0.01", "--batch-size", "100",
        "--sync", "--seed", "9001", "--logdir", str(logdir),
        env={"TF_ENABLE_ONEDNN_OPTS": spread.onednn},
        timeout=360,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert "every task finished" in done.stdout
    record = results.read(logdir)
    cluster = record["cluster"]
    assert (cluster["mode"], cluster["replicas_to_aggregate"]) == ("sync", 2)
    # 6,000 global steps, each one batch from each worker: both trained exactly 6,000 batches.
    assert record["steps"] == 6000
    assert cluster["local_steps"] == [6000, 6000]
    assert cluster["images_per_global_step"] == 200
    assert record["config"]["batch_size"] == 100 and record["config"]["learning_rate"] == 0.01
    assert record["test_images"] == 10000 and not record["diverged"]
    # recorded as every other path records it, so bands.judge sees a collapsed cluster run
    share = record["top_prediction_share"]
    assert 0.05 < share < bands.COLLAPSE_SHARE
    assert bands.judge(item, record["test_accuracy"], spread, share).in_band
    assert record["versions"]["onednn"] == spread.onednn
    low, high = spread.band
    assert low <= record["test_accuracy"] <= high, (record["test_accuracy"], spread.band)
    # Only the chief checkpointed: every checkpoint file is in its log directory, none in the
    # tasks' own folders (each task runs in logdir/tasks/<job>-<index>), and the last is the end.
    files = checkpoint_files(tmp_path)
    assert files and all(f.parent == logdir for f in files), files
    key, _, value = (logdir / "checkpoint").read_text().splitlines()[0].partition(": ")
    assert key == "model_checkpoint_path"
    assert Path(json.loads(value)).name == "model.ckpt-6000"
    assert not list((logdir / "tasks").glob("*/*")), "a task wrote in its own folder"


def test_cli_lists_the_cluster_command():
    parser = argparse.ArgumentParser()
    cluster_command.add_arguments(parser)
    args = parser.parse_args(["--ps", "2", "run", "experts", "--async", "--steps", "5"])
    assert (args.ps, args.workers, args.cluster_command, args.sync) == (2, 2, "run", False)
    argv = launcher.task_argv(args, Path("/tmp/x"), 7)
    assert argv[:5] == ["experts", "--logdir", "/tmp/x", "--seed", "7"]
    assert "--async" in argv and argv[argv.index("--steps") + 1] == "5"
