# The Cluster 6 platform. `make run` and `make test` set up everything on a fresh machine.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
BIN := $(VENV)/bin
MANAGE := $(BIN)/cluster6
HOST ?= 127.0.0.1
PORT ?= 8000
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: run test lint format typecheck checks pytest fuzz pytest-postgres e2e bench lock schema messages demo clean

$(VENV)/.installed: requirements-dev.lock pyproject.toml
	@PYTHON=$$(scripts/find-python.sh) && \
	  { [ -x $(PY) ] || $$PYTHON -m venv $(VENV); }
	$(PY) -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(PY) -r requirements-dev.lock
	$(BIN)/uv pip install --quiet --python $(PY) --no-deps -e .
	@touch $@

## The platform with its demo data on http://127.0.0.1:8000, and the background worker beside it
run: $(VENV)/.installed
	@mkdir -p var
	$(MANAGE) migrate --no-input
	$(MANAGE) setup_demo
	MANAGE=$(MANAGE) HOST=$(HOST) PORT=$(PORT) scripts/run.sh

## Lint, type checks, project checks and the whole test suite (also on PostgreSQL when CI=true or TEST_POSTGRES=1)
test: $(VENV)/.installed lint typecheck checks pytest fuzz
	@if [ "$${CI:-}" = "true" ] || [ "$${TEST_POSTGRES:-}" = "1" ]; then $(MAKE) --no-print-directory pytest-postgres; fi

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --config pyproject.toml

format: $(VENV)/.installed
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

typecheck: $(VENV)/.installed
	$(BIN)/mypy

checks: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=cluster6.config.settings.test $(MANAGE) makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=cluster6.config.settings.test $(MANAGE) check
	DJANGO_SETTINGS_MODULE=cluster6.config.settings.production DJANGO_SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-key-0123456789abcdef \
	  DJANGO_ALLOWED_HOSTS=cluster6.example.nl $(MANAGE) check --deploy --fail-level WARNING
	DJANGO_SETTINGS_MODULE=cluster6.config.settings.test $(MANAGE) spectacular --validate --fail-on-warn --file /tmp/cluster6-openapi.yaml
	diff -u docs/openapi.yaml /tmp/cluster6-openapi.yaml || { echo "The API changed: run 'make schema' and commit docs/openapi.yaml"; exit 1; }

pytest: $(VENV)/.installed
	@scripts/ensure-chromium.sh || echo "Browser tests will be skipped: Chromium is not installed."
	$(BIN)/pytest

## schemathesis over the whole API as a company and a ministry user, on a scratch demo database (a few minutes)
fuzz: $(VENV)/.installed
	BIN=$(BIN) scripts/fuzz-api.sh

pytest-postgres: $(VENV)/.installed
	scripts/with-postgres.sh $(BIN)/pytest -m "not e2e"

e2e: $(VENV)/.installed
	scripts/ensure-chromium.sh
	$(BIN)/pytest -m e2e

bench: $(VENV)/.installed
	@for b in bench/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

## Regenerate the pinned locks from requirements*.in
lock: $(VENV)/.installed
	$(BIN)/uv pip compile --universal --python-version 3.12 -q requirements.in -o requirements.lock
	$(BIN)/uv pip compile --universal --python-version 3.12 -q requirements-dev.in -o requirements-dev.lock

schema: $(VENV)/.installed
	DJANGO_SETTINGS_MODULE=cluster6.config.settings.test $(MANAGE) spectacular --validate --file docs/openapi.yaml

messages: $(VENV)/.installed
	cd src/cluster6 && ../../$(MANAGE) makemessages -l en -l nl --ignore "*/tests/*" && ../../$(MANAGE) compilemessages

demo: $(VENV)/.installed
	$(MANAGE) demo --seed 1 --scale 1

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
