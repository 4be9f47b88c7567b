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

test: $(VENV)/.dev
	$(PY) -m pytest $(ARGS)

lint: $(VENV)/.dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: $(VENV)/.dev
	$(PY) -m bench $(ARGS)

# The newest NiceGUI and transport releases in a virtualenv of their own, with the screen and wire tests: when a
# version differs from those the speed layer was written for (pages/fastpath), its guard must switch it off.
CANARY ?= .venv-canary
canary: $(VENV)/.runtime
	rm -rf $(CANARY)
	$(PYTHON) -m venv $(CANARY)
	$(CANARY)/bin/python -m pip install -q --upgrade pip
	$(CANARY)/bin/python -m pip install -q -r requirements-dev.txt
	$(CANARY)/bin/python -m pip install -q --upgrade 'nicegui[redis]' python-socketio python-engineio uvicorn wsproto \
	  starlette fastapi
	$(CANARY)/bin/python -c 'from pages import fastpath; print("canary: speed layer", \
	  "off, found " + str(fastpath.version_mismatches()) if fastpath.version_mismatches() else "on (pinned versions)")'
	$(CANARY)/bin/python -m pytest -p no:cacheprovider tests/ui tests/wire $(ARGS)
