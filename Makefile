# bdcdj — one command to run, one to test. See README.md.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: install system-deps run serve migrate demo demo-nodes test test-fast bench lint lock clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements.lock
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# Debian packages the project needs at run and test time (Chromium for browser tests,
# a CJK font for PDFs and screenshots, PostgreSQL client tools for backups and benchmarks).
system-deps:
	@bash scripts/system-deps.sh

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

# Install, migrate, load the demo county, then serve web + background worker on $(HOST):$(PORT).
run: demo
	$(BIN)/python manage.py collectstatic --noinput -v0
	$(BIN)/python manage.py serve --host $(HOST) --port $(PORT)

# Two counties, a city, a province and the national node as five processes on 127.0.0.1:8101–8105,
# each with its own SQLite database and SM2 key under var/nodes/, wired upstream. Ctrl+C stops all.
demo-nodes: install
	$(BIN)/python scripts/demo_nodes.py $(DEMO_NODES_ARGS)

# The whole suite (unit, integration, browser). DATABASE_URL selects SQLite (default) or PostgreSQL.
test: install system-deps
	BDCDJ_ENV=test $(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

test-fast: install
	BDCDJ_ENV=test $(BIN)/python -m pytest -n 2 --dist loadfile -m "not slow and not browser" $(PYTEST_ARGS)

bench: install system-deps
	$(BIN)/python -m bench.run

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy bdcdj

# Re-resolve pinned dependencies after editing pyproject.toml.
lock: install
	$(BIN)/pip install -q uv==0.13.9
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --universal -o requirements.lock --quiet --no-header

clean:
	rm -rf $(VENV) var/static .pytest_cache .mypy_cache .ruff_cache
