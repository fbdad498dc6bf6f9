"""Which cluster a task belongs to and which task it is, from ``TF_CONFIG`` or from flags.

``TF_CONFIG`` is the JSON TensorFlow's own tools read::

    {"cluster": {"ps": ["10.0.0.1:2222"], "worker": ["10.0.0.2:2222", "10.0.0.3:2222"]},
     "task": {"type": "worker", "index": 0}}

The flags say the same: ``--ps-hosts 10.0.0.1:2222 --worker-hosts 10.0.0.2:2222,10.0.0.3:2222
--job-name worker --task-index 0``. A cluster has the jobs ``ps`` (at least one task) and
``worker`` (at least one); worker 0 is the chief. Everything is checked here, before any server
starts, and a :class:`ClusterSpecError` names the field at fault (``TF_CONFIG: cluster.worker[1]:
...``, ``--task-index: ...``). No TensorFlow is imported until :meth:`TaskSpec.cluster_spec`.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass

from tf1_tutorials import variants
from tf1_tutorials.training.settings import RunSettings

# The variants that run replicated on a cluster.
SUPPORTED = ("softmax", "experts")


class ClusterError(RuntimeError):
    """The cluster could not finish (a worker never reported, a variant that cannot replicate)."""


@dataclass(frozen=True)
class TaskOptions(RunSettings):
    """How a task runs, shared by the launcher, the task entry point and the runtime: a run's
    settings (checked by the same :func:`check_run_settings` as ``run``'s) plus the cluster's own,
    synchronous or not and how long to wait for the other tasks."""

    sync: bool = True
    wait_seconds: float = 600.0


def check_variant(name: str) -> None:
    variants.get(name)  # ValueError naming the known variants
    if name not in SUPPORTED:
        raise ValueError(
            f"variant {name!r} cannot run on a cluster; the replicated variants are "
            f"{', '.join(SUPPORTED)}"
        )


JOBS = ("ps", "worker")
TF_CONFIG = "TF_CONFIG"
CLUSTER_FLAGS = ("--ps-hosts", "--worker-hosts", "--job-name", "--task-index")


class ClusterSpecError(ValueError):
    """A cluster description that cannot be used; the message starts with the field at fault."""


@dataclass(frozen=True)
class TaskSpec:
    """One task of a cluster: the cluster's addresses, this task's job and its index in the job."""

    ps: tuple[str, ...]
    workers: tuple[str, ...]
    job_name: str
    task_index: int

    @property
    def num_ps(self) -> int:
        return len(self.ps)

    @property
    def num_workers(self) -> int:
        return len(self.workers)

    @property
    def is_chief(self) -> bool:
        return self.job_name == "worker" and self.task_index == 0

    @property
    def name(self) -> str:
        """``"worker 1"``, ``"ps 0"``: how messages name the task."""
        return f"{self.job_name} {self.task_index}"

    @property
    def device(self) -> str:
        return f"/job:{self.job_name}/task:{self.task_index}"

    @property
    def address(self) -> str:
        return (self.ps if self.job_name == "ps" else self.workers)[self.task_index]

    def cluster(self) -> dict[str, list[str]]:
        return {"ps": list(self.ps), "worker": list(self.workers)}

    def device_filters(self) -> list[str]:
        """The devices this task's sessions talk to: a worker only the ps tasks and itself (so no
        worker waits for, or is slowed by, another), a ps only itself."""
        if self.job_name == "ps":
            return [self.device]
        return ["/job:ps", self.device]

    def tf_config(self) -> str:
        """This task as ``TF_CONFIG`` JSON."""
        return json.dumps(
            {"cluster": self.cluster(), "task": {"type": self.job_name, "index": self.task_index}}
        )

    def with_task(self, job_name: str, task_index: int) -> TaskSpec:
        """Another task of the same cluster (checked like any other)."""
        return _checked(self.ps, self.workers, job_name, task_index, _TF_CONFIG_FIELDS)

    def cluster_spec(self):
        """The cluster as a ``tf.compat.v1.train.ClusterSpec`` (imports TensorFlow, v1 mode)."""
        from tf1_tutorials.tf import load_v1

        return load_v1().train.ClusterSpec(self.cluster())


# How each field is called in messages, for each way of giving the cluster.
_TF_CONFIG_FIELDS = {
    "ps": "cluster.ps",
    "worker": "cluster.worker",
    "job": "task.type",
    "index": "task.index",
    "prefix": "TF_CONFIG: ",
}
_FLAG_FIELDS = {
    "ps": "--ps-hosts",
    "worker": "--worker-hosts",
    "job": "--job-name",
    "index": "--task-index",
    "prefix": "",
}


def parse_address(field: str, value) -> str:
    """``value`` if it is ``HOST:PORT`` (``[v6]:PORT`` for an IPv6 host), else ClusterSpecError."""
    if not isinstance(value, str):
        raise ClusterSpecError(
            f"{field}: expected a HOST:PORT string, got {type(value).__name__} {value!r}"
        )
    host, sep, port = value.strip().rpartition(":")
    if not sep or not host or not port:
        raise ClusterSpecError(f"{field}: {value!r} is not HOST:PORT")
    if any(ch.isspace() for ch in host) or (":" in host and not host.startswith("[")):
        raise ClusterSpecError(f"{field}: {value!r} has a bad host {host!r}")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise ClusterSpecError(f"{field}: {value!r} has a bad port {port!r} (1-65535)")
    return f"{host}:{int(port)}"


def _hosts(job: str, field: str, value, prefix: str) -> tuple[str, ...]:
    if value is None:
        raise ClusterSpecError(f"{prefix}{field}: missing")
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise ClusterSpecError(
            f"{prefix}{field}: expected a list of HOST:PORT strings, got {type(value).__name__}"
        )
    if not value:
        what = "parameter server" if job == "ps" else "worker"
        raise ClusterSpecError(f"{prefix}{field}: empty; a cluster needs at least one {what}")
    return tuple(parse_address(f"{prefix}{field}[{i}]", item) for i, item in enumerate(value))


def _checked(ps, workers, job_name, task_index, fields: dict) -> TaskSpec:
    prefix = fields["prefix"]
    ps = _hosts("ps", fields["ps"], ps, prefix)
    workers = _hosts("worker", fields["worker"], workers, prefix)
    seen: dict[str, str] = {}
    for job in JOBS:
        for i, address in enumerate(ps if job == "ps" else workers):
            here = f"{fields[job]}[{i}]"
            if address in seen:
                raise ClusterSpecError(f"{prefix}{here}: {address} is also {seen[address]}")
            seen[address] = here
    if job_name is None:
        raise ClusterSpecError(f"{prefix}{fields['job']}: missing (ps or worker)")
    if job_name not in JOBS:
        raise ClusterSpecError(
            f"{prefix}{fields['job']}: {job_name!r} is not a job of the cluster (ps or worker; "
            "worker 0 is the chief)"
        )
    if task_index is None:
        raise ClusterSpecError(f"{prefix}{fields['index']}: missing")
    if isinstance(task_index, bool) or not isinstance(task_index, int) or task_index < 0:
        raise ClusterSpecError(
            f"{prefix}{fields['index']}: expected a non-negative integer, got {task_index!r}"
        )
    count = len(ps if job_name == "ps" else workers)
    if task_index >= count:
        raise ClusterSpecError(
            f"{prefix}{fields['index']}: {task_index} is out of range: {fields[job_name]} has "
            f"{count} task{'s' if count != 1 else ''} (indices 0-{count - 1})"
        )
    return TaskSpec(ps, workers, job_name, task_index)


def parse_tf_config(text: str) -> TaskSpec:
    """The task ``TF_CONFIG``'s JSON describes; ClusterSpecError naming the bad field otherwise.

    Keys other than ``cluster`` and ``task`` (``environment``, ``rpc_layer``) are ignored.
    """
    prefix = _TF_CONFIG_FIELDS["prefix"]
    try:
        config = json.loads(text)
    except json.JSONDecodeError as err:
        raise ClusterSpecError(f"{prefix}not valid JSON ({err})") from None
    if not isinstance(config, dict):
        raise ClusterSpecError(
            f'{prefix}expected a JSON object with "cluster" and "task", got {type(config).__name__}'
        )
    cluster = config.get("cluster")
    if cluster is None:
        raise ClusterSpecError(f"{prefix}cluster: missing")
    if not isinstance(cluster, dict):
        raise ClusterSpecError(
            f"{prefix}cluster: expected an object of job name -> list of HOST:PORT, "
            f"got {type(cluster).__name__}"
        )
    for job in cluster:
        if job not in JOBS:
            raise ClusterSpecError(
                f"{prefix}cluster.{job}: unknown job {job!r} (the jobs are ps and worker; "
                "worker 0 is the chief)"
            )
    task = config.get("task")
    if task is None:
        raise ClusterSpecError(f"{prefix}task: missing")
    if not isinstance(task, dict):
        raise ClusterSpecError(
            f'{prefix}task: expected an object {{"type": ..., "index": ...}}, '
            f"got {type(task).__name__}"
        )
    return _checked(
        cluster.get("ps"),
        cluster.get("worker"),
        task.get("type"),
        task.get("index"),
        _TF_CONFIG_FIELDS,
    )


def _split_hosts(value: str | None) -> list[str] | None:
    if value is None:
        return None
    return [part.strip() for part in value.split(",") if part.strip()]


def from_flags(
    ps_hosts: str | None, worker_hosts: str | None, job_name: str | None, task_index
) -> TaskSpec:
    """The task the four flags describe (hosts comma-separated); ClusterSpecError otherwise."""
    if isinstance(task_index, str):
        try:
            task_index = int(task_index)
        except ValueError:
            raise ClusterSpecError(
                f"--task-index: expected a non-negative integer, got {task_index!r}"
            ) from None
    return _checked(
        _split_hosts(ps_hosts), _split_hosts(worker_hosts), job_name, task_index, _FLAG_FIELDS
    )


def resolve(
    environ: Mapping[str, str] | None = None,
    *,
    ps_hosts: str | None = None,
    worker_hosts: str | None = None,
    job_name: str | None = None,
    task_index=None,
) -> TaskSpec:
    """The task from the flags when any is given, else from ``TF_CONFIG``; both or neither is an
    error (the cluster must be said exactly once)."""
    environ = os.environ if environ is None else environ
    flags = {
        "--ps-hosts": ps_hosts,
        "--worker-hosts": worker_hosts,
        "--job-name": job_name,
        "--task-index": task_index,
    }
    given = [name for name, value in flags.items() if value is not None]
    tf_config = environ.get(TF_CONFIG, "").strip()
    if given and tf_config:
        raise ClusterSpecError(
            f"the cluster is given twice: {TF_CONFIG} is set and so is {', '.join(given)}; "
            f"unset {TF_CONFIG} or drop the flags"
        )
    if given:
        return from_flags(ps_hosts, worker_hosts, job_name, task_index)
    if tf_config:
        return parse_tf_config(tf_config)
    raise ClusterSpecError(
        f"no cluster given: set {TF_CONFIG} or pass {', '.join(CLUSTER_FLAGS[:-1])} and "
        f"{CLUSTER_FLAGS[-1]}"
    )


def free_ports(count: int, host: str = "127.0.0.1") -> list[int]:
    """``count`` distinct ports nothing listens on at ``host`` right now (all held open together
    while they are picked, so none is handed out twice)."""
    sockets = []
    try:
        for _ in range(count):
            sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            sock.bind((host, 0))
            sockets.append(sock)
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def local_cluster(num_ps: int, num_workers: int, host: str = "127.0.0.1") -> TaskSpec:
    """A cluster of ``num_ps`` ps and ``num_workers`` worker tasks on free ports of ``host``, as
    seen by worker 0 (``with_task`` gives the others)."""
    if num_ps < 1:
        raise ClusterSpecError(f"--ps: a cluster needs at least one parameter server, got {num_ps}")
    if num_workers < 1:
        raise ClusterSpecError(f"--workers: a cluster needs at least one worker, got {num_workers}")
    ports = free_ports(num_ps + num_workers, host)
    addresses = [f"{host}:{port}" for port in ports]
    return TaskSpec(tuple(addresses[:num_ps]), tuple(addresses[num_ps:]), "worker", 0)
