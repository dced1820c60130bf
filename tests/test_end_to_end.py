"""End to end with the real default model (multilingual-e5-small) on real documents from ../shared/corpus."""
from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace

import pypdf
import pytest
from streamlit.testing.v1 import AppTest

from corpus.catalogue import Catalogue
from embedding.prepare import prepare_e5_small
from helpers import SHARED_CORPUS, requires_shared_corpus
from index.search import Searcher
from ingest.pipeline import Ingester
from settings import DEFAULT_MODEL, PROJECT_ROOT, Settings

pytestmark = [requires_shared_corpus(), pytest.mark.real_model, pytest.mark.shared]

SKRIVELSE = "regeringen_digitalisering/docs/rattsliga-dokument/skrivelse/2020/02/skr.-20192082.md"
PDFS = ["authority_pdfs/digg_persistent_identifiers/process__anteckningar-1.pdf",
        "authority_pdfs/digg_persistent_identifiers/process__anteckningar-2.pdf",
        "authority_pdfs/swedenconnect_technical_framework/mirror__skv__skv704-8.pdf",
        "authority_pdfs/swedenconnect_technical_framework/mirror__skv__skv707-2.pdf",
        "authority_pdfs/swedenconnect_technical_framework/mirror__skv__skv709-8.pdf"]
LEGACY_QUESTION = "Varför är gamla it-system ett problem för myndigheterna?"


def corpus_files() -> list:
    markdown = sorted((SHARED_CORPUS / "regeringen_digitalisering/docs").rglob("*.md"))
    chosen = [SHARED_CORPUS / SKRIVELSE] + [p for p in markdown if not str(p).endswith(SKRIVELSE)][:24]
    return chosen + [SHARED_CORPUS / p for p in PDFS] + sorted((SHARED_CORPUS / "seed_articles").glob("*.txt"))


@pytest.fixture(scope="session")
def real_library(tmp_path_factory):
    settings = Settings.from_env()
    prepare_e5_small(settings.models_dir / DEFAULT_MODEL)
    settings = replace(settings, data_dir=tmp_path_factory.mktemp("real") / "data", model=DEFAULT_MODEL)
    report = Ingester(settings).add(corpus_files())
    assert not report.failed, [o for o in report.outcomes if o.outcome == "failed"]
    return settings, report


def test_legacy_it_question_finds_the_skrivelse(real_library):
    settings, report = real_library
    assert report.count("added") == len(corpus_files()) >= 30
    hits = Searcher(settings).search(LEGACY_QUESTION, k=5)
    sources = [hit.document.source_path for hit in hits]
    assert any(s.endswith(SKRIVELSE) for s in sources), sources
    skrivelse = next(h.document for h in hits if h.document.source_path.endswith(SKRIVELSE))
    assert skrivelse.metadata.identifier == "Skr. 2019/20:82" and skrivelse.language == "sv"


def test_english_question_reaches_swedish_documents(real_library):
    settings, _ = real_library
    hits = Searcher(settings).search("Why are outdated IT systems a problem for government agencies?", k=5)
    assert any(h.document.source_path.endswith(SKRIVELSE) for h in hits)


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def test_every_real_pdf_passage_cites_the_page_it_came_from(real_library):
    settings, _ = real_library
    catalogue = Catalogue(settings.catalogue_path)
    checked = 0
    for document in catalogue.documents():
        if document.media_type != "application/pdf":
            continue
        reader = pypdf.PdfReader(document.source_path)
        page_words = [" ".join(_words(page.extract_text() or "")) for page in reader.pages]
        for passage in catalogue.document_passages(document.id):
            opening = " ".join(_words(passage.text)[:8])
            pages_with_it = [n + 1 for n, words in enumerate(page_words) if opening in words]
            assert passage.page_number in pages_with_it, (document.file_name, passage.page_number, opening)
            checked += 1
    assert checked >= 10


def test_re_adding_the_same_files_adds_nothing(real_library):
    settings, _ = real_library
    report = Ingester(settings).add(corpus_files())
    assert report.count("unchanged") == len(corpus_files()) and report.passages_added == 0


def test_app_answers_with_a_page_citation(real_library, monkeypatch):
    settings, _ = real_library
    monkeypatch.setenv("KALLA_DATA_DIR", str(settings.data_dir))
    app = AppTest.from_file(str(PROJECT_ROOT / "app.py"), default_timeout=300)
    app.run()
    app.chat_input[0].set_value("Vilka uppgifter kan utläsas ur ett personnummer?").run()
    assert not app.exception, [e.value for e in app.exception]
    labels = [e.label.replace("\\", "") for e in app.expander]
    assert any(re.search(r"s\. \d+", label) for label in labels), labels
    assert any("[1]" in m.value for m in app.markdown), [w.value for w in app.warning]


def test_search_cli_prints_cited_passages(real_library):
    settings, _ = real_library
    env = {"KALLA_DATA_DIR": str(settings.data_dir), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([sys.executable, "-m", "index", "search", LEGACY_QUESTION],
                            cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "[1]" in result.stdout and "Skr. 2019/20:82" in result.stdout
