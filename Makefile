# Set-up and everyday commands. Each target creates .venv and installs what it needs.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test fuzz bench schemas clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

## demo: score the bundled illustrative examples, print the table, write scorecards, roadmaps, PDF reports and the portfolio comparison to out/
demo: $(STAMP)
	@mkdir -p out
	$(BIN)/readiness score examples/
	$(BIN)/readiness score examples/ --format json -o out/scorecards.json
	$(BIN)/readiness score examples/ --format csv -o out/scorecards.csv
	$(BIN)/readiness recommend examples/2026/ --format markdown -o out/roadmaps-2026.md
	$(BIN)/readiness recommend examples/2026/ --format json -o out/roadmaps-2026.json
	$(BIN)/readiness report examples/ -o out/reports --format both
	$(BIN)/readiness compare examples/ -o out/portfolio.pdf
	$(BIN)/readiness compare examples/ -o out/portfolio.html
	$(BIN)/readiness compare examples/ -o out/portfolio.xlsx
	@echo "Done: scorecards and 2026 roadmaps in out/, PDF and HTML reports in out/reports/,"
	@echo "the portfolio comparison in out/portfolio.pdf, .html and .xlsx"
	@echo "(illustrative data: the agencies are fictional)."

## test: run the whole test suite
test: $(STAMP)
	$(BIN)/python -m pytest -q

## fuzz: fuzz every reader with hypothesis's long profile (20,000 examples per target; make test runs a bounded one)
fuzz: $(STAMP)
	$(BIN)/python -m pytest -q tests/test_fuzz.py --hypothesis-profile=fuzz

## bench: time the main paths against the libraries underneath
bench: $(STAMP)
	$(BIN)/python benchmarks/bench_scale.py
	$(BIN)/python benchmarks/bench_yaml_scoring.py
	$(BIN)/python benchmarks/bench_xlsx.py
	$(BIN)/python benchmarks/bench_uncertainty.py
	$(BIN)/python benchmarks/bench_recommend.py
	$(BIN)/python benchmarks/bench_report.py
	$(BIN)/python benchmarks/bench_portfolio.py
	$(BIN)/python benchmarks/bench_status.py

## schemas: regenerate the committed JSON Schemas under docs/schema/
schemas: $(STAMP)
	$(BIN)/python -m readiness.intake.schema docs/schema

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache
