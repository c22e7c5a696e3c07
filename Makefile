PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench clean apps-script-deps browser-deps office-deps

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/sheets-bridge demo --out demo.xlsx --today 2026-11-26

test: $(STAMP) apps-script-deps browser-deps office-deps
	$(BIN)/ruff check sheets_bridge sheets_emulator harness tests benchmarks examples
	$(BIN)/mypy
	@if command -v npm >/dev/null 2>&1; then \
		cd apps_script && npm run --silent typecheck && npm test; \
	else echo "npm not found: Apps Script tests skipped"; fi
	$(BIN)/pytest
	$(BIN)/python benchmarks/client_suites.py

apps-script-deps:
	@if command -v npm >/dev/null 2>&1; then \
		cd apps_script && npm ci --no-audit --no-fund --silent; fi

# The sidebar's browser tests drive Debian's chromium package (never a downloaded browser).
browser-deps:
	@if ! command -v chromium >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing Debian's chromium for the browser tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else echo "chromium not found: the sidebar's browser tests will be skipped (sudo apt-get install chromium)"; fi; \
	fi

# The rendered-workbook tests read what LibreOffice Calc draws (Debian's package, no GUI).
office-deps:
	@if ! command -v soffice >/dev/null 2>&1; then \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
			echo "installing Debian's LibreOffice Calc for the rendered-workbook tests"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
				libreoffice-calc-nogui >/dev/null; \
		else echo "soffice not found: the rendered-workbook tests will be skipped (sudo apt-get install libreoffice-calc-nogui)"; fi; \
	fi

bench: $(STAMP)
	$(BIN)/python benchmarks/pipeline.py --rows 1000000

clean:
	rm -rf $(VENV) demo.xlsx .pytest_cache .mypy_cache .ruff_cache
