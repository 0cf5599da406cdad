# Two commands on a fresh machine: `make run` and `make test`. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PG_URL ?= postgres://postgres@127.0.0.1:5432/test
REDIS_TEST_URL ?= redis://127.0.0.1:6379/5
SQLITE_TEST_URL ?= sqlite:///$(CURDIR)/var/test-core.sqlite3
PYTEST_ARGS ?=

.PHONY: install system-deps messages run test test-pg test-sqlite bench lint services-check demo-data worker

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

# Debian packages the tests need (Dovecot, Chromium, gettext); installed only when missing.
system-deps:
	@scripts/system-deps.sh

messages: install
	@command -v msgfmt >/dev/null || scripts/system-deps.sh gettext
	$(BIN)/python manage.py compilemessages --ignore '.venv/*' -v 0

services-check: install
	@$(BIN)/python scripts/services_check.py "$(PG_URL)" "$(REDIS_TEST_URL)"

run: install messages
	$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py createcachetable
	$(BIN)/python manage.py seed_demo
	@scripts/run.sh

test: install system-deps messages services-check test-pg test-sqlite

test-pg:
	DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(BIN)/pytest -p no:cacheprovider $(PYTEST_ARGS)

test-sqlite:
	rm -f var/test-core.sqlite3*
	DATABASE_URL=$(SQLITE_TEST_URL) REDIS_URL= $(BIN)/pytest -p no:cacheprovider -m core $(PYTEST_ARGS)

# JSON alone on stdout (progress goes to stderr).
bench: install
	@$(BIN)/python scripts/services_check.py "$(PG_URL)" "$(REDIS_TEST_URL)" >&2
	@DATABASE_URL=$(PG_URL) REDIS_URL=$(REDIS_TEST_URL) $(BIN)/python -m bench

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy helpdesk channels_chat mailin knowledgebase
	$(BIN)/python manage.py makemigrations --check --dry-run
