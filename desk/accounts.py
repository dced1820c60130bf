"""Accounts: logging in, and the admin's actions on users and API tokens. Each action is one transaction together with
its audit record; the acting user's role is read anew inside it, so a user demoted or disabled since
logging in can no longer act."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from corpus.catalogue import Catalogue
from corpus.tokens import Token
from corpus.users import UNKNOWN_CLIENT, User, require
from settings import Settings


def log_in(settings: Settings, name: str, password: str, client: str = UNKNOWN_CLIENT) -> User | None:
    """The user when the password matches (see corpus.users.authenticate); the attempt, and a lock after
    repeated failures, are written in one transaction."""
    with Catalogue(settings.catalogue_path) as catalogue, catalogue.transaction():
        return catalogue.users.authenticate(name, password, client)


class Accounts:
    """The admin's actions on users, by `actor`."""

    def __init__(self, settings: Settings, actor: str | None = None) -> None:
        self.settings = settings
        self.actor = actor or settings.user

    @contextmanager
    def _transaction(self) -> Iterator[Catalogue]:
        with Catalogue(self.settings.catalogue_path) as catalogue, catalogue.transaction():
            require(catalogue.users.acting_viewer(self.actor), "admin")
            yield catalogue

    def add_user(self, name: str, password: str, role: str = "reader", groups: tuple[str, ...] = ()) -> User:
        with self._transaction() as catalogue:
            return catalogue.users.add(name, password, role, groups, actor=self.actor)

    def change_user(self, name: str, role: str | None = None, groups: tuple[str, ...] | None = None,
                    password: str | None = None, disabled: bool | None = None, unlock: bool = False) -> User:
        with self._transaction() as catalogue:
            return catalogue.users.update(name, role, groups, password, disabled, actor=self.actor, unlock=unlock)

    def issue_token(self, user_name: str, label: str | None = None) -> tuple[Token, str]:
        """An API token acting as `user_name`, and its secret text (shown once)."""
        with self._transaction() as catalogue:
            return catalogue.tokens.issue(user_name, self.actor, label)

    def revoke_token(self, token_id: int) -> Token:
        with self._transaction() as catalogue:
            return catalogue.tokens.revoke(token_id, self.actor)

    def tokens(self) -> list[Token]:
        with self._transaction() as catalogue:
            return catalogue.tokens.all()
