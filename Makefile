# Anamnesis — `make run` to use it, `make test` to check it. Both set up .venv first.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip --disable-pip-version-check -q
INSTALLED := $(VENV)/.installed
DEV_INSTALLED := $(VENV)/.dev-installed
export ANONYMIZED_TELEMETRY := False
export STREAMLIT_BROWSER_GATHER_USAGE_STATS := false

.PHONY: setup run index test test-fast lint format bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Anamnesis needs Python 3.11 or newer (found " + sys.version.split()[0] + "); set PYTHON=/path/to/python3.11")'
	$(PYTHON) -m venv $(VENV)

$(INSTALLED): requirements.txt constraints.txt | $(BIN)/python
	$(PIP) install -r requirements.txt -c constraints.txt
	@touch $@

$(DEV_INSTALLED): $(INSTALLED) requirements-dev.txt
	$(PIP) install -r requirements-dev.txt -c constraints.txt
	@touch $@

## setup: create .venv and install pinned runtime dependencies
setup: $(INSTALLED)

## index: build or incrementally refresh the search index
index: setup
	$(BIN)/python cli.py build-index

## run: set up, build the index if needed, start the app on http://127.0.0.1:8501
run: index
	$(BIN)/streamlit run app.py

## test: install dev tools, lint, run the whole suite (browser tests need /usr/bin/chromium; CI installs it)
test: $(DEV_INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@bash .ci/ensure-chromium
	$(BIN)/python -m pytest

## test-fast: lint and the quick tier (no AppTest pages, CLI, replays, browser or kill -9 tests); about a minute
test-fast: $(DEV_INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -m "not slow and not browser and not durability"

## lint / format: ruff only
lint: $(DEV_INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(DEV_INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

## bench: run the benchmarks and print the README tables
bench: $(DEV_INSTALLED)
	$(BIN)/python -m benchmarks.retrieval
	$(BIN)/python -m benchmarks.intake
	$(BIN)/python -m benchmarks.extraction
	$(BIN)/python -m benchmarks.draft
	$(BIN)/python -m benchmarks.clinical
	$(BIN)/python -m benchmarks.brainstorm
	$(BIN)/python -m benchmarks.ingest
	$(BIN)/python -m benchmarks.startup

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
