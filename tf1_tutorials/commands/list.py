"""`tf1-tutorials list`: each variant, its description, documented figure and, where Korean class
material names the tutorial its own way, that name (no TensorFlow)."""

from __future__ import annotations

import argparse

from tf1_tutorials.variants import VARIANTS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--names", action="store_true", help="print only the variant names, one a line"
    )


def main(args: argparse.Namespace) -> int:
    if args.names:
        print("\n".join(VARIANTS))
        return 0
    width = max(len(name) for name in VARIANTS)
    for variant in VARIANTS.values():
        print(f"{variant.name:<{width}}  {variant.description}")
        print(f"{'':<{width}}  documented: {variant.documented}")
        if variant.korean:
            print(f"{'':<{width}}  한국어: {variant.korean}")
    return 0
