# One entry point for every developer action. Every target installs what it needs first,
# so `make run` and `make test` work on a fresh machine with only Python 3.11+ and git.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
WORKSPACE ?= demo-workspace
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: install browser run demo test test-sqlite check bench clean help

help:
	@echo "make run    install, build the Nottingham and Nottinghamshire demo and serve it on http://$(HOST):$(PORT)"
	@echo "make test   install and run every test (SQLite, PostgreSQL where reachable, headless Chromium)"
	@echo "make check  ruff and mypy (strict on the package)"
	@echo "make bench  run the benchmarks, writing benchmarks/results/"

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11+ is needed, found " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

# Browser tests drive Debian's Chromium through Playwright (never a downloaded browser).
browser: install
	@bash tools/ensure-chromium.sh

run: install
	$(BIN)/ics demo --workspace $(WORKSPACE) --host $(HOST) --port $(PORT)

test: install browser
	$(BIN)/python -m pytest -n 2 --dist loadgroup

check: install
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/mypy

bench: install
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) $(WORKSPACE) .mypy_cache .ruff_cache .pytest_cache
