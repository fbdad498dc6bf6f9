"""What a ps or worker task runs on TF1's distributed runtime (imported by task processes only).

Every task starts a ``tf.compat.v1.train.Server`` for its place in the cluster, with a session
config whose ``device_filters`` limit a worker's sessions to the ps tasks and itself (so no worker
waits for, or is slowed by, another worker) and a ps task's to itself.

**ps**: serves the variables placed on it until every worker has put a token in its "release"
queue (a worker does so when it will ask nothing more of the ps), then returns. A cluster spread
over machines thus shuts down by itself; the local launcher also stops ps tasks that outlive the
workers.

**worker**: composes the variant's whole graph (:func:`training.compose.compose`) under
``replica_device_setter`` (variables and the global step round-robin on the ps tasks, compute on
this worker) and trains with ``MonitoredTrainingSession`` until the global step reaches the
variant's ``steps``:

- synchronous (the default): the variant's optimizer is wrapped in ``SyncReplicasOptimizer``
  with ``replicas_to_aggregate`` = ``total_num_replicas`` = the number of workers and no spare
  tokens: after each gradient a worker waits for the update, and every global step applies the
  average of one gradient from each worker (a batch each), so each worker trains ``steps``
  local steps;
- asynchronous: each worker applies its own gradients as it goes and the global step counts every
  update, so the ``steps`` updates are shared among the workers.

Worker 0 is the chief. It initialises (or restores) the variables and alone writes the checkpoints
-- through a ``Saver`` placed on the chief, so the chief reads the variables from the ps tasks
and writes the files on its own machine -- and the TensorBoard loss scalars, into the log
directory; the other workers write nothing. When the chief has trained, it waits for each other
worker's "finished" token (carrying how many local steps it trained), evaluates the test set on the
final variables, writes ``result.json`` through :mod:`tf1_tutorials.training.results` and only then
releases the ps tasks.

A non-finite loss is recorded (``diverged``) but does not stop training: one worker stopping early
would leave the others waiting for it.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from tf1_tutorials import variants
from tf1_tutorials.cluster.spec import ClusterError, TaskOptions, TaskSpec, check_variant
from tf1_tutorials.tf import load_v1, seed_everything, session_config, versions
from tf1_tutorials.training import results
from tf1_tutorials.training.compose import Model, compose
from tf1_tutorials.training.recorder import Evaluation, Recorder, accuracy_line
from tf1_tutorials.training.settings import make_config
from tf1_tutorials.training.step import Batches, batch_accuracy, evaluate, train_step
from tf1_tutorials.training.summaries import scalar_summary
from tf1_tutorials.variants import inputs
from tf1_tutorials.variants.graph import parameter_count

tf = load_v1()

# How long a ps task keeps serving after its last release token, so that the releasing worker's
# call gets its answer before the server goes away.
PS_LINGER_SECONDS = 1.0
FINISHED_QUEUE = "tf1_tutorials_cluster_finished"
RELEASE_QUEUE = "tf1_tutorials_cluster_release_ps{index}"


# --- pieces shared by ps and worker tasks --------------------------------------------------------


def session_config_for(task: TaskSpec, threads: int = 0):
    """The task's ``ConfigProto``, with its ``device_filters``."""
    config = session_config(threads, 0)
    config.device_filters.extend(task.device_filters())
    return config


def start_server(task: TaskSpec, config):
    return tf.train.Server(
        task.cluster_spec(),
        job_name=task.job_name,
        task_index=task.task_index,
        config=config,
        start=True,
    )


def finished_queue(task: TaskSpec):
    """The queue on ps 0 where each non-chief worker puts ``(its index, its local steps)`` when it
    has finished training (built in the default graph; the shared name makes it one queue for
    every task that builds it)."""
    with tf.name_scope("cluster_signals"), tf.device("/job:ps/task:0"):
        return tf.FIFOQueue(
            task.num_workers,
            [tf.int64, tf.int64],
            shapes=[(), ()],
            shared_name=FINISHED_QUEUE,
            name="finished",
        )


