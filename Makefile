# tempo_crawler — `make crawl` and `make test` work on a fresh machine (they install what they need).
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8765
ARGS ?=
BENCH_ARGS ?=

.PHONY: install install-test install-bench crawl test demo replica lint golden bench bench-kill clean-output bench-distributed mutants

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[test]'
	touch $@

# fundus --no-deps: its lxml<6 pin would downgrade the crawler's lxml (pyproject.toml, the bench extra)
$(VENV)/.installed-bench: $(VENV)/.installed
	$(PY) -m pip install -q -e '.[bench]'
	$(PY) -m pip install -q --no-deps 'fundus==0.5.7'
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

install-bench: $(VENV)/.installed-bench

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

## issue 14's benchmarks (parse cost, accuracy against trafilatura/newspaper4k/Fundus, crawl throughput and
## memory against a minimal Scrapy spider, incremental cost, a small kill test); ~15 min; rewrites the README
## performance table and docs/performance.md. Smaller: make bench BENCH_ARGS="--articles 2000 --runs 1"
bench: install-bench
	$(PY) -m benchmarks.run_all $(BENCH_ARGS)

## exactly-once export under kill -9 (600 articles, 3 rounds x 4 kills)
bench-kill: install-test
	$(PY) -m benchmarks.kill_test

## issue 15: 1, 2 and 4 distributed workers (redis-server on loopback) on a replica taking 1 s per request,
## budget off: pages/s and speed-up against one worker (goals 1.8x and 3.2x); ~4 min; options: DIST_ARGS="--articles 480"
bench-distributed: install-test
	bash .ci/system-deps
	$(PY) -m benchmarks.distributed_scaling $(DIST_ARGS)

golden: install
	$(PY) -m benchmarks.golden_f1

lint: install-test
	$(VENV)/bin/ruff check .

## mutation testing (mutmut, pyproject [tool.mutmut]) of layouts/, text/ and pipelines/ against the fast tests
## (-m "not crawl", no property tests); long (hours on 2 shared cores), not part of `make test`. MUTANTS="tempo_crawler.text*"
## runs part of it; results stay in mutants/ (`.venv/bin/mutmut browse`, `mutmut show NAME`), made anew each time
## (mutmut copies the package once and would test later edits of unmutated modules against the old copy).
MUTANT_JOBS ?= 2
MUTANTS ?=
mutants: install-test
	$(PY) -m pip install -q -e '.[mutants]'
	rm -rf mutants
	$(VENV)/bin/mutmut run --max-children $(MUTANT_JOBS) $(MUTANTS) > mutants.log 2>&1 || (tail -c 3000 mutants.log; exit 1)
	$(PY) -m tests.support.mutants
