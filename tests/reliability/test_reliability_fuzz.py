"""Fuzzing the readers: whatever bytes a data file holds, the outcome is a correct parse or a
CorruptDatasetError naming the file, and nothing larger than the file is allocated.

Each target checks its parser against an independent oracle written here: an input the oracle
accepts must parse to exactly what the oracle says, and one it refuses must raise
CorruptDatasetError. Any other exception is counted as a crash and fails the test. Inputs are valid
files with random mutations (bytes flipped or overwritten, header words set to edge values such as
0 or 2**32 - 1, truncated anywhere, bytes inserted, deleted or appended), headers with chosen
fields and body lengths, and raw random bytes. CI runs 200 examples per target;
``TF1_TUTORIALS_FUZZ_EXAMPLES=10000`` (``make fuzz``) runs the long form, and the counts are shown
at the end of the pytest run.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import struct
import tarfile
import tempfile
import tracemalloc
import zlib
from pathlib import Path
from unittest import mock

import numpy as np
import pytest
from data_support import real_data_root
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from reliability_support import FUZZ_EXAMPLES, count

from tf1_tutorials.data import CorruptDatasetError, extract_images, extract_labels, idx, sources
from tf1_tutorials.data import cifar10 as cifar
from tf1_tutorials.data import mnist as mnist_module

FUZZ = settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SLACK = 64 << 10  # bytes any call may allocate besides what its input and output justify
GZIP_SLACK = 256 << 10  # zlib's window and state, and the decompressor's first output buffer
EDGE_WORDS = (0, 1, 2, 3, 27, 28, 29, 255, 2049, 2051, 2**16, 2**31 - 1, 2**31, 2**32 - 1)
INTP_MAX = int(np.iinfo(np.intp).max)


def call(section: str, target: str, name: str, function, *args):
    """``function(*args)`` -> (result or None, the CorruptDatasetError or None, peak bytes); any
    other exception is counted as a crash and re-raised."""
    tracemalloc.start()
    try:
        result, error = function(*args), None
    except CorruptDatasetError as err:
        result, error = None, err
    except Exception:
        count(section, target, "crashes")
        raise
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    count(section, target, "cases")
    count(section, target, "parsed" if error is None else "refused (CorruptDatasetError)")
    count(section, target, "crashes", 0)
    if error is not None:
        assert str(error).startswith(f"{name}: ") and error.reason, str(error)
    return result, error, peak


# --- inputs ------------------------------------------------------------------------------------


@st.composite
def mutated(draw, base: bytes, header_words: int = 0) -> bytes:
    """``base`` with 0-3 random mutations."""
    data = bytearray(base)
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(
            st.sampled_from(["flip", "set", "truncate", "append", "insert", "delete", "word"])
        )
        at = draw(st.integers(0, len(data))) if data else 0
        if kind == "flip" and data:
            data[min(at, len(data) - 1)] ^= draw(st.integers(1, 255))
        elif kind == "set" and data:
            data[min(at, len(data) - 1)] = draw(st.integers(0, 255))
        elif kind == "truncate":
            del data[at:]
        elif kind == "append":
            data += draw(st.binary(min_size=1, max_size=64))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del data[at : at + draw(st.integers(1, 16))]
        elif kind == "word" and header_words:
            word = 4 * draw(st.integers(0, header_words - 1))
            value = draw(st.sampled_from(EDGE_WORDS) | st.integers(0, 2**32 - 1))
            data[word : word + 4] = struct.pack(">I", value)
    return bytes(data)


@st.composite
def images_files(draw) -> bytes:
    count_, rows, cols = draw(st.integers(0, 4)), draw(st.integers(1, 6)), draw(st.integers(1, 6))
    if draw(st.booleans()):
        rows = cols = 28
        count_ = min(count_, 2)
    pixels = draw(st.binary(min_size=count_ * rows * cols, max_size=count_ * rows * cols))
    valid = struct.pack(">IIII", 2051, count_, rows, cols) + pixels
    return draw(mutated(valid, header_words=4))


@st.composite
def labels_files(draw) -> bytes:
    labels = draw(st.lists(st.integers(0, 9) | st.integers(0, 255), max_size=40))
    valid = struct.pack(">II", 2049, len(labels)) + bytes(labels)
    return draw(mutated(valid, header_words=2))


@st.composite
def idx_headers(draw, magic: int, words: int) -> bytes:
    """A header with each field an edge value or random, and a body of a chosen length."""
    fields = [draw(st.sampled_from([magic, magic, 2049, 2051, 0, 2**32 - 1]))]
    fields += [
        draw(st.sampled_from(EDGE_WORDS) | st.integers(0, 2**32 - 1)) for _ in range(words - 1)
    ]
    announced = 1
    for field in fields[1:]:
        announced *= field
    length = draw(
        st.sampled_from([0, 1, announced - 1, announced, announced + 1]) | st.integers(0, 300)
    )
    fill = draw(st.integers(0, 255))  # 0-9: the labels of a label file are valid
    return struct.pack(f">{words}I", *fields) + bytes([fill]) * max(0, min(length, 4096))


def idx_inputs(valid_files, magic: int, words: int):
    return valid_files | idx_headers(magic, words) | st.binary(max_size=64)


@st.composite
def gzipped(draw, payloads) -> bytes:
    """A gzip file of a drawn payload (various wrappers, now and then two members), mutated."""
    payload = draw(payloads)
    level, mtime = draw(st.integers(0, 9)), draw(st.integers(0, 2**32 - 1))
    if draw(st.booleans()):
        buffer = io.BytesIO()
        with gzip.GzipFile("t10k.idx", "wb", level, buffer, mtime) as out:  # with a file name
            out.write(payload)
        data = buffer.getvalue()
    elif len(payload) > 1 and draw(st.booleans()):
        cut = draw(st.integers(1, len(payload) - 1))
        data = gzip.compress(payload[:cut], level, mtime=mtime) + gzip.compress(payload[cut:])
    else:
        data = gzip.compress(payload, level, mtime=mtime)
    return draw(mutated(data))


@st.composite
def record_files(draw) -> bytes:
    n = draw(st.integers(1, 3))
    labels = draw(st.lists(st.integers(0, 9) | st.integers(0, 255), min_size=n, max_size=n))
    pixels = draw(st.binary(min_size=64, max_size=64)) * 48  # 3,072 bytes a record
    valid = b"".join(bytes([label]) + pixels[i:] + pixels[:i] for i, label in enumerate(labels))
    return draw(mutated(valid))


@st.composite
def record_lengths(draw) -> bytes:
    n = draw(st.integers(0, 3))
    delta = draw(st.sampled_from([0, 0, -1, 1, -3072, 3072]) | st.integers(-50, 50))
    fill = draw(st.integers(0, 9) | st.integers(0, 255))  # every byte, the labels too
    return bytes([fill]) * max(0, n * cifar.RECORD_BYTES + delta)


record_inputs = record_files() | record_lengths() | st.binary(max_size=64)


# --- oracles -------------------------------------------------------------------------------------


def expected_images(data: bytes):
    if len(data) < 16 or struct.unpack(">I", data[:4])[0] != 2051:
        return None
    n, rows, cols = struct.unpack(">III", data[4:16])
    if rows == 0 or cols == 0 or rows * cols > INTP_MAX or len(data) != 16 + n * rows * cols:
        return None
    return n, rows, cols, data[16:]


def expected_labels(data: bytes):
    if len(data) < 8 or struct.unpack(">I", data[:4])[0] != 2049:
        return None
    n = struct.unpack(">I", data[4:8])[0]
    if len(data) != 8 + n or any(b >= 10 for b in data[8:]):
        return None
    return list(data[8:])


def gunzipped(data: bytes):
    """What Python's gzip module makes of ``data`` (None: it refuses it)."""
    if data[:2] != b"\x1f\x8b":
        return None
    try:
        return gzip.decompress(data)
    except (EOFError, OSError, zlib.error):
        return None


