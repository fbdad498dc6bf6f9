"""Reports how it was run (as JSON on stdout), then exits as argv asks: `exit N`, `raise`, or 0."""

import json
import os
import sys

print(
    json.dumps(
        {
            "argv": sys.argv,
            "name": __name__,
            "file": __file__,
            "path0": sys.path[0],
            "cwd": os.getcwd(),
            "tensorflow_imported": "tensorflow" in sys.modules,
        }
    )
)
sys.stdout.flush()


def fail():
    raise ValueError("failing as asked")


if sys.argv[1:2] == ["exit"]:
    sys.exit(int(sys.argv[2]))
if sys.argv[1:2] == ["raise"]:
    fail()
