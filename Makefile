# Two commands: `make run` serves the messenger, `make test` runs every test. Both set themselves up, with
# $(PYTHON) 3.11 or newer (and its venv module) checked first.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: run native test lint bench canary

$(VENV)/.runtime: requirements.txt
	@$(PYTHON) -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null || { \
	  echo "Python 3.11 or newer with venv is needed (Debian: apt-get install python3 python3-venv)." >&2; \
	  echo "$(PYTHON) here: $$($(PYTHON) --version 2>/dev/null || echo not found); another: make PYTHON=python3.12" >&2; \
	  exit 2; }
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

# Four worker processes even on two cores: much of a test's time is waiting (for a browser, a server, PostgreSQL's
# disk), not computing. JOBS=0 runs everything in this one process (needed for pdb).
# The slowest tests are listed at the end: where the suite's time goes.
JOBS ?= 4
test: $(VENV)/.dev
	$(PY) -m pytest $(if $(filter 0,$(JOBS)),,-n $(JOBS)) --durations=15 --durations-min=5 $(ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(VENV)/.dev
	$(PY) -m bench $(ARGS)

# The newest NiceGUI and transport releases in a virtualenv of their own, with the screen and wire tests: when a
# version differs from those the speed layer was written for (pages/fastpath), its guard must switch it off.
CANARY ?= .venv-canary
CANARY_PACKAGES := ^(nicegui|python-socketio|python-engineio|uvicorn|wsproto|starlette|fastapi)==
canary: $(VENV)/.runtime
	rm -rf $(CANARY)
	$(PYTHON) -m venv $(CANARY)
	$(CANARY)/bin/python -m pip install -q --upgrade pip
	$(CANARY)/bin/python -m pip install -q -r requirements-dev.txt
	$(CANARY)/bin/python -m pip install -q --upgrade 'nicegui[redis]' python-socketio python-engineio uvicorn wsproto \
	  starlette fastapi
	$(CANARY)/bin/python -c 'from pages import fastpath; print("canary: speed layer", \
	  "off, found " + str(fastpath.version_mismatches()) if fastpath.version_mismatches() else "on (pinned versions)")'
	@if [ "$$($(CANARY)/bin/python -m pip list --format=freeze | grep -iE "$(CANARY_PACKAGES)")" = \
	      "$$($(PY) -m pip list --format=freeze | grep -iE "$(CANARY_PACKAGES)")" ]; then \
	  echo "canary: the newest releases are the pinned ones, whose screen and wire tests already ran"; \
	else \
	  $(CANARY)/bin/python -m pytest -p no:cacheprovider $(if $(filter 0,$(JOBS)),,-n $(JOBS)) tests/ui tests/wire $(ARGS); \
	fi
