# One task runner for the portal. See README.md.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
TEST_DATABASE_URL ?= postgres://dialogue:dialogue@127.0.0.1:5432/dialogue
TEST_BROKER_URL ?= redis://127.0.0.1:6379/15
# The invitations benchmark runs a real worker on this Redis database and flushes it.
BENCH_BROKER_URL ?= redis://127.0.0.1:6379/14

.PHONY: run test lint fmt worker beat bench services install migrate demo clean

$(BIN)/.installed: requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -r requirements-dev.txt
	touch $@

install: $(BIN)/.installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

run: demo
	@echo "Cổng hội nghị đối thoại: http://127.0.0.1:8000/"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

services:
	bash scripts/services.sh

test: install services
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	DATABASE_URL=$(TEST_DATABASE_URL) TEST_BROKER_URL=$(TEST_BROKER_URL) \
		$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

fmt: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

worker: install
	$(BIN)/celery -A dialogue_portal worker -l info

beat: install
	$(BIN)/celery -A dialogue_portal beat -l info

bench: install services
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python manage.py migrate --noinput -v0
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python bench/plan_pdf.py
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python bench/import.py
	DATABASE_URL=$(TEST_DATABASE_URL) BENCH_BROKER_URL=$(BENCH_BROKER_URL) $(BIN)/python bench/invitations.py
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python bench/report.py
	$(BIN)/python bench/hostile_uploads.py
	DATABASE_URL=$(TEST_DATABASE_URL) $(BIN)/python bench/directory.py

clean:
	rm -rf $(VENV) db.sqlite3 staticfiles .pytest_cache
