"""The ingest pipeline: file -> text -> passages -> vectors -> catalogue, then publish the index."""
from __future__ import annotations

import dataclasses
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Callable, Iterable

from corpus.catalogue import Catalogue, NewDocument
from corpus.collections import Collection
from corpus.editions import adopt_edition
from corpus.library import Library, discard_staged
from corpus.lock import writer_lock
from corpus.records import Document, DocumentMetadata, IngestOutcome, IngestReport
from corpus.review import document_values
from corpus.space import DiskFull, is_disk_full
from embedding import Embedder, load_embedder
from embedding.loader import model_identity
from index.sync import SyncResult, sync_index
from ingest.extraction import ExtractionError
from ingest.folders import (
    MAX_WITHDRAW_SHARE,
    SyncReport,
    UnreadableFile,
    apply_moves_and_withdrawals,
    leaving,
    plan_sync,
    readable_copy,
    readable_hash,
    refuse_mass_withdrawal,
    shown_path,
)
from ingest.formats import is_supported
from ingest.metadata import sidecar_metadata
from ingest.ocr import why_no_ocr
from ingest.preparation import LocalPreparer, Preparer
from settings import Settings
from text.problems import Phrase, Problem, said

ProgressCallback = Callable[[Path, IngestOutcome], None]
DUPLICATE_OF = {"withdrawn": "ingest_duplicate_withdrawn", "superseded": "ingest_duplicate_superseded",
                "pending": "ingest_duplicate_pending"}  # a twin in another state says how to reach it


def sidecar_roots(paths: Iterable[Path]) -> dict[Path, Path]:
    """For each file found in a folder the user named, that folder: where the search for a metadata.jsonl
    above the file stops (files named on their own have none: all their parents count)."""
    roots: dict[Path, Path] = {}
    for raw in paths:
        path = Path(raw).expanduser().resolve()
        if path.is_dir():
            for found in find_files([path]):
                roots.setdefault(found, path)
    return roots


UPLOAD = "upload:"


def stage_uploads(folder: Path, files: Iterable[tuple[str, bytes | BinaryIO]]) -> dict[Path, str]:
    """Uploaded files written into `folder`, each in its own subfolder (two files of one name both count),
    with the stable source each is recorded under: "upload:NAME", so that a changed file uploaded again
    replaces its document; a second file of the same name in one upload is "upload:NAME (2)" (its own
    document). Each file is its bytes or an open binary file (copied in pieces, never read whole). A name
    longer than a file system allows (255 bytes) is shortened, its extension kept. Pass the paths and the
    mapping to Ingester.add(paths, sources=...)."""
    staged: dict[Path, str] = {}
    seen: dict[str, int] = {}
    for number, (name, data) in enumerate(files):
        own = Path(name).name
        path = Path(folder) / f"{number:03d}" / _storable_name(own if own not in ("", ".", "..") else "fil")
        path.parent.mkdir()
        if isinstance(data, bytes | bytearray):
            path.write_bytes(data)
        else:
            with open(path, "wb") as out:
                shutil.copyfileobj(data, out, 1 << 20)
        seen[path.name] = seen.get(path.name, 0) + 1
        staged[path] = f"{UPLOAD}{path.name}" + (f" ({seen[path.name]})" if seen[path.name] > 1 else "")
    return staged


def _storable_name(name: str, limit: int = 255) -> str:
    """The name cut to `limit` bytes of UTF-8 (no character split), keeping a short extension."""
    if len(name.encode()) <= limit:
        return name
    suffix = Path(name).suffix if len(Path(name).suffix.encode()) <= 16 else ""
    stem = name[:len(name) - len(suffix)] if suffix else name
    room = limit - len(suffix.encode())
    return stem.encode()[:room].decode(errors="ignore").rstrip() + suffix


def shown_name(source: str) -> str:
    """The file name an outcome's source is shown as ("upload:rapport.pdf (2)" -> "rapport.pdf (2)")."""
    return Path(source.removeprefix(UPLOAD)).name


@dataclass(frozen=True)
class FoundFiles:
    """What a walk of the named paths found: the files to read, and the symbolic links inside named folders,
    which are never followed (a link could publish any file the process can read, e.g. a secrets file)."""

    files: list[Path]
    links: list[Path]


