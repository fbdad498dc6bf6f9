"""`tf1-tutorials measure ENTRY... --seeds 1-10`: run band entries under seeds and record them, or
judge one run of each with --check (:func:`tf1_tutorials.evidence.measure.measure`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from tf1_tutorials.errors import UsageError
from tf1_tutorials.evidence import bands, reference_runtime
from tf1_tutorials.evidence.measure import measure, parse_seeds


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("entries", nargs="*", help="band entries (default: all with --all)")
    parser.add_argument("--all", action="store_true", help="every entry in the default suite")
    parser.add_argument(
        "--short", action="store_true", help="every short entry (under a minute of training)"
    )
    parser.add_argument("--seeds", type=parse_seeds, default=parse_seeds("1-10"))
    parser.add_argument("--jobs", type=int, default=1, help="runs at a time")
    parser.add_argument("--check", action="store_true", help="judge one run per entry")
    parser.add_argument(
        "--missing",
        action="store_true",
        help="skip the seeds --into already holds runs of, made with this TensorFlow and oneDNN "
        "setting (to continue an interrupted measurement)",
    )
    parser.add_argument("--workdir", type=Path, help="where runs write (default: a temp dir)")
    parser.add_argument(
        "--runtime",
        choices=("project", reference_runtime.RUNTIME),
        default="project",
        help="project: train the variant here (default); tf1.15: run the entry's reference script "
        f"on TensorFlow {reference_runtime.TENSORFLOW} (make tf115), recorded by default into "
        f"{bands.REFERENCE_MEASUREMENTS_FILE.name}",
    )
    parser.add_argument(
        "--into",
        type=Path,
        help="the measurements file to record into (default: the one the bands come from, or "
        "the reference runtime's)",
    )


def main(args: argparse.Namespace) -> int:
    try:
        items = [bands.entry(key) for key in args.entries]
    except KeyError as err:
        raise UsageError(err.args[0]) from None
    if args.all or args.short:
        chosen = bands.is_short if args.short else (lambda item: item.ci)
        items += [item for item in bands.ENTRIES if chosen(item) and item not in items]
    if not items:
        raise UsageError("name entries or give --all or --short")
    return measure(
        items,
        args.seeds,
        check=args.check,
        missing=args.missing,
        jobs=args.jobs,
        workdir=args.workdir,
        into=args.into,
        runtime=args.runtime,
    )