def check_images(data: bytes, images) -> None:
    expected = expected_images(data)
    if expected is None:
        assert images is None, "a file the oracle refuses was parsed"
        return
    n, rows, cols, pixels = expected
    assert images is not None, "a valid file was refused"
    assert images.shape == (n, rows, cols, 1) and images.dtype == np.uint8
    assert images.tobytes() == pixels


def check_labels(data: bytes, labels) -> None:
    expected = expected_labels(data)
    if expected is None:
        assert labels is None, "a file the oracle refuses was parsed"
        return
    assert labels is not None, "a valid file was refused"
    assert labels.dtype == np.uint8 and labels.tolist() == expected


# --- targets -------------------------------------------------------------------------------------


@FUZZ
@given(idx_inputs(images_files(), 2051, 4))
def test_idx_images_parse_or_are_refused_by_name(data):
    images, _, peak = call(
        "fuzz", "idx.parse_images", "x-images", idx.parse_images, data, "x-images"
    )
    check_images(data, images)
    assert peak <= SLACK  # a view of the input: nothing in proportion to what a header announces


@FUZZ
@given(idx_inputs(labels_files(), 2049, 2))
def test_idx_labels_parse_or_are_refused_by_name(data):
    labels, _, peak = call(
        "fuzz", "idx.parse_labels", "x-labels", idx.parse_labels, data, "x-labels"
    )
    check_labels(data, labels)
    assert peak <= len(data) + SLACK


