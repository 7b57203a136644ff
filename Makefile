# Capacita: `make run` serves the demo, `make test` runs the whole suite, `make quick` only its
# unit and view tests.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test quick install lint messages bench audit bandit clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

install: $(VENV)/.installed

run: install
	mkdir -p var
	$(BIN)/capacita migrate --noinput
	$(BIN)/capacita collectstatic --noinput --verbosity 0
	$(BIN)/capacita demo --no-logins
	@# The demo's e-mails go out first (printed here, as EMAIL_HOST is unset), so that the
	@# logins and the address are the last lines before the server's.
	$(BIN)/capacita db_worker --batch --no-startup-delay --verbosity 0
	@$(BIN)/capacita demo --logins-only
	@echo "Capacita is at http://$(HOST):$(PORT)/  (stop with Ctrl-C)"
	@# The worker sends later e-mails; Ctrl-C stops both.
	@$(BIN)/capacita db_worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	SECURE_COOKIES=0 $(BIN)/capacita runserver $(HOST):$(PORT)

# On SQLite the tests use a database file, as production does (WAL, writers waiting their
# turn), not a shared in-memory database whose locks fail at once instead of waiting. The
# suite runs in TEST_WORKERS processes (pytest-xdist), each with its own test database
# (`…sqlite3_gw0`, `test_capacita_gw0`…); TEST_WORKERS=0 runs it in this process.
TEST_WORKERS ?= 2
test: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/capacita makemigrations --check --dry-run
	mkdir -p var
	TEST_SQLITE_NAME=$${TEST_SQLITE_NAME:-$(CURDIR)/var/test-capacita.sqlite3} \
	  $(BIN)/pytest --numprocesses $(TEST_WORKERS)

# The unit and view tests, to run while working (under two minutes on two cores): the suite
# without its slow kinds, each named by a marker in pyproject.toml — the browser, soak,
# concurrency and fault tests, those that start the application in processes of their own,
# render whole PDFs, draw generated inputs (hypothesis) or sweep every page for one property.
# No ruff, no migrations check: `make test` runs those and everything left out here.
QUICK_MARKERS := not (browser or soak or concurrency or fault or subprocess or pdf or fuzz or sweep)
quick: install
	mkdir -p var
	TEST_SQLITE_NAME=$${TEST_SQLITE_NAME:-$(CURDIR)/var/test-quick.sqlite3} \
	  $(BIN)/pytest --numprocesses $(TEST_WORKERS) -m "$(QUICK_MARKERS)"

# Benchmarks print their figures and ratios; they are not tests and assert no timing. The
# ones at scale run on SQLite and on the PostgreSQL server of BENCH_POSTGRES, at each of
# BENCH_SIZES participants (seeded once into databases of their own, kept between runs).
BENCH_SIZES ?= 10000 100000
BENCH_POSTGRES ?= postgres://postgres@127.0.0.1:5432
bench: install
	@status=0; \
	for script in bench/bench_zoom_import.py bench/bench_certificates.py \
	  bench/bench_nominations_import.py bench/bench_page_weight.py bench/bench_queries.py \
	  bench/bench_pdf_worst_case.py; do \
	  echo "== $$script"; $(BIN)/python $$script || status=1; done; \
	echo "== bench/bench_nominations_import.py on PostgreSQL"; \
	$(BIN)/python bench/bench_nominations_import.py --database-url $(BENCH_POSTGRES) || status=1; \
	echo "== bench/bench_queries.py on PostgreSQL"; \
	$(BIN)/python bench/bench_queries.py --database-url $(BENCH_POSTGRES) || status=1; \
	for database in sqlite postgres; do for size in $(BENCH_SIZES); do \
	  echo "== bench/bench_load.py, $$database, $$size participants"; \
	  $(BIN)/python bench/bench_load.py --database $$database --postgres $(BENCH_POSTGRES) \
	    --participants $$size || status=1; \
	done; \
	echo "== bench/bench_balance.py, $$database"; \
	$(BIN)/python bench/bench_balance.py --database $$database --postgres $(BENCH_POSTGRES) \
	  --participants 100000 || status=1; \
	done; exit $$status

lint: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Refresh the catalogues after changing user-facing strings, then translate and compile.
messages: install
	cd capacita && ../$(BIN)/capacita makemessages --locale es --locale en --no-obsolete --no-location
	cd capacita && ../$(BIN)/capacita compilemessages

# Security audit: bandit on the application (its settings and the reasons for its skips are in
# pyproject.toml's [tool.bandit]), then pip-audit on the packages installed in the virtualenv
# (capacita itself, installed editable, is not a published package). pip-audit asks PyPI's
# JSON API for each installed version (https://pypi.org/pypi/NAME/VERSION/json); `--strict`
# makes it fail, rather than report "No known vulnerabilities found", when it could not check
# a package. Where that API cannot be reached the target says so and fails. No vulnerability
# is ignored (an `--ignore-vuln ID` must come with its reason here).
AUDIT_PROBE := https://pypi.org/pypi/pip-audit/2.7.0/json
# CI runs bandit alone: from the CI machine pip-audit reaches no vulnerability service.
bandit: install
	$(BIN)/bandit -q -r capacita -c pyproject.toml

audit: install
	@status=0; \
	echo "== bandit"; $(BIN)/bandit -q -r capacita -c pyproject.toml || status=1; \
	echo "== pip-audit"; \
	if $(BIN)/python -c "import urllib.request; urllib.request.urlopen('$(AUDIT_PROBE)', timeout=30)" 2>/dev/null; \
	then $(BIN)/pip-audit --local --skip-editable --strict --progress-spinner off || status=1; \
	else echo "pip-audit cannot reach its vulnerability service (could not fetch $(AUDIT_PROBE)): no package was audited" >&2; status=1; fi; \
	exit $$status

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
