# Two commands do all the set-up: `make run` and `make test`. Everything else is a step of theirs.
SHELL := /bin/bash
RASA_VENV := .venv-rasa
ACTIONS_VENV := .venv-actions
RASA_PY := $(RASA_VENV)/bin/python
ACTIONS_PY := $(ACTIONS_VENV)/bin/python

.PHONY: setup run test test-system-packages test-index test-model index train validate eval bench bench-dossiers bench-notifications browser services clean telegram-poll

VENVS := $(RASA_VENV)/.lock.sha256 $(ACTIONS_VENV)/.lock.sha256

setup: ## both Python environments, created side by side
	@$(MAKE) --no-print-directory -j2 $(VENVS)

$(RASA_VENV)/.lock.sha256: requirements/rasa.lock scripts/venv.sh
	scripts/venv.sh 3.10 $(RASA_VENV) requirements/rasa.lock

$(ACTIONS_VENV)/.lock.sha256: requirements/actions.lock scripts/venv.sh
	scripts/venv.sh 3.11 $(ACTIONS_VENV) requirements/actions.lock

browser: ## Debian's Chromium for the browser test (needs root or an existing /usr/bin/chromium)
	@scripts/ensure_chromium.sh

services: ## PostgreSQL for the store tests (the machine's own, or installed and started)
	@scripts/ensure_postgres.sh

run: setup
	$(ACTIONS_PY) scripts/run.py

# Side by side: both environments, Chromium then PostgreSQL (apt, one after the other) and the full
# catalog's index for the tests (as soon as its environment exists); then the suite, which trains
# the Rasa model beside its first tests (scripts/test.sh).
test:
	@$(MAKE) --no-print-directory -j4 $(VENVS) test-system-packages test-index
	scripts/test.sh

test-model: $(RASA_VENV)/.lock.sha256 ## the Rasa model every test server uses (trained once, scripts/stack.py)
	@$(RASA_PY) scripts/stack.py train

test-index: $(ACTIONS_VENV)/.lock.sha256 ## the index the quality gate and the test servers share (tests/conftest.py)
	@KB_INDEX_DIR=var/test-index PYTHONPATH=. $(ACTIONS_PY) -m knowledge_base build --if-changed

test-system-packages:
	@scripts/ensure_chromium.sh
	@scripts/ensure_postgres.sh

telegram-poll: setup ## Telegram without a public URL: forward getUpdates to the local Rasa (next to `make run`)
	$(RASA_PY) -m channels.telegram poll

index: setup
	$(ACTIONS_PY) -m knowledge_base build

validate: setup
	$(ACTIONS_PY) -m knowledge_base validate
	cd bot && ../$(RASA_PY) -m rasa data validate --config ../config.yml --domain domain --data data

eval: index
	$(ACTIONS_PY) -m knowledge_base eval

bench: setup
	$(ACTIONS_PY) benchmarks/search_latency.py

bench-dossiers: setup services ## dossier look-up latency at 100,000 dossiers, SQLite and PostgreSQL
	$(ACTIONS_PY) benchmarks/dossier_lookup.py

bench-notifications: setup services ## 10,000 subscriptions, 2,000 changes at once: drained, none twice (SQLite, PostgreSQL)
	PYTHONPATH=. $(ACTIONS_PY) benchmarks/notifications.py

clean:
	rm -rf var models .pytest_cache
