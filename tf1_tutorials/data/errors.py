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

    def summary(self) -> tuple[str, str | None]:
        """The message in one line, and its closing advice: the files and directory, and what
        each source said about the first file (the mirrors' failures by kind of error)."""
        lines = str(self).splitlines()
        headline = lines[0].rstrip(":")
        advice = lines[-1] if len(lines) > 2 and not lines[-1].startswith(" ") else None
        attempts = []
        for line in lines[2:]:
            if not line.startswith("    "):
                break
            attempts.append(line.strip())
        local = [attempt for attempt in attempts if "://" not in attempt.split(": ", 1)[0]]
        remote = [attempt.split(": ", 2)[1] for attempt in attempts if attempt not in local]
        if remote:
            local.append(f"{len(remote)} mirror(s): {', '.join(sorted(set(remote)))}")
        detail = f" ({'; '.join(local)})" if local else ""
        return headline + detail, advice
