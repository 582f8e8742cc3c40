# baton-sf: the two commands a new user needs are `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SPEC_DIR ?= specs
DEMO_STATE ?= .baton-sf/demo-emulator

.PHONY: install demo test lint fmt clean bench

install: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	@BIN=$(BIN) SPEC_DIR=$(SPEC_DIR) STATE=$(DEMO_STATE) bash scripts/demo.sh

test: $(STAMP)
	$(BIN)/pytest -q

lint: $(STAMP)
	$(BIN)/ruff format --check reconciler tests bench
	$(BIN)/ruff check reconciler tests bench
	$(BIN)/mypy
	$(BIN)/mypy --strict bench
	$(BIN)/lint-imports

fmt: $(STAMP)
	$(BIN)/ruff format reconciler tests
	$(BIN)/ruff check --fix reconciler tests

clean:
	rm -rf $(VENV) .baton-sf .pytest_cache .mypy_cache .ruff_cache

BENCH_SIZES ?= 1000,10000,100000

bench: $(STAMP)
	$(BIN)/python -m bench --sizes $(BENCH_SIZES)
