"""Answers and catalogue records as plain data (JSON): what the API returns and what a stored conversation or a shared answer keeps."""
from __future__ import annotations

from itertools import zip_longest

from answer.result import Answer, AnswerSentence
from corpus.access import Viewer
from corpus.catalogue import Catalogue
from corpus.citation import citation_line, page_text
from corpus.records import Document
from index.search import Hit
from text.problems import Phrase, phrase_data, phrase_from_data


def document_record(document: Document) -> dict:
    meta = document.metadata
    return {"id": document.id, "title": meta.title or document.file_name, "authority": meta.authority,
            "series": meta.series, "published": meta.published, "year": meta.year, "identifier": meta.identifier,
            "source_url": meta.source_url, "edition": meta.edition, "licence": meta.licence,
            "tags": list(meta.tags), "language": document.language, "status": document.status,
            "file_name": document.file_name, "file": f"/documents/{document.id}/file"}


def hit_record(hit: Hit, language: str, cited: bool | None = None) -> dict:
    record = {"rank": hit.rank, "citation": citation_line(hit.document, hit.passage, language),
              "page": hit.passage.page_number, "page_label": hit.passage.page_label,
              "page_text": page_text(hit.passage, language), "passage": hit.passage.text,
              "passage_id": hit.passage.id, "score": hit.score, "similarity": hit.similarity,
              "document": document_record(hit.document)}
    return record if cited is None else {**record, "cited": cited}


def answer_record(answer: Answer) -> dict:
    """The answer as the chat shows it: its sentences (verbatim, each citing [n], the reader's span marked),
    the short answer, the sources with page and passage, confidence, and whether it abstained. The notice
    and the notes are there twice: as text in the answer's language ("notice", "notes", for the API's
    clients) and as codes ("notice_phrase", "note_phrases": message id and values), which a stored answer
    is rebuilt from."""
    return {"question": answer.question, "language": answer.language, "abstained": answer.abstained,
            "notice": answer.notice_text, "notice_phrase": None if answer.notice is None else phrase_data(answer.notice),
            "text": answer.text, "short_answer": answer.short_answer,
            "short_answer_source": answer.short_answer_source,
            "sentences": [_sentence_record(s) for s in answer.sentences],
            "sources": [hit_record(hit, answer.language, hit.rank in answer.cited) for hit in answer.hits],
            "confidence": answer.confidence, "notes": list(answer.note_texts),
            "note_phrases": [phrase_data(note) for note in answer.notes], "read_by": answer.read_by,
            "written_by": answer.written_by, "searched_as": answer.search_query,
            "unconfirmed": None if answer.unconfirmed is None else _sentence_record(answer.unconfirmed)}


def _sentence_record(sentence: AnswerSentence) -> dict:
    return {"text": sentence.text, "source": sentence.source, "span": list(sentence.span) if sentence.span else None,
            "verbatim": sentence.verbatim}


def _sentence(record: dict) -> AnswerSentence:
    return AnswerSentence(record["text"], int(record["source"]), record.get("verbatim", True),
                          tuple(record["span"]) if record.get("span") else None)


def answer_from_record(record: dict, catalogue: Catalogue, viewer: Viewer) -> Answer | None:
    """The answer again, its sources read from the catalogue now, as `viewer` may see them: None when a
    cited source is gone or not theirs to see (a shared link opened by someone without access to its
    sources); a related passage they may not see is left out."""
    sources = record.get("sources", [])
    passages = catalogue.passages([int(s["passage_id"]) for s in sources])
    hits = []
    for source in sources:
        passage = passages.get(int(source["passage_id"]))
        document = catalogue.readable_document(int(source["document"]["id"]), viewer) if passage else None
        if passage is None or document is None:
            if source.get("cited"):
                return None
            continue
        hits.append(Hit(int(source["rank"]), float(source["score"]), passage, document, source.get("similarity")))
    sentences = [_sentence(s) for s in record.get("sentences", [])]
    unconfirmed = record.get("unconfirmed")
    return Answer(record["question"], sentences, hits, abstained=bool(record.get("abstained")),
                  notice=_notice(record), cited={int(s["rank"]) for s in sources if s.get("cited")},
                  language=record.get("language", "sv"), search_query=record.get("searched_as"),
                  confidence=record.get("confidence"), notes=_notes(record),
                  written_by=record.get("written_by", "extractive"), short_answer=record.get("short_answer"),
                  short_answer_source=record.get("short_answer_source"), read_by=record.get("read_by", "heuristic"),
                  unconfirmed=_sentence(unconfirmed) if unconfirmed and any(h.rank == int(unconfirmed["source"])
                                                                            for h in hits) else None)


def _notice(record: dict) -> Phrase | None:
    coded, text = record.get("notice_phrase"), record.get("notice")
    return _stored_phrase(coded, text) if coded or text else None


def _notes(record: dict) -> tuple[Phrase, ...]:
    texts = record.get("notes", [])
    if "note_phrases" not in record:  # stored before notes were kept as codes
        return tuple(_words_as_stored(text) for text in texts)
    return tuple(_stored_phrase(coded, text) for coded, text in zip_longest(record["note_phrases"], texts))


def _stored_phrase(coded: dict | None, text: str | None) -> Phrase:
    """The phrase from its codes; the stored text as it is where there are none (a record from before they
    were kept) or their message id has since left the catalogue."""
    if coded:
        try:
            return phrase_from_data(coded)
        except (TypeError, KeyError):
            pass
    return _words_as_stored(text or "")


def _words_as_stored(text: str) -> Phrase:
    return Phrase("words_as_stored", {"text": text})
