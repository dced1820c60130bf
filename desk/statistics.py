"""Corpus statistics for librarians: documents by status, series, year and language; passages; index size."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from corpus.catalogue import Catalogue
from index.store import DamagedIndex, current_version


@dataclass(frozen=True)
class CorpusStatistics:
    by_status: dict[str, int]
    by_series: dict[str, int]  # active documents
    by_year: dict[str, int]
    by_language: dict[str, int]
    passages: int  # of active documents
    failed_ingests: int
    open_reviews: int
    index_version: str | None
    index_bytes: int
    catalogue_bytes: int
    library_bytes: int


def statistics(catalogue: Catalogue, index_dir: Path, library_dir: Path) -> CorpusStatistics:
    tallies = catalogue.tallies()
    try:
        version = current_version(index_dir)
    except DamagedIndex:
        version = None
    return CorpusStatistics(
        by_status=tallies.by_status, by_series=tallies.by_series, by_year=tallies.by_year,
        by_language=tallies.by_language, passages=catalogue.counts()["passages"],
        failed_ingests=tallies.failed_ingests, open_reviews=tallies.open_reviews,
        index_version=version,
        index_bytes=_size(Path(index_dir) / "versions" / version) if version else 0,
        catalogue_bytes=_size(catalogue.path),
        library_bytes=_size(library_dir))


def _size(path: Path) -> int:
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else 0
