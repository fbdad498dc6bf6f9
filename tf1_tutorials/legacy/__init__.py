"""Run TensorFlow 1.x scripts unmodified: `tf1-tutorials legacy SCRIPT.py [ARGS...]`.

run.py (the command) starts bootstrap.py in a fresh process. There import_hook.py puts an import
hook first on ``sys.meta_path`` that serves the TF1-era module names: ``tensorflow``
(shims/tensorflow/api.py, ``tf.compat.v1`` in graph mode, built on shims/tensorflow/namespace.py),
``tf.contrib`` (shims/contrib/api.py, onto tf-slim),
``tensorflow.examples.tutorials.mnist.input_data`` (shims/data/input_data.py) and ``keras``
(shims/keras/api.py and the rest of shims/keras/). registry.py owns the rules (what is mapped,
emulated, restored or unsupported) that the shims apply and ``legacy --check`` reports;
unsupported.py holds the errors for what cannot be served. No module here imports TensorFlow at
import time.
"""
