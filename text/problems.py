"""Errors a person reads, as a message id and its values: `str(problem)` is the Swedish text (what the
command line and the logs show), `problem.text(language)` the text in another language. A value may itself
be words from the catalogue (`Term`, `AnyOf`), put into the reader's language when the text is made."""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field

from text.messages import catalogue, message


@dataclass(frozen=True)
class Term:
    """A message id used as a value ('status_withdrawn' -> 'tillbakadraget' / 'withdrawn')."""
    key: str


@dataclass(frozen=True)
class AnyOf:
    """Several message ids, joined by 'eller' / 'or'."""
    keys: tuple[str, ...]


@dataclass(frozen=True)
class Phrase:
    """Words not yet put into a language: a message id and its values (a value may be a Term, an AnyOf or
    another Phrase). What records and reports carry, so that each reader gets them in their own language."""
    key: str
    params: dict[str, object] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.key not in catalogue():
            raise TypeError(f"Phrase takes a message id (text/messages.json), not {self.key!r}")

    def text(self, language: str = "sv") -> str:
        return message(self.key, language, **{name: _words(value, language) for name, value in self.params.items()})

    def __str__(self) -> str:
        return self.text("sv")


def said(key: str, **params: object) -> Phrase:
    """A Phrase: said("ingest_unchanged") / said("ingest_passages", count=3)."""
    return Phrase(key, params)


def joined(phrases: Iterable[Phrase], language: str = "sv", separator: str = "; ") -> str:
    return separator.join(phrase.text(language) for phrase in phrases)


def phrases_json(phrases: Iterable[Phrase]) -> str:
    """Phrases as data to store (JSON: each a message id and its values), never as words in one language."""
    return json.dumps([_coded(phrase) for phrase in phrases], ensure_ascii=False)


def phrases_from_json(stored: str) -> tuple[Phrase, ...]:
    """The phrases `phrases_json` stored."""
    return tuple(_phrase(entry) for entry in _decoded_all(stored))


def phrases_as_stored(stored: str) -> str:
    """Stored phrases shown plainly, each as its message id and values ("pdf_broken (reason=…)"), for phrases
    that can no longer be put into words (an id since removed from text/messages.json); the stored text itself
    where it is not stored phrases."""
    try:
        return "; ".join(_as_stored(entry) for entry in _decoded_all(stored))
    except (ValueError, TypeError, KeyError, AttributeError):
        return stored


def phrase_data(phrase: Phrase) -> dict[str, object]:
    """One phrase as JSON-safe data ({"key": …, "params": {…}}), as `phrases_json` stores each."""
    return _coded(phrase)


def phrase_from_data(data: dict) -> Phrase:
    """The phrase `phrase_data` gave."""
    return _phrase(_decoded(data))


def _coded(phrase: Phrase) -> dict[str, object]:
    return {"key": phrase.key, "params": {name: _coded_value(value) for name, value in phrase.params.items()}}


def _coded_value(value: object) -> object:
    """A value as JSON: numbers, text and truth as they are; words from the catalogue tagged; anything else as
    the text it is shown as."""
    if isinstance(value, Phrase):
        return {"phrase": _coded(value)}
    if isinstance(value, Term):
        return {"term": value.key}
    if isinstance(value, AnyOf):
        return {"any_of": list(value.keys)}
    return value if value is None or isinstance(value, str | int | float | bool) else str(value)


@dataclass(frozen=True)
class _Stored:
    """A stored phrase read back: its message id and values (a value may be a Term, an AnyOf or another
    _Stored), not yet checked against the catalogue, so that one whose id has since left it can still be shown."""
    key: object
    params: dict[str, object]


def _decoded_all(stored: str) -> list[_Stored]:
    """The one reading of what `phrases_json` stored."""
    return [_decoded(entry) for entry in json.loads(stored)]


def _decoded(entry: dict) -> _Stored:
    return _Stored(entry["key"], {name: _decoded_value(value) for name, value in entry["params"].items()})


def _decoded_value(value: object) -> object:
    if isinstance(value, dict):
        if "phrase" in value:
            return _decoded(value["phrase"])
        if "term" in value:
            return Term(value["term"])
        return AnyOf(tuple(value["any_of"]))
    return value


def _phrase(stored: _Stored) -> Phrase:
    """A stored phrase as a Phrase again (TypeError where an id has left text/messages.json)."""
    return Phrase(stored.key, {name: _phrase(value) if isinstance(value, _Stored) else value
                               for name, value in stored.params.items()})


def _as_stored(stored: _Stored) -> str:
    """A stored phrase as its message id and values ("pdf_broken (reason=…)")."""
    values = ", ".join(f"{name}={_value_as_stored(value)}" for name, value in stored.params.items())
    return f"{stored.key} ({values})" if values else str(stored.key)


def _value_as_stored(value: object) -> str:
    if isinstance(value, _Stored):
        return _as_stored(value)
    if isinstance(value, Term):
        return str(value.key)
    if isinstance(value, AnyOf):
        return " | ".join(str(key) for key in value.keys)
    return str(value)


class Problem(Exception):
    def __init__(self, code: str, **params: object) -> None:
        if code not in catalogue():
            raise TypeError(f"{type(self).__name__} takes a message id (text/messages.json), not {code!r}")
        self.code, self.params = code, params
        super().__init__(self.text("sv"))

    @property
    def phrase(self) -> Phrase:
        return Phrase(self.code, self.params)

    def text(self, language: str = "sv") -> str:
        return self.phrase.text(language)

    def __reduce__(self):  # pickled as its id and values (to and from worker processes), not its Swedish text
        return _rebuilt, (type(self), self.code, self.params)


def _rebuilt(kind: type[Problem], code: str, params: dict[str, object]) -> Problem:
    return kind(code, **params)


def _words(value: object, language: str) -> object:
    if isinstance(value, Term):
        return message(value.key, language)
    if isinstance(value, Phrase):
        return value.text(language)
    if isinstance(value, AnyOf):
        return f" {message('or', language)} ".join(message(key, language) for key in value.keys)
    return value
