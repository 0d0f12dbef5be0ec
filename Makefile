# tempo_crawler — `make crawl` and `make test` work on a fresh machine (they install what they need).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8765
ARGS ?=

.PHONY: install install-test crawl test demo replica lint golden clean-output bench-distributed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test]'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

## crawl the live site into output/world-<UTC>.jsonl (pass spider arguments with ARGS="-a since=2025-01-01")
crawl: install
	$(VENV)/bin/scrapy crawl world $(ARGS)

## install everything (incl. test dependencies, chromium/redis when missing and root) and run the whole suite
test: install-test
	bash .ci/system-deps
	$(PY) -m pytest -q

## crawl the local replica offline into output/
demo: install
	$(PY) -m tests.replica.demo

## serve the replica on 127.0.0.1:$(PORT) until stopped
replica: install
	$(PY) -m tests.replica.server --port $(PORT)

## issue 15: 1, 2 and 4 distributed workers (redis-server on loopback) on a replica taking 1 s per request,
## budget off: pages/s and speed-up against one worker (goals 1.8x and 3.2x); ~4 min; options: DIST_ARGS="--articles 480"
bench-distributed: install-test
	bash .ci/system-deps
	$(PY) -m benchmarks.distributed_scaling $(DIST_ARGS)

golden: install
	$(PY) -m benchmarks.golden_f1

lint: install-test
	$(VENV)/bin/ruff check .