def scan(paths: Iterable[Path]) -> FoundFiles:
    """Files named directly, and supported files found recursively in named folders (sorted, no hidden,
    no links: those are listed apart, as is anything whose real place is outside the named folder)."""
    found: list[Path] = []
    links: list[Path] = []
    for raw in paths:
        path = Path(raw).expanduser().resolve()
        if not path.is_dir():
            found.append(path)
            continue
        for child in sorted(path.rglob("*")):
            if any(part.startswith(".") for part in child.relative_to(path).parts):
                continue
            if child.is_symlink() or not child.resolve().is_relative_to(path):
                links.append(child)
            elif child.is_file() and is_supported(child):
                found.append(child)
    return FoundFiles(list(dict.fromkeys(found)), list(dict.fromkeys(links)))


def find_files(paths: Iterable[Path]) -> list[Path]:
    """The files `scan` finds to read."""
    return scan(paths).files


def skipped_link(path: Path) -> IngestOutcome:
    """The outcome of a symbolic link in a named folder: not read, with where it points."""
    return IngestOutcome(shown_path(path), "skipped", (link_skipped(path),))


def link_skipped(path: Path) -> Phrase:
    """Why a link in a named folder is not read, and where it points."""
    try:
        target = str(Path(path).readlink())
    except OSError:
        target = "?"
    return said("ingest_link_skipped", target=target)


class NotAFolder(Problem, ValueError):
    """`ingest sync` named something that is not a folder."""


