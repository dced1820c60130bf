"""`python -m corpus check`: do the stored files, the catalogue and the published indexes agree?

Checked: SQLite's own integrity and foreign keys; every document's stored file exists and still has
the hash it was catalogued under; no file in the library that no document refers to, and no half-written
copy left by an interrupted ingest; every passage of an active document has a vector for the model and
is in FAISS and in BM25, and nothing else is; the manifest's counts and model match. `repair` rebuilds
what is derived (missing vectors, both indexes, leftovers) and says what it cannot repair (a missing or
changed original: only the librarian can bring that back).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from corpus.catalogue import Catalogue
from corpus.library import file_hash
from embedding.loader import model_identity
from index.store import DamagedIndex, load_current
from settings import Settings
from text.messages import message

LEFTOVER_PREFIXES = (".incoming-",)


@dataclass(frozen=True)
class Problem:
    kind: str  # database, missing_file, changed_file, orphan_file, leftover_file, missing_vectors, index
    detail: str
    repairable: bool
    path: str | None = None  # a library file the problem is about


@dataclass
class IntegrityReport:
    problems: list[Problem] = field(default_factory=list)
    documents: int = 0
    files: int = 0
    passages_indexed: int = 0

    @property
    def clean(self) -> bool:
        return not self.problems

    def add(self, kind: str, detail: str, repairable: bool = True, path: str | None = None) -> None:
        self.problems.append(Problem(kind, detail, repairable, path))


def check(settings: Settings, progress: Callable[[int], None] | None = None) -> IntegrityReport:
    report = IntegrityReport()
    with Catalogue(settings.catalogue_path) as catalogue:
        _check_database(catalogue, report)
        _check_files(catalogue, settings.library_dir, report, progress)
        _check_indexes(catalogue, settings, report)
    return report


def _check_database(catalogue: Catalogue, report: IntegrityReport) -> None:
    result, dangling = catalogue.integrity_problems()
    if result != "ok":
        report.add("database", f"SQLite integrity_check: {result}", repairable=False)
    for table, row_id, missing_in in dangling:
        report.add("database", message("integrity_dangling_row", row=row_id, table=table, missing_in=missing_in),
                   repairable=False)


def _check_files(catalogue: Catalogue, library_dir: Path, report: IntegrityReport,
                 progress: Callable[[int], None] | None) -> None:
    stored: dict[str, str] = {}
    for document_id, relative, content_hash in catalogue.stored_originals():
        report.documents += 1
        stored[relative] = content_hash
        path = Path(library_dir) / relative
        if not path.is_file():
            report.add("missing_file", message("integrity_missing_file", id=document_id, path=relative), repairable=False)
        elif file_hash(path) != content_hash:
            report.add("changed_file", message("integrity_changed_file", id=document_id, path=relative), repairable=False)
        if progress:
            progress(1)
    if Path(library_dir).is_dir():
        for path in sorted(p for p in Path(library_dir).rglob("*") if p.is_file()):
            report.files += 1
            relative = path.relative_to(library_dir).as_posix()
            if path.name.startswith(LEFTOVER_PREFIXES):
                report.add("leftover_file", message("integrity_leftover_file", path=relative), path=relative)
            elif relative not in stored:
                report.add("orphan_file", message("integrity_orphan_file", path=relative), path=relative)


def _check_indexes(catalogue: Catalogue, settings: Settings, report: IntegrityReport) -> None:
    model = model_identity(settings)
    missing = catalogue.passages_missing_vectors(model)
    if missing:
        report.add("missing_vectors", message("integrity_missing_vectors", count=len(missing), model=model))
    wanted = catalogue.indexable_passage_ids(model)
    try:
        published = load_current(settings.index_dir)
    except DamagedIndex as exc:
        report.add("index", str(exc.detail))
        return
    if published is None:
        if len(wanted):
            report.add("index", message("integrity_no_index", count=len(wanted)))
        return
    faiss_ids, keyword_ids = published.ids(), np.asarray(published.keywords.ids)
    report.passages_indexed = len(faiss_ids)
    if published.manifest.model != model:
        report.add("index", message("integrity_model_differs", built=published.manifest.model, configured=model))
    for name, ids in (("FAISS", faiss_ids), ("BM25", keyword_ids)):
        absent, extra = np.setdiff1d(wanted, ids), np.setdiff1d(ids, wanted)
        if len(absent):
            report.add("index", message("integrity_absent_from_index", count=len(absent), name=name))
        if len(extra):
            report.add("index", message("integrity_extra_in_index", name=name, count=len(extra)))
        if len(ids) != len(np.unique(ids)):
            report.add("index", message("integrity_duplicates_in_index", name=name))
    if published.manifest.passages != published.index.ntotal:
        report.add("index", message("integrity_counts_differ", manifest=published.manifest.passages,
                                    faiss=published.index.ntotal))


def repair(settings: Settings, report: IntegrityReport, embedder=None) -> list[str]:
    """Rebuild what is derived; return what was done. Missing or changed originals are left to a person."""
    from corpus.lock import writer_lock
    from embedding import load_embedder
    from index.sync import store_missing_vectors, sync_index

    done: list[str] = []
    kinds = {p.kind for p in report.problems if p.repairable}
    with writer_lock(settings.data_dir), Catalogue(settings.catalogue_path) as catalogue:
        if "leftover_file" in kinds or "orphan_file" in kinds:
            done += _remove_strays(settings.library_dir, report)
        if "missing_vectors" in kinds:
            embedder = embedder or load_embedder(settings)
            missing = catalogue.passages_missing_vectors(embedder.name)
            store_missing_vectors(catalogue, embedder, missing)
            done.append(message("integrity_embedded", count=len(missing)))
        if kinds & {"missing_vectors", "index"}:
            result = sync_index(catalogue, settings, model_identity(settings), rebuild=True)
            done.append(message("integrity_rebuilt", version=result.version, total=result.total))
    return done


def _remove_strays(library_dir: Path, report: IntegrityReport) -> list[str]:
    removed = []
    for problem in report.problems:
        if problem.kind in ("leftover_file", "orphan_file") and (Path(library_dir) / problem.path).is_file():
            (Path(library_dir) / problem.path).unlink()
            removed.append(message("integrity_removed", path=problem.path))
    return removed
