"""tf1-tutorials: the TensorFlow 1.x MNIST and CIFAR-10 tutorials, checked on current TensorFlow.

The flow, one folder a layer (arrows point down: a layer imports only the ones below it):
    commands/   one module per subcommand: parse, build settings, call one function (cli.py
                dispatches to them)
    evidence/   the accuracy bands and their measured runs, measure, statistics, the report
    cluster/    TF1's distributed runtime: ps and worker tasks around the same graph and settings
    legacy/     unmodified TF1 scripts: launch, the import hook, the shims
    training/   settings -> compose (one graph) -> the Session loop -> recorder -> result.json
    variants/   each tutorial's own functions, in the TF1 style (inference, loss, optimizer)
    data/       files on disk or a download -> read_data_sets -> DataSet.next_batch
    tf.py, errors.py   the one TensorFlow import; the errors a user can cause and their exit status
"""

__version__ = "0.1.0"
