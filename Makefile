# luyan: `make run` serves the demo on http://localhost:8000, `make test` runs the suite.
#
# Every target installs what it needs first. Stamp files (inside .venv/ and
# frontend/static/vendor/) make a repeated `make test` skip installs that are already done.

SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help
.DELETE_ON_ERROR:

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
UV := $(VENV)/bin/uv
LUYAN := $(VENV)/bin/luyan
UV_VERSION := 0.13.9
VENDOR := frontend/static/vendor
NODE_MODULES := frontend/node_modules
DEPS_STAMP := $(VENV)/.luyan-deps
VENDOR_STAMP := $(VENDOR)/.stamp
BENCHES := $(patsubst bench/bench_%.py,%,$(wildcard bench/bench_*.py))
BANG := !!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!
# A notice nobody scrolls past (shell code for one recipe line).
LOUD = echo ""; echo "$(BANG)"; echo "!!! $(1)."; \
	echo "!!! The browser tests will be SKIPPED (with LUYAN_REQUIRE_BROWSER=1 they FAIL)."; \
	echo "!!! Install it with:  sudo apt-get install -y chromium"; echo "$(BANG)"; echo ""

# uv may only use the interpreter of .venv: this machine reaches PyPI, not python.org.
export UV_PYTHON_DOWNLOADS := never
export UV_NO_PROGRESS := 1
# swagger-ui-dist asks npm to run an analytics script; we never run install scripts anyway.
export SCARF_ANALYTICS := false

.PHONY: help run serve test test-sqlite test-postgres deps frontend chromium bench lint format \
	migrate demo i18n clean

help:
	@echo "make run      install, migrate, load the demo once, serve http://localhost:8000"
	@echo "make test     install everything the tests need, run pytest on SQLite (and PostgreSQL+Redis"
	@echo "              when LUYAN_TEST_POSTGRES_URL / LUYAN_TEST_REDIS_URL are set)"
	@echo "make bench    run every bench/bench_*.py (make bench-NAME runs one)"
	@echo "make lint     ruff check + ruff format --check"
	@echo "make migrate | demo | i18n | clean"

# -- installation -----------------------------------------------------------------------------
$(PY):
	$(PYTHON) -m venv $(VENV)

$(UV): | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# Runtime and dev dependencies exactly as locked (--frozen: never re-resolve).
$(DEPS_STAMP): pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --inexact
	touch $@

deps: $(DEPS_STAMP)

# Browser assets from npm (no CDN): copied into frontend/static/vendor/, which git ignores.
$(VENDOR_STAMP): frontend/package.json frontend/package-lock.json
	@command -v npm >/dev/null || { echo "!!! npm is missing: install Node.js and npm (Debian: apt-get install -y npm)"; exit 1; }
	cd frontend && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR)
	mkdir -p $(VENDOR)/htmx $(VENDOR)/pico $(VENDOR)/swagger-ui $(VENDOR)/chart.js $(VENDOR)/zxing-wasm $(VENDOR)/hls.js
	cp $(NODE_MODULES)/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	cp $(NODE_MODULES)/@picocss/pico/css/pico.min.css $(VENDOR)/pico/
	cp $(NODE_MODULES)/swagger-ui-dist/swagger-ui-bundle.js \
	   $(NODE_MODULES)/swagger-ui-dist/swagger-ui.css \
	   $(NODE_MODULES)/swagger-ui-dist/swagger-ui-standalone-preset.js $(VENDOR)/swagger-ui/
	cp $(NODE_MODULES)/chart.js/dist/chart.umd.min.js $(VENDOR)/chart.js/
	cp $(NODE_MODULES)/hls.js/dist/hls.min.js $(VENDOR)/hls.js/
	# QR decoding on the scanner page: the IIFE build (global ZXingWASM) and its WebAssembly.
	cp $(NODE_MODULES)/zxing-wasm/dist/iife/reader/index.js $(VENDOR)/zxing-wasm/zxing-reader.js
	cp $(NODE_MODULES)/zxing-wasm/dist/reader/zxing_reader.wasm $(VENDOR)/zxing-wasm/
	# Only the copies are served; the packages themselves are not needed any more.
	rm -rf $(NODE_MODULES)
	touch $@

