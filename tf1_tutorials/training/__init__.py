"""One run, from its settings to its result (no TensorFlow at import).

settings (what a run may be asked, checked) -> runner (checks, data, then the loop here or in a
fresh process) -> compose (placeholders -> inference -> loss -> minimize -> evaluation: one graph)
-> session (the loop that owns the Session) taking one step (the batch fed, the train op run: the
step the cluster worker and the benchmarks take too) per batch, with checkpoints (whole or none),
interrupts (Ctrl-C, SIGTERM, SIGHUP between steps) and summaries -> recorder (the loss curve,
divergence, scalars and log lines of every loop) -> results (result.json). arguments: the training
flags `run` and `cluster` share; disk_room: the free space a run needs; logdir_lock: one process a
run; doctor: what a run needs, checked before one.
"""
