"""Editions: a new edition joins its predecessor's collections and review rules, and once it is public the
predecessor becomes an earlier version. Data access only: the caller holds one transaction around each
write, so that an edition is never visible before it is allowed to be."""
from __future__ import annotations

from typing import TYPE_CHECKING

from corpus.records import Document
from corpus.review import document_values

if TYPE_CHECKING:
    from corpus.catalogue import Catalogue


class Editions:
    """A document's editions (`catalogue.editions`): the earlier ones, a new one adopted, an older one
    superseded."""

    def __init__(self, catalogue: Catalogue) -> None:
        self._catalogue = catalogue

    def earlier(self, document_id: int) -> list[Document]:
        """The document's earlier editions, newest first (following `replaces`)."""
        catalogue = self._catalogue
        found, seen = [], {document_id}
        document = catalogue.document(document_id)
        while document and document.replaces and document.replaces not in seen:
            seen.add(document.replaces)
            document = catalogue.document(document.replaces)
            if document:
                found.append(document)
        return found

    def adopt(self, earlier: Document, new_id: int, actor: str) -> Document:
        """The new edition joins the earlier one's collections (and so its access restrictions), records what
        it replaces, and is queued for review where it is pending; a public one supersedes the earlier one."""
        catalogue = self._catalogue
        for name in earlier.collections:
            catalogue.collections.put(new_id, name)
        catalogue.set_replaces(new_id, earlier.id)
        new = catalogue.document(new_id)
        if new.status == "pending":
            catalogue.review.open(new_id, "pending")
        catalogue.audit.record(actor, "replace", new_id, subject=f"#{earlier.id}",
                               before=document_values(earlier), after=document_values(new))
        if new.status == "active":
            self.supersede(earlier.id, new_id, actor)
        return catalogue.document(new_id)

    def supersede(self, older_id: int, newer_id: int, actor: str) -> None:
        """The older document becomes an earlier edition of the newer one (kept, no longer searched)."""
        catalogue = self._catalogue
        older = catalogue.document(older_id)
        if older is None or older.status == "superseded":
            return
        catalogue.status.change(older, actor, "supersede", "superseded", f"ersatt av #{newer_id}",
                                subject=f"#{newer_id}")
        catalogue.set_replaces(newer_id, older_id)
        for item in catalogue.review.items("open", older_id):
            if newer_id in (item.document_id, item.other_document_id):
                catalogue.review.resolve(item.id, actor, "new-edition")
