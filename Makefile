# Källa: `make run` sets everything up and starts the app; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8501
CORPUS ?=

.PHONY: setup model ocr browser run sample api test lint robustness-table bench bench-retrieval lexicon question-shift calibrate bench-answers bench-answers-quality calibrate-reader train-reader adapt-reader bench-index bench-stages bench-scale bench-distributed clean

setup: $(VENV)/.installed model ocr

# The pinned packages, then the project itself, editable (its packages and the kalla-* commands).
$(VENV)/.installed: requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

model: $(VENV)/.installed
	$(PY) -m embedding.prepare

# A library that has never held a document gets the sample library (samples/) first, unless CORPUS is named,
# EMPTY=1 is given or KALLA_SAMPLE=off; `python -m corpus sample remove` withdraws it again.
run: setup
	@if [ -n "$(CORPUS)" ]; then $(PY) -m ingest add $(CORPUS) || echo "Vissa filer kunde inte läggas till (se ovan); appen startar ändå."; \
	elif [ -z "$(EMPTY)" ]; then $(PY) -m corpus sample add --if-never-used || echo "Exempelbiblioteket kunde inte läsas in (se ovan); appen startar ändå."; fi
	$(PY) -m streamlit run app.py --server.headless true --server.address localhost \
		--server.port $(PORT) --browser.gatherUsageStats false

# The sample library (samples/) into the library, whether or not it has held documents before.
sample: setup
	$(PY) -m corpus sample add

# The HTTP API on localhost:8502 (KALLA_API_HOST, KALLA_API_PORT); OpenAPI documentation at /docs.
api: setup
	$(PY) -m api

# Debian packages, installed with apt where this runs as root or with passwordless sudo; elsewhere the
# make target says what is missing and the project still works (OCR: pages are listed as needing it;
# chromium: the real-browser test skips).
APT = DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends
define apt_install
	if [ "$$(id -u)" = 0 ]; then (apt-get update -qq && $(APT) $(1)) >/dev/null; \
	elif sudo -n true 2>/dev/null; then (sudo apt-get update -qq && sudo $(APT) $(1)) >/dev/null; fi
endef

# Tesseract with Swedish, for scanned PDF pages.
ocr:
	@tesseract --list-langs 2>/dev/null | grep -qx swe || { \
		$(call apt_install,tesseract-ocr tesseract-ocr-swe); \
		tesseract --list-langs 2>/dev/null | grep -qx swe || echo "Obs: tesseract-ocr-swe saknas; skannade sidor listas som 'behöver OCR' (sudo apt-get install tesseract-ocr tesseract-ocr-swe)."; }

# Debian's chromium, for the real-browser test.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
		$(call apt_install,chromium fonts-dejavu-core); \
		command -v chromium >/dev/null 2>&1 || echo "Obs: chromium saknas, webbläsartestet hoppas över (sudo apt-get install chromium)."; }

# The layering contract (pyproject.toml: no module imports from a floor above it) and the linter, then the tests.
test: setup browser lint
	$(PY) -m pytest

lint: $(VENV)/.installed
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff check .

# docs/robustness.md from the hostile inputs and faults the robustness table's test runs (a plain test run
# checks the same rows and writes nothing).
robustness-table: setup
	KALLA_WRITE_ROBUSTNESS_TABLE=1 $(PY) -m pytest tests/robustness/test_robustness_table.py -q

bench: setup
	$(PY) -m bench.ingest_and_query

EVAL_SETS := swefaq_superlim2 swequad_mc squad_v2_sv
bench-retrieval: setup
	rm -f bench/results/retrieval.jsonl
	for set in $(EVAL_SETS); do \
		$(PY) -m evaluation.retrieval --beir ../shared/eval/$$set --split dev --json >> bench/results/retrieval.jsonl || exit 1; \
	done
	$(PY) -m evaluation.crosslingual --json > bench/results/crosslingual.jsonl

# The English -> Swedish keyword lexicon (text/lexicon_en_sv.tsv), learned from the tuning articles' question
# pairs and the parallel MNLI subset in ../shared/eval/extra (docs/evaluation.md).
lexicon: setup
	$(PY) -m evaluation.lexicon

# The question shift (index/question_shift_en_sv.json): where a Swedish question lies from its English twin,
# for the embedding model, from the tuning articles' question pairs; the factor cross-fitted within them.
question-shift: setup
	$(PY) -m evaluation.question_shift

# Refit when the assistant abstains, on ../shared/eval (writes answer/abstention.json and bench/results/).
calibrate: setup
	$(PY) -m bench.calibrate_abstention

bench-answers: setup
	$(PY) -m bench.answer_latency

# Answer quality, today's rules against the new ones, on the realistic questions' hold-out part, held-out
# SQuAD-sv articles (Swedish and English questions) and SweQUAD-MC dev, with whole-answer latency at 2.5k
# and 100k passages (about 45 minutes on 2 cores).
bench-answers-quality: setup
	$(PY) -m bench.answer_quality

# Refit the reader's decision to answer on the realistic questions' tuning part and the SQuAD-sv
# calibration articles (writes answer/reader/artifact/reader.json).
calibrate-reader: setup
	$(PY) -m evaluation.reader_calibration

# Train the reader from the default model's weights on ../shared/eval and calibrate it (about an hour on
# 2 cores; writes answer/reader/artifact/). `make run` uses the committed artifact and trains nothing.
train-reader: setup
	PYTHONUNBUFFERED=1 $(PY) -m evaluation.train_reader

# The recipe's second stage, after train-reader: adapt the reader to questions like use (half of the realistic
# questions' tuning part, English questions over Swedish paragraphs, XQuAD sv/nb/da) and calibrate it on the
# other half (about 25 minutes on 2 cores in float32; writes answer/reader/artifact/).
adapt-reader: setup
	PYTHONUNBUFFERED=1 $(PY) -m evaluation.adapt_reader

# The vector index alone at 10k/100k/1M synthetic passages, flat against IVF-SQ8 (several minutes).
bench-index: setup
	$(PY) -m bench.index_scale

# Ingest stages separately on ../shared/corpus: extraction, chunking, embedding.
bench-stages: setup
	$(PY) -m bench.ingest_stages

# The whole question path at 10k/100k/1M passages: latency, answers/s, memory, disk (about 10 minutes;
# builds kept in /tmp/kalla-query-scale).
bench-scale: setup
	$(PY) -m bench.query_scale

# Ingest of ../shared/corpus in one process against a local Dask cluster of 2 workers.
bench-distributed: setup
	$(PY) -m bench.distributed_ingest

clean:
	rm -rf $(VENV) .models
