# Atelier — the two commands are `make run` and `make test`; everything else is optional.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test lint lint-imports bench bench-pdf audit prod-local fixtures icons messages clean

$(PY):
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(PY) requirements.txt requirements-dev.txt
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# axe-core for the accessibility browser tests; without npm those tests skip and say why.
NODE_STAMP := node_modules/.installed

$(NODE_STAMP): package.json package-lock.json
	if command -v npm >/dev/null; then npm ci --no-audit --no-fund && touch $(NODE_STAMP); fi

## make run: install, migrate, load the course and demo users (once), serve on 127.0.0.1:8000
run: $(STAMP)
	DJANGO_DEBUG=1 $(PY) manage.py migrate --noinput
	DJANGO_DEBUG=1 $(PY) manage.py load_course --demo-users
	DJANGO_DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

## make test: install and run the whole suite (SQLite unless DATABASE_URL is set), one pytest-xdist
## worker per core; PYTEST_ARGS is added last (PYTEST_ARGS="-n 0" runs in one process)
test: $(STAMP) $(NODE_STAMP)
	$(PY) -m ruff check .
	$(VENV)/bin/lint-imports
	DJANGO_DEBUG=1 $(PY) manage.py check
	$(PY) -m pytest -n auto $(PYTEST_ARGS)

## make prod-local: production settings on one machine (PostgreSQL, Redis, gunicorn, worker, beat)
prod-local: $(STAMP)
	bin/prod-local

## make audit: bandit (medium severity and up) and pip-audit on the pinned requirements
audit: $(STAMP)
	$(VENV)/bin/bandit -q -r accounts badges config core courses gallery portfolios -x '*/migrations/*' -ll
	$(VENV)/bin/pip-audit -r requirements.txt --progress-spinner off

## make bench-pdf: only the portfolio PDF render time (a fully filled ~20-page portfolio)
bench-pdf: $(STAMP)
	DJANGO_SETTINGS_MODULE=config.settings $(PY) -m bench.pdf_render

lint: $(STAMP)
	$(PY) -m ruff check .

## make lint-imports: the import-linter contracts in .importlinter (each app imports only the apps below it)
lint-imports: $(STAMP)
	$(VENV)/bin/lint-imports

## make fixtures: rebuild fixtures/course.json and its PDFs and images from fixtures/content/
fixtures: $(STAMP)
	$(PY) manage.py build_course_fixtures
	$(PY) manage.py build_badge_fixtures

## make icons: redraw the wordmark SVGs and the PNG icons from static/img/favicon.svg (Chromium via Playwright)
icons: $(STAMP)
	$(PY) bin/build-icons

## make messages: compile locale/ (our wording over allauth's); the .mo is committed, so nothing else needs gettext
messages: $(STAMP)
	$(PY) manage.py compilemessages --locale en --ignore '.venv/*' --ignore 'node_modules/*'

clean:
	rm -rf $(VENV) node_modules db.sqlite3 db.sqlite3-* media staticfiles

## make bench: seed 10,000 learners (once, bench/seed.py), load-test every key page under gunicorn with wrk,
## append to bench/results.md. DATABASE_URL selects PostgreSQL, REDIS_URL adds the badge latency,
## BENCH_CONNECTIONS=64 loads harder; see bench/run.py.
bench: $(STAMP)
	@command -v wrk >/dev/null || { echo "bench: installing wrk"; apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(PY) bench/run.py
