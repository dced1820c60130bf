"""Preparing a document: file -> text -> metadata, language, passages, vectors and MinHash signature.

Preparation touches no catalogue or index, so it can run anywhere: in the ingesting process
(`LocalPreparer`, the default) or on the workers of a cluster (`ingest.distributed`). The ingesting
process then records prepared documents in the catalogue in file order, so both give the same library.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Protocol

import numpy as np

from corpus.records import DocumentMetadata, PassageDraft
from corpus.webaddress import is_web_address
from embedding import Embedder
from ingest.chunking import chunk_pages
from ingest.extraction import Extraction, ExtractionError
from ingest.guard import GuardedExtractor
from ingest.language import detect_language
from ingest.metadata import identifier_in
from ingest.titles import readable
from settings import Settings
from text.minhash import signature


@dataclass(frozen=True)
class PreparedDocument:
    """Everything the catalogue needs about one file, before it has a document id."""

    media_type: str
    page_count: int | None
    extractor: str
    pages_needing_ocr: tuple[int, ...]
    metadata: DocumentMetadata
    language: str | None
    passages: list[PassageDraft]
    vectors: np.ndarray        # (passages, dimension) float32, rows L2-normalised
    minhash: np.ndarray        # MinHash signature of the whole text (near-duplicate detection)


class Preparer(Protocol):
    """Where documents are prepared. `ahead` is a hint that a file will be asked for soon (a cluster
    starts on it); `prepared` returns the file's document or raises ExtractionError."""

    look_ahead: int

    def ahead(self, path: Path, given: DocumentMetadata) -> None: ...

    def prepared(self, path: Path, given: DocumentMetadata) -> PreparedDocument: ...

    def close(self) -> None: ...


def prepare_document(path: Path, given: DocumentMetadata, settings: Settings, extractor: GuardedExtractor,
                     embedder: Embedder) -> PreparedDocument:
    extraction = extractor.extract(path)
    language = detect_language(extraction.text)
    passages = passages_of(extraction, language, settings)
    if not passages:
        raise ExtractionError("file_nothing_to_split")
    vectors = embedder.embed_passages([p.text for p in passages])
    return PreparedDocument(media_type=extraction.media_type, page_count=extraction.page_count,
                            extractor=extraction.extractor,
                            pages_needing_ocr=tuple(extraction.pages_needing_ocr),
                            metadata=document_metadata(path, extraction, given), language=language,
                            passages=passages, vectors=vectors, minhash=signature(extraction.text))


def document_metadata(path: Path, extraction: Extraction, given: DocumentMetadata) -> DocumentMetadata:
    """What the user gave (with the metadata.jsonl entry the ingester found for the file under it), over the
    file's own metadata, over an identifier found in the name or opening text. A title that is missing or a
    file name comes from the text (ingest.titles); the file name is the title only when nothing else is."""
    guessed = (extraction.metadata
               .merged_over(identifier_in(path.name + " " + extraction.text[:500])))
    metadata = given.merged_over(guessed)
    if metadata.source_url and not is_web_address(metadata.source_url):
        metadata = dataclasses.replace(metadata, source_url=None)  # only http(s) links are ever shown
    metadata = readable(metadata, path, extraction)
    if not metadata.title:
        metadata = DocumentMetadata(title=path.stem.replace("_", " ")).merged_over(metadata)
    return metadata


def passages_of(extraction: Extraction, language: str | None, settings: Settings) -> list[PassageDraft]:
    drafts = chunk_pages(extraction.pages, settings.chunk_chars, settings.chunk_overlap_sentences)
    return [dataclasses.replace(d, language=detect_language(d.text, language)) for d in drafts]


class LocalPreparer:
    """Prepares each document in this process when the ingest reaches it (extraction in a guarded
    child process, embedding here). The model is loaded only when a file needs embedding."""

    look_ahead = 0

    def __init__(self, settings: Settings, embedder: Callable[[], Embedder]) -> None:
        self.settings = settings
        self._embedder = embedder
        self._extractor = GuardedExtractor(settings.extract_timeout, settings.extract_memory_mb)

    def ahead(self, path: Path, given: DocumentMetadata) -> None:
        pass

    def prepared(self, path: Path, given: DocumentMetadata) -> PreparedDocument:
        return prepare_document(path, given, self.settings, self._extractor, self._embedder())

    def close(self) -> None:
        self._extractor.close()
