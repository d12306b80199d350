# The two commands of the README, the benchmarks, and the desktop bundle.
#   make run     set up .venv if needed and open the app
#   make test    set up if needed and run every check: ruff, mypy, import-linter, pytest
#   make bundle  the one-folder app for this OS in dist/ (Linux: also the .tar.gz download)
#   make smoke   run the built app in dist/ through its smoke tests (CI: after make bundle)
#   make screenshots  every main screen in light and dark at 1280x720, into docs/screenshots/
VENV ?= .venv
PYTHON ?= python3
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: run test lint typecheck imports pytest pytest-core pytest-ui bench install clean \
	bundle smoke screenshots

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

# On Linux the app first checks Qt's system libraries and names any missing package
# (noteapp/desktop_check.py) rather than letting Qt abort.
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
	NOTEAPP_FORBID_QT=1 $(BIN)/pytest -p no:pytest-qt --ignore=tests/ui --ignore=tests/bundle -q

pytest-ui: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(BIN)/pytest tests/ui -q

pytest: pytest-core pytest-ui

test: lint typecheck imports pytest

bench: $(STAMP)
	$(BIN)/python -m bench

# Offscreen on an emulated 1280x720 screen, on the synthetic workspace of tests/ui/screens.py
# (invented clients only); README.md and docs/ui.md show the pictures.
screenshots: $(STAMP)
	$(BIN)/python -m tools.screenshots docs/screenshots

# PyInstaller builds for the OS it runs on (docs/packaging.md: Windows and macOS steps).
bundle: $(STAMP)
	$(BIN)/python packaging/icons.py build/icons
	$(BIN)/pyinstaller --noconfirm --clean --log-level WARN \
		--distpath dist --workpath build/pyinstaller packaging/noteapp.spec
	if [ "$$(uname -s)" = Linux ]; then $(BIN)/python packaging/linux/archive.py dist build/icons; fi

# The built app, not the source tree: --version, init, demo, export, verify, the window
# offscreen, and every data file in place (tests/bundle).
smoke: $(STAMP)
	NOTEAPP_BUNDLE=dist/noteapp $(BIN)/pytest -p no:cacheprovider tests/bundle -q

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist
