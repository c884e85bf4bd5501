# README's two commands: `make demo` and `make test`.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test lint typecheck pytest bench tour clean

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

# README's tour on the built wheel in a fresh venv with no extras (what a plain pip install gets)
tour: $(STAMP)
	$(PY) tests/plain_install/run_tour.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .demo