@FUZZ
@given(
    gzipped(idx_inputs(images_files(), 2051, 4))
    | st.binary(max_size=64).map(lambda b: b"\x1f\x8b" + b)
)
def test_gzipped_image_files_read_or_are_refused_by_name(data):
    f = io.BytesIO(data)
    f.name = "/data/train-images-idx3-ubyte.gz"
    images, error, peak = call(
        "fuzz", "extract_images (gzip + IDX)", "train-images-idx3-ubyte.gz", extract_images, f
    )
    payload = gunzipped(data)
    if payload is None:
        assert error is not None, "damaged gzip data was read"
    else:
        check_images(payload, images)
        assert peak <= 3 * len(payload) + 2 * len(data) + GZIP_SLACK


@FUZZ
@given(gzipped(idx_inputs(labels_files(), 2049, 2)))
def test_gzipped_label_files_read_or_are_refused_by_name(data):
    f = io.BytesIO(data)
    f.name = "t10k-labels-idx1-ubyte.gz"
    labels, error, peak = call(
        "fuzz", "extract_labels (gzip + IDX)", "t10k-labels-idx1-ubyte.gz", extract_labels, f
    )
    payload = gunzipped(data)
    if payload is None:
        assert error is not None, "damaged gzip data was read"
    else:
        check_labels(payload, labels)
        assert peak <= 4 * len(payload) + 2 * len(data) + GZIP_SLACK


@pytest.mark.parametrize(
    ("header", "body", "reason"),
    [
        ((2051, 2**31, 28, 28), 100, "truncated: 2147483648 images of 28x28 need 1683627180032 "),
        ((2051, 2**32 - 1, 2**16 - 1, 2**16 - 1), 0, "truncated: 4294967295 images of 65535x"),
        ((2051, 2**32 - 1, 2**32 - 1, 2**32 - 1), 0, "images of 4294967295x4294967295: too"),
        ((2051, 0, 2**32 - 1, 2**32 - 1), 0, "images of 4294967295x4294967295: too large for any"),
        ((2051, 3, 0, 28), 0, "images of 0x28: an image side of 0"),
        ((2051, 2**32 - 1, 28, 0), 0, "images of 28x0: an image side of 0"),
        ((2049, 2**32 - 1), 10, "truncated: 4294967295 labels need 4294967295 bytes after the "),
    ],
)
def test_headers_announcing_huge_or_empty_sets_are_refused_without_allocating(header, body, reason):
    data = struct.pack(f">{len(header)}I", *header) + b"\x01" * body
    parse = idx.parse_images if header[0] == 2051 else idx.parse_labels
    _, error, peak = call("fuzz", "idx edge headers", "x", parse, data, "x")
    assert error is not None and error.reason.startswith(reason), error
    assert peak <= SLACK


def test_an_empty_image_set_with_a_sane_size_parses():
    images = idx.parse_images(struct.pack(">IIII", 2051, 0, 28, 28), "x")
    assert images.shape == (0, 28, 28, 1)


@pytest.fixture(scope="module")
def real_test_labels() -> bytes:
    return (real_data_root() / "mnist" / "t10k-labels-idx1-ubyte.gz").read_bytes()


def test_the_published_test_labels_file_mutated_is_refused_by_its_digest_check(real_test_labels):
    spec = next(s for s in mnist_module.FILES if s.name == mnist_module.TEST_LABELS)

    @FUZZ
    @given(mutated(real_test_labels))
    def mutate(data):
        payload, error, _ = call("fuzz", "MNIST FileSpec.payload", spec.name, spec.payload, data)
        original = gzip.decompress(real_test_labels)
        if gunzipped(data) == original:  # the same content (a mutation gzip does not see)
            assert payload == original
        else:
            assert error is not None, "a file that is not the published one was accepted"

    mutate()


def expected_records(data: bytes):
    if not data or len(data) % cifar.RECORD_BYTES:
        return None
    if any(label >= 10 for label in data[0 :: cifar.RECORD_BYTES]):
        return None
    return len(data) // cifar.RECORD_BYTES


