"""``import tensorflow`` in a legacy run: ``tf.compat.v1`` in graph mode (api.py, over
namespace.py), GPU pins run on the CPU (devices.py) and NumPy integer scalars in shapes
(numpy_shapes.py)."""
