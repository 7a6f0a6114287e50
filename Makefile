# The two commands a new user needs: `make run` and `make test`.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
HOST    ?= 127.0.0.1
PORT    ?= 7860

.PHONY: install run test test-fast lint eval bench browser clean

install: $(STAMP)

# torch is installed first, as its CPU build (the +cpu local version), so nothing pulls
# the CUDA wheels. Where no +cpu wheel is found locally, point pip at PyTorch's CPU
# wheel index: make install TORCH_PIP_ARGS="--extra-index-url <PyTorch CPU index URL>".
TORCH_PIP_ARGS ?=
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q "torch==2.13.0+cpu" $(TORCH_PIP_ARGS)
	$(BIN)/pip install -q -e '.[test]'
	touch $(STAMP)

# Chromium for the browser tests (Debian package; Playwright's own download does not work offline).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else sudo apt-get update -q && sudo apt-get install -y -q chromium; fi; }

run: install
	$(BIN)/rag ingest --quiet
	$(BIN)/rag serve --host $(HOST) --port $(PORT)

test: install browser
	$(BIN)/python -m pytest -q -p no:cacheprovider

test-fast: install
	$(BIN)/python -m pytest -q -p no:cacheprovider -m "not slow"

lint: install
	$(BIN)/ruff check rag vectorstore ui evals tests
	$(BIN)/ruff format --check rag vectorstore ui evals tests
	$(BIN)/mypy rag vectorstore ui evals

# The seed gold set over the configured store, then (when ../shared/devset is there) the dev
# set over a private store of its 20 articles, reported per half of its fixed split.
DEVSET ?= ../shared/devset
eval: install
	$(BIN)/rag ingest --quiet
	$(BIN)/rag eval --json out/eval.json --report out/report
	@if [ -d $(DEVSET)/articles ]; then \
	  $(BIN)/rag eval --corpus $(DEVSET)/articles --gold $(DEVSET)/gold.jsonl --split all \
	    --json out/devset.json --report out/devset-report; \
	else echo "no dev set at $(DEVSET): skipped its eval"; fi

bench: install
	$(BIN)/rag bench all --json out/bench.json

clean:
	rm -rf .rag out report