@FUZZ
@given(record_inputs, st.integers(0, 2**16))
def test_cifar_records_parse_or_are_refused_by_name(data, probe):
    result, _, peak = call(
        "fuzz",
        "cifar10.parse_records",
        "data_batch_9.bin",
        cifar.parse_records,
        data,
        "data_batch_9.bin",
    )
    n = expected_records(data)
    if n is None:
        assert result is None, "a file the oracle refuses was parsed"
        return
    assert result is not None, "a valid file was refused"
    images, labels = result
    assert images.shape == (n, 32, 32, 3) and labels.shape == (n,)
    assert labels.tolist() == list(data[0 :: cifar.RECORD_BYTES])
    # One pixel, from the record layout: label, then the red, green and blue 32x32 planes.
    i, y, x, channel = probe % n, (probe >> 2) % 32, (probe >> 7) % 32, (probe >> 12) % 3
    assert (
        images[i, y, x, channel] == data[i * cifar.RECORD_BYTES + 1 + channel * 1024 + y * 32 + x]
    )
    assert peak <= 2 * len(data) + SLACK


@FUZZ
@given(record_inputs, st.sampled_from(["test_batch.bin", "test_batch_first1000.bin", "mine.bin"]))
def test_cifar_file_checks_accept_only_whole_records_and_known_files(data, name):
    spec = cifar.file_spec(name)
    payload, error, _ = call("fuzz", "cifar10 FileSpec.payload", name, spec.payload, data)
    if name == "mine.bin":  # no digest: the structure alone decides
        assert (payload is not None) == (expected_records(data) is not None)
    else:  # a digest: these few records are never the published file
        assert error is not None


# --- archives ------------------------------------------------------------------------------------

ARCHIVE_TARGET = "sources._from_archive (tar.gz members)"
MEMBER = b"the member's verified content\n" * 20
MEMBER_SPEC = sources.FileSpec("x.bin", "sha256", hashlib.sha256(MEMBER).hexdigest())


@st.composite
def archives(draw) -> bytes:
    """A tar.gz holding batches/x.bin, with tar-level changes (names, types, links), and maybe
    mutated as bytes."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for _ in range(draw(st.integers(1, 3))):
            name = draw(
                st.sampled_from(["batches/x.bin", "batches/y.bin", "/batches/x.bin", "../x.bin"])
                | st.sampled_from(["batches/../batches/x.bin", "batches", "batches/x.bin/"])
            )
            info = tarfile.TarInfo(name)
            info.type = draw(
                st.sampled_from(
                    [tarfile.REGTYPE] * 4
                    + [
                        tarfile.DIRTYPE,
                        tarfile.SYMTYPE,
                        tarfile.LNKTYPE,
                        tarfile.CHRTYPE,
                        tarfile.FIFOTYPE,
                    ]
                )
            )
            info.linkname = draw(st.sampled_from(["batches/y.bin", "/etc/passwd", "../../x"]))
            data = draw(st.sampled_from([MEMBER, MEMBER[:-1], b""]))
            info.size = len(data) if info.isreg() else 0
            tar.addfile(info, io.BytesIO(data) if info.isreg() else None)
    return draw(mutated(buffer.getvalue())) if draw(st.booleans()) else buffer.getvalue()


@pytest.fixture(scope="module")
def scratch():
    with tempfile.TemporaryDirectory() as directory:
        yield Path(directory)


def test_archives_with_any_members_give_a_verified_file_or_a_stated_reason(scratch):
    @FUZZ
    @given(archives())
    def extract(data):
        target = Path(tempfile.mkdtemp(dir=scratch)) / "target"
        target.mkdir()
        archive = sources.ArchiveSpec(
            "t.tar.gz", "md5", hashlib.md5(data).hexdigest(), "batches", frozenset({"x.bin"})
        )  # under the archive's own digest: every archive here reaches extraction

        def download(url, sink):
            sink.write(data)
            sink.close()

        payloads, attempts = {}, {"x.bin": []}
        url = "http://127.0.0.1:9/t.tar.gz"
        try:
            with mock.patch.object(sources, "_download", download):
                sources._from_archive([MEMBER_SPEC], archive, [url], target, payloads, attempts)
        except Exception:
            count("fuzz", ARCHIVE_TARGET, "crashes")
            raise
        count("fuzz", ARCHIVE_TARGET, "cases")
        count("fuzz", ARCHIVE_TARGET, "crashes", 0)
        stored = sorted(p.name for p in target.parent.rglob("*") if p != target)
        if payloads:
            assert payloads == {"x.bin": MEMBER} and stored == ["x.bin"]
            assert (target / "x.bin").read_bytes() == MEMBER
            count("fuzz", ARCHIVE_TARGET, "extracted (verified)")
        else:
            assert stored == [] and len(attempts["x.bin"]) == 1, attempts
            reason = attempts["x.bin"][0]
            allowed = (
                "the archive has no",
                "is a folder",
                "damaged archive",
                "is refused",
                "x.bin: ",
            )
            assert any(a in reason for a in allowed), reason
            count("fuzz", ARCHIVE_TARGET, "refused (a stated reason)")

    extract()
