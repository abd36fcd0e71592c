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

# After the demo data, a lived-in register: generated activities and participants, loaded once
# (--once skips it when generated rows exist; `ipassist generate --clear` removes them).
run: setup
	mkdir -p var
	DEBUG=1 $(BIN)/ipassist migrate --noinput
	DEBUG=1 $(BIN)/ipassist demo
	DEBUG=1 $(BIN)/ipassist generate --activities 400 --participants 8000 --requests 300 --seed 1 --reference-date today --once
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

# BENCH_ARGS goes to every benchmark (--database-url, --repeat, --seed); CASEWORK_BENCH_ARGS and
# EVENTS_BENCH_ARGS to one of them (sizes: --requests; --approved, --activities, --participants).
bench: setup
	$(BIN)/python bench/casework_inbox.py $(BENCH_ARGS) $(CASEWORK_BENCH_ARGS)
	$(BIN)/python bench/events_participants.py $(BENCH_ARGS) $(EVENTS_BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules var/staticfiles
