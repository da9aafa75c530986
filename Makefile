# Two commands: `make run` (demo portal on SQLite) and `make test` (the whole suite).
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
TRANSLATIONS := portal/translations workinggroups/translations advisory/translations queqiao/translations queqiao/rules/translations testbuys/translations reports/translations
PORT ?= 5000
PYTEST_ARGS ?=

.PHONY: run test setup translations lint messages bench clean worker wheel cluster-test

setup: $(STAMP) translations

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $(STAMP)

# Compile the English and Chinese catalogs of every package (.po -> .mo).
translations: $(STAMP)
	@for d in $(TRANSLATIONS); do \
	  if [ -d $$d ]; then $(BIN)/pybabel -q compile -d $$d || exit 1; fi; \
	done

run: setup
	$(BIN)/flask --app wsgi db upgrade
	$(BIN)/flask --app wsgi seed-demo
	@echo "Serving the portal on http://127.0.0.1:$(PORT)"
	PORT=$(PORT) $(BIN)/python wsgi.py

# A job worker against REDIS_URL (without Redis, `make run` runs the jobs itself).
worker: setup
	$(BIN)/flask --app wsgi worker

# The production install: a wheel with compiled catalogs, templates, static files and migrations.
wheel: $(STAMP)
	$(BIN)/pip wheel --quiet --no-deps --no-build-isolation -w dist .

# Only the production tests (cluster behind nginx, wheel install); they also run within `make test`.
cluster-test: setup
	$(BIN)/python -m pytest -m "cluster or install" tests/production

lint: $(STAMP)
	$(BIN)/ruff check .

# The suite on SQLite; again on PostgreSQL when TEST_DATABASE_URL is set, but for the
# tests marked backend_neutral, whose outcome the database cannot change.
test: setup lint
	env -u TEST_DATABASE_URL $(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
	  echo "== again on PostgreSQL (tests marked backend_neutral ran above)"; \
	  $(BIN)/python -m pytest -n 2 -m "not backend_neutral" $(PYTEST_ARGS); \
	fi

# Extract every package's messages and merge them into its catalogs.
messages: $(STAMP)
	$(BIN)/python -m portal.i18n_tools update

bench: $(STAMP)
	$(BIN)/python bench/rules.py

clean:
	rm -rf $(VENV) instance build dist
