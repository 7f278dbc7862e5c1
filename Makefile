# edumon: `make run` starts the product with a demo school; `make test` runs every test.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: run test install install-dev check lint clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed pyproject.toml
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: install
	$(BIN)/edumon demo --if-empty
	$(BIN)/edumon serve

test: install-dev
	$(BIN)/python -m pytest -q

check: install
	$(BIN)/edumon check

lint: install-dev
	$(BIN)/ruff check app sheets_schema sync reports forms tests benchmarks

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
