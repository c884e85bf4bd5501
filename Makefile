# README's two commands: `make demo` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest bench compat clean

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

pytest: $(STAMP)
	$(PY) -m pytest

demo: $(STAMP)
	$(PY) -m notebook_tokens demo $(if $(EXECUTE),--execute,)

bench: $(STAMP)
	$(PY) -m benchmarks

# Every supported environment (tests/runtimes/*.txt): the runtime's pins, then this package installed as a
# user would, a check that the front end was left alone, and the non-browser suite. ENVS="dbr-14.3 latest"
# picks some; venvs live in .compat/ and are rebuilt each run (uv's cache keeps that fast).
compat: $(STAMP)
	UV_PYTHON_DOWNLOADS=never $(PY) tests/runtimes/compat.py $(ENVS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .demo .compat
