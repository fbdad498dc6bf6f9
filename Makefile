# One entry point for set-up, tests and runs. Every target builds the virtualenv on first use.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Real data beside the checkout (developers, CI) is used as the local source; elsewhere the reader downloads.
TF1_TUTORIALS_DATA ?= $(abspath $(wildcard ../shared/datasets))
export TF1_TUTORIALS_DATA

PYTEST := $(BIN)/python -m pytest

TF115_PYTHON ?=
export TF115_PYTHON

.PHONY: install test test-fast lint format chromium notebooks accuracy accuracy-full run-% measure report bench fuzz \
	stress clean-venv test-tf215 matrix docker docker-tf215 docker-check docker-verify

install: $(STAMP)

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/hadolint docker/Dockerfile

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The default suite: lint, unit tests and the accuracy entries at CI length (not the `slow` full-length
# ones) on TensorFlow 2.21, then the version matrix's CI leg on TensorFlow 2.15 (test-tf215).
# The real-data tests fail here (TF1_TUTORIALS_REQUIRE_DATA) rather than skip when the data is absent.
# Two pytest-xdist workers (TEST_WORKERS=0 for one process): tests are handed out one at a time,
# except each module marked xdist_group, which one worker takes whole for its module fixture.
TEST_WORKERS ?= 2
XDIST = $(if $(filter 0,$(TEST_WORKERS)),,-n $(TEST_WORKERS) --dist loadgroup)
test: lint chromium tf115-where-possible
	TF1_TUTORIALS_REQUIRE_DATA=1 $(PYTEST) $(XDIST) -m "not slow" --durations=15
	$(MAKE) test-tf215

# The first two tiers (tests/unit: no TensorFlow, no data; tests/graph: compose, the loop and the
# recorder in one process) without the real data: under a minute on 2 cores. What needs the data is
# skipped, with the reason.
test-fast: $(STAMP)
	TF1_TUTORIALS_DATA= $(PYTEST) -m "not slow and not accuracy" --durations=5 tests/unit tests/graph

# Debian's headless chromium, for the tests that open pages in it (TensorBoard, report.html):
# installed as root when missing; elsewhere the target says what to install and fails.
chromium:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } || \
		{ echo "chromium: Debian's chromium package is missing and could not be installed \
	(run as root, or apt-get install chromium)" >&2; exit 1; }

accuracy: $(STAMP)
	$(PYTEST) -m "accuracy and not slow"

accuracy-full: $(STAMP)
	$(PYTEST) -m accuracy

# Execute the notebooks top to bottom (tests/integration/test_notebooks.py, part of make test):
# NOTEBOOK_STEPS training steps per run; empty for each recipe's own length (experts: 20,000 steps).
NOTEBOOK_STEPS ?= 50
notebooks: $(STAMP)
	TF1_TUTORIALS_NOTEBOOK_STEPS=$(NOTEBOOK_STEPS) $(PYTEST) tests/integration/test_notebooks.py

run-%: $(STAMP)
	$(BIN)/tf1-tutorials run $*

# Measure every band entry into tf1_tutorials/evidence/measurements.json under the seeds its band
# needs, as evidence/bands.py says (Entry.seeds_needed: the CI entries 1-10, experts-20000 1-5, the
# other full-length recipes 1-3; a day on 2 cores). Each run is recorded as it finishes, and a seed
# already recorded with this TensorFlow and oneDNN setting is not run again (MEASURE_FLAGS= to
# re-measure everything); `make report` then writes the report.
MEASURE_FLAGS ?= --missing
measure: $(STAMP)
	$(BIN)/tf1-tutorials measure --planned $(MEASURE_FLAGS)

report: $(STAMP)
	$(BIN)/tf1-tutorials report --out report --html

# Benchmarks (bench/): tens of minutes on 2 cores, the CI accuracy suite included; run on a quiet
# machine. Writes bench/results.json and BENCHMARKS.md. BENCH_FLAGS=--quick checks every script runs.
# The experts step on TensorFlow 1.15.5 and intel-tensorflow 1.15.2 (bench/tf115.py) runs where
# `make tf115` and `make tf115-mkl` built them ($(VENV_TF115), $(VENV_TF115_MKL)).
BENCH_FLAGS ?=
bench: $(STAMP)
	TF1_TUTORIALS_TF115_VENV=$${TF1_TUTORIALS_TF115_VENV:-$(abspath $(VENV_TF115))} \
	TF1_TUTORIALS_TF115_MKL_VENV=$${TF1_TUTORIALS_TF115_MKL_VENV:-$(abspath $(VENV_TF115_MKL))} \
		$(BIN)/python bench/run_all.py $(BENCH_FLAGS)

