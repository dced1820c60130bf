"""The librarian's actions on the catalogue. Each one is one transaction together with its audit record;
when it changes what may be searched, the index is brought in line before the action returns.

Withdrawn and superseded documents keep their passages and vectors (so restoring is instant); deleting
removes the document, its passages and (when no other document shares it) its stored file.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace as replace_user
from pathlib import Path
from typing import Iterator

from corpus.catalogue import Catalogue
from corpus.collections import Collection
from corpus.dates import is_date
from corpus.library import Library
from corpus.lock import writer_lock
from corpus.records import METADATA_FIELDS, STATUSES, Document, DocumentMetadata
from corpus.review import document_values
from corpus.users import require
from corpus.webaddress import is_web_address
from embedding.loader import model_identity
from index.sync import sync_index
from settings import Settings
from text.messages import message
from text.problems import AnyOf, Problem, Term


class CurationError(Problem, ValueError):
    """The action cannot be done as asked (unknown document, wrong status, bad value): a message id and
    its values (text.problems)."""


def validated(field: str, value: str | None) -> str | None:
    """A metadata value as it will be stored, or CurationError with what is wrong."""
    if field not in METADATA_FIELDS:
        raise CurationError("curation_unknown_field", field=field, fields=", ".join(METADATA_FIELDS))
    value = (value or "").strip() or None
    if value is None:
        return None
    if field == "published" and not is_date(value):
        raise CurationError("curation_bad_date", value=value)
    if field == "source_url" and not is_web_address(value):
        raise CurationError("curation_bad_web_address", value=value)
    return value


class Curator:
    def __init__(self, settings: Settings, actor: str | None = None, on_wait=None) -> None:
        self.settings = settings
        self.actor = actor or settings.user
        self.on_wait = on_wait  # told once when another writer (an ingest) holds the library

    @contextmanager
    def _session(self) -> Iterator[Catalogue]:
        """The catalogue under the writer lock, once the actor's role has been read anew from it: a user
        demoted or disabled since logging in can no longer act."""
        with writer_lock(self.settings.data_dir, on_wait=self.on_wait), \
                Catalogue(self.settings.catalogue_path) as catalogue:
            require(catalogue.users.acting_viewer(self.actor), "librarian")
            yield catalogue

    # --- collections (no index change: access is filtered in SQL at each search) ---------------------
    def create_collection(self, name: str, description: str | None = None, requires_review: bool = False,
                          access: tuple[str, ...] = ()) -> Collection:
        with self._session() as catalogue, catalogue.transaction():
            return catalogue.collections.create(name, self.actor, description, requires_review, access)

    def change_collection(self, name: str, requires_review: bool | None = None, access: tuple[str, ...] | None = None,
                          description: str | None = None) -> Collection:
        with self._session() as catalogue, catalogue.transaction():
            return catalogue.collections.update(name, self.actor, requires_review, access, description)

    def _document(self, catalogue: Catalogue, document_id: int, *statuses: str) -> Document:
        document = catalogue.document(document_id)
        if document is None:
            raise CurationError("document_missing", id=document_id)
        if statuses and document.status not in statuses:
            raise CurationError("document_in_state", id=document_id, status=Term("status_" + document.status),
                                wanted=AnyOf(tuple("status_" + s for s in statuses)))
        return document

    def _sync(self, catalogue: Catalogue) -> None:
        sync_index(catalogue, self.settings, model_identity(self.settings))

    # --- metadata, tags, collections ------------------------------------------------------------
    def edit(self, document_id: int, changes: dict[str, str | None]) -> Document:
        """Set metadata fields (None or "" clears one)."""
        values = {field: validated(field, value) for field, value in changes.items()}
        with self._session() as catalogue:
            before = self._document(catalogue, document_id)
            with catalogue.transaction():
                catalogue.update_metadata(document_id, values)
                after = catalogue.document(document_id)
                catalogue.audit.record(self.actor, "edit", document_id,
                                       before=document_values(before), after=document_values(after))
            return after

    def tag(self, document_id: int, add: tuple[str, ...] = (), remove: tuple[str, ...] = ()) -> Document:
        if any(";" in tag for tag in add):  # the separator of tags in exports and manifests
            raise CurationError("tag_semicolon")
        with self._session() as catalogue:
            before = self._document(catalogue, document_id)
            with catalogue.transaction():
                catalogue.change_tags(document_id, add, remove)
                after = catalogue.document(document_id)
                catalogue.audit.record(self.actor, "tag", document_id,
                                       before={"tags": list(before.metadata.tags)}, after={"tags": list(after.metadata.tags)})
            return after

    def collect(self, document_id: int, collection: str, remove: bool = False) -> Document:
        """Put a document into a collection (or take it out). Restrictions apply at once."""
        with self._session() as catalogue:
            before = self._document(catalogue, document_id)
            with catalogue.transaction():
                change = catalogue.collections.take_out if remove else catalogue.collections.put
                change(document_id, collection)
                after = catalogue.document(document_id)
                catalogue.audit.record(self.actor, "uncollect" if remove else "collect", document_id,
                                       subject=collection, before={"collections": list(before.collections)},
                                       after={"collections": list(after.collections)})
            return after

    # --- status ------------------------------------------------------------------------------
    def _set_status(self, catalogue: Catalogue, document: Document, action: str, status: str,
                    note: str | None, subject: str | None = None) -> Document:
        """Change the status and record it (inside the caller's transaction)."""
        return catalogue.status.change(document, self.actor, action, status, note, subject)

    def withdraw(self, document_id: int, reason: str) -> Document:
        """Hide a document from search and answers; kept, and restorable."""
        if not reason.strip():
            raise CurationError("withdraw_reason_missing")
        with self._session() as catalogue:
            document = self._document(catalogue, document_id, "active", "pending")
            with catalogue.transaction():
                after = self._set_status(catalogue, document, "withdraw", "withdrawn", reason.strip())
            self._sync(catalogue)
            return after

    def restore(self, document_id: int) -> Document:
        """Make a withdrawn document (or an earlier edition) searchable again."""
        with self._session() as catalogue:
            document = self._document(catalogue, document_id, "withdrawn", "superseded")
            with catalogue.transaction():
                after = self._set_status(catalogue, document, "restore", "active", None)
            self._sync(catalogue)
            return after

    def approve(self, document_id: int) -> Document:
        """Publish a pending document; if it is a new edition, its predecessor becomes an earlier version.
        One transaction: status, review queue and supersession change together or not at all."""
        with self._session() as catalogue:
            document = self._document(catalogue, document_id, "pending")
            with catalogue.transaction():
                after = self._set_status(catalogue, document, "approve", "active", None)
                catalogue.review.resolve_all_for(document_id, self.actor, "approved", kind="pending")
                if document.replaces:
                    catalogue.editions.supersede(document.replaces, document_id, self.actor)
            self._sync(catalogue)
            return after

    def reject(self, document_id: int, reason: str) -> Document:
        """Refuse a pending document: it is withdrawn (kept, never cited) with the reason."""
        with self._session() as catalogue:
            document = self._document(catalogue, document_id, "pending")
            with catalogue.transaction():
                after = self._set_status(catalogue, document, "reject", "withdrawn", reason.strip() or "avvisad")
                catalogue.review.resolve_all_for(document_id, self.actor, "rejected")
            return after

    # --- near-duplicates ------------------------------------------------------------------------
    def resolve_duplicate(self, item_id: int, decision: str) -> None:
        """decision: 'keep' (both stay), 'supersede' (the newer replaces the older as a new edition)
        or 'withdraw' (the newer is withdrawn as a duplicate). One transaction with its audit record."""
        if decision not in ("keep", "supersede", "withdraw"):
            raise CurationError("unknown_decision", decision=decision)
        with self._session() as catalogue:
            item = catalogue.review.item(item_id)
            if item.kind != "near_duplicate" or item.status != "open":
                raise CurationError("not_open_duplicate", id=item_id)
            newer, older = sorted((item.document_id, item.other_document_id), reverse=True)
            with catalogue.transaction():
                if decision == "keep":
                    catalogue.review.resolve(item_id, self.actor, "kept-both")
                    catalogue.audit.record(self.actor, "keep-both", newer, subject=f"#{older}")
                elif decision == "supersede":
                    catalogue.editions.supersede(older, newer, self.actor)
                else:
                    document = self._document(catalogue, newer)
                    self._set_status(catalogue, document, "withdraw", "withdrawn", f"dubblett av #{older}")
                    catalogue.review.resolve(item_id, self.actor, "duplicate-withdrawn")
            self._sync(catalogue)

    # --- editions and deletion -------------------------------------------------------------------
    def replace(self, document_id: int, new_file: Path, metadata: DocumentMetadata = DocumentMetadata()) -> Document:
        """Add a new edition of a document; the old one is kept as an earlier version (superseded).

        The new edition inherits the old one's metadata, tags and collections unless given anew. In a
        collection that requires review it waits as pending, and the old one stays until it is approved.
        Adding it, its collections, its review state and the supersession are one transaction."""
        from ingest.pipeline import Ingester  # ingest builds on corpus, not the other way round

        with self._session() as catalogue:
            old = self._document(catalogue, document_id, "active", "pending", "withdrawn")
        outcome = Ingester(replace_user(self.settings, user=self.actor)).add(
            [Path(new_file)], metadata.merged_over(old.metadata), arguments=f"replace {document_id} {new_file}",
            edition_of=old).outcomes[0]
        if outcome.outcome != "added":
            raise CurationError("edition_not_added", reason=outcome.message or outcome.outcome)
        with Catalogue(self.settings.catalogue_path) as catalogue:
            return catalogue.document(outcome.document_id)

    def delete(self, document_id: int) -> None:
        """Remove a document for good: its passages, vectors, tags and (if no other document has the same
        content) its stored file. The audit log keeps what it was."""
        with self._session() as catalogue:
            document = self._document(catalogue, document_id)
            with catalogue.transaction():
                catalogue.audit.record(self.actor, "delete", document_id, before=document_values(document))
                catalogue.delete_document(document_id)
            shared = catalogue.refers_to_original(document.stored_path)
            self._sync(catalogue)
            if not shared:
                Library(self.settings.library_dir).path(document.stored_path).unlink(missing_ok=True)


STATUS_NAMES = {status: message("status_" + status) for status in STATUSES}  # the command line's words
