"""The ingest pipeline: file -> text -> passages -> vectors -> catalogue, then publish the index."""
from __future__ import annotations

import dataclasses
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Callable, Iterable, Iterator

from corpus.catalogue import Catalogue, NewDocument
from corpus.collections import Collection
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
    which are never followed (a link could publish any file the process can read, e.g. a secrets file).
    `roots`: for each file found in a named folder, that folder, where the search for a metadata.jsonl above
    the file stops (files named on their own have none: all their parents count)."""

    files: list[Path]
    links: list[Path]
    roots: dict[Path, Path] = field(default_factory=dict)


def scan(paths: Iterable[Path]) -> FoundFiles:
    """Files named directly, and supported files found recursively in named folders (sorted, no hidden,
    no links: those are listed apart, as is anything whose real place is outside the named folder)."""
    found: list[Path] = []
    links: list[Path] = []
    roots: dict[Path, Path] = {}
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
                roots.setdefault(child, path)
    return FoundFiles(list(dict.fromkeys(found)), list(dict.fromkeys(links)), roots)


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


@dataclass(frozen=True)
class IngestRequest:
    """What one add or sync asks, beside its files: the same for every file of the run."""

    metadata: DocumentMetadata = DocumentMetadata()  # given for every file, over what the file itself says
    on_file: ProgressCallback | None = None
    arguments: str = ""  # the command, as the run is recorded
    collection: str | None = None
    as_new: bool = False  # a changed file becomes a new document beside its old one
    edition_of: Document | None = None
    sources: dict[Path, str] = field(default_factory=dict)  # where a file comes from, when not its path (uploads)
    leaving: frozenset[int] = frozenset()  # documents whose content leaves them in this run (a sync)


@dataclass
class IngestRun:
    """One add or sync under way: what it was asked, the files found, the catalogue and preparer it holds
    open, its record in the catalogue (`run_id`), its collection, and the report it builds."""

    request: IngestRequest
    found: FoundFiles
    catalogue: Catalogue
    preparer: Preparer
    run_id: int
    target: Collection | None
    report: IngestReport = field(default_factory=IngestReport)
    hashes: dict[Path, str] = field(default_factory=dict)  # files hashed ahead of their turn (look-ahead)
    _described: dict[Path, DocumentMetadata] = field(default_factory=dict)

    def source(self, path: Path) -> str:
        """Where a file comes from, as the catalogue records it: its path, unless `sources` named it."""
        return self.request.sources.get(path, str(path))

    def described(self, path: Path) -> DocumentMetadata:
        """The file's metadata: what the run gives, over its metadata.jsonl entry (read once)."""
        if path not in self._described:
            entry = sidecar_metadata(path, self.found.roots.get(path))
            self._described[path] = self.request.metadata.merged_over(entry)
        return self._described[path]

    def tell(self, path: Path, outcome: IngestOutcome) -> None:
        """A file's outcome into the report, and to the progress callback."""
        self.report.outcomes.append(outcome)
        if self.request.on_file:
            self.request.on_file(path, outcome)


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
        self.staging = settings.data_dir / "staging"  # private copies of the files being read (see _ingest_one)

    @property
    def embedder(self) -> Embedder:
        """Loaded on first need, so a run with nothing new never loads the model."""
        if self._embedder is None:
            self._embedder = load_embedder(self.settings)
        return self._embedder

    def add(self, paths: Iterable[Path] | FoundFiles, metadata: DocumentMetadata = DocumentMetadata(),
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
        uploaded again replaces its document instead of adding a twin. `paths` may be what `scan` found
        already (the command line counts the files for its progress bar), so that they are walked once."""
        request = IngestRequest(metadata, on_file, arguments, collection, as_new_document or bool(edition_of),
                                edition_of, {Path(k).expanduser().resolve(): v for k, v in (sources or {}).items()})
        with writer_lock(self.settings.data_dir, wait, on_wait):
            try:
                return self._add(paths, request)
            except Exception as exc:
                if not isinstance(exc, DiskFull) and is_disk_full(exc, self.settings.data_dir):
                    raise DiskFull(self.settings.data_dir) from exc
                raise

    def sync(self, folder: Path, metadata: DocumentMetadata = DocumentMetadata(), dry_run: bool = False,
             on_file: ProgressCallback | None = None, collection: str | None = None, wait: bool = True,
             on_wait: Callable[[str], None] | None = None, force: bool = False,
             max_withdraw_share: float = MAX_WITHDRAW_SHARE, found: FoundFiles | None = None) -> SyncReport:
        """Bring the library in line with a folder (ingest/folders.py says how); with `dry_run`, only the
        plan. A plan that would withdraw every document (an empty or unmounted folder) or more than
        `max_withdraw_share` of them raises SyncRefused, unless `force`. Moves, restores and withdrawals are
        one transaction; then the folder is added as `add` does (changed files replace their documents),
        and the index is published. `found` is the folder's `scan` when the caller made it already."""
        folder = Path(folder).expanduser().resolve()
        if not folder.is_dir():
            raise NotAFolder("ingest_not_a_folder", folder=folder)
        with writer_lock(self.settings.data_dir, wait, on_wait):
            found = found or scan([folder])
            links = [str(link) for link in found.links]
            with Catalogue(self.settings.catalogue_path) as catalogue:
                steps = plan_sync(catalogue, folder, found.files)
                if not force:
                    refuse_mass_withdrawal(folder, steps, max_withdraw_share)
                if dry_run:
                    return SyncReport(str(folder), steps, dry_run=True, links=links)
                with catalogue.transaction():
                    apply_moves_and_withdrawals(catalogue, steps, folder, self.settings.user)
            report = self._add(found, IngestRequest(metadata, on_file, f"sync {folder}", collection,
                                                    leaving=leaving(steps)))
            return SyncReport(str(folder), steps, report, links=links)

    def _add(self, paths: Iterable[Path] | FoundFiles, request: IngestRequest) -> IngestReport:
        started = time.perf_counter()
        self.library.remove_leftovers()  # from an ingest that was killed: we hold the lock, nobody else writes
        shutil.rmtree(self.staging, ignore_errors=True)  # its private copies too
        found = paths if isinstance(paths, FoundFiles) else scan(paths)
        with self._started(found, request) as run:
            for link in found.links:
                outcome = skipped_link(link)
                run.catalogue.record_event(run.run_id, outcome.path, None, outcome.outcome, outcome.notes)
                run.tell(link, outcome)
            for position, path in enumerate(found.files):
                for upcoming in found.files[position:position + run.preparer.look_ahead]:  # none for local
                    self._look_ahead(run, upcoming)
                run.tell(path, self._ingest_one(run, path))
            self.publish(run.catalogue)
        run.report.seconds = time.perf_counter() - started
        return run.report

    @contextmanager
    def _started(self, found: FoundFiles, request: IngestRequest) -> Iterator[IngestRun]:
        """The run begun: its catalogue, collection and preparer opened and the run recorded; at the end
        recorded as ok, failed or interrupted, and its preparer, catalogue and private copies closed."""
        catalogue = Catalogue(self.settings.catalogue_path)
        try:
            target = catalogue.collections.named(request.collection) if request.collection else None
            preparer = self._preparers(self.settings)  # a cluster that cannot start fails the run here
        except BaseException:
            catalogue.close()
            raise
        catalogue.close_abandoned_runs()
        run = IngestRun(request, found, catalogue, preparer, catalogue.start_run(self.settings.user, request.arguments),
                        target)
        try:
            yield run
            catalogue.finish_run(run.run_id, "failed" if run.report.failed else "ok")
        except BaseException:
            try:
                catalogue.finish_run(run.run_id, "interrupted")
            except Exception:  # e.g. a full disk: the next run marks it interrupted
                pass
            raise
        finally:
            preparer.close()
            catalogue.close()
            shutil.rmtree(self.staging, ignore_errors=True)

    def publish(self, catalogue: Catalogue) -> SyncResult:
        dimension = self._embedder.dimension if self._embedder else None
        return sync_index(catalogue, self.settings, self.model, dimension)

    def _look_ahead(self, run: IngestRun, path: Path) -> None:
        """Tell the preparer about a coming file, unless it will be skipped as unchanged or a duplicate."""
        given = run.described(path)
        if path in run.hashes or not path.is_file():
            return
        try:
            run.hashes[path] = readable_hash(path)
        except UnreadableFile:
            return  # the file's own turn reports it
        if self._skip_reason(run, run.source(path), run.hashes[path]) is None:
            run.preparer.ahead(path, given)

    def _ingest_one(self, run: IngestRun, path: Path) -> IngestOutcome:
        run.described(path)  # a metadata.jsonl that cannot be read stops the run, not only this file
        source = shown_path(run.source(path))  # a name that is not UTF-8 is recorded readably, and fails
        content_hash = run.hashes.get(path)
        staged = None
        try:
            if not path.is_file():
                raise ExtractionError("ingest_file_missing")
            content_hash = content_hash or readable_hash(path)
            outcome = self._skip_reason(run, source, content_hash)  # unchanged: nothing copied
            if outcome is None:
                # One private copy is hashed, read and stored: a file written to meanwhile never leaves a hash,
                # passages and original that disagree
                staged = readable_copy(path, self.staging)
                content_hash = readable_hash(staged)
                outcome = self._skip_reason(run, source, content_hash)
            if outcome is None:
                outcome = self._store(run, path, content_hash, staged)
        except ExtractionError as exc:
            outcome = IngestOutcome(source, "failed", (exc.phrase,))
        except Exception as exc:  # one bad file never aborts the batch; a full disk does (every file would fail)
            if is_disk_full(exc, self.settings.data_dir):
                raise DiskFull(self.settings.data_dir) from exc
            outcome = IngestOutcome(source, "failed", (said("ingest_unexpected", error=f"{type(exc).__name__}: {exc}"),))
        finally:
            if staged is not None:
                discard_staged(staged)
        run.catalogue.record_event(run.run_id, source, content_hash, outcome.outcome, outcome.notes,
                                   outcome.document_id)
        return outcome

    def _skip_reason(self, run: IngestRun, source: str, content_hash: str) -> IngestOutcome | None:
        catalogue = run.catalogue
        same_file = None if run.request.as_new else catalogue.find_current_by_source(source)
        if same_file and same_file.content_hash == content_hash:
            return IngestOutcome(source, "unchanged", (said("ingest_unchanged"),), same_file.id)
        twin = catalogue.find_by_hash_except(content_hash, run.request.leaving)  # overwritten or swapped files: no twin
        if twin:
            said_of_twin = said(DUPLICATE_OF.get(twin.status, "ingest_duplicate"), id=twin.id, source=twin.source_path)
            return IngestOutcome(source, "duplicate", (said_of_twin,), twin.id)
        return None

    def _store(self, run: IngestRun, path: Path, content_hash: str, staged: Path) -> IngestOutcome:
        """Prepare and record a file from `staged`, its private copy (hashed to `content_hash`), which is also
        the original stored. Workers of a cluster (told ahead) read the file at its own path instead: it fails
        when it no longer holds `content_hash` after they read it."""
        catalogue, target, edition_of = run.catalogue, run.target, run.request.edition_of
        if run.preparer.look_ahead:
            prepared = run.preparer.prepared(path, run.described(path))  # with the file's metadata.jsonl entry
            if readable_hash(path) != content_hash:
                raise ExtractionError("ingest_changed_while_read")
        else:
            prepared = run.preparer.prepared(staged, run.described(path))
        drafts, metadata = prepared.passages, prepared.metadata
        stored = self.library.store(staged, content_hash)
        new = NewDocument(content_hash=content_hash, source_path=run.source(path), stored_path=stored,
                          file_name=path.name, media_type=prepared.media_type,
                          size_bytes=staged.stat().st_size, metadata=metadata, language=prepared.language,
                          page_count=prepared.page_count, extractor=prepared.extractor)
        with catalogue.transaction():
            previous = None if run.request.as_new else catalogue.find_current_by_source(run.source(path))
            if previous:  # a changed file: the librarian's metadata stays unless given anew
                kept = run.request.metadata.merged_over(previous.metadata)
                catalogue.replace_content(previous.id, dataclasses.replace(new, metadata=kept))
                document_id, kind = previous.id, "updated"
            else:
                review = bool(target and target.requires_review) or bool(
                    edition_of and catalogue.requires_review(edition_of.id))  # its predecessor's collections decide
                document_id = catalogue.insert_document(new, self.settings.user, "pending" if review else "active")
                kind = "added"
            catalogue.insert_passages(document_id, drafts, prepared.vectors, self.model)
            catalogue.set_pages_needing_ocr(document_id, list(prepared.pages_needing_ocr))
            notes = self._file_for_review(run, document_id, prepared.minhash, kind)
            if edition_of:  # in the same transaction, so nobody sees it first: collections, review, supersession
                catalogue.editions.adopt(edition_of, document_id, self.settings.user)
            if prepared.pages_needing_ocr:
                notes.append(said("ingest_pages_need_ocr", pages=", ".join(map(str, prepared.pages_needing_ocr)),
                                  reason=why_no_ocr()))
        if previous and previous.stored_path != stored:
            self._remove_unreferenced(catalogue, previous.stored_path)
        return IngestOutcome(run.source(path), kind, (said("ingest_passages", count=len(drafts)), *notes),
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

    def _file_for_review(self, run: IngestRun, document_id: int, minhash, kind: str) -> list[Phrase]:
        """Signature, collection, review queue and audit for a stored document; returns notes for the
        outcome (pending, possible near-duplicates)."""
        catalogue, target = run.catalogue, run.target
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
