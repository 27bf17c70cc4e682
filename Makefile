# Set-up and everyday commands. Each target creates .venv and installs what it needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test bench schemas clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: score the bundled illustrative examples and print the table
demo: $(STAMP)
	$(BIN)/readiness validate examples/
	$(BIN)/readiness score examples/

## test: run the whole test suite
test: $(STAMP)
	$(BIN)/python -m pytest -q

## bench: time the main paths against the libraries underneath
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_yaml_scoring.py

## schemas: regenerate the committed JSON Schemas under docs/schema/
schemas: $(STAMP)
	$(BIN)/python -m readiness.schema_docs docs/schema

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