class Ingester:
    """Adds files to the library. Documents are prepared (extracted, split, embedded) in this process, or
    by `preparers` (e.g. `ingest.distributed.DaskPreparers`: on a cluster's workers); either way this
    process alone writes the catalogue, in file order, and publishes the index."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None,
                 preparers: Callable[[Settings], Preparer] | None = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._preparers = preparers or (lambda settings: LocalPreparer(settings, lambda: self.embedder))
        self.model = embedder.name if embedder else model_identity(settings)
        self.library = Library(settings.library_dir)
        self._sources: dict[Path, str] = {}  # where this run's files come from, when not their path (uploads)
        self._leaving: frozenset[int] = frozenset()  # documents whose content leaves them in this run (a sync)
        self.staging = settings.data_dir / "staging"  # private copies of the files being read (see _ingest_one)

    @property
    def embedder(self) -> Embedder:
        """Loaded on first need, so a run with nothing new never loads the model."""
        if self._embedder is None:
            self._embedder = load_embedder(self.settings)
        return self._embedder

    def add(self, paths: Iterable[Path], metadata: DocumentMetadata = DocumentMetadata(),
            on_file: ProgressCallback | None = None, arguments: str = "", wait: bool = True,
            on_wait: Callable[[str], None] | None = None, collection: str | None = None,
            as_new_document: bool = False, edition_of: Document | None = None,
            sources: dict[Path, str] | None = None) -> IngestReport:
        """Add files and folders; one ingest at a time per library (a second one waits, or with
        `wait=False` raises LibraryBusy). Documents added to a collection that requires review wait as
        pending until a librarian approves them. A changed file replaces its document's passages, unless
        `as_new_document` (a new edition, added beside the old one). With `edition_of`, each file becomes a
        new edition of that document in the same transaction that adds it: in its collections, pending where
        they require review, and superseding it when public. `sources` names where a file comes from when its
        path does not say it (an upload's temporary file: "upload:rapport.pdf"), so that a changed file
        uploaded again replaces its document instead of adding a twin."""
        with writer_lock(self.settings.data_dir, wait, on_wait):
            try:
                return self._add(paths, metadata, on_file, arguments, collection,
                                 as_new_document or bool(edition_of), edition_of, sources)
            except Exception as exc:
                if not isinstance(exc, DiskFull) and is_disk_full(exc, self.settings.data_dir):
                    raise DiskFull(self.settings.data_dir) from exc
                raise

    def sync(self, folder: Path, metadata: DocumentMetadata = DocumentMetadata(), dry_run: bool = False,
             on_file: ProgressCallback | None = None, collection: str | None = None, wait: bool = True,
             on_wait: Callable[[str], None] | None = None, force: bool = False,
             max_withdraw_share: float = MAX_WITHDRAW_SHARE) -> SyncReport:
        """Bring the library in line with a folder (ingest/folders.py says how); with `dry_run`, only the
        plan. A plan that would withdraw every document (an empty or unmounted folder) or more than
        `max_withdraw_share` of them raises SyncRefused, unless `force`. Moves, restores and withdrawals are
        one transaction; then the folder is added as `add` does (changed files replace their documents),
        and the index is published."""
        folder = Path(folder).expanduser().resolve()
        if not folder.is_dir():
            raise NotAFolder("ingest_not_a_folder", folder=folder)
        with writer_lock(self.settings.data_dir, wait, on_wait):
            found = scan([folder])
            links = [str(link) for link in found.links]
            with Catalogue(self.settings.catalogue_path) as catalogue:
                steps = plan_sync(catalogue, folder, found.files)
                if not force:
                    refuse_mass_withdrawal(folder, steps, max_withdraw_share)
                if dry_run:
                    return SyncReport(str(folder), steps, dry_run=True, links=links)
                with catalogue.transaction():
                    apply_moves_and_withdrawals(catalogue, steps, folder, self.settings.user)
            report = self._add([folder], metadata, on_file, f"sync {folder}", collection, False,
                               leaving=leaving(steps))
            return SyncReport(str(folder), steps, report, links=links)

    def _add(self, paths: Iterable[Path], metadata: DocumentMetadata, on_file: ProgressCallback | None,
             arguments: str, collection_name: str | None, as_new: bool,
             edition_of: Document | None = None, sources: dict[Path, str] | None = None,
             leaving: frozenset[int] = frozenset()) -> IngestReport:
        started = time.perf_counter()
        self._sources = {Path(k).expanduser().resolve(): v for k, v in (sources or {}).items()}  # for this run
        self._leaving = leaving
        self.library.remove_leftovers()  # from an ingest that was killed: we hold the lock, nobody else writes
        shutil.rmtree(self.staging, ignore_errors=True)  # its private copies too
        paths = list(paths)
        found = scan(paths)
        candidates = found.files
        roots = sidecar_roots(paths)
        described = lambda path: metadata.merged_over(sidecar_metadata(path, roots.get(path)))  # noqa: E731
        report = IngestReport()
        catalogue = Catalogue(self.settings.catalogue_path)
        try:
            target = catalogue.collections.named(collection_name) if collection_name else None
            preparer = self._preparers(self.settings)  # a cluster that cannot start fails the run here
        except BaseException:
            catalogue.close()
            raise
        catalogue.close_abandoned_runs()
        run_id = catalogue.start_run(self.settings.user, arguments)
        try:
            for link in found.links:
                outcome = skipped_link(link)
                catalogue.record_event(run_id, outcome.path, None, outcome.outcome, outcome.message)
                report.outcomes.append(outcome)
                if on_file:
                    on_file(link, outcome)
            hashes = {}
            for position, path in enumerate(candidates):
                for upcoming in candidates[position:position + preparer.look_ahead]:  # none for local
                    self._look_ahead(catalogue, preparer, upcoming, described(upcoming), as_new, hashes)
                outcome = self._ingest_one(catalogue, run_id, path, metadata, target, as_new, preparer,
                                           hashes.get(path), edition_of, described(path))
                report.outcomes.append(outcome)
                if on_file:
                    on_file(path, outcome)
            self.publish(catalogue)
            catalogue.finish_run(run_id, "failed" if report.failed else "ok")
        except BaseException:
            try:
                catalogue.finish_run(run_id, "interrupted")
            except Exception:  # e.g. a full disk: the next run marks it interrupted
                pass
            raise
        finally:
            preparer.close()
            catalogue.close()
            shutil.rmtree(self.staging, ignore_errors=True)
        report.seconds = time.perf_counter() - started
        return report

    def _source(self, path: Path) -> str:
        """Where a file comes from, as the catalogue records it: its path, unless `sources` named it."""
        return self._sources.get(path, str(path))

    def publish(self, catalogue: Catalogue) -> SyncResult:
        dimension = self._embedder.dimension if self._embedder else None
        return sync_index(catalogue, self.settings, self.model, dimension)

    def _look_ahead(self, catalogue: Catalogue, preparer: Preparer, path: Path, given: DocumentMetadata,
                    as_new: bool, hashes: dict[Path, str]) -> None:
        """Tell the preparer about a coming file, unless it will be skipped as unchanged or a duplicate."""
        if path in hashes or not path.is_file():
            return
        try:
            hashes[path] = readable_hash(path)
        except UnreadableFile:
            return  # the file's own turn reports it
        if self._skip_reason(catalogue, self._source(path), hashes[path], as_new) is None:
            preparer.ahead(path, given)

    def _ingest_one(self, catalogue: Catalogue, run_id: int, path: Path, given: DocumentMetadata,
                    target: Collection | None, as_new: bool, preparer: Preparer,
                    content_hash: str | None, edition_of: Document | None = None,
                    described: DocumentMetadata | None = None) -> IngestOutcome:
        source = shown_path(self._source(path))  # a name that is not UTF-8 is recorded readably, and fails
        staged = None
        try:
            if not path.is_file():
                raise ExtractionError("ingest_file_missing")
            content_hash = content_hash or readable_hash(path)
            outcome = self._skip_reason(catalogue, source, content_hash, as_new)  # unchanged: nothing copied
            if outcome is None:
                # One private copy is hashed, read and stored: a file written to meanwhile never leaves a hash,
                # passages and original that disagree
                staged = readable_copy(path, self.staging)
                content_hash = readable_hash(staged)
                outcome = self._skip_reason(catalogue, source, content_hash, as_new)
            if outcome is None:
                outcome = self._store(catalogue, path, content_hash, given, target, as_new, preparer, edition_of,
                                      described, staged)
        except ExtractionError as exc:
            outcome = IngestOutcome(source, "failed", (exc.phrase,))
        except Exception as exc:  # one bad file never aborts the batch; a full disk does (every file would fail)
            if is_disk_full(exc, self.settings.data_dir):
                raise DiskFull(self.settings.data_dir) from exc
            outcome = IngestOutcome(source, "failed", (said("ingest_unexpected", error=f"{type(exc).__name__}: {exc}"),))
        finally:
            if staged is not None:
                discard_staged(staged)
        catalogue.record_event(run_id, source, content_hash, outcome.outcome, outcome.message,
                               outcome.document_id)
        return outcome

    def _skip_reason(self, catalogue: Catalogue, source: str, content_hash: str,
                     as_new: bool) -> IngestOutcome | None:
        same_file = None if as_new else catalogue.find_current_by_source(source)
        if same_file and same_file.content_hash == content_hash:
            return IngestOutcome(source, "unchanged", (said("ingest_unchanged"),), same_file.id)
        twin = catalogue.find_by_hash_except(content_hash, self._leaving)  # overwritten or swapped files: no twin
        if twin:
            said_of_twin = said(DUPLICATE_OF.get(twin.status, "ingest_duplicate"), id=twin.id, source=twin.source_path)
            return IngestOutcome(source, "duplicate", (said_of_twin,), twin.id)
        return None

    def _store(self, catalogue: Catalogue, path: Path, content_hash: str, given: DocumentMetadata,
               target: Collection | None, as_new: bool, preparer: Preparer,
               edition_of: Document | None = None, described: DocumentMetadata | None = None,
               staged: Path | None = None) -> IngestOutcome:
        """Prepare and record a file from `staged`, its private copy (hashed to `content_hash`), which is also
        the original stored. Workers of a cluster (told ahead) read the file at its own path instead: it fails
        when it no longer holds `content_hash` after they read it."""
        staged = staged or path
        if preparer.look_ahead:
            prepared = preparer.prepared(path, described or given)  # with the file's metadata.jsonl entry
            if readable_hash(path) != content_hash:
                raise ExtractionError("ingest_changed_while_read")
        else:
            prepared = preparer.prepared(staged, described or given)
        drafts, metadata = prepared.passages, prepared.metadata
        stored = self.library.store(staged, content_hash)
        new = NewDocument(content_hash=content_hash, source_path=self._source(path), stored_path=stored,
                          file_name=path.name, media_type=prepared.media_type,
                          size_bytes=staged.stat().st_size, metadata=metadata, language=prepared.language,
                          page_count=prepared.page_count, extractor=prepared.extractor)
        with catalogue.transaction():
            previous = None if as_new else catalogue.find_current_by_source(self._source(path))
            if previous:  # a changed file: the librarian's metadata stays unless given anew
                kept = given.merged_over(previous.metadata)
                catalogue.replace_content(previous.id, dataclasses.replace(new, metadata=kept))
                document_id, kind = previous.id, "updated"
            else:
                review = bool(target and target.requires_review) or bool(
                    edition_of and catalogue.requires_review(edition_of.id))  # its predecessor's collections decide
                document_id = catalogue.insert_document(new, self.settings.user, "pending" if review else "active")
                kind = "added"
            catalogue.insert_passages(document_id, drafts, prepared.vectors, self.model)
            catalogue.set_pages_needing_ocr(document_id, list(prepared.pages_needing_ocr))
            notes = self._file_for_review(catalogue, document_id, prepared.minhash, target, kind)
            if edition_of:  # in the same transaction, so nobody sees it first: collections, review, supersession
                adopt_edition(catalogue, edition_of, document_id, self.settings.user)
            if prepared.pages_needing_ocr:
                notes.append(said("ingest_pages_need_ocr", pages=", ".join(map(str, prepared.pages_needing_ocr)),
                                  reason=why_no_ocr()))
        if previous and previous.stored_path != stored:
            self._remove_unreferenced(catalogue, previous.stored_path)
        return IngestOutcome(self._source(path), kind, (said("ingest_passages", count=len(drafts)), *notes),
                             document_id, len(drafts), needs_review=bool(notes))

    def _remove_unreferenced(self, catalogue: Catalogue, stored_path: str) -> None:
        """Delete a replaced original once the replacement is committed, unless a document (another one, or
        an earlier edition) still refers to it. A file that cannot be removed is left for `corpus check`."""
        if catalogue.refers_to_original(stored_path):
            return
        try:
            self.library.path(stored_path).unlink(missing_ok=True)
        except OSError:
            pass

    def _file_for_review(self, catalogue: Catalogue, document_id: int, minhash, target: Collection | None,
                         kind: str) -> list[Phrase]:
        """Signature, collection, review queue and audit for a stored document; returns notes for the
        outcome (pending, possible near-duplicates)."""
        actor = self.settings.user
        catalogue.duplicates.store_signature(document_id, minhash)
        notes = []
        if target:
            catalogue.collections.put(document_id, target.name)
        if kind == "added":
            document = catalogue.document(document_id)
            catalogue.audit.record(actor, "add", document_id, after=document_values(document))
            if document.status == "pending":
                catalogue.review.open(document_id, "pending")
                notes.append(said("ingest_pending_in", name=target.name) if target else said("ingest_pending"))
        for twin in catalogue.duplicates.near(minhash, self.settings.near_duplicate_threshold, exclude=document_id):
            if self._inherit_restrictions(catalogue, document_id, twin.document_id):
                notes.append(said("ingest_restricted_like", id=twin.document_id))
            if catalogue.review.open(document_id, "near_duplicate", twin.document_id, twin.resemblance):
                notes.append(said("ingest_resembles", id=twin.document_id, share=twin.resemblance))
        return notes

    def _inherit_restrictions(self, catalogue: Catalogue, document_id: int, twin_id: int) -> list[str]:
        """A near-duplicate of a document in a restricted collection joins that collection (inside the
        caller's transaction), so that a renamed and edited restricted file is never shown to everyone;
        a librarian decides in the review queue whether it belongs there. Returns the collections joined."""
        joined = []
        for name in catalogue.collections.restricted_of(twin_id):
            before = catalogue.collections_of(document_id)
            if catalogue.collections.put(document_id, name):
                joined.append(name)
                catalogue.audit.record(self.settings.user, "collect", document_id, subject=name,
                                       before={"collections": list(before)},
                                       after={"collections": list(catalogue.collections_of(document_id))})
        return joined
