# Two entry points (see README): `make demo` and `make test`. Each builds the venv it needs.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null 2>&1 || { echo "Cần Python 3.11 ($(PY))"; exit 1; }
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

.PHONY: install demo test test-postgres bench clean
install: $(STAMP)

demo: $(STAMP)
	$(BIN)/thidua demo

test: $(STAMP)
	$(BIN)/python -m pytest

# The same suite on a throwaway PostgreSQL server (needs PostgreSQL's initdb/pg_ctl on the machine).
test-postgres: $(STAMP)
	$(BIN)/python -m pip install -q -e '.[dev,postgres]'
	scripts/test-on-postgres.sh -q

bench: $(STAMP)
	$(BIN)/python -m bench.broadcast --contacts 3000 --json
	$(BIN)/python -m bench.reminders --json

clean:
	rm -rf $(VENV) data .pytest_cache
