"""How much free space a run needs in its log directory: one rule, asked by the Session loop before
its first step (for the model it built) and by `doctor` (for the largest recipe). No imports."""

from __future__ import annotations

CHECKPOINTS_KEPT = 2  # the loop keeps the newest two checkpoints
EVENTS_BYTES = 2**20  # room for the event files and result.json

# The largest checkpoint of any graph variant's own recipe: experts and slim_cnn, 3,274,634 weights
# with Adam's two slots, float32 (tests/integration/test_disk_room.py composes every variant).
LARGEST_CHECKPOINT_BYTES = 39_295_624


def bytes_needed(checkpoint_bytes: int) -> int:
    """Room for a new checkpoint while the newest two are kept, and for the events."""
    return (CHECKPOINTS_KEPT + 1) * checkpoint_bytes + EVENTS_BYTES


def largest_run_bytes() -> int:
    """What the largest recipe needs (`doctor` says so when there is less)."""
    return bytes_needed(LARGEST_CHECKPOINT_BYTES)
