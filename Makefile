# Brineworks: two commands for a newcomer, `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test bench lint validate clean browser

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

## make run: install, print the chemistry of the built-in Qarhan brine, and run the main job
## (scenario qarhan-circular: report, workbook and JSON in brineworks-out/qarhan-circular/)
run: $(STAMP)
	$(BIN)/brineworks summary
	$(BIN)/brineworks run qarhan-circular

## make browser: Debian's Chromium and a Chinese font, for the report's browser tests and
## `run --pdf` (apt-get, as root, when /usr/bin/chromium or a Chinese font is missing); a developer
## without root sets BRINEWORKS_NO_BROWSER=1 to skip the browser tests instead
browser:
	@if [ -x /usr/bin/chromium ] && fc-list :lang=zh 2>/dev/null | grep -q . ; then :; \
	elif [ "$$(id -u)" = 0 ]; then \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends chromium fonts-wqy-microhei >/dev/null; \
	elif [ "$$BRINEWORKS_NO_BROWSER" = 1 ]; then echo "browser tests skipped (BRINEWORKS_NO_BROWSER=1)"; \
	else echo "make browser: no /usr/bin/chromium; as root: apt-get install chromium \
	fonts-wqy-microhei (or set BRINEWORKS_NO_BROWSER=1)" >&2; exit 1; fi

## make test: install with test extras and the browser; lint (ruff, format, mypy); the fast tests
## (the report opened in headless Chromium among them) and the doctests
test: $(STAMP) lint browser
	$(BIN)/python -m pytest -m "not slow" -q --doctest-modules -n auto --dist loadfile src tests

## make bench: slow tests and benchmarks
bench: $(STAMP)
	HYPOTHESIS_PROFILE=explore $(BIN)/python -m pytest -m slow -q || [ $$? -eq 5 ]
	$(BIN)/python -m pytest benchmarks --benchmark-only --benchmark-columns=min,median,mean,rounds -q

## make lint: ruff (rules and format) and mypy
lint: $(STAMP)
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/mypy

## make validate: regenerate docs/validation.md from the experimental data
validate: $(STAMP)
	$(BIN)/brineworks validate --markdown docs/validation.md

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache .mypy_cache .ruff_cache .benchmarks
