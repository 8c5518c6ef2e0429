# pracharat — the two commands are `make run` and `make test` (see README.md).
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PRACHARAT := $(BIN)/pracharat
# core and the apps of settings.PRACHARAT_APPS (evaluated only by the targets that use it).
APPS = core $(shell $(BIN)/python -c 'from pracharat.settings import PRACHARAT_APPS; print(*PRACHARAT_APPS)')

.PHONY: apps run test production-smoke production-topology setup dev-setup locale pdf-libs pdf-tools messages lint format migrate demo serve bench clean

$(BIN)/python:
	@command -v $(PYTHON) >/dev/null || { echo "needs $(PYTHON)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Installs again only when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'
	@touch $@ $(VENV)/.installed

setup: $(VENV)/.installed locale pdf-libs
dev-setup: $(VENV)/.installed-dev locale pdf-libs pdf-tools

# WeasyPrint (core.pdf) loads Debian's Pango; it brings HarfBuzz, fontconfig and libthai
# (Thai line breaks). The tests read PDFs back with poppler-utils (pdftotext, pdftoppm).
pdf-libs:
	@/sbin/ldconfig -p | grep -q 'libpangoft2-1.0.so.0' || { echo "installing Pango for PDFs"; \
		apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null 2>&1 || { apt-get update -qq \
		&& apt-get install -y -qq libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; }; }

pdf-tools:
	@command -v pdftotext >/dev/null || { echo "installing poppler-utils for the PDF tests"; \
		apt-get install -y -qq poppler-utils >/dev/null 2>&1 || { apt-get update -qq \
		&& apt-get install -y -qq poppler-utils >/dev/null; }; }

locale: $(VENV)/.installed
	@command -v msgfmt >/dev/null || { echo "installing gettext for msgfmt"; apt-get install -y -qq gettext >/dev/null; }
	@$(PRACHARAT) compilemessages -v0 --ignore=.venv --ignore=var --ignore=node_modules

# Re-extract translatable strings into the .po files (run after changing strings).
messages: dev-setup
	@for app in $(APPS); do (cd pracharat/$$app && ../../$(PRACHARAT) makemessages -l th \
		--no-obsolete -v0 -i 'tests/*' -i 'static/*'); done
	@cd pracharat && ../$(PRACHARAT) makemessages -l th --no-obsolete -v0 -i 'locale/*' \
		$(foreach app,$(APPS),-i '$(app)/*')

# The apps `make messages` walks (core and settings.PRACHARAT_APPS).
apps:
	@echo $(APPS)

migrate: setup
	$(PRACHARAT) migrate --noinput -v0

demo: migrate
	$(PRACHARAT) load_geography
	$(PRACHARAT) demo

# PRACHARAT_DEMO_TRAFFIC: the demo's points also send live RADIUS traffic to the listener.
run: demo
	PRACHARAT_DEMO_TRAFFIC=1 $(PRACHARAT) serve

test: dev-setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PRACHARAT) makemigrations --check --dry-run -v1
	$(BIN)/pytest

# Production mode (PRACHARAT_PRODUCTION=1) started as the README says and fetched over HTTP;
# needs DATABASE_URL on an empty PostgreSQL database (REDIS_URL optional). CI runs it.
production-smoke: setup
	$(BIN)/python .ci/production_smoke.py

# The production topology of docs/deploy.md (two gunicorn web processes, two RADIUS listeners, a
# task worker, the scheduler) on PostgreSQL + Redis, tested through it; needs DATABASE_URL on an
# empty PostgreSQL database and REDIS_URL. CI runs it.
production-topology: setup
	$(BIN)/python .ci/production_topology.py

lint: dev-setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: dev-setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

bench: dev-setup
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) var build *.egg-info
