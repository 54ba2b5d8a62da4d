# The two commands of the README: `make run` and `make test`. Both install what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test install system-packages bench static messages

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py search_index
	HOST=$(HOST) PORT=$(PORT) BIN=$(BIN) deploy/run-embedded.sh

# Tests keep their database, broker folder and stores apart from the embedded run's.
test: install
	DATA_DIR=$${DATA_DIR:-$(CURDIR)/var/test} $(BIN)/pytest $(PYTEST_ARGS)

install: system-packages $(VENV)/.installed static messages

# The portal's player: hls.js from npm (pinned by package-lock.json), served as one of our static files.
# npm ci also brings playwright-core, which the portal's browser tests drive Debian's chromium with.
NODE_STAMP := node_modules/.package-lock.json
HLS_JS := backend/portal/static/portal/vendor/hls.min.js
static: $(HLS_JS)

$(NODE_STAMP): package-lock.json
	npm ci --no-audit --no-fund --loglevel=error

$(HLS_JS): $(NODE_STAMP)
	mkdir -p $(dir $@)
	cp node_modules/hls.js/dist/hls.min.js $@

# The portal's interface languages: .po catalogues live in git, .mo files are built here (gettext).
PO_FILES := $(wildcard backend/portal/locale/*/LC_MESSAGES/django.po)
MO_STAMP := backend/portal/locale/.compiled
messages: $(MO_STAMP)

$(MO_STAMP): $(PO_FILES) $(VENV)/.installed
	cd backend/portal && ../../$(BIN)/django-admin compilemessages --verbosity 0
	touch $@

system-packages:
	@deploy/install-system-packages.sh

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --editable '.[test]'
	touch $@
