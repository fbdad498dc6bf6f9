"""`tf1-tutorials measure ENTRY... --seeds 1-10`: run band entries under seeds and record them, or
judge one run of each with --check (:func:`tf1_tutorials.evidence.measure.measure`); --planned:
every entry under the seeds its band needs, as the catalogue (evidence/bands.py) says."""

from __future__ import annotations

import argparse
from pathlib import Path

from tf1_tutorials import reference_runtime
from tf1_tutorials.errors import UsageError
from tf1_tutorials.evidence import bands, store
from tf1_tutorials.evidence.measure import measure, parse_seeds


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("entries", nargs="*", help="band entries (default: all with --all)")
    parser.add_argument("--all", action="store_true", help="every entry in the default suite")
    parser.add_argument(
        "--short", action="store_true", help="every short entry (under a minute of training)"
    )
    parser.add_argument(
        "--planned",
        action="store_true",
        help="every band entry under seeds 1 to the number its band needs (10 for a "
        "default-suite entry, 3 for a full-length one unless it asks for more), the "
        "default-suite entries first",
    )
    parser.add_argument("--seeds", type=parse_seeds, help="e.g. 1-10 or 1,2,5 (default 1-10)")
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
        f"{store.REFERENCE_MEASUREMENTS_FILE.name}",
    )
    parser.add_argument(
        "--into",
        type=Path,
        help="the measurements file to record into (default: the one the bands come from, or "
        "the reference runtime's)",
    )


def main(args: argparse.Namespace) -> int:
    options = dict(
        check=args.check,
        missing=args.missing,
        jobs=args.jobs,
        workdir=args.workdir,
        into=args.into,
        runtime=args.runtime,
    )
    if args.planned:
        if args.entries or args.all or args.short or args.seeds or args.check:
            raise UsageError(
                "--planned measures every entry under the seeds its band needs: not with "
                "entries, --all, --short, --seeds or --check"
            )
        return max(measure(items, seeds, **options) for seeds, items in planned().items())
    try:
        items = [bands.entry(key) for key in args.entries]
    except KeyError as err:
        raise UsageError(err.args[0]) from None
    chooser = [flag for flag, given in (("--all", args.all), ("--short", args.short)) if given]
    if chooser and (items or len(chooser) > 1):
        named = " ".join([*args.entries, *chooser])
        raise UsageError(
            f"{named}: name entries, or choose them with --all or --short, one way only",
            hint="`tf1-tutorials measure ENTRY...` or `tf1-tutorials measure --all`",
        )
    if args.all or args.short:
        chosen = bands.is_short if args.short else (lambda item: item.ci)
        items += [item for item in bands.ENTRIES if chosen(item) and item not in items]
    if not items:
        raise UsageError("name entries or give --all or --short")
    return measure(items, args.seeds or parse_seeds("1-10"), **options)


def planned() -> dict[tuple[int, ...], list[bands.Entry]]:
    """Every band entry by the seeds its band needs (1 to ``Entry.seeds_needed``), the
    default-suite entries first."""
    groups: dict[tuple[int, ...], list[bands.Entry]] = {}
    for item in sorted(bands.ENTRIES, key=lambda item: not item.ci):
        groups.setdefault(tuple(range(1, item.seeds_needed + 1)), []).append(item)
    return groups
