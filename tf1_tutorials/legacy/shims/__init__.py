"""What a legacy run serves in place of TF1-era modules, one folder per family: ``tensorflow``
(the v1 API in graph mode and its fixes), ``keras`` (Keras 1/2 as it was), ``contrib`` (onto
tf-slim), ``estimator`` and ``data`` (the MNIST reader and the data URLs served locally). Every rule
they apply is in ``legacy/registry.py``; nothing here imports TensorFlow at import time."""
