"""``tf.estimator`` for legacy scripts: TensorFlow 1's Estimator, rebuilt on tf.compat.v1 Sessions.

TensorFlow 2.16 removed ``tf.estimator``, and tensorflow-estimator's last release (2.15) does not
import on 2.21 (it needs ``tensorflow.python.distribute.estimator_training``), so there is no
maintained package to make work: this is a small implementation of what the TF 1.4-1.15 MNIST and
CIFAR-10 Estimator tutorials use, in graph mode, on TensorFlow 1's own training machinery
(``MonitoredTrainingSession``, its checkpoint, summary and step-counter hooks):

- ``Estimator(model_fn, model_dir=None, config=None, params=None)``; ``model_fn`` takes any of
  ``features, labels, mode, params, config`` and returns an ``EstimatorSpec``;
- ``train(input_fn, hooks=None, steps=None, max_steps=None)``: checkpoints (``model.ckpt-N``) and
  summaries in ``model_dir``, resuming from the latest checkpoint there; ``steps`` counts from it,
  ``max_steps`` is absolute;
- ``evaluate(input_fn, steps=None, hooks=None, checkpoint_path=None, name=None)``: the
  ``eval_metric_ops`` (``tf.metrics.*``) and the mean loss over the input (or ``steps`` batches)
  from the latest checkpoint, plus ``global_step``; summaries in ``model_dir/eval[_name]``;
- ``predict(input_fn, predict_keys=None, ...)``: one prediction per example (a dict, or the array
  when ``predictions`` is a tensor);
- ``EstimatorSpec``, ``ModeKeys``, ``RunConfig`` (model_dir, tf_random_seed,
  save_summary_steps, save_checkpoints_steps/secs, keep_checkpoint_max, session_config,
  log_step_count_steps), ``inputs.numpy_input_fn`` (``tf.compat.v1.estimator.inputs`` too).

Canned Estimators (DNNClassifier, LinearClassifier, ...), ``export_savedmodel`` and distribution
are not provided: asking for them stops the script with one line naming them.
"""

from __future__ import annotations

import collections
import inspect
import os
import tempfile
import types

import numpy as np

from tf1_tutorials.legacy.unsupported import PROGRAM, UnsupportedAPI
from tf1_tutorials.tf import load_v1


class ModeKeys:
    TRAIN = "train"
    EVAL = "eval"
    PREDICT = "infer"


_SPEC_FIELDS = (
    "mode predictions loss train_op eval_metric_ops export_outputs training_chief_hooks "
    "training_hooks scaffold evaluation_hooks prediction_hooks"
).split()


class EstimatorSpec(collections.namedtuple("EstimatorSpec", _SPEC_FIELDS)):
    """What a ``model_fn`` returns; the fields each mode needs are checked as TF1 checked them."""

    def __new__(cls, mode, predictions=None, loss=None, train_op=None, eval_metric_ops=None,
                export_outputs=None, training_chief_hooks=None, training_hooks=None,
                scaffold=None, evaluation_hooks=None, prediction_hooks=None):  # fmt: skip
        if mode == ModeKeys.TRAIN and (loss is None or train_op is None):
            raise ValueError("Missing loss or train_op: TRAIN mode needs both.")
        if mode == ModeKeys.EVAL and loss is None:
            raise ValueError("Missing loss: EVAL mode needs it.")
        if mode == ModeKeys.PREDICT and predictions is None:
            raise ValueError("Missing predictions: PREDICT mode needs them.")
        return super().__new__(
            cls, mode, predictions, loss, train_op, dict(eval_metric_ops or {}), export_outputs,
            list(training_chief_hooks or ()), list(training_hooks or ()), scaffold,
            list(evaluation_hooks or ()), list(prediction_hooks or ()),
        )  # fmt: skip


