"""``tensorflow.contrib.learn.python.learn.datasets.base`` for legacy scripts.

``Datasets`` is the reader's; ``maybe_download(filename, work_directory, source_url)`` downloads as
TF1's did (through urllib, so the known MNIST and CIFAR-10 URLs are served from the local store,
see shims/data/urls.py) unless the file is there already.
"""

from __future__ import annotations

import os
import urllib.request

from tf1_tutorials.data import Datasets

__all__ = ["Datasets", "maybe_download"]


def maybe_download(filename: str, work_directory: str, source_url: str) -> str:
    """``work_directory/filename``, fetched from ``source_url`` first if it is not there."""
    os.makedirs(work_directory, exist_ok=True)
    filepath = os.path.join(work_directory, filename)
    if not os.path.exists(filepath):
        partial = f"{filepath}.part"
        urllib.request.urlretrieve(source_url, partial)
        os.replace(partial, filepath)
        print(f"Successfully downloaded {filename} {os.path.getsize(filepath)} bytes.")
    return filepath
