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
    db = catalogue.db
    grouped = lambda sql: {str(k) if k is not None else "okänd": int(n) for k, n in db.execute(sql)}  # noqa: E731
    active = "FROM documents WHERE status = 'active'"
    try:
        version = current_version(index_dir)
    except DamagedIndex:
        version = None
    return CorpusStatistics(
        by_status=grouped("SELECT status, COUNT(*) FROM documents GROUP BY status ORDER BY status"),
        by_series=grouped(f"SELECT series, COUNT(*) {active} GROUP BY series ORDER BY COUNT(*) DESC, series"),
        by_year=grouped(f"SELECT substr(published, 1, 4), COUNT(*) {active} GROUP BY 1 ORDER BY 1"),
        by_language=grouped(f"SELECT language, COUNT(*) {active} GROUP BY language ORDER BY COUNT(*) DESC"),
        passages=catalogue.counts()["passages"],
        failed_ingests=int(db.execute("SELECT COUNT(*) FROM ingest_events WHERE outcome = 'failed'").fetchone()[0]),
        open_reviews=int(db.execute("SELECT COUNT(*) FROM review_items WHERE status = 'open'").fetchone()[0]),
        index_version=version,
        index_bytes=_size(Path(index_dir) / "versions" / version) if version else 0,
        catalogue_bytes=_size(catalogue.path),
        library_bytes=_size(library_dir))


def _size(path: Path) -> int:
    path = Path(path)
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) if path.is_dir() else 0
