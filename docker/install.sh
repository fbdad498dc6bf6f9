#!/bin/sh
# Install tf1-tutorials from the checkout in the current directory into PYTHON's environment.
# The Dockerfile runs this script, and so does `make docker-check` (in a fresh venv), so the image and
# the check install the same way; every version comes from setup.cfg, or for a TensorFlow variant from
# setup.cfg with the pins of constraints/<variant>.txt in place of the same-named ones.
#
#   docker/install.sh PYTHON            # setup.cfg as it is (TensorFlow 2.21)
#   docker/install.sh PYTHON tf215      # TensorFlow 2.15 (constraints/tf215.txt)
set -eu
python=$1
variant=${2:-}

if [ -z "$variant" ]; then
    "$python" -m pip install .
else
    overrides="constraints/$variant.txt"
    if [ ! -f "$overrides" ]; then
        echo "docker/install.sh: no $overrides (variants: $(ls constraints/*.txt))" >&2
        exit 2
    fi
    requirements=$(mktemp)
    trap 'rm -f "$requirements"' EXIT
    "$python" constraints/requirements.py --override "$overrides" >"$requirements"
    "$python" -m pip install --no-deps .
    "$python" -m pip install -r "$requirements"
fi
