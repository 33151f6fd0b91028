# Domstadt: `make demo` runs the platform with Cologne demo data, `make test` runs every check.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export DOMSTADT_DATA_DIR ?= ./var
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: demo test install install-test lint typecheck archcheck unit i18n-check vendor-check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

# `make demo PORT=8080` serves on another port; progress lines appear even when piped; Ctrl-C
# stops the server (and, with DOMSTADT_MQTT_URL set, the ingest worker and traffic simulator).
demo: install
	DOMSTADT_ENVIRONMENT=demo $(BIN)/domstadt demo run --host $(HOST) --port $(PORT)

lint: install-test
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks

typecheck: install-test
	$(BIN)/mypy

archcheck: install-test
	$(BIN)/lint-imports

unit: install-test
	$(BIN)/python scripts/run_pytest.py

test: lint typecheck archcheck unit

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
