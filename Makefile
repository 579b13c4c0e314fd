# Tuyên giáo Công đoàn — the boring path, one command each. `make help` lists them.
VENV   ?= .venv
BIN    := $(VENV)/bin
PYTHON ?= python3
PORT   ?= 8000
# Two workers (pytest-xdist): the suite takes half the time on the two cores we have.
PYTEST_ARGS ?= -n 2
export PORT

.DEFAULT_GOAL := help
.PHONY: help install install-dev browser run test test-only lint format bench messages screenshots clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	@touch $@

install: $(VENV)/.installed ## create or update .venv with the `tuyengiao` command

install-dev: $(VENV)/.installed-dev ## install the test and lint tools too

browser: ## install Debian's chromium and gettext for the tests (if missing)
	@./scripts/install-test-tools

run: install ## migrate, load the Ninh Bình demo on first start, serve at http://127.0.0.1:$(PORT)
	$(BIN)/tuyengiao migrate --noinput
	$(BIN)/tuyengiao load_reference
	$(BIN)/tuyengiao load_demo --if-empty
	$(BIN)/tuyengiao collectstatic --noinput --verbosity 0
	$(BIN)/tuyengiao serve --port $(PORT)

test: install-dev browser test-only ## install what the tests need and run every test

test-only: ## run every test with what is installed
	$(BIN)/tuyengiao makemigrations --check --dry-run
	$(BIN)/tuyengiao check
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev ## ruff (lint + format check) and mypy --strict
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy src/tuyengiao

format: install-dev ## format the code
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

screenshots: install-dev browser ## refresh the README's screenshot from the demo
	UPDATE_DOCS_SCREENSHOTS=1 $(BIN)/pytest -q tests/e2e/test_demo_pages.py

bench: install-dev ## benchmarks at national scale (SQLite, PostgreSQL): hierarchy, rollup, activities, reviews, early warning; Excel import
	$(BIN)/python -m tests.bench.bench_hierarchy $(BENCH_ARGS)
	$(BIN)/python -m tests.bench.bench_rollup $(BENCH_ARGS)
	$(BIN)/python -m tests.bench.bench_activities $(BENCH_ARGS)
	$(BIN)/python -m tests.bench.bench_reviews $(BENCH_ARGS)
	$(BIN)/python -m tests.bench.bench_voice $(BENCH_ARGS)
	$(BIN)/python -m tests.bench.bench_excel
	$(BIN)/python -m tests.bench.bench_pipeline
	$(BIN)/python -m tests.bench.bench_classifier

messages: install-dev ## refresh the Vietnamese catalogue from the source strings and compile it
	cd src/tuyengiao && ../../$(BIN)/tuyengiao makemessages -l vi --no-obsolete --no-location
	$(BIN)/python scripts/compile_messages.py

clean: ## remove the virtualenv and local data
	rm -rf $(VENV) var