class RunConfig:
    """TF1's RunConfig: where and how often a run saves; ``replace(**changes)`` a copy."""

    def __init__(self, model_dir=None, tf_random_seed=None, save_summary_steps=100,
                 save_checkpoints_steps=None, save_checkpoints_secs=None, session_config=None,
                 keep_checkpoint_max=5, keep_checkpoint_every_n_hours=10000,
                 log_step_count_steps=100, **unused):  # fmt: skip
        if save_checkpoints_steps is None and save_checkpoints_secs is None:
            save_checkpoints_secs = 600
        self.model_dir = model_dir
        self.tf_random_seed = tf_random_seed
        self.save_summary_steps = save_summary_steps
        self.save_checkpoints_steps = save_checkpoints_steps
        self.save_checkpoints_secs = save_checkpoints_secs
        self.session_config = session_config
        self.keep_checkpoint_max = keep_checkpoint_max
        self.keep_checkpoint_every_n_hours = keep_checkpoint_every_n_hours
        self.log_step_count_steps = log_step_count_steps

    def replace(self, **changes):
        return RunConfig(**{**vars(self), **changes})


class Estimator:
    def __init__(self, model_fn, model_dir=None, config=None, params=None, warm_start_from=None):
        if warm_start_from is not None:
            raise UnsupportedAPI("tf.estimator.Estimator(warm_start_from=)", "not provided")
        self._v1 = load_v1()
        config = config or RunConfig()
        model_dir = model_dir or config.model_dir
        if model_dir is None:
            model_dir = tempfile.mkdtemp()
            self._v1.logging.warning(f"Using temporary folder as model directory: {model_dir}")
        self._model_dir = os.fspath(model_dir)
        self._config = config.replace(model_dir=self._model_dir)
        self._model_fn = model_fn
        self._params = dict(params or {})

    model_dir = property(lambda self: self._model_dir)
    config = property(lambda self: self._config)
    params = property(lambda self: dict(self._params))

    def latest_checkpoint(self):
        return self._v1.train.latest_checkpoint(self._model_dir)

    def get_variable_names(self):
        return [name for name, _ in self._v1.train.list_variables(self._model_dir)]

    def get_variable_value(self, name):
        return self._v1.train.load_variable(self._model_dir, name)

    # -- building the graph ---------------------------------------------------------------------
    def _features_and_labels(self, input_fn, mode):
        arguments = inspect.signature(input_fn).parameters
        kwargs = {"params": self.params} if "params" in arguments else {}
        if "mode" in arguments:
            kwargs["mode"] = mode
        if "config" in arguments:
            kwargs["config"] = self._config
        result = input_fn(**kwargs)
        if isinstance(result, self._v1.data.Dataset):
            result = self._v1.data.make_one_shot_iterator(result).get_next()
        if isinstance(result, tuple | list) and len(result) == 2:
            return result[0], result[1]
        return result, None

    def _spec(self, features, labels, mode) -> EstimatorSpec:
        given = {"features": features, "labels": labels, "mode": mode, "params": self.params,
                 "config": self._config}  # fmt: skip
        arguments = inspect.signature(self._model_fn).parameters
        spec = self._model_fn(**{name: given[name] for name in arguments if name in given})
        if not isinstance(spec, EstimatorSpec):
            raise ValueError(f"model_fn should return an EstimatorSpec; got {type(spec).__name__}")
        return spec

    def _graph(self, input_fn, mode):
        graph = self._v1.Graph()
        with graph.as_default():
            if self._config.tf_random_seed is not None:
                self._v1.set_random_seed(self._config.tf_random_seed)
            global_step = self._v1.train.get_or_create_global_step()
            features, labels = self._features_and_labels(input_fn, mode)
            spec = self._spec(features, labels, mode)
        return graph, global_step, spec

    def _scaffold(self, spec):
        if spec.scaffold is not None:
            return spec.scaffold
        saver = self._v1.train.Saver(
            sharded=True,
            max_to_keep=self._config.keep_checkpoint_max,
            keep_checkpoint_every_n_hours=self._config.keep_checkpoint_every_n_hours,
        )
        return self._v1.train.Scaffold(saver=saver)

    # -- train, evaluate, predict ---------------------------------------------------------------
    def train(self, input_fn, hooks=None, steps=None, max_steps=None, saving_listeners=None):
        v1 = self._v1
        if steps is not None and max_steps is not None:
            raise ValueError("Can not provide both steps and max_steps.")
        if max_steps is not None and self._checkpoint_step() >= max_steps:
            v1.logging.info(f"Skipping training since max_steps has already saved: {max_steps}")
            return self
        graph, global_step, spec = self._graph(input_fn, ModeKeys.TRAIN)
        with graph.as_default():
            every = self._config.log_step_count_steps
            all_hooks = [
                *(hooks or ()),
                *spec.training_hooks,
                v1.train.StopAtStepHook(num_steps=steps, last_step=max_steps),
                v1.train.NanTensorHook(spec.loss),
                v1.train.LoggingTensorHook({"loss": spec.loss, "step": global_step}, every),
            ]
            scaffold = self._scaffold(spec)
            chief_hooks = [
                *spec.training_chief_hooks,
                v1.train.CheckpointSaverHook(
                    self._model_dir,
                    save_secs=self._config.save_checkpoints_secs,
                    save_steps=self._config.save_checkpoints_steps,
                    scaffold=scaffold,
                    listeners=list(saving_listeners or ()),
                ),
            ]
            loss = None
            with v1.train.MonitoredTrainingSession(
                checkpoint_dir=self._model_dir,
                scaffold=scaffold,
                hooks=all_hooks,
                chief_only_hooks=chief_hooks,
                save_checkpoint_secs=None,
                save_checkpoint_steps=None,
                save_summaries_steps=self._config.save_summary_steps,
                config=self._config.session_config,
                log_step_count_steps=every,
            ) as session:
                while not session.should_stop():
                    _, loss = session.run([spec.train_op, spec.loss])
            v1.logging.info(f"Loss for final step: {loss}.")
        return self

    def _checkpoint_step(self) -> int:
        checkpoint = self.latest_checkpoint()
        if checkpoint is None:
            return 0
        return int(self._v1.train.load_variable(checkpoint, "global_step"))

    def _restoring_session(self, spec, hooks, checkpoint_path):
        checkpoint = checkpoint_path or self.latest_checkpoint()
        if checkpoint is None:
            raise ValueError(
                f"Could not find trained model in model_dir: {self._model_dir}, running "
                "initialization to evaluate."
            )
        creator = self._v1.train.ChiefSessionCreator(
            scaffold=self._scaffold(spec),
            checkpoint_filename_with_path=checkpoint,
            config=self._config.session_config,
        )
        return self._v1.train.MonitoredSession(session_creator=creator, hooks=hooks)

    def evaluate(self, input_fn, steps=None, hooks=None, checkpoint_path=None, name=None):
        v1 = self._v1
        graph, global_step, spec = self._graph(input_fn, ModeKeys.EVAL)
        with graph.as_default():
            metrics = dict(spec.eval_metric_ops)
            metrics.setdefault("loss", v1.metrics.mean(spec.loss))
            values = {key: value for key, (value, _) in metrics.items()}
            updates = [update for _, update in metrics.values()]
            final = v1.train.FinalOpsHook({**values, "global_step": global_step})
            all_hooks = [*(hooks or ()), *spec.evaluation_hooks, final]
            if steps is not None:
                all_hooks.append(_StopAfterRunsHook(steps))
            with self._restoring_session(spec, all_hooks, checkpoint_path) as session:
                while not session.should_stop():
                    session.run(updates)
        results = {key: _scalar(value) for key, value in final.final_ops_values.items()}
        self._write_eval_summary(results, name)
        v1.logging.info(
            "Saving dict for global step %d: %s", results["global_step"],
            ", ".join(f"{key} = {value}" for key, value in sorted(results.items())),
        )  # fmt: skip
        return results

    def _write_eval_summary(self, results, name):
        v1 = self._v1
        directory = os.path.join(self._model_dir, f"eval_{name}" if name else "eval")
        summary = v1.Summary()
        for key, value in results.items():
            if key != "global_step" and np.ndim(value) == 0:
                summary.value.add(tag=key, simple_value=float(value))
        writer = v1.summary.FileWriterCache.get(directory)
        writer.add_summary(summary, results["global_step"])
        writer.flush()

    def predict(self, input_fn, predict_keys=None, hooks=None, checkpoint_path=None,
                yield_single_examples=True):  # fmt: skip
        graph, _, spec = self._graph(input_fn, ModeKeys.PREDICT)
        predictions = spec.predictions
        if isinstance(predictions, dict) and predict_keys is not None:
            predictions = {key: predictions[key] for key in predict_keys}
        with graph.as_default():
            all_hooks = [*(hooks or ()), *spec.prediction_hooks]
            with self._restoring_session(spec, all_hooks, checkpoint_path) as session:
                while not session.should_stop():
                    batch = session.run(predictions)
                    if not yield_single_examples:
                        yield batch
                    elif isinstance(batch, dict):
                        count = len(next(iter(batch.values())))
                        for index in range(count):
                            yield {key: value[index] for key, value in batch.items()}
                    else:
                        yield from batch


