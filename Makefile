# Two entry points for a fresh machine (see README.md): `make up` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
# A checkout keeps its jars and instances in .neo4j/ (an installed package uses ~/.local/share).
export CIBGRAPH_HOME ?= $(CURDIR)/.neo4j

.PHONY: up install assets neo4j test test-fast lint stop clean browser-deps

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	@# so that .venv/bin/cibgraph, run by hand from the checkout, finds the same .neo4j/
	@grep -qs '^CIBGRAPH_HOME=' .env || echo "CIBGRAPH_HOME=$(CURDIR)/.neo4j" >> .env
	touch $(STAMP)

install: $(STAMP) assets

## GraphiQL (with its explorer), Swagger UI and ReDoc, fetched from npm once: the API's pages
## then work offline (src/cibgraph/assets/api/, shipped in the wheel; nothing to do when present).
assets: $(STAMP)
	$(BIN)/python -m cibgraph.api.pages fetch

neo4j: install
	$(BIN)/cibgraph neo4j install
	$(BIN)/cibgraph neo4j start

## The main job: Python packages, the local Neo4j, the demo investigation, the API on :8000.
up: neo4j
	$(BIN)/cibgraph demo load
	$(BIN)/cibgraph detect networks
	@$(BIN)/cibgraph keys revoke demo >/dev/null 2>&1 || true
	@$(BIN)/cibgraph keys create demo --role analyst | tail -n 1 > .neo4j/demo-api-key
	@echo "Demo API key (analyst), also in .neo4j/demo-api-key: $$(cat .neo4j/demo-api-key)"
	@echo "GraphiQL: http://127.0.0.1:8000/graphql  (Headers: {\"Authorization\": \"Bearer <key>\"})"
	$(BIN)/cibgraph serve

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## Debian's chromium, for the Neo4j Browser test (tests/api/test_browser_chromium.py).
browser-deps:
	command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y chromium)

## The test command: lint, types, then the suite against a dedicated Neo4j test instance.
test: lint browser-deps
	$(BIN)/cibgraph neo4j install
	$(BIN)/pytest

## The fast lane: the tests that need no Neo4j (tests/conftest.py marks the others), no server
## started, no wheel built; `make lint test-fast` adds the checks.
test-fast: install
	CIBGRAPH_TEST_NO_NEO4J=1 $(BIN)/pytest -q -m "not neo4j and not slow"

stop:
	$(BIN)/cibgraph neo4j stop

clean: stop
	rm -rf $(VENV) .neo4j
