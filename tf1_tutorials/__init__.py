"""tf1-tutorials: the TensorFlow 1.x MNIST and CIFAR-10 tutorials, checked on current TensorFlow.

The flow, one folder or module a stage:
    data/       files on disk or a download -> read_data_sets -> DataSet.next_batch
    variants/   each tutorial's own functions, in the TF1 style (inference, loss, optimizer)
    compose.py  placeholders -> inference -> loss -> minimize -> evaluation: one graph
    session.py  the loop that owns the Session and the feed dicts
    recorder.py the loss curve, divergence, scalars and log lines of every loop; the test
    runner.py   one run's settings, checked, trained here or in a fresh process -> result.json
    bands.py    the accuracy bands, documented or measured
    harness.py  runs under seeds, compared with their bands
    report.py   results -> REPORT.md and plots
"""

__version__ = "0.1.0"
