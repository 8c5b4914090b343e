# Two commands set everything up: `make report` and `make test` (see README).
PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SEED := seeds/000_06c1c8e6a035bd93.txt
REPORTS := reports

.PHONY: all env report tables test test-lib test-notebooks notebooks lab bench clean

all: test

env: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev,dask]"
	touch $(STAMP)

report: $(STAMP)
	$(BIN)/newsframe render $(SEED) --out $(REPORTS) --jobs 2

tables: $(STAMP)
	$(BIN)/newsframe tables $(SEED) --out $(REPORTS)/tables

test: $(STAMP)
	$(BIN)/python -m pytest tests
	@if ls notebooks/*.ipynb >/dev/null 2>&1; then $(MAKE) --no-print-directory test-notebooks; fi

# nbval re-runs every notebook on this environment's Python and compares the result tables marked
# NBVAL_CHECK_OUTPUT with the committed outputs (figures and timings are not compared). The encoder runs in
# float32 for both, so the committed outputs hold on every CPU (the default, bfloat16 where the CPU has it,
# moves encoder-based scores in the third decimal).
NOTEBOOK_ENV := NEWSFRAME_ENCODER_PRECISION=float32

test-notebooks: $(STAMP)
	$(NOTEBOOK_ENV) $(BIN)/python -m pytest --nbval-lax --nbval-current-env --nbval-cell-timeout=600 \
		--nbval-sanitize-with notebooks/sanitize.cfg -p no:cacheprovider notebooks

# Re-execute the notebooks in place on the bundled seed and keep only small textual outputs (run it after
# the library's results change, then commit the notebooks).
notebooks: $(STAMP)
	$(NOTEBOOK_ENV) $(BIN)/python -c "from newsframe.render import refresh_notebooks; refresh_notebooks()"

lab: $(STAMP)
	$(BIN)/jupyter lab --notebook-dir=notebooks

bench: $(STAMP)
	$(BIN)/python bench/bench.py

clean:
	rm -rf $(REPORTS) .pytest_cache
