# Källa: `make run` sets everything up and starts the app; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
CORPUS ?=

.PHONY: setup model run test bench bench-retrieval clean

setup: $(VENV)/.installed model

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

model: $(VENV)/.installed
	$(PY) -m embedding.prepare

run: setup
	@if [ -n "$(CORPUS)" ]; then $(PY) -m ingest add $(CORPUS) || echo "Vissa filer kunde inte läggas till (se ovan); appen startar ändå."; fi
	$(PY) -m streamlit run app.py --server.headless true --server.address localhost \
		--server.port $(PORT) --browser.gatherUsageStats false

test: setup
	$(PY) -m pytest

bench: setup
	$(PY) bench/ingest_and_query.py

EVAL_SETS := swefaq_superlim2 swequad_mc squad_v2_sv
bench-retrieval: setup
	rm -f bench/results/retrieval.jsonl
	for set in $(EVAL_SETS); do \
		$(PY) -m index.evaluate --beir ../shared/eval/$$set --split dev --json >> bench/results/retrieval.jsonl || exit 1; \
	done

clean:
	rm -rf $(VENV) .models
