PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install serve test chromium lint typecheck format bench clean messages

install: $(BIN)/notify-sandbox

$(BIN)/notify-sandbox: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,fast]'
	@touch $@

# serving needs only the package (and uvloop): no test or lint tools
$(VENV)/.serve-installed: pyproject.toml
	test -x $(BIN)/pip || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet -e '.[fast]'
	@touch $@

serve: $(VENV)/.serve-installed
	$(BIN)/notify-sandbox serve

# the official Node client for the Node contract tests (tests/node), pinned by package-lock.json
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

# the dashboard's browser tests (tests/browser) drive Debian's chromium, since Playwright's own
# browser download is not reachable, and inject axe-core, pinned by its package-lock.json
tests/browser/node_modules/.package-lock.json: tests/browser/package.json tests/browser/package-lock.json
	npm ci --prefix tests/browser --no-audit --no-fund

chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "make test: the browser tests need chromium (Debian: sudo apt-get install chromium)" >&2; \
	    exit 1; \
	  fi; }

test: install node_modules/.package-lock.json tests/browser/node_modules/.package-lock.json chromium
	$(BIN)/pytest -q

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install
	$(BIN)/mypy

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) .sandbox .pytest_cache .ruff_cache

# the dashboard's catalogues: extract the pages' texts, then bring fr up to date
# (regional overrides, en_CA and fr_CA, and gateway.po are kept by hand)
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location -o /tmp/notify-sandbox-messages.pot simulator/web
	$(BIN)/pybabel update --no-fuzzy-matching --width 100 -l fr -i /tmp/notify-sandbox-messages.pot \
		-d simulator/web/translations