# Reliability, long forms (the default suite runs the same tests at CI size). Counts are printed at
# the end; TF1_TUTORIALS_RELIABILITY_REPORT=file.json also writes them as JSON.
FUZZ_EXAMPLES ?= 10000
fuzz: $(STAMP)
	TF1_TUTORIALS_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(PYTEST) tests/reliability/test_reliability_fuzz.py

# 60 cut downloads, 5 rounds of 8 concurrent readers, hostile archives, filesystem faults,
# interrupted and resumed training runs.
stress: $(STAMP)
	TF1_TUTORIALS_STRESS=1 $(PYTEST) tests/reliability/test_reliability_downloads.py \
		tests/reliability/test_reliability_concurrency.py \
		tests/reliability/test_reliability_archives.py \
		tests/reliability/test_reliability_filesystem.py \
		tests/reliability/test_reliability_training.py

clean-venv:
	rm -rf $(VENV)

# --- TensorFlow version matrix -------------------------------------------------------------------
# The TensorFlow 2.15 (Keras 2) leg: the same package, editable, with setup.cfg's pins except those
# constraints/tf215.txt replaces (it says why the package goes in with --no-deps).
VENV_TF215 ?= .venv-tf215
STAMP_TF215 := $(VENV_TF215)/.installed
MATRIX_MARKS ?= not slow

$(STAMP_TF215): setup.cfg pyproject.toml constraints/tf215.txt constraints/requirements.py
	$(PYTHON) -m venv $(VENV_TF215)
	$(VENV_TF215)/bin/python -m pip install --quiet --upgrade pip
	$(VENV_TF215)/bin/python constraints/requirements.py --extra test \
		--override constraints/tf215.txt > $(VENV_TF215)/requirements.txt
	$(VENV_TF215)/bin/python -m pip install --quiet --no-deps -e .
	$(VENV_TF215)/bin/python -m pip install --quiet -r $(VENV_TF215)/requirements.txt
	touch $(STAMP_TF215)

# The CI leg on TensorFlow 2.15 (and NumPy 1.26): the unit tests of what either library touches (the
# TensorFlow entry point, the reader and its fuzzed parsers, every variant, the legacy runner, the
# cluster) and the short accuracy entries (`short`: under a minute of training), judged against the
# bands measured on 2.21. The tests of downloads, archives, locks, file-system faults and interrupts
# run on 2.21 only: they test the project's own file and process handling; so do the Keras variants'
# few-step loss checks, since the Keras accuracy entries train the same models further on 2.15.
TF215_CI_TESTS ?= tests/integration/test_tf_entry.py tests/unit/test_data_mnist.py \
	tests/unit/test_data_cifar10.py tests/unit/test_data_dataset.py tests/unit/test_data_cache.py \
	tests/reliability/test_reliability_fuzz.py tests/graph/test_variants_graph.py \
	tests/integration/test_variants_keras.py tests/integration/test_legacy.py \
	tests/integration/test_cluster.py tests/accuracy/test_accuracy.py
test-tf215: $(STAMP_TF215)
	TF1_TUTORIALS_REQUIRE_DATA=1 $(VENV_TF215)/bin/python -m pytest $(XDIST) -m "(not accuracy and not slow) or short" --durations=10 \
		-k "not (test_variants_keras and lowers_the_loss)" $(TF215_CI_TESTS)

# The default suite on both TensorFlows (MATRIX_MARKS= for every test, the full-length runs too).
matrix: lint $(STAMP_TF215)
	$(PYTEST) -m "$(MATRIX_MARKS)"
	$(VENV_TF215)/bin/python -m pytest -m "$(MATRIX_MARKS)"

# --- The reference runtime: TensorFlow 1.15.5 on Python 3.7 (optional) -----------------------------
# `make tf115` builds .venv-tf115 from constraints/tf115.txt with a Python 3.7: $(TF115_PYTHON) if
# set, else python3.7 on PATH, else pyenv's newest 3.7 (tf1_tutorials/reference_runtime.py finds it;
# without one it says so in one line and fails). `make tf115-mkl`: intel-tensorflow 1.15.2 beside it,
# for `make bench`. Nothing else needs either.
VENV_TF115 ?= .venv-tf115
VENV_TF115_MKL ?= .venv-tf115-mkl
FIND_PYTHON37 = $(PYTHON) -m tf1_tutorials.reference_runtime find-python

