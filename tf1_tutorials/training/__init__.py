"""One run, from its settings to its result (no TensorFlow at import).

settings (what a run may be asked, checked) -> runner (checks, data, then the loop here or in a
fresh process) -> compose (placeholders -> inference -> loss -> minimize -> evaluation: one graph)
-> session (the loop that owns the Session and the feed dicts) -> recorder (the loss curve,
divergence, scalars and log lines of every loop) -> results (result.json). arguments: the training
flags `run` and `cluster` share; doctor: what a run needs, checked before one.
"""