def release_queue(task: TaskSpec, index: int):
    """The queue on ps ``index`` where each worker puts a token when it is done with the ps."""
    with tf.name_scope("cluster_signals"), tf.device(f"/job:ps/task:{index}"):
        return tf.FIFOQueue(
            task.num_workers,
            [tf.int32],
            shapes=[()],
            shared_name=RELEASE_QUEUE.format(index=index),
            name=f"release_ps{index}",
        )


# --- ps -----------------------------------------------------------------------------------------


def run_ps(task: TaskSpec, options: TaskOptions, say=print) -> int:
    """Serve this ps task's variables until every worker has released it."""
    config = session_config_for(task, options.threads)
    server = start_server(task, config)
    say(f"{task.name}: serving at {task.address}; waiting for {task.num_workers} worker(s)")
    graph = tf.Graph()
    with graph.as_default():
        # Only this task's own queue: a session places every node of its graph, and this task's
        # sessions see no other device.
        released = release_queue(task, task.task_index).dequeue_many(task.num_workers)
    with tf.Session(server.target, graph=graph, config=config) as sess:
        sess.run(released)
    say(f"{task.name}: every worker is done; stopping")
    time.sleep(PS_LINGER_SECONDS)
    return 0


# --- worker -------------------------------------------------------------------------------------


def sync_replicas(num_workers: int):
    """The wrapper the runner puts around a variant's optimizer in synchronous mode: every global
    step averages one gradient from each of ``num_workers`` workers, with no spare tokens."""

    def wrap(optimizer):
        return tf.train.SyncReplicasOptimizer(
            optimizer, replicas_to_aggregate=num_workers, total_num_replicas=num_workers
        )

    return wrap


class SyncReplicasHook(tf.train.SessionRunHook):
    """The session set-up ``SyncReplicasOptimizer`` needs, as its own hook does it, with no spare
    tokens: each worker sets its local step to the global step; the chief also runs, in a thread,
    the op that waits for every worker's gradient, applies their average, advances the global step
    and hands each worker a token for the next step.

    Unlike the optimizer's own queue runner, the thread stops quietly when the session closes while
    it waits for gradients no worker will send any more (after the last step), and closing does not
    wait for it."""

    def __init__(self, optimizer, is_chief: bool):
        self._optimizer = optimizer
        self._is_chief = is_chief
        self._thread: threading.Thread | None = None

    def begin(self):
        if self._is_chief:
            self._local_init = self._optimizer.chief_init_op
            self._apply_op = self._optimizer.get_chief_queue_runner().enqueue_ops[0]
        else:
            self._local_init = self._optimizer.local_step_init_op
            self._apply_op = None

    def after_create_session(self, session, coord):
        session.run(self._local_init)
        if self._apply_op is not None:
            self._thread = threading.Thread(
                target=self._apply_steps, args=(session, coord), name="sync-replicas", daemon=True
            )
            self._thread.start()

    def _apply_steps(self, session, coord):
        try:
            while not coord.should_stop():
                session.run(self._apply_op)
        except (tf.errors.CancelledError, tf.errors.OutOfRangeError):
            if not coord.should_stop():
                coord.request_stop(RuntimeError("the chief's sync-replicas step was cancelled"))
        except Exception as err:  # a failed step stops training with its error
            if not coord.should_stop():
                coord.request_stop(err)


@dataclass
class WorkerGraph:
    graph: object
    model: Model
    step_after: object  # the global step after this worker's train op (fetching it trains)
    hooks: list
    scaffold: object
    parameters: int
    local_steps_fed: object
    report_finished: object
    next_finished: object
    release_ps: object


