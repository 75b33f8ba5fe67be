# Shamy: `make demo` and `make test` are the contract (README.md). Everything else is a helper.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
MANAGE := $(PY) manage.py
HOST ?= 127.0.0.1
PORT ?= 8000
SCALE ?= 1
PG_TEST_URL ?= postgres://postgres@127.0.0.1:5432/shamy
# Settings keep DEBUG off unless it is set (README.md, "Security"); these targets are for
# development, so they turn it on unless the caller says otherwise (`make run DEBUG=0`).
export DEBUG ?= 1

.PHONY: demo install run worker backup restore test test-pg e2e lint layers format typecheck migrations-check messages check bench bench-scale-pair bench-two-servers bench-credentials bench-placement bench-offline clean

$(VENV)/.installed: requirements.lock requirements-dev.lock
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet --require-hashes -r requirements.lock -r requirements-dev.lock
	touch $@

# The credentials interoperability test verifies with Digital Bazaar's reference stack under node.
# Only the tests need it, so `make demo` goes on without node (apt-get install nodejs npm).
interop/vc-node/node_modules/.installed: interop/vc-node/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
	  (cd interop/vc-node && npm ci --no-audit --no-fund --loglevel=error) && touch $@; \
	else \
	  echo "npm not found: the credentials interoperability test needs it (sudo apt-get install nodejs npm)"; \
	fi

install: $(VENV)/.installed interop/vc-node/node_modules/.installed

demo: install
	$(MANAGE) migrate --noinput
	$(MANAGE) compiletranslations -v0
	$(MANAGE) seed_demo
	$(MANAGE) seed_demo_programmes
	$(MANAGE) seed_demo_portfolios
	$(MANAGE) seed_demo_assessment
	$(MANAGE) seed_demo_operators
	$(MANAGE) seed_demo_trainer_certificates
	$(MANAGE) seed_demo_fellowship
	$(MANAGE) seed_demo_surveys
	$(MANAGE) seed_demo_results
	$(MANAGE) seed_demo_commons
	$(MANAGE) seed_demo_countries
	$(MANAGE) demo_logins
	$(MANAGE) demo_logins_programmes
	$(MANAGE) demo_logins_operators
	$(MANAGE) demo_logins_fellowship
	$(MANAGE) demo_logins_countries
	$(MANAGE) runserver $(HOST):$(PORT)

run: install
	$(MANAGE) runserver $(HOST):$(PORT)

worker: install
	$(MANAGE) db_worker

# The database (pg_dump -Fc in one snapshot, or SQLite's backup API) and every uploaded file (disk
# or bucket) into $(BACKUP_DIR)/<UTC timestamp>/ with a manifest of checksums (README.md, "Backups").
BACKUP_DIR ?= var/backups
backup: install
	$(MANAGE) backup --dir $(BACKUP_DIR)

# Into a NEW database: INTO=<database name or SQLite file>, else the configured one (which must be empty).
restore: install
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/<timestamp> [INTO=<new database>]"; exit 2; }
	$(MANAGE) restore $(BACKUP) $(if $(INTO),--into $(INTO))

# Each app keeps its own catalogue in shamy/<app>/locale (English needs none: msgids are English).
# kk and ru for every app; a partial language (ky: settings.PARTIAL_LANGUAGES) only for the apps
# that already hold its catalogue (shamy/<app>/locale/ky), the ones its covered pages use.
messages: install
	for app in shamy/*/locale; do \
	  (cd $$(dirname $$app) && ../../$(VENV)/bin/django-admin makemessages -l kk -l ru --ignore='tests/*' \
	     --settings=shamy.settings --pythonpath=../.. -v0) || exit 1; \
	done
	for catalogue in shamy/*/locale/ky; do \
	  (cd $$(dirname $$(dirname $$catalogue)) && ../../$(VENV)/bin/django-admin makemessages -l ky --ignore='tests/*' \
	     --settings=shamy.settings --pythonpath=../.. -v0) || exit 1; \
	done

test: install
	$(MANAGE) compiletranslations -v0
	$(VENV)/bin/pytest -q $(PYTEST_ARGS)

# The same suite on PostgreSQL (pytest-django creates and drops test_<name> itself).
test-pg:
	DATABASE_URL=$(PG_TEST_URL) $(MAKE) test

# Only the browser journeys (they also run inside `make test`). Needs /usr/bin/chromium.
e2e: install
	$(MANAGE) compiletranslations -v0
	$(VENV)/bin/pytest -q e2e $(PYTEST_ARGS)

lint: install layers
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

# Import contracts between the apps ([tool.importlinter] in pyproject.toml).
layers: install
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

typecheck: install
	$(VENV)/bin/mypy shamy

migrations-check: install
	$(MANAGE) makemigrations --check --dry-run

check: lint typecheck migrations-check test

# The placement solver against plain scipy (bench/placement.py, seconds), then the load test on
# PostgreSQL with gunicorn and wrk (bench/README.md). BENCH_ARGS=--help for the load test's options.
# SCALE=2 or 4: the country plus synthetic copies, in its own database (shamy_bench_s2, ...; issue 18).
bench: install bench-placement
	$(PY) bench/run.py --scale $(SCALE) $(BENCH_ARGS)
	$(PY) bench/credentials.py

# Scale 4 against scale 1 measured at the same time: two servers, alternating bursts on each key page,
# the median of the per-round time ratios with its interval (bench/scale_pair.py; issue 18, point 5).
# Seeds shamy_bench and shamy_bench_s4 when missing. BENCH_ARGS=--help for its options.
bench-scale-pair: install
	$(PY) bench/scale_pair.py $(BENCH_ARGS)

# One app server against two behind nginx (deploy/ layout, shared PostgreSQL and Redis) at 16 and 64
# clients, in one run (bench/two_servers.py, issue 18). TWO_SERVERS_ARGS=--help for its options.
bench-two-servers: install
	$(PY) bench/two_servers.py $(TWO_SERVERS_ARGS)

# Issuing and verifying credentials in one process (bench/credentials.py); also part of `make bench`.
bench-credentials: install
	$(PY) bench/credentials.py $(BENCH_ARGS)

bench-placement: install
	$(PY) bench/placement.py $(PLACEMENT_BENCH_ARGS)

# 500 queued attendance marks replayed over emulated 2G in Chromium (bench/offline_replay.py, issue 13).
bench-offline: install
	$(PY) bench/offline_replay.py

clean:
	rm -rf $(VENV) var staticfiles
