"""Plain text and Markdown: decoding, front matter, first heading as title, light markup removal."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from corpus.records import DocumentMetadata, Page
from ingest.extraction import Extraction, ExtractionError
from ingest.metadata import metadata_from_mapping
from ingest.textnorm import decode_text, tidy

FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*\n", re.DOTALL)
HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)
LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
EMPHASIS = re.compile(r"(\*\*|__|\*|`)(?=\S)(.+?)(?<=\S)\1")


def extract_text_file(path: Path) -> Extraction:
    text = tidy(decode_text(Path(path).read_bytes()))
    if not text:
        raise ExtractionError("file_no_text")
    return Extraction(pages=[Page(None, None, text)], extractor="text", media_type="text/plain")


def extract_markdown(path: Path) -> Extraction:
    raw = decode_text(Path(path).read_bytes())
    metadata = DocumentMetadata()
    match = FRONT_MATTER.match(raw)
    if match:
        metadata = _front_matter(match.group(1))
        raw = raw[match.end():]
    heading = HEADING.search(raw)
    if heading and not metadata.title:
        metadata = DocumentMetadata(title=strip_markdown(heading.group(1))).merged_over(metadata)
    text = tidy(strip_markdown(raw))
    if not text:
        raise ExtractionError("file_no_text")
    return Extraction(pages=[Page(None, None, text)], metadata=metadata, extractor="markdown",
                      media_type="text/markdown")


def strip_markdown(text: str) -> str:
    text = HEADING.sub(r"\1", text)
    text = LINK.sub(r"\1", text)
    text = EMPHASIS.sub(r"\2", text)
    return text


def _front_matter(block: str) -> DocumentMetadata:
    try:
        data = yaml.safe_load(block)
    except yaml.YAMLError:
        return DocumentMetadata()
    return metadata_from_mapping(data) if isinstance(data, dict) else DocumentMetadata()
