"""`tf1-tutorials report`: REPORT.md and its plots (and report.html with --html) from the measured
runs, every file checked before anything is written
(:func:`tf1_tutorials.evidence.report.write_report`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from tf1_tutorials.errors import FileProblem, check_writable_dir
from tf1_tutorials.evidence import store
from tf1_tutorials.evidence.report import HTML_FILE, write_report


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--out", type=Path, default=Path("report"), help="output directory")
    parser.add_argument(
        "--html", action="store_true", help=f"also write {HTML_FILE}, one self-contained page"
    )
    parser.add_argument(
        "--from",
        dest="measurements",
        type=Path,
        default=store.MEASUREMENTS_FILE,
        metavar="FILE",
        help="the measured runs (default: the ones the bands come from)",
    )
    parser.add_argument(
        "--matrix",
        type=Path,
        default=store.MATRIX_MEASUREMENTS_FILE,
        metavar="FILE",
        help="the version matrix's measured runs (default: the TensorFlow 2.15 ones)",
    )
    parser.add_argument(
        "--reference",
        type=Path,
        default=store.REFERENCE_MEASUREMENTS_FILE,
        metavar="FILE",
        help="TensorFlow 1.15.5's measured runs (default: the committed ones)",
    )


def main(args: argparse.Namespace) -> int:
    """Every file is checked before anything is written; errors reach ``cli.main``."""
    measurements = store.read(args.measurements, "--from", must_exist=True)
    other = store.read(args.matrix, "--matrix", must_exist=True)
    reference = store.read(args.reference, "--reference", must_exist=True)
    # Each file must hold the runtime it is read as: TF 1.x for the witness, TF 2 for ours, and
    # for the matrix the one TensorFlow 2 release its first entry names (the other leg's).
    store.require_tensorflow(reference, "1.", f"--reference {args.reference}")
    store.require_tensorflow(measurements, "2.", f"--from {args.measurements}")
    store.require_tensorflow(other, store.release_of(other), f"--matrix {args.matrix}")
    ours, theirs = store.release_of(measurements), store.release_of(other)
    if ours == theirs:
        raise FileProblem(
            f"--matrix {args.matrix}: holds runs of TensorFlow {theirs}x, the same release as "
            f"--from {args.measurements}: the version matrix compares another TensorFlow"
        )
    check_writable_dir(args.out, "--out")
    report = write_report(args.out, measurements, other, html=args.html, reference=reference)
    print(f"wrote {report}" + (f" and {args.out / HTML_FILE}" if args.html else ""))
    return 0
