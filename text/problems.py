"""Errors a person reads, as a message id and its values: `str(problem)` is the Swedish text (what the
command line and the logs show), `problem.text(language)` the text in another language. A value may itself
be words from the catalogue (`Term`, `AnyOf`), put into the reader's language when the text is made."""
from __future__ import annotations

from dataclasses import dataclass

from text.messages import catalogue, message


@dataclass(frozen=True)
class Term:
    """A message id used as a value ('status_withdrawn' -> 'tillbakadraget' / 'withdrawn')."""
    key: str


@dataclass(frozen=True)
class AnyOf:
    """Several message ids, joined by 'eller' / 'or'."""
    keys: tuple[str, ...]


class Problem(Exception):
    def __init__(self, code: str, **params: object) -> None:
        if code not in catalogue():
            raise TypeError(f"{type(self).__name__} takes a message id (text/messages.json), not {code!r}")
        self.code, self.params = code, params
        super().__init__(self.text("sv"))

    def text(self, language: str = "sv") -> str:
        return message(self.code, language, **{name: _words(value, language) for name, value in self.params.items()})


def _words(value: object, language: str) -> object:
    if isinstance(value, Term):
        return message(value.key, language)
    if isinstance(value, AnyOf):
        return f" {message('or', language)} ".join(message(key, language) for key in value.keys)
    return value
