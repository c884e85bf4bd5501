# README's two commands: `make demo` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest bench compat frontends tour clean

$(PY):
	python3 -m venv $(VENV)

$(STAMP): $(PY) pyproject.toml
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $(STAMP)

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check notebook_tokens tests benchmarks
	$(VENV)/bin/lint-imports

typecheck: $(STAMP)
	$(VENV)/bin/mypy

# tests/frontends is `make frontends`: its first run builds two venvs
pytest: $(STAMP)
	$(PY) -m pytest --ignore=tests/frontends

demo: $(STAMP)
	$(PY) -m notebook_tokens demo $(if $(EXECUTE),--execute,)

bench: $(STAMP)
	$(PY) -m benchmarks

# Every supported environment (tests/runtimes/*.txt): the runtime's pins, then this package installed as a
# user would, a check that the front end was left alone, and the non-browser suite. ENVS="dbr-14.3 latest"
# picks some; venvs live in .compat/ and are rebuilt each run (uv's cache keeps that fast).
compat: $(STAMP)
	UV_PYTHON_DOWNLOADS=never $(PY) tests/runtimes/compat.py $(ENVS)

# Browser tests on the other front ends: JupyterLab 3 + ipywidgets 7.7 (under DBR 15.4's kernel pins) and
# Notebook 7 + ipywidgets 8, each served from its own venv in .frontends/ (built once, reused while its spec
# holds; this package is reinstalled from the worktree each run). Playwright runs here, in $(VENV).
frontends: $(STAMP)
	UV_PYTHON_DOWNLOADS=never $(PY) -m pytest tests/frontends

# README's tour on the built wheel in a fresh venv with no extras (what a plain pip install gets)
tour: $(STAMP)
	$(PY) tests/plain_install/run_tour.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .demo .compat .frontends
