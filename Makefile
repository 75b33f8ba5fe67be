# Shamy: `make demo` and `make test` are the contract (README.md). Everything else is a helper.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/shamy

.PHONY: demo install run worker test test-pg e2e lint format typecheck migrations-check messages check bench clean

$(VENV)/.installed: requirements.lock requirements-dev.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet --require-hashes -r requirements.lock -r requirements-dev.lock
	touch $@

install: $(VENV)/.installed

demo: install
	$(MANAGE) migrate --noinput
	$(MANAGE) compiletranslations -v0
	$(MANAGE) seed_demo
	$(MANAGE) demo_logins
	$(MANAGE) runserver $(HOST):$(PORT)

run: install
	$(MANAGE) runserver $(HOST):$(PORT)

worker: install
	$(MANAGE) db_worker

messages: install
	cd shamy && ../$(MANAGE) makemessages -l kk -l ru -l en --ignore='tests/*' -v0 && cd ..

test: install
	$(MANAGE) compiletranslations -v0
	$(VENV)/bin/pytest -q $(PYTEST_ARGS)

test-pg:
	DATABASE_URL=$(PG_TEST_URL) $(MAKE) test

e2e: install
	$(VENV)/bin/pytest -q e2e

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: install
	$(VENV)/bin/mypy shamy

migrations-check: install
	$(MANAGE) makemigrations --check --dry-run

check: lint typecheck migrations-check test

bench: install
	$(PY) bench/run.py

clean:
	rm -rf $(VENV) var staticfiles
