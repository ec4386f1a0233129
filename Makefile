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

# Install, then run the seed's first command on the bundled example repository.
demo: $(STAMP)
	cd examples/demo && ../../$(BIN)/python -m sdetkit gate fast --format json --stable-json --out build/gate-fast.json
	@echo "artifact: examples/demo/build/gate-fast.json"

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
	rm -rf $(VENV) build dist examples/demo/build
