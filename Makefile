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

# `make run` serves two sites: the demo school (:8080) and the demo town's lab (:8081), one process each.
LAB_ENV := EDUMON_SITE=lab EDUMON_DATA_DIR=data/lab EDUMON_PORT=8081

run: install
	$(BIN)/edumon demo --if-empty
	@echo "Школа:       http://127.0.0.1:8080  (uchitel, klruk, shmo, zam, admin, metodist)"
	EDUMON_SCHOOL_CODE=sch-001 $(BIN)/edumon serve & school=$$!; trap 'kill $$school 2>/dev/null' EXIT INT TERM; \
	$(LAB_ENV) $(BIN)/edumon lab demo --if-empty --school-data data && \
	echo "Лаборатория: http://127.0.0.1:8081  (metodist — методист, school1 — СОШ № 1, uo — управление образования)" && \
	echo "Пароли напечатаны выше при первом запуске; сменить: edumon users passwd ИМЯ (для лаборатории — с $(LAB_ENV))" && \
	$(LAB_ENV) $(BIN)/edumon serve

test: install-dev
	$(BIN)/python -m pytest -q -n auto  # pytest-xdist: one worker per core

check: install
	$(BIN)/edumon check

lint: install-dev
	$(BIN)/ruff check app sheets_schema sync reports forms tests benchmarks devtools
	$(BIN)/mypy app sheets_schema sync reports forms

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
