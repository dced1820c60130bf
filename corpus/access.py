"""Who may see what. Readers ask, librarians curate, admins manage users.

A collection with access principals (role or group names) is restricted: its documents are visible only
to viewers holding one of them, and to curators. Restricted documents are filtered out in SQL before
retrieval, so they never reach answers, counts, filters or "possibly related" lists.
"""
from __future__ import annotations

from dataclasses import dataclass, field

ROLES = ("reader", "librarian", "admin")
CURATORS = ("librarian", "admin")


@dataclass(frozen=True)
class Viewer:
    name: str
    role: str = "reader"
    groups: tuple[str, ...] = ()
    label: str = field(default="", compare=False)  # how to show the viewer when the name is a key (see shown)

    @property
    def shown(self) -> str:
        """The name to show: an organisation login keyed by its provider's issuer and subject shows its
        e-mail or user name."""
        return self.label or self.name

    @property
    def curates(self) -> bool:
        return self.role in CURATORS

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def holds(self, role: str) -> bool:
        """Whether the viewer may act as `role`: 'librarian' (curators: librarians and admins) or 'admin'."""
        return self.is_admin if role == "admin" else self.curates

    @property
    def principals(self) -> tuple[str, ...]:
        return (self.role.lower(), *(group.lower() for group in self.groups))


ANONYMOUS = Viewer("anonym")
EVERYTHING = Viewer("system", "admin")


def visible_clause(viewer: Viewer, document: str = "d") -> tuple[str, list[object]]:
    """SQL (over a documents alias) true when the viewer may see the document: curators see all; others
    only documents none of whose restricted collections withholds them."""
    if viewer.curates:
        return "1", []
    marks = ",".join("?" * len(viewer.principals))
    return (f"NOT EXISTS (SELECT 1 FROM document_collections dc "
            f"JOIN collection_access ca ON ca.collection_id = dc.collection_id "
            f"WHERE dc.document_id = {document}.id AND NOT EXISTS ("
            f"SELECT 1 FROM collection_access mine WHERE mine.collection_id = dc.collection_id "
            f"AND lower(mine.principal) IN ({marks})))"), list(viewer.principals)
