# Two commands: `make run` serves the messenger, `make test` runs every test. Both set themselves up.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run native test lint bench

$(VENV)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.runtime requirements-dev.txt
	$(PY) -m pip install -q -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(PY) main.py $(ARGS)

native: $(VENV)/.runtime
	$(PY) -m pip install -q 'pywebview[qt]'
	$(PY) main.py --native $(ARGS)

test: $(VENV)/.dev
	$(PY) -m pytest $(ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .

bench: $(VENV)/.dev
	$(PY) -m bench $(ARGS)
