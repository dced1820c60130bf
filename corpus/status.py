"""A document's status changed together with its audit record (inside the caller's transaction): the one
way withdrawal, restoring, approval, rejection, supersession and a folder sync change a status."""
from __future__ import annotations

from typing import TYPE_CHECKING

from corpus.records import Document

if TYPE_CHECKING:
    from corpus.catalogue import Catalogue


class StatusChanges:
    """Status changes with their audit records (`catalogue.status`)."""

    def __init__(self, catalogue: Catalogue) -> None:
        self._catalogue = catalogue

    def change(self, document: Document, actor: str, action: str, status: str, note: str | None,
               subject: str | None = None) -> Document:
        """Set the status and note, record who did it with the values before and after; the document after."""
        catalogue = self._catalogue
        catalogue.set_status(document.id, status, note)
        after = catalogue.document(document.id)
        catalogue.audit.record(actor, action, document.id, subject=subject,
                               before={"status": document.status, "status_note": document.status_note},
                               after={"status": after.status, "status_note": after.status_note})
        return after
