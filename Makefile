# Two commands set everything up: `make report` and `make test` (see README).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SEED := seeds/000_06c1c8e6a035bd93.txt
REPORTS := reports

.PHONY: all env report tables test test-lib test-notebooks lab bench clean

all: test

env: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/newsframe render $(SEED) --out $(REPORTS)

tables: $(STAMP)
	$(BIN)/newsframe tables $(SEED) --out $(REPORTS)/tables

test: $(STAMP)
	$(BIN)/python -m pytest tests
	@if ls notebooks/*.ipynb >/dev/null 2>&1; then $(MAKE) --no-print-directory test-notebooks; fi

test-notebooks: $(STAMP)
	$(BIN)/python -m pytest --nbval notebooks --nbval-sanitize-with notebooks/sanitize.cfg -p no:randomly

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks

bench: $(STAMP)
	$(BIN)/python bench/bench.py

clean:
	rm -rf $(REPORTS) .pytest_cache
