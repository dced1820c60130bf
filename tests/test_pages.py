"""The source viewer's library side: a cited PDF page drawn with its passage marked, and a text
passage shown between the text before and after it."""
import io

from PIL import Image

from corpus.catalogue import Catalogue
from corpus.pages import passage_in_context, render_pdf_page
from helpers import SWEDISH_PAGES, make_pdf
from ingest.pipeline import Ingester
from settings import Settings


def test_cited_pdf_page_is_drawn_with_the_passage_marked(tmp_path):
    pdf = make_pdf(tmp_path / "rapport.pdf", SWEDISH_PAGES)
    plain = render_pdf_page(pdf, 2)
    marked = render_pdf_page(pdf, 2, mark="Många myndigheter har föråldrade it-system som är dyra att underhålla.")
    assert marked.windows and marked.marked_windows == marked.windows
    assert plain.marked_windows == 0
    yellow = lambda png: sum(1 for r, g, b in Image.open(io.BytesIO(png)).convert("RGB").getdata()
                             if r > 230 and g > 200 and b < 200)
    assert yellow(marked.png) > 200 and yellow(plain.png) == 0
    elsewhere = render_pdf_page(pdf, 1, mark="Många myndigheter har föråldrade it-system som är dyra att underhålla.")
    assert elsewhere.marked_windows == 0  # not on that page: nothing marked


def test_text_passage_in_context_without_repeating_the_overlap(hashing_env, tmp_path):
    sentences = [f"Mening nummer {n} handlar om kommunernas arbete med digitalisering." for n in range(30)]
    (tmp_path / "lang.txt").write_text(" ".join(sentences), encoding="utf-8")
    Ingester(Settings.from_env()).add([tmp_path / "lang.txt"])
    catalogue = Catalogue(Settings.from_env().catalogue_path)
    [document] = catalogue.documents()
    passages = catalogue.document_passages(document.id)
    catalogue.close()
    assert len(passages) >= 3
    middle = passages[1]
    context = passage_in_context(passages, middle.id)
    assert context.passage == middle.text
    assert context.before and context.after
    text = context.before + context.passage + context.after
    for sentence in sentences[:12]:
        assert text.count(sentence) <= 1, sentence
