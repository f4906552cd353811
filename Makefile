# One entry point for people and CI. `make run` and `make test` set up .venv/ first.
PYTHON ?= python3.11
VENV := .venv
UV_VERSION := 0.13.9
STAMP := $(VENV)/.installed

.PHONY: setup run test bench bench-speed clean lock

setup: $(STAMP)

# Rebuilt only when the pins or the project metadata change, so a second `make setup` is instant.
$(STAMP): requirements.lock pyproject.toml
	test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(VENV)/bin/uv pip install --quiet --python $(VENV)/bin/python --compile-bytecode --require-hashes -r requirements.lock
	$(VENV)/bin/uv pip install --quiet --python $(VENV)/bin/python --no-deps --compile-bytecode -e .
	touch $(STAMP)

run: setup
	$(VENV)/bin/scrutiny run raw_pdfs --output outputs

test: setup
	$(VENV)/bin/python -m pytest

bench: setup
	$(VENV)/bin/python bench/accuracy.py --out bench/results/accuracy.json

# Start-up, per-page cost against pdfplumber's bare extract_tables(), throughput and memory.
bench-speed: setup
	$(VENV)/bin/python bench/speed.py --out bench/results/speed.json --startup-out bench/results/startup.json

# Re-resolve the pins (needs the package registry); commit the result.
lock: setup
	$(VENV)/bin/uv pip compile pyproject.toml --extra test --python-version 3.11 --generate-hashes -o requirements.lock

clean:
	rm -rf $(VENV) .scrutiny outputs
