"""Between-graph replicated training on TF1's own distributed runtime (no TensorFlow at import).

A cluster is one or more parameter-server (``ps``) tasks holding the variables and one or more
``worker`` tasks, each a separate process with its own ``tf.compat.v1.train.Server``. Every worker
builds the whole variant graph under ``replica_device_setter`` (variables on the ps tasks, compute
on itself) and trains on its own batches; worker 0 is the chief: it initialises the variables,
writes the checkpoints and, when every worker has finished, evaluates the test set and writes
``result.json``.

- :mod:`tf1_tutorials.cluster.spec` -- the cluster from ``TF_CONFIG`` or flags, checked;
- :mod:`tf1_tutorials.cluster.task` -- one task's command line (``python -m
  tf1_tutorials.cluster.task``), checked before TensorFlow is imported;
- :mod:`tf1_tutorials.cluster.runtime` -- what the task runs: a ps serving until the workers
  release it, or a worker training its share (TensorFlow, v1 mode);
- :mod:`tf1_tutorials.cluster.launcher` -- ``tf1-tutorials cluster``: a whole cluster on this
  machine's loopback, each task in its own process.
"""
