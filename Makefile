# Everything runs from a fresh clone: the first target that needs the virtual environment
# creates it and installs the project with its development tools.
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PARTICIPANTS ?= 200
# Options of `python -m bench`, e.g. make bench BENCH="answers --participants 500".
BENCH ?=
PYTHON ?= python3

.PHONY: demo test lint chat install clean bench

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/quizbot demo --participants $(PARTICIPANTS)

chat: $(STAMP)
	$(BIN)/quizbot chat --at 2023-02-20T08:00

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

# The performance bench (needs the local Redis and PostgreSQL); see bench/README.md.
bench: $(STAMP)
	$(BIN)/python -m bench $(BENCH)

clean:
	rm -rf $(VENV) data .pytest_cache .mypy_cache .ruff_cache
