"""Property tests (hypothesis) of text handling: chunking keeps every character of a page in some passage
and never exceeds the size; extraction of arbitrary bytes under every supported name either succeeds or
raises ExtractionError with a one-line reason, never anything else. Bounded to run well within a minute."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corpus.records import Page
from ingest.chunking import chunk_page
from ingest.extraction import Extraction, ExtractionError
from ingest.formats import SUPPORTED, extract
from ingest.textnorm import tidy

SWEDISH = st.sampled_from(["Myndigheten", "förvaltar", "it-system.", "Kostnaderna", "ökar!", "t.ex.", "SOU",
                           "2017:114", "Dnr", "å", "ä", "ö", "\n", "\n\n", "  ", "Ja?", "(se s. 3)", "–", "»citat«",
                           "x" * 900])
TEXTS = st.one_of(st.text(max_size=3000), st.lists(SWEDISH, max_size=400).map(" ".join))
FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(TEXTS, st.integers(min_value=40, max_value=900), st.integers(min_value=0, max_value=2))
def test_chunking_covers_every_character_within_the_size(raw, max_chars, overlap):
    text = tidy(raw)
    drafts = chunk_page(Page(3, "iii", text), max_chars, overlap)
    covered = [False] * len(text)
    for ordinal, draft in enumerate(drafts):
        assert draft.ordinal == ordinal and draft.page_number == 3 and draft.page_label == "iii"
        assert 0 <= draft.char_start < draft.char_end <= len(text)
        assert draft.text and draft.text == " ".join(text[draft.char_start:draft.char_end].split())
        assert draft.char_end - draft.char_start <= max_chars
        for i in range(draft.char_start, draft.char_end):
            covered[i] = True
    assert all(covered[i] for i, ch in enumerate(text) if not ch.isspace()), "a character fell out of every passage"


@FUZZ
@given(st.text(max_size=2000))
def test_tidy_is_idempotent_and_leaves_no_control_characters(raw):
    once = tidy(raw)
    assert tidy(once) == once
    assert all(ch in "\n\t" or ch >= " " for ch in once)


def zipped(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", data)
    return buffer.getvalue()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
@given(st.sampled_from(SUPPORTED), st.binary(max_size=4000), st.sampled_from(["raw", "pdf", "zip", "text"]))
def test_extracting_arbitrary_bytes_succeeds_or_says_why(tmp_path, suffix, data, shape):
    content = {"raw": data, "pdf": b"%PDF-1.7\n" + data, "zip": zipped(data),
               "text": data.decode("latin-1").encode("utf-8")}[shape]
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(content)
    try:
        result = extract(Path(path))
    except ExtractionError as exc:
        assert str(exc) and "\n" not in str(exc)
    else:
        assert isinstance(result, Extraction) and result.text.strip()