frontend: $(VENDOR_STAMP)

# Debian's Chromium for the Playwright browser test (Playwright's own download cannot work here).
chromium:
	@if [ -x /usr/bin/chromium ] || [ -x /usr/lib/chromium/chromium ]; then \
		echo "chromium: $$(ls /usr/bin/chromium 2>/dev/null || ls /usr/lib/chromium/chromium)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		export DEBIAN_FRONTEND=noninteractive; \
		if apt-get update -q && apt-get install -y -q chromium fonts-wqy-microhei; then :; else \
			$(call LOUD,apt-get could not install chromium (see above)); \
		fi; \
	else \
		$(call LOUD,Chromium is NOT installed and cannot be installed here (needs root and apt-get)); \
	fi

# -- running ----------------------------------------------------------------------------------
migrate: deps
	$(LUYAN) migrate

demo: migrate
	$(LUYAN) demo

run: deps frontend migrate demo
	$(LUYAN) serve

serve: deps frontend
	$(LUYAN) serve

# -- tests ------------------------------------------------------------------------------------
# pytest's own exit codes count: 5 ("no tests collected") fails the target like any other.
# Both passes run even when the first fails, so one CI run reports everything.
test: deps frontend chromium
	@status=0; \
	$(MAKE) --no-print-directory test-sqlite || status=$$?; \
	if [ -n "$${LUYAN_TEST_POSTGRES_URL:-}" ]; then \
		$(MAKE) --no-print-directory test-postgres || status=$$?; \
	else \
		echo "(PostgreSQL pass skipped: set LUYAN_TEST_POSTGRES_URL and LUYAN_TEST_REDIS_URL to run it)"; \
	fi; \
	if [ $$status -ne 0 ]; then echo "!!! make test FAILED"; fi; \
	exit $$status

test-sqlite: deps frontend
	@echo "=== pytest on SQLite ==="
	LUYAN_TEST_DB=sqlite $(PY) -m pytest -q $(PYTEST_ARGS)

test-postgres: deps frontend
	@echo "=== pytest on PostgreSQL $${LUYAN_TEST_POSTGRES_URL:?set LUYAN_TEST_POSTGRES_URL} \
	with Redis $${LUYAN_TEST_REDIS_URL:-(none)} ==="
	LUYAN_TEST_DB=postgres $(PY) -m pytest -q $(PYTEST_ARGS)

# -- benchmarks -------------------------------------------------------------------------------
# The database benchmarks need PostgreSQL on 127.0.0.1:5432 (or LUYAN_BENCH_POSTGRES_URL; bench-audience
# runs on SQLite); wrk, for cross-checks, is
# installed from Debian when missing and we are root. Options: make bench-checkin BENCH_ARGS="--rounds 1"
BENCH_ARGS ?=

bench: deps frontend
	@if [ -z "$(BENCHES)" ]; then echo "no benchmarks found (bench/bench_*.py)"; exit 1; fi
	@for name in $(BENCHES); do \
		echo "=== bench $$name ==="; \
		$(PY) bench/run.py $$name $(BENCH_ARGS); \
	done

bench-%: deps frontend
	@test -f bench/bench_$*.py || { echo "no benchmark bench/bench_$*.py"; exit 1; }
	$(PY) bench/run.py $* $(BENCH_ARGS)

# -- code quality and translations ------------------------------------------------------------
lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: deps
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

# Extract every msgid into var/i18n/luyan.pot and list those without a Chinese translation.
i18n: deps
	mkdir -p var/i18n
	$(VENV)/bin/pybabel -q extract -F babel.cfg --sort-output --project=luyan --version=0.1.0 \
		-o var/i18n/luyan.pot .
	$(LUYAN) i18n

clean:
	rm -rf $(VENDOR) $(NODE_MODULES) .pytest_cache .ruff_cache var/i18n
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	@echo "kept .venv/ and var/ (your database); remove them by hand for a full reset"
