# Faro: `make run` starts everything with embedded defaults; `make test` runs the suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
LOCK := requirements-dev.lock

.PHONY: help run test setup debian-packages messages lock bench lint clean-var

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/' | expand -t 16

run: setup ## Set up and start web, worker and beat on http://127.0.0.1:8000
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo_content
	$(PY) manage.py ensure_admin
	@echo "Faro: http://127.0.0.1:8000/  (admin: http://127.0.0.1:8000/admin/)  Ctrl-C stops web, worker and beat."
	$(PY) bin/run-dev -p 8000

test: setup ## Run the whole test suite
	$(PY) -m pytest $(PYTEST_ARGS)

setup: debian-packages $(VENV)/.installed node_modules/.installed messages ## Install everything the project needs

debian-packages:
	@bin/install-debian-packages

$(VENV)/.installed: $(LOCK)
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	touch $@

# The W3C Nu HTML checker (vnu.jar) for the suite, pinned with its hash in
# package-lock.json; nothing from npm is served to readers.
node_modules/.installed: package-lock.json
	npm ci --no-audit --no-fund --ignore-scripts --loglevel=error
	touch $@

messages: $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'var/*' -v 0

# Re-pin every dependency (with hashes) after changing pyproject.toml.
lock: $(VENV)/.installed ## Re-pin dependencies with hashes after editing pyproject.toml
	$(VENV)/bin/pip-compile -q --generate-hashes --strip-extras --allow-unsafe -o requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile -q --generate-hashes --strip-extras --allow-unsafe --extra dev -o requirements-dev.lock pyproject.toml

lint: $(VENV)/.installed ## ruff check, ruff format --check and the import layering (lint-imports), as CI runs them
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

bench: setup ## Benchmarks (see the README)
	$(PY) -m bench

clean-var: ## Remove var/ (local database, outbox, queues)
	rm -rf var/
