"""Run TensorFlow 1.x scripts unmodified: `tf1-tutorials legacy SCRIPT.py [ARGS...]`.

runner.py (the command) starts bootstrap.py in a fresh process. There imports.py puts an import hook
first on ``sys.meta_path`` that serves the TF1-era module names: ``tensorflow`` (tensorflow_api.py,
``tf.compat.v1`` in graph mode, built on namespace.py), ``tf.contrib`` (contrib.py, onto tf-slim),
``tensorflow.examples.tutorials.mnist.input_data`` (input_data.py) and ``keras`` (keras_api.py and
the keras_* shims). registry.py owns the rules (what is mapped, emulated, restored or
unsupported) that the shims apply and ``legacy --check`` reports; unsupported.py holds the errors
for what cannot be served. No module here imports TensorFlow at import time.
"""
