PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/sheets-bridge demo --out demo.xlsx --today 2026-11-26

test: $(STAMP)
	$(BIN)/ruff check sheets_bridge tests benchmarks
	$(BIN)/mypy
	$(BIN)/pytest

bench: $(STAMP)
	$(BIN)/python benchmarks/pipeline.py --rows 1000000

clean:
	rm -rf $(VENV) demo.xlsx .pytest_cache .mypy_cache .ruff_cache
