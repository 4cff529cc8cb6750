# Rapport — the two commands are `make run` and `make test`; `make help` lists the rest.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
export FLASK_APP := wsgi
PYTEST_ARGS ?=

.PHONY: help run test test-fast lint format browser bench clean

help:  ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-test: requirements.txt requirements-test.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-test.txt
	touch $@

run: $(VENV)/.installed  ## serve the portal with demo data on http://127.0.0.1:5000
	RAPPORT_ENV=development $(BIN)/flask db upgrade
	RAPPORT_ENV=development $(BIN)/flask demo --if-empty
	@# The scheduler runs beside the development server and stops with it.
	RAPPORT_ENV=development $(BIN)/flask scheduler & scheduler=$$!; trap 'kill $$scheduler 2>/dev/null' EXIT INT TERM; \
	  RAPPORT_ENV=development $(BIN)/flask run --host 127.0.0.1 --port 5000

browser: $(VENV)/.installed-test  ## make sure a Chromium is there for the browser tests
	bash .ci/ensure-browser

lint: $(VENV)/.installed-test  ## ruff: lint and formatting
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint browser  ## lint, then the whole suite (unit, web and browser tests)
	$(BIN)/pytest $(PYTEST_ARGS)

test-fast: $(VENV)/.installed-test  ## the suite without the slow tests (gunicorn, two schedulers, the browser)
	$(BIN)/pytest -m "not slow and not browser" $(PYTEST_ARGS)

$(VENV)/.installed-bench: requirements-bench.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-bench.txt
	touch $@

BENCH_ARGS ?= --postgres
bench: $(VENV)/.installed-bench  ## import speed and memory, full recompute vs DuckDB (BENCH_ARGS="--scale 0.05")
	$(BIN)/python bench/run.py $(BENCH_ARGS)

format: $(VENV)/.installed-test  ## format and fix what ruff can
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

clean:  ## remove the virtual environment, caches and test artifacts (keeps instance/)
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis test-artifacts
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