.PHONY: tf115 tf115-mkl tf115-where-possible
tf115: $(VENV_TF115)/.installed

# make test's step: the reference runtime where a Python 3.7 is found (its tests then run live),
# else the one line saying why not (its tests then skip, saying so too).
tf115-where-possible:
	@if $(FIND_PYTHON37) >/dev/null 2>&1; then $(MAKE) --no-print-directory tf115; \
	else $(FIND_PYTHON37) 2>&1 | sed 's/^make tf115: /make test: skipping the reference runtime: /'; fi
tf115-mkl: $(VENV_TF115_MKL)/.installed

$(VENV_TF115)/.installed $(VENV_TF115_MKL)/.installed: $(VENV_TF115)%/.installed: constraints/tf115%.txt
	@python37=$$($(FIND_PYTHON37)) && \
	if [ -e $(VENV_TF115)$*/bin/python ] || [ -L $(VENV_TF115)$*/bin/python ]; then \
		$(VENV_TF115)$*/bin/python -c 'import sys; sys.exit(sys.version_info[:2] != (3, 7))' \
		2>/dev/null || { echo "$(VENV_TF115)$*: left by a build from another interpreter than \
	Python 3.7 (it never finished): removing it to build it anew" >&2; rm -rf $(VENV_TF115)$*; }; \
	fi && \
	echo "$(VENV_TF115)$*: building from $$python37" && \
	"$$python37" -m venv $(VENV_TF115)$* && \
	$(VENV_TF115)$*/bin/python -m pip install --quiet --upgrade "pip==23.3.2" && \
	$(VENV_TF115)$*/bin/python -m pip install --quiet --no-deps -r $< && \
	touch $@

# --- Docker ---------------------------------------------------------------------------------------
IMAGE ?= tf1-tutorials
# Empty: TensorFlow as pinned in setup.cfg; tf215: constraints/tf215.txt (docker-check, docker-tf215).
TF_VARIANT ?=
DOCKER_ENGINE_CHECK = docker info >/dev/null 2>&1 || { echo "$@: no Docker engine is reachable \
(docker info failed), so no image was built. Without one, make docker-verify builds both images \
with buildah and runs the tutorials in them." >&2; exit 1; }

docker:
	@$(DOCKER_ENGINE_CHECK)
	docker build -f docker/Dockerfile -t $(IMAGE) .

docker-tf215:
	@$(DOCKER_ENGINE_CHECK)
	docker build -f docker/Dockerfile --build-arg TF_VARIANT=tf215 -t $(IMAGE):tf215 .

# What the image's RUN line does (docker/install.sh), in a fresh venv in a temporary directory, then
# the image's command line tool from outside the checkout. Downloads TensorFlow unless pip has it cached.
docker-check:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && set -e && \
	echo "docker-check: installing into $$tmp/venv (TF_VARIANT=$(TF_VARIANT))" && \
	$(PYTHON) -m venv "$$tmp/venv" && \
	docker/install.sh "$$tmp/venv/bin/python" $(TF_VARIANT) && \
	cd "$$tmp" && \
	"$$tmp/venv/bin/tf1-tutorials" list && \
	"$$tmp/venv/bin/tf1-tutorials" run --help >/dev/null && \
	echo "docker-check: ok"

# Build both images (TensorFlow as pinned, and tf215) and run the tutorials in each as its non-root
# user with the real data mounted read-only: list, a band entry judged against its band, experts
# resumed across two runs sharing /data, a legacy script (docker/verify.py says what each checks).
# With a Docker engine it uses that; else buildah as root, installed here when missing, on the
# Dockerfile's base image or, where that cannot be pulled, a local stand-in (docker/standin-base.sh)
# kept in DOCKER_CACHE.
DOCKER_CACHE ?= /var/cache/tf1-tutorials
DOCKER_VERIFY_TOOLS := buildah debootstrap

docker-verify: $(STAMP)
	@docker info >/dev/null 2>&1 || { \
	missing=$$(for tool in $(DOCKER_VERIFY_TOOLS); do command -v $$tool >/dev/null || echo $$tool; done); \
	[ -z "$$missing" ] || { echo "docker-verify: apt-get install" $$missing; \
	apt-get install -y -q $$missing >/dev/null || { apt-get update -q >/dev/null && \
	apt-get install -y -q $$missing >/dev/null; }; }; }
	$(BIN)/python docker/verify.py --image $(IMAGE) --cache $(DOCKER_CACHE)
