"""``tf.device`` pins to devices the machine does not have: run on the CPU, as soft placement would.

TensorFlow 1's Sessions default to ``allow_soft_placement=False``, so a script written on a GPU
machine (``with tf.device('/gpu:0'):``) fails on a CPU-only one with "Cannot assign a device". In a
legacy run ``tf.device`` with a GPU or TPU the machine lacks pins to the CPU instead (job, replica
and task are kept), and one line on stderr says so, naming the script's line. A device function
(``tf.device(assign_to_device('/gpu:1'))``, called for each op) is treated the same way: each device
it returns is kept, or the CPU if the machine lacks it. With
``--strict-devices`` (``TF1_TUTORIALS_STRICT_DEVICES=1`` in the script's process) pins are left as
written and TensorFlow 1's error stands.
"""

from __future__ import annotations

import functools
import os
import sys

from tf1_tutorials.legacy.unsupported import PROGRAM

STRICT_ENV = "TF1_TUTORIALS_STRICT_DEVICES"
ACCELERATORS = ("GPU", "TPU")


def strict() -> bool:
    return os.environ.get(STRICT_ENV, "") not in ("", "0")


@functools.cache
def _count(v1, device_type: str) -> int:
    return len(v1.config.list_physical_devices(device_type))


class DevicePins:
    """``tf.device`` for legacy scripts; ``v1`` is tf.compat.v1."""

    def __init__(self, v1):
        self._v1 = v1
        self._told = False

    def placed(self, name, where: str):
        """``name``, or the CPU in its place if it names an accelerator this machine lacks."""
        if hasattr(name, "to_string"):  # a DeviceSpec
            name = name.to_string()
        if not isinstance(name, str):
            return name
        try:
            spec = self._v1.DeviceSpec.from_string(name)
        except ValueError:  # not a device name TensorFlow parses: left for TensorFlow to judge
            return name
        if spec.device_type is None or spec.device_type.upper() not in ACCELERATORS:
            return name
        if (spec.device_index or 0) < _count(self._v1, spec.device_type.upper()):
            return name
        self._tell(name, where)
        return spec.replace(device_type="CPU", device_index=0).to_string()

    def _tell(self, name: str, where: str) -> None:
        if self._told:
            return
        self._told = True
        print(
            f"{PROGRAM}: {where}this machine has no {name}; ops pinned to absent devices run on "
            "the CPU (soft placement; --strict-devices for TensorFlow 1's error)",
            file=sys.stderr,
            flush=True,
        )

    def device(self, device_name_or_function):
        """``tf.device``: a name, or a function giving each op its device (the multi-GPU tower
        idiom), with absent accelerators replaced by the CPU unless ``--strict-devices``."""
        if strict():
            return self._v1.device(device_name_or_function)
        frame = sys._getframe(1)  # the script's ``tf.device(...)`` call
        where = f"{os.path.basename(frame.f_code.co_filename)}:{frame.f_lineno}: "
        if callable(device_name_or_function):
            function = device_name_or_function

            @functools.wraps(function)
            def placed_function(op):
                return self.placed(function(op), where)

            return self._v1.device(placed_function)
        return self._v1.device(self.placed(device_name_or_function, where))