def _scalar(value):
    return value.item() if isinstance(value, np.ndarray) and value.ndim == 0 else value


class _StopAfterRunsHook:
    """Stops a MonitoredSession after ``runs`` calls of ``run`` (evaluate's ``steps``)."""

    def __init__(self, runs: int):
        self._left = runs

    def begin(self):
        pass

    def after_create_session(self, session, coord):
        pass

    def before_run(self, run_context):
        return None

    def after_run(self, run_context, run_values):
        self._left -= 1
        if self._left <= 0:
            run_context.request_stop()

    def end(self, session):
        pass


def numpy_input_fn(x, y=None, batch_size=128, num_epochs=1, shuffle=None, queue_capacity=1000,
                   num_threads=1):  # fmt: skip
    """TF1's ``numpy_input_fn``: batches of ``x`` (an array or a dict of arrays) and ``y``.

    ``num_epochs=None`` repeats forever; the last batch of a finite run may be smaller. Batches
    are cut in Python and fed through ``tf.numpy_function``; the end of the data is the
    OutOfRangeError that ends ``train``/``evaluate``/``predict``.
    """
    if shuffle is None:
        raise ValueError("shuffle must be provided explicitly as a bool")
    keys = sorted(x) if isinstance(x, dict) else None
    columns = [np.asarray(x[key]) for key in keys] if keys else [np.asarray(x)]
    if y is not None:
        columns.append(np.asarray(y))
    count = len(columns[0])
    if any(len(column) != count for column in columns):
        raise ValueError("x and y must have the same number of rows")

    def input_fn():
        v1 = load_v1()
        batches = _batches(count, batch_size, num_epochs, shuffle)

        def next_batch():
            index = next(batches)  # StopIteration -> OutOfRangeError
            return [column[index] for column in columns]

        tensors = v1.numpy_function(next_batch, [], [v1.as_dtype(c.dtype) for c in columns])
        for tensor, column in zip(tensors, columns, strict=True):
            tensor.set_shape([None, *column.shape[1:]])
        features = dict(zip(keys, tensors, strict=False)) if keys else tensors[0]
        return (features, tensors[-1]) if y is not None else features

    return input_fn


def _batches(count: int, batch_size: int, num_epochs, shuffle: bool):
    epoch = 0
    while num_epochs is None or epoch < num_epochs:
        order = np.random.permutation(count) if shuffle else np.arange(count)
        for start in range(0, count, batch_size):
            yield order[start : start + batch_size]
        epoch += 1


inputs = types.ModuleType("tensorflow.estimator.inputs", "TF1's Estimator input functions.")
inputs.numpy_input_fn = numpy_input_fn
PUBLIC = {
    "Estimator": Estimator,
    "EstimatorSpec": EstimatorSpec,
    "ModeKeys": ModeKeys,
    "RunConfig": RunConfig,
    "inputs": inputs,
}


def explain(api: str) -> str:
    return (
        f"TensorFlow 2.16 removed tf.estimator; {PROGRAM} provides its Estimator, EstimatorSpec, "
        "ModeKeys, RunConfig and inputs.numpy_input_fn, not canned Estimators or the rest"
    )


def module() -> types.ModuleType:
    """``tf.estimator`` (and ``tf.compat.v1.estimator``): the names above only."""
    public = types.ModuleType("tensorflow.estimator", __doc__)
    public.__dict__.update(PUBLIC)
    return public
