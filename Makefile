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

# The benchmarks the README quotes (about 40 minutes; each prints JSON with its own baseline; see bench/README.md).
bench: $(STAMP)
	$(BIN)/python -m bench.broadcast --contacts 3000 --json
	$(BIN)/python -m bench.reminders --json
	$(BIN)/python -m bench.rush --schools 150
	$(BIN)/python -m bench.cpu --updates 500 --idle 30
	$(BIN)/python -m bench.launch_rss --contacts 3000
	$(BIN)/python -m bench.stop_resume --contacts 1000
	$(BIN)/python -m bench.flood --messages 200
	$(BIN)/python -m bench.export_rss --small
	$(BIN)/python -m bench.console --units 3000 --milestones 6 --repeat 15

clean:
	rm -rf $(VENV) data .pytest_cache
