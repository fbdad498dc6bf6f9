"""The IDX format of the MNIST files, parsed with NumPy alone.

Big-endian header: images are magic 2051, count, rows, cols, then count*rows*cols bytes; labels are
magic 2049, count, then count bytes. Every way a file can be wrong raises CorruptDatasetError naming
the file: a wrong magic, a short file, trailing bytes, or (in check_pair) image and label counts
that disagree. Nothing is allocated for the body before its length is checked against the header, so
a header announcing more than the file holds costs nothing, and an image size no array can have
(a zero side, or more pixels than NumPy can address) is refused rather than reshaped.
"""

from __future__ import annotations

import zlib

import numpy as np

from .errors import CorruptDatasetError

IMAGES_MAGIC = 2051
LABELS_MAGIC = 2049
GZIP_MAGIC = b"\x1f\x8b"


# The largest content a data file may decompress to: the biggest real one (MNIST's training
# images) is 47,040,016 bytes. Beyond this a file is refused before more memory is spent on it, so a
# small file that inflates a thousandfold cannot exhaust memory.
MAX_DECOMPRESSED = 256 << 20


def gunzip(data: bytes, name: str, limit: int = MAX_DECOMPRESSED) -> bytes:
    """The decompressed content of gzip ``data`` (every member, as ``gzip.decompress``);
    CorruptDatasetError if it is not whole gzip or would decompress to more than ``limit`` bytes."""
    if data[:2] != GZIP_MAGIC:
        raise CorruptDatasetError(name, "not a gzip file (its first bytes are not 1f 8b)")
    parts, size, rest = [], 0, data
    try:
        while rest:
            member = zlib.decompressobj(16 + zlib.MAX_WBITS)  # one gzip member
            parts.append(member.decompress(rest, limit - size + 1))
            size += len(parts[-1])
            if size > limit:
                raise CorruptDatasetError(
                    name, f"decompresses to more than {limit:,} bytes (no data file is that large)"
                )
            if not member.eof:
                raise EOFError("compressed file ended before the end-of-stream marker")
            rest = member.unused_data
            if rest.strip(b"\0") == b"":  # gzip tolerates zero padding after the last member
                break
    except (EOFError, zlib.error) as err:
        raise CorruptDatasetError(name, f"damaged gzip data ({err})") from None
    return b"".join(parts) if len(parts) > 1 else parts[0]


def _header(data: bytes, name: str, magic: int, words: int) -> list[int]:
    size = 4 * words
    if len(data) >= 4:  # a wrong magic says more than a short header, so check it first
        found = int.from_bytes(data[:4], "big")
        if found != magic:
            raise CorruptDatasetError(name, f"magic {found}, expected {magic}")
    if len(data) < size:
        raise CorruptDatasetError(
            name, f"truncated: {len(data)} bytes, shorter than the {size}-byte IDX header"
        )
    return np.frombuffer(data, dtype=">u4", count=words).tolist()


def _body(data: bytes, name: str, offset: int, expected: int, what: str) -> np.ndarray:
    found = len(data) - offset
    if found < expected:
        raise CorruptDatasetError(
            name, f"truncated: {what} need {expected} bytes after the header, found {found}"
        )
    if found > expected:
        raise CorruptDatasetError(
            name, f"{found - expected} unexpected bytes after the {what} the header announces"
        )
    return np.frombuffer(data, dtype=np.uint8, count=expected, offset=offset)


def parse_images(data: bytes, name: str) -> np.ndarray:
    """IDX image payload (decompressed) -> uint8 array [count, rows, cols, 1], as TF1 returned."""
    _, count, rows, cols = _header(data, name, IMAGES_MAGIC, 4)
    if rows == 0 or cols == 0:
        raise CorruptDatasetError(name, f"images of {rows}x{cols}: an image side of 0")
    if rows * cols > np.iinfo(np.intp).max:
        raise CorruptDatasetError(name, f"images of {rows}x{cols}: too large for any array")
    pixels = _body(data, name, 16, count * rows * cols, f"{count} images of {rows}x{cols}")
    return pixels.reshape(count, rows, cols, 1)


def parse_labels(data: bytes, name: str, num_classes: int = 10) -> np.ndarray:
    """IDX label payload (decompressed) -> uint8 array [count]; each label must be < num_classes."""
    _, count = _header(data, name, LABELS_MAGIC, 2)
    labels = _body(data, name, 8, count, f"{count} labels")
    check_label_range(labels, name, num_classes)
    return labels


def check_label_range(labels: np.ndarray, name: str, num_classes: int) -> None:
    bad = np.flatnonzero(labels >= num_classes)
    if bad.size:
        index = int(bad[0])
        raise CorruptDatasetError(
            name,
            f"label {int(labels[index])} at index {index} is outside 0-{num_classes - 1}"
            + (f" ({bad.size} such labels)" if bad.size > 1 else ""),
        )


def check_pair(images: np.ndarray, images_name: str, labels: np.ndarray, labels_name: str) -> None:
    """CorruptDatasetError when an image file and its label file hold different numbers of items."""
    if len(images) != len(labels):
        raise CorruptDatasetError(
            labels_name, f"{len(labels)} labels, but {images_name} has {len(images)} images"
        )


def check_images(data: bytes, name: str) -> None:
    parse_images(data, name)


def check_labels(data: bytes, name: str) -> None:
    parse_labels(data, name)