def build_worker_graph(task: TaskSpec, module, config, options: TaskOptions) -> WorkerGraph:
    """The variant's graph for this worker, replicated, with the hooks and signal ops."""
    graph = tf.Graph()
    with graph.as_default():
        seed_everything(options.seed)
        setter = tf.train.replica_device_setter(
            ps_tasks=task.num_ps, worker_device=task.device, cluster=task.cluster_spec()
        )
        with tf.device(setter):
            wrap = sync_replicas(task.num_workers) if options.sync else None
            model = compose(module, config, wrap_optimizer=wrap)
            if options.sync:
                # The sync train op's value is the token it waited for: the global step after the
                # update (no extra trip to the ps to read it).
                step_after = model.train_op
            else:
                with tf.control_dependencies([model.train_op]):
                    step_after = tf.identity(model.global_step.read_value(), name="step_after")
        hooks = [tf.train.StopAtStepHook(last_step=config.total_steps)]
        if options.sync:
            hooks.append(SyncReplicasHook(model.optimizer, task.is_chief))
        finished = finished_queue(task)
        release = [release_queue(task, index) for index in range(task.num_ps)]
        with tf.device(task.device):
            local_steps_fed = tf.placeholder(tf.int64, [], name="local_steps")
            report_finished = finished.enqueue(
                [tf.constant(task.task_index, tf.int64), local_steps_fed]
            )
            next_finished = finished.dequeue()
            release_ps = tf.group(*(queue.enqueue([1]) for queue in release))
        scaffold = None
        if task.is_chief:
            with tf.device(task.device):
                # Not sharded: the chief fetches the variables and writes the files itself (a
                # sharded saver would have each ps task write its own part on its own machine).
                saver = tf.train.Saver(max_to_keep=2, sharded=False)
            scaffold = tf.train.Scaffold(saver=saver)
    return WorkerGraph(
        graph=graph,
        model=model,
        step_after=step_after,
        hooks=hooks,
        scaffold=scaffold,
        parameters=parameter_count(graph),
        local_steps_fed=local_steps_fed,
        report_finished=report_finished,
        next_finished=next_finished,
        release_ps=release_ps,
    )


class WorkerSessionCreator(tf.train.SessionCreator):
    """A non-chief worker's session, as ``tf.compat.v1.train.WorkerSessionCreator`` makes it: it
    waits until the chief has initialised (or restored) the variables, then runs the local init --
    but checks every ``poll_seconds`` instead of every 30 s, so a worker that asks a moment before
    the chief is done does not sit out half a minute of the run."""

    def __init__(self, master: str, config, max_wait_secs: float, poll_seconds: float = 0.5):
        self._scaffold = tf.train.Scaffold()
        self._master = master
        self._config = config
        self._max_wait_secs = max_wait_secs
        self._poll_seconds = poll_seconds

    def create_session(self):
        self._scaffold.finalize()
        manager = tf.train.SessionManager(
            local_init_op=self._scaffold.local_init_op,
            local_init_feed_dict=self._scaffold.local_init_feed_dict,
            ready_op=self._scaffold.ready_op,
            ready_for_local_init_op=self._scaffold.ready_for_local_init_op,
            graph=tf.get_default_graph(),
            recovery_wait_secs=self._poll_seconds,
        )
        return manager.wait_for_session(
            self._master, config=self._config, max_wait_secs=self._max_wait_secs
        )


def _training_session(
    task: TaskSpec, built: WorkerGraph, server, options: TaskOptions, total_steps: int
):
    """The chief's ``MonitoredTrainingSession`` (initialises or restores the variables; saves the
    checkpoints and summaries in the log directory), or another worker's ``MonitoredSession`` that
    waits for the chief and writes nothing. Built in the default graph."""
    config = session_config_for(task, options.threads)
    if not task.is_chief:
        return tf.train.MonitoredSession(
            session_creator=WorkerSessionCreator(server.target, config, options.wait_seconds),
            hooks=built.hooks,
            stop_grace_period_secs=2,
        )
    return tf.train.MonitoredTrainingSession(
        master=server.target,
        is_chief=True,
        checkpoint_dir=str(options.logdir),
        scaffold=built.scaffold,
        hooks=built.hooks,
        # 0: only at the end, as in `run` (the saver hook also saves when the session starts)
        save_checkpoint_steps=options.checkpoint_every or total_steps,
        save_checkpoint_secs=None,
        save_summaries_steps=None,  # the loop writes the scalars (tf1_tutorials.training.recorder)
        save_summaries_secs=None,
        config=config,
        stop_grace_period_secs=2,
        log_step_count_steps=None,
    )


@dataclass
class Throughput:
    """Global steps over a wall-clock window that starts when this worker's first step is done
    (the time the tasks take to find each other is not counted)."""

    start_time: float | None = None
    start_step: int = 0
    end_time: float = 0.0
    end_step: int = 0

    def mark(self, step: int) -> None:
        now = time.perf_counter()
        if self.start_time is None:
            self.start_time, self.start_step = now, step
        self.end_time, self.end_step = now, step

    @property
    def steps(self) -> int:
        return self.end_step - self.start_step

    @property
    def seconds(self) -> float:
        return self.end_time - (self.start_time or self.end_time)

    @property
    def steps_per_second(self) -> float | None:
        return self.steps / self.seconds if self.seconds > 0 and self.steps > 0 else None


