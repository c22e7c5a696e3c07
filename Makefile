PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean apps-script-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/sheets-bridge demo --out demo.xlsx --today 2026-11-26

test: $(STAMP) apps-script-deps
	$(BIN)/ruff check sheets_bridge tests benchmarks
	$(BIN)/mypy
	@if command -v npm >/dev/null 2>&1; then \
		cd apps_script && npm run --silent typecheck && npm test; \
	else echo "npm not found: Apps Script tests skipped"; fi
	$(BIN)/pytest

apps-script-deps:
	@if command -v npm >/dev/null 2>&1; then \
		cd apps_script && npm ci --no-audit --no-fund --silent; fi

bench: $(STAMP)
	$(BIN)/python benchmarks/pipeline.py --rows 1000000

clean:
	rm -rf $(VENV) demo.xlsx .pytest_cache .mypy_cache .ruff_cache
