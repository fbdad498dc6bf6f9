"""``python -m tf1_tutorials.legacy SCRIPT.py [ARGS...]``: the same as `tf1-tutorials legacy`."""

import argparse
import sys

from tf1_tutorials.legacy import run as runner


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tf1_tutorials.legacy",
        description="Run an unmodified TensorFlow 1.x script on current TensorFlow.",
    )
    runner.add_arguments(parser)
    return runner.main(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
