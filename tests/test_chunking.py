from corpus.records import Page
from ingest.chunking import chunk_pages
from text.sentences import sentence_spans


def test_sentences_respect_swedish_abbreviations():
    text = "Myndigheter har bl.a. gamla system, t.ex. stordatorer. De kostar mycket! Vad gör vi nu? Vi byter."
    sentences = [text[s.start:s.end] for s in sentence_spans(text)]
    assert sentences == ["Myndigheter har bl.a. gamla system, t.ex. stordatorer.", "De kostar mycket!",
                         "Vad gör vi nu?", "Vi byter."]


def test_paragraph_break_ends_a_sentence():
    text = "Rubrik utan punkt\n\nFörsta meningen här."
    assert [text[s.start:s.end] for s in sentence_spans(text)] == ["Rubrik utan punkt", "Första meningen här."]


def test_passages_never_cross_pages_and_keep_page_numbers():
    pages = [Page(1, "i", "Sida ett har en mening. Och en till."), Page(2, "1", "Sida två står för sig.")]
    drafts = chunk_pages(pages, max_chars=1000, overlap_sentences=1)
    assert [(d.page_number, d.page_label, d.text) for d in drafts] == [
        (1, "i", "Sida ett har en mening. Och en till."), (2, "1", "Sida två står för sig.")]
    assert [d.ordinal for d in drafts] == [0, 1]


def test_passages_stay_under_the_limit_and_overlap_one_sentence():
    sentence = "Detta är en mening om digital förvaltning i staten."
    page = Page(1, None, " ".join([sentence] * 40))
    drafts = chunk_pages([page], max_chars=200, overlap_sentences=1)
    assert len(drafts) > 5
    assert all(len(d.text) <= 200 for d in drafts)
    first, second = drafts[0], drafts[1]
    assert second.char_start < first.char_end  # one sentence repeated
    for d in drafts:  # offsets point at the passage in the page text
        assert " ".join(page.text[d.char_start:d.char_end].split()) == d.text


def test_an_overlong_sentence_is_cut_at_white_space():
    page = Page(None, None, "ord " * 500)
    drafts = chunk_pages([page], max_chars=300, overlap_sentences=0)
    assert all(0 < len(d.text) <= 300 for d in drafts)
    assert sum(d.text.count("ord") for d in drafts) == 500
