"""Shared answers' links: their owner lists and revokes their own, an admin anyone's. A revocation is one
transaction together with its audit record."""
from __future__ import annotations

from corpus.access import Viewer
from corpus.catalogue import Catalogue
from corpus.conversations import SharedLink
from corpus.users import require
from settings import Settings
from text.problems import Problem


class LinkMissing(Problem, LookupError):
    """No such link, or not one this user may see (the same answer either way)."""


class Links:
    """The share links `viewer` may manage: their own, or (an admin) everyone's."""

    def __init__(self, settings: Settings, viewer: Viewer) -> None:
        self.settings = settings
        self.viewer = viewer

    def list(self, everyone: bool = False, user_name: str | None = None) -> list[SharedLink]:
        """The viewer's own links; with `everyone` or another `user_name`, an admin's view of others'."""
        if everyone or (user_name and user_name.casefold() != self.viewer.name.casefold()):
            require(self.viewer, "admin")
        with Catalogue(self.settings.catalogue_path) as catalogue:
            return catalogue.conversations.shared_links(None if everyone else (user_name or self.viewer.name))

    def revoke(self, link_id: int) -> SharedLink:
        """Make a link stop working at once (its owner or an admin)."""
        with Catalogue(self.settings.catalogue_path) as catalogue, catalogue.transaction():
            link = catalogue.conversations.shared_link(link_id)
            if link is None or not (self._owns(link) or self.viewer.holds("admin")):
                raise LinkMissing("share_link_missing", id=link_id)
            catalogue.conversations.revoke_shared_link(link_id)
            catalogue.audit.record(self.viewer.name, "revoke-share-link", subject=link.user_name,
                                   before={"link": link.id, "expires_at": link.expires_at})
            return catalogue.conversations.shared_link(link_id)

    def _owns(self, link: SharedLink) -> bool:
        return link.user_name.casefold() == self.viewer.name.casefold()