@dataclass
class Training:
    """What one worker's training loop saw (the chief's also the others' steps and the test)."""

    recording: Recorder  # the loss curve (the chief's is the run's), divergence, scalars
    start_step: int = 0
    local_steps: int = 0
    train_seconds: float = 0.0
    throughput: Throughput = field(default_factory=Throughput)
    others: list = field(default_factory=list)  # (worker index, local steps), chief only
    final_step: int = 0
    evaluation: Evaluation | None = None  # chief only


def train(
    task: TaskSpec,
    built: WorkerGraph,
    config,
    train_batches: Batches,
    test_batches: Batches,
    server,
    options: TaskOptions,
    say=print,
) -> Training:
    chief = task.is_chief
    model = built.model
    total = config.total_steps
    log_every = config.log_every_steps if chief else 0
    # The chief restores the last checkpoint in its log directory, if there is one.
    restored = tf.train.latest_checkpoint(str(options.logdir)) if chief else None
    with (
        built.graph.as_default(),
        _training_session(task, built, server, options, total) as sess,
    ):

        def without_hooks(fn, *fn_args):
            """``fn(session, *fn_args)`` on the plain session: no hooks, no step counted."""
            return sess.run_step_fn(lambda step_context: fn(step_context.session, *fn_args))

        def read(fetches, feed=None):
            return without_hooks(lambda session: session.run(fetches, feed))

        started = time.perf_counter()
        run_start = 0
        if restored:
            run_start = int(tf.train.load_variable(restored, model.global_step.op.name))
            say(f"resumed from {restored} at global step {run_start} of {total}")
        step = int(read(model.global_step))  # other workers may have trained already (async)
        run = Training(
            Recorder(
                total,
                _scalar_writer(options.logdir) if chief else None,
                lambda line: say(f"{task.name}: {line}"),
                start_step=step,
                stop_on_divergence=False,  # the other workers would wait for this one
            ),
            start_step=run_start,
        )
        logged = -1
        # The global step read after each train op ends the loop as soon as it reaches the total
        # (StopAtStepHook alone judges by the step read as the train op began, so in async mode a
        # worker could run a step past it); another worker's step in flight may still add one.
        while step < total and not sess.should_stop():
            images, labels = train_batches.next_batch(config.batch_size, config.shuffle)
            if log_every and step // log_every > logged:
                logged = step // log_every
                accuracy = batch_accuracy(read, model, images, labels)
                say(accuracy_line(step, accuracy))
            # built.step_after runs the train op and reads the global step after it.
            step, loss, accuracy = train_step(sess.run, model, images, labels, built.step_after)
            step = int(step)
            run.local_steps += 1
            run.throughput.mark(step)
            run.recording.step(step, loss, batch_accuracy=accuracy)
        run.train_seconds = time.perf_counter() - started

        if chief:
            say(f"training time: {run.train_seconds:.1f} s")
            if task.num_workers > 1:
                run.others = without_hooks(
                    wait_for_workers, built.next_finished, task, options.wait_seconds
                )
            run.final_step = int(read(model.global_step))
            run.evaluation = without_hooks(
                lambda session: evaluate(session.run, model, test_batches, config.eval_batch_size)
            )
        # Leaving the block has the chief save its final checkpoint.
    return run


def _scalar_writer(logdir):
    """The chief's TensorBoard scalars, written to the events file its checkpoint hook opened."""
    writer = tf.summary.FileWriterCache.get(str(logdir))

    def write(step: int, values: dict) -> None:
        writer.add_summary(scalar_summary(values), step)

    return write


