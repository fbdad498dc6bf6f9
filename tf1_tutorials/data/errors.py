"""The two ways getting data fails: a file is not what it should be, or no good copy exists."""

from __future__ import annotations


class CorruptDatasetError(ValueError):
    """A data file is damaged or is not the file it is named after.

    The message starts with the file name and says what is wrong with it, for example
    ``t10k-labels-idx1-ubyte.gz: magic 2051, expected 2049``.
    """

    def __init__(self, filename: str, reason: str):
        super().__init__(f"{filename}: {reason}")
        self.filename = filename
        self.reason = reason


class DataSourceError(OSError):
    """No good copy of one or more data files could be had from any source.

    The message names each file, the directory it was wanted in, every source tried (the
    directory itself, the local source named by ``TF1_TUTORIALS_DATA``, each mirror) and why
    each one failed.
    """
