# The two commands of the README: `make run` and `make test`. Both install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install system-packages bench

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py search_index
	HOST=$(HOST) PORT=$(PORT) BIN=$(BIN) deploy/run-embedded.sh

# Tests keep their database, broker folder and stores apart from the embedded run's.
test: install
	DATA_DIR=$${DATA_DIR:-$(CURDIR)/var/test} $(BIN)/pytest $(PYTEST_ARGS)

install: system-packages $(VENV)/.installed

system-packages:
	@deploy/install-system-packages.sh

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --editable '.[test]'
	touch $@
