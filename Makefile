# The two set-up commands of the README. Both work on a fresh machine with Python 3.10+, git and make.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench-quick install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

install: $(STAMP)

# Install, then a week of a rollout program end to end on the bundled examples (examples/run_demo.py):
# the stage gate command set and `decide` in a healthy and a failing repository, a program repository
# with its SQLite store, the week's scorecard, KPI payload and executive report, `rollout status`.
# Everything it makes is under build/demo; the checkout stays clean.
demo: $(STAMP)
	$(BIN)/python examples/run_demo.py

# Install, then the whole suite: sdetkit's own fast gate on itself (lint, format, mypy --strict),
# every benchmark in its quick mode (so none can rot; they do not judge targets there), then every
# test, slow end-to-end ones included.
test: $(STAMP)
	bash scripts/ci/services.sh
	$(BIN)/python -m sdetkit gate fast --skip tests --no-cache
	$(MAKE) bench-quick
	$(BIN)/python -m pytest -q -p no:cacheprovider -n auto --dist worksteal --durations=15

bench-quick: $(STAMP)
	@for bench in benchmarks/bench_*.py; do \
		echo "== $$bench --quick"; \
		$(BIN)/python $$bench --quick || { echo "$$bench --quick failed"; exit 1; }; \
	done

clean:
	rm -rf $(VENV) build dist
