# Every target creates .venv on first use and installs tillsync with its test
# extras, so on a fresh machine `make test` or `make demo` is the whole set-up.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint format bench bench-full screenshots soak clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	@echo "Installing tillsync and its dependencies into $(VENV) (first run: a minute or two)…"
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --progress-bar on -e '.[test]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/tillsync demo

# one worker per core, each test file on one worker (files share their sandbox servers)
test: $(STAMP)
	$(BIN)/python -m pytest -q -n auto --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python -m scripts.check_vendor_names

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: $(STAMP)
	$(BIN)/python -m bench.run --quick

bench-full: $(STAMP)
	$(BIN)/python -m bench.run --full

screenshots: $(STAMP)
	$(BIN)/python -m tui.screenshots

soak: $(STAMP)
	$(BIN)/python -m pytest -q -m slow tests/reliability

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
