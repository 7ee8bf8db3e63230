# The Makefile is the interface: demo, demo-data, test, lint, fmt.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
DEMO_CASES ?= 50000
export DEMO_CASES

.PHONY: setup demo demo-data test bench lint fmt messages serve-prod

# Settings fail closed (DEBUG off, a secret key required: docs/deploy.md). The demo, the tests and
# the translation tools ask for DEBUG, with its public demo key; bin/serve-prod and the benchmark's
# server set the production environment themselves.
setup demo demo-data test messages: export DJANGO_DEBUG = 1

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[dev]"
	touch $@

node_modules/.installed: package.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

setup: $(VENV)/.installed node_modules/.installed
	@command -v msgfmt >/dev/null || { echo "gettext is missing: install it (apt-get install gettext) for the Chinese UI"; exit 1; }
	$(PY) manage.py compilemessages -v 0 --ignore=.venv --ignore=node_modules

demo: setup demo-data
	@echo "Serving at http://127.0.0.1:8000 (Ctrl-C stops it); e-mails land in var/mail/,"
	@echo "the webhook receiver on port 8025 prints what the demo's 12345 platform is sent."
	$(PY) manage.py run_huey --workers 1 & worker=$$!; \
	$(PY) manage.py receive_webhooks --port 8025 & receiver=$$!; \
	trap "kill $$worker $$receiver" EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

demo-data: setup
	$(PY) manage.py migrate -v 0
	$(PY) manage.py load_demo --cases $(DEMO_CASES)

# One test process per core (pytest-xdist; each has its own test database): TEST_WORKERS=0 runs
# them in this process.
TEST_WORKERS ?= auto
test: setup
	$(PY) manage.py makemigrations --check --dry-run -v 0
	$(PY) -m pytest -n $(TEST_WORKERS)

# Benchmarks beside their raw baselines; writes docs/performance.md (BENCH_SCALE=0.05 for a quick run).
bench: setup
	$(PY) -m bench

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

fmt: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

messages: setup
	$(PY) manage.py makemessages -l zh_Hans -l en --ignore=.venv --ignore=node_modules --no-location

# The production profile on this machine: PostgreSQL, Redis, gunicorn and the huey consumer,
# DEBUG off (bin/serve-prod; docs/deploy.md for a county's server).
serve-prod: setup
	bin/serve-prod
