# The two commands of the README, and the benchmarks.
#   make run    set up .venv if needed and open the app
#   make test   set up if needed and run every check: ruff, mypy, import-linter, pytest
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck imports pytest pytest-core pytest-ui bench install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(BIN)/noteapp gui

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

imports: $(STAMP)
	$(BIN)/lint-imports

# The core suite runs with the pytest-qt plugin disabled and fails if PySide6 gets imported
# (see tests/conftest.py); the UI suite runs offscreen.
pytest-core: $(STAMP)
	NOTEAPP_FORBID_QT=1 $(BIN)/pytest -p no:pytest-qt --ignore=tests/ui -q

pytest-ui: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest tests/ui -q

pytest: pytest-core pytest-ui

test: lint typecheck imports pytest

bench: $(STAMP)
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis
