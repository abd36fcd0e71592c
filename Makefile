# ipassist — the two commands are `make run` and `make test`; everything else is a step of theirs.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PG_URL ?= postgres://postgres@127.0.0.1:5432/ipassist
# Settings for the production configuration check: DEBUG off, a throwaway key, a real host name.
DEPLOY_ENV := DEBUG=0 SECRET_KEY=$$($(BIN)/python -c 'import secrets; print(secrets.token_urlsafe(50))') ALLOWED_HOSTS=ipassist.example.org

.PHONY: run test setup translations lint check test-sqlite test-postgres test-browser browser-setup bench clean

$(STAMP): pyproject.toml requirements.lock
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $@

setup: $(STAMP) translations
	mkdir -p var

translations: $(STAMP)
	DEBUG=1 $(BIN)/ipassist compile_translations

run: setup
	mkdir -p var
	DEBUG=1 $(BIN)/ipassist migrate --noinput
	DEBUG=1 $(BIN)/ipassist demo
	@echo "ipassist is starting on http://127.0.0.1:8000 — stop it with Ctrl-C."
	DEBUG=1 $(BIN)/ipassist serve --bind 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: setup
	DEBUG=1 $(BIN)/ipassist makemigrations --check --dry-run
	$(DEPLOY_ENV) $(BIN)/ipassist check --deploy --fail-level WARNING

test-sqlite: setup
	$(BIN)/pytest -m "not browser"

test-postgres: setup
	./scripts/ensure-postgres
	DATABASE_URL=$(PG_URL) $(BIN)/pytest -m "not browser"

browser-setup:
	./scripts/ensure-chromium
	npm ci --silent --no-audit --no-fund

test-browser: setup browser-setup
	$(BIN)/pytest -m browser

test: lint check test-sqlite test-postgres test-browser

bench: setup
	$(BIN)/python bench/casework_inbox.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules var/staticfiles
