"""``keras`` and ``tf.keras`` in a legacy run: tf-keras's TF1 API (api.py), with Keras 1/2's
layer arguments, optimizer defaults, modules and datasets (the other modules here)."""