def wait_for_workers(session, next_finished, task: TaskSpec, wait_seconds: float):
    """``(index, local steps)`` from every non-chief worker; ClusterError naming the ones that have
    not reported within ``wait_seconds``."""
    reported: list[tuple[int, int]] = []
    deadline = time.monotonic() + wait_seconds
    while len(reported) < task.num_workers - 1:
        left = max(1, int((deadline - time.monotonic()) * 1000))
        try:
            index, steps = session.run(next_finished, options=tf.RunOptions(timeout_in_ms=left))
        except tf.errors.DeadlineExceededError:
            missing = sorted(set(range(1, task.num_workers)) - {i for i, _ in reported})
            raise ClusterError(
                f"worker(s) {', '.join(map(str, missing))} did not report finishing within "
                f"{wait_seconds:g} s (--wait-seconds)"
            ) from None
        reported.append((int(index), int(steps)))
    return reported


def cluster_record(task: TaskSpec, config, options: TaskOptions, run: Training) -> dict:
    """The ``cluster`` part of the result record: the layout, the mode and the throughput."""
    per_worker = dict(run.others)
    per_worker[task.task_index] = run.local_steps
    images_per_step = config.batch_size * (task.num_workers if options.sync else 1)
    rate = run.throughput.steps_per_second
    return {
        "ps": list(task.ps),
        "workers": list(task.workers),
        "mode": "sync" if options.sync else "async",
        "replicas_to_aggregate": task.num_workers if options.sync else None,
        "local_steps": [per_worker.get(i) for i in range(task.num_workers)],
        "images_per_global_step": images_per_step,
        "measured_global_steps": run.throughput.steps,
        "measured_seconds": round(run.throughput.seconds, 3),
        "global_steps_per_second": round(rate, 3) if rate else None,
        "images_per_second": round(rate * images_per_step, 1) if rate else None,
    }


def run_worker(
    task: TaskSpec, variant: str, overrides: dict, options: TaskOptions, say=print
) -> dict | None:
    """Train this worker's share; the chief writes and returns the result record (others None)."""
    process_started = time.perf_counter()
    from tf1_tutorials.data import default_data_dir

    check_variant(variant)
    module = variants.get(variant).load()
    config = make_config(module.Config, overrides, variant)
    total = config.total_steps
    logdir = Path(options.logdir)
    data_dir = Path(options.data_dir) if options.data_dir else default_data_dir(module.DATASET)
    data_seed = None if options.seed is None else options.seed + task.task_index
    data = inputs.read(module, config, data_dir, data_seed)
    train_batches, test_batches = Batches(data.train), Batches(data.test)

    config_proto = session_config_for(task, options.threads)
    server = start_server(task, config_proto)
    built = build_worker_graph(task, module, config, options)
    if task.is_chief:
        mode = (
            f"synchronous: each global step averages {task.num_workers} batch(es) of "
            f"{config.batch_size}, one per worker"
            if options.sync
            else "asynchronous: every worker's update is a global step"
        )
        say(f"cluster: {task.num_ps} ps, {task.num_workers} worker(s); {mode}; {total} steps")
    run = train(task, built, config, train_batches, test_batches, server, options, say)

    record = None
    if task.is_chief:
        cluster = cluster_record(task, config, options, run)
        outcome = run.recording.outcome(
            run.evaluation,
            steps=run.final_step,
            train_seconds=run.train_seconds,
            start_step=run.start_step,
            steps_trained=run.final_step - run.start_step,
            parameters=built.parameters,
            cluster=cluster,
        )
        record = results.make_record(
            variant,
            config,
            options.seed,
            outcome,
            time.perf_counter() - process_started,
            versions(),
            module.DATASET,
            data_dir,
        )
        path = results.write(record, logdir)
        if cluster["global_steps_per_second"]:
            say(
                f"throughput: {cluster['global_steps_per_second']:.1f} global steps/s, "
                f"{cluster['images_per_second']:.0f} images/s "
                f"(over {cluster['measured_global_steps']} global steps)"
            )
        say(f"local steps per worker: {cluster['local_steps']}")
        say(f"test accuracy {run.evaluation.accuracy:g}")
        say(f"result: {path}")

    with tf.Session(server.target, graph=built.graph, config=config_proto) as signals:
        if not task.is_chief:
            signals.run(built.report_finished, {built.local_steps_fed: run.local_steps})
            say(f"{task.name}: finished after {run.local_steps} local steps")
        try:
            signals.run(built.release_ps)
        except tf.errors.UnavailableError:
            pass  # a ps task released by this very call may already have gone
    return record
