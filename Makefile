# kaniwa: every target creates .venv and installs the project into it on first use.
#   make verilog   every block's default configurations → build/verilog/ (+ manifest.json)
#   make test      golden, unit and cocotb tests in parallel (what CI runs)
#   make sim       every block's cocotb benches through the CLI (SIMULATOR=icarus for Icarus)
#   make synth     synthesis reports → reports/synth/ (ECP5, iCE40, UltraScale+ estimate)
#   make bench     benchmarks → reports/bench/
#   make clean     remove build/ (keeps .venv and reports/)

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
KANIWA := $(PY) -m kaniwa.cli
STAMP := $(VENV)/.kaniwa-installed
SIMULATOR ?= verilator
PYTEST_WORKERS ?= auto
TARGET ?= all

.PHONY: all verilog test sim synth bench clean lint

all: verilog

# The stamp depends on the interpreter too, so a damaged or half-deleted .venv is rebuilt.
$(PY):
	$(PYTHON) -m venv --clear $(VENV)

$(STAMP): pyproject.toml setup.py $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $@

verilog: $(STAMP)
	$(KANIWA) verilog --presets -o build/verilog

test: $(STAMP)
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist worksteal tests

sim: $(STAMP)
	@set -e; blocks=$$($(KANIWA) list --json | $(PY) -c \
		"import json,sys; print(' '.join(b['block'] for b in json.load(sys.stdin)))"); \
	test -n "$$blocks" || { echo "make sim: no blocks registered" >&2; exit 1; }; \
	for block in $$blocks; do $(KANIWA) sim $$block --simulator $(SIMULATOR); done

synth: $(STAMP)
	$(KANIWA) synth --presets --target $(TARGET)

bench: $(STAMP)
	$(KANIWA) bench

lint: $(STAMP)
	$(PY) -m ruff check .

clean:
	rm -rf build
