# The task runner. `make run` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DB := .demo/authtrack-demo.json

.PHONY: run test test-fast test-clock check lint format bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
		{ echo "authtrack needs Python 3.11 or newer (found $$($(PYTHON) --version))."; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run: $(STAMP)
	@mkdir -p .demo
	$(BIN)/authtrack --db $(DEMO_DB) demo
	$(BIN)/authtrack --db $(DEMO_DB)

check: $(STAMP)
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/lint-imports

# --dist worksteal: a worker that runs out of tests takes some of the other's (the Pilot tests
# vary from 0.3 to 8 s). Four workers on two cores: the suite keeps a core only ~70 % busy a
# worker (Pilot tests wait for the screen, real processes and fsyncs wait), so two workers left
# a third of the machine idle: 1,352 tests, 148 and 167 s with -n 4 against 168 and 196 s with
# -n 2, run back to back on a quiet 2-core machine (2026-12-07).
WORKERS ?= 4
# pytest rewrites the asserts of the ~230 test modules in every worker: ~4.5 s of CPU a worker
# (four at once on two cores: ~10 s before the first test) unless it may keep the rewritten
# modules in __pycache__, which PYTHONDONTWRITEBYTECODE forbids. The suite's runs lift it for
# pytest alone (the second run, `make test-clock` on CI, then starts from the kept ones).
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest
test: check
	$(PYTEST) -n $(WORKERS) --dist worksteal -q

# The whole suite a year ahead, at 12:15 pm in a timezone far from UTC: no test may depend on the
# real date, hour or timezone (tests/helpers/clock/sitecustomize.py moves every process's clock).
test-clock: $(STAMP)
	AUTHTRACK_TEST_CLOCK_SHIFT_DAYS=365 AUTHTRACK_TEST_CLOCK_AT=12:15 TZ=Pacific/Kiritimati \
		PYTHONPATH=tests/helpers/clock \
		$(PYTEST) -n $(WORKERS) --dist worksteal -q -p no:cacheprovider \
		-W ignore::pytest.PytestAssertRewriteWarning

# The unit tier alone (no app, no subprocess): the edit-test loop, well under 30 s.
test-fast: $(STAMP)
	$(PYTEST) tests/unit -n 2 --dist worksteal -q

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) .demo .pytest_cache .ruff_cache
