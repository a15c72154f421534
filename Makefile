# Faro: `make run` starts everything with embedded defaults; `make test` runs the suite.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
LOCK := requirements-dev.lock

.PHONY: run test setup debian-packages messages lock bench lint clean-var

run: setup
	$(PY) manage.py migrate --no-input
	$(PY) manage.py load_demo_content
	$(PY) manage.py ensure_admin
	@echo "Faro: http://127.0.0.1:8000/  (admin: http://127.0.0.1:8000/admin/)  Ctrl-C stops web, worker and beat."
	$(VENV)/bin/honcho start -f Procfile.dev

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

setup: debian-packages $(VENV)/.installed messages

debian-packages:
	@bin/install-debian-packages

$(VENV)/.installed: $(LOCK)
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	touch $@

messages: $(VENV)/.installed
	$(PY) manage.py compilemessages --ignore '.venv/*' --ignore 'var/*' -v 0

# Re-pin every dependency (with hashes) after changing pyproject.toml.
lock: $(VENV)/.installed
	$(VENV)/bin/pip-compile -q --generate-hashes --strip-extras --allow-unsafe -o requirements.lock pyproject.toml
	$(VENV)/bin/pip-compile -q --generate-hashes --strip-extras --allow-unsafe --extra dev -o requirements-dev.lock pyproject.toml

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

bench: setup
	$(PY) -m bench

clean-var:
	rm -rf var/
