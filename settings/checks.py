"""Each setting's allowed values: a mode one of its enum's (settings.choices), a number within its range. A
bad value is a `SettingsError` naming the KALLA_* variable, the value and what is allowed, in Swedish and
English (text/messages.json), raised where the settings are made, so a program stops at start-up."""
from __future__ import annotations

from dataclasses import dataclass
from numbers import Real

from settings.choices import Choice
from text.problems import Problem


class SettingsError(Problem, ValueError):
    """A setting with a value it may not have: `str(error)` in Swedish, `error.text("en")` in English."""


@dataclass(frozen=True)
class Range:
    """low <= value (or low < value where `above`), and value <= high where there is a high."""
    low: float
    high: float | None = None
    above: bool = False

    def holds(self, value: object) -> bool:
        if not isinstance(value, Real):
            return False
        over_low = value > self.low if self.above else value >= self.low
        return over_low and (self.high is None or value <= self.high)

    def problem(self, variable: str, value: object) -> SettingsError:
        if self.high is not None:
            return SettingsError("settings_between", variable=variable, value=value, low=self.low, high=self.high)
        code = "settings_above" if self.above else "settings_at_least"
        return SettingsError(code, variable=variable, value=value, low=self.low)


SHARE = Range(0, 1)
POSITIVE = Range(0, above=True)
RANGES = {
    "chunk_chars": Range(1), "chunk_overlap_sentences": Range(0), "k": Range(1), "keyword_weight": SHARE,
    "cross_language_keyword_weight": SHARE, "approximate_from": Range(0), "min_confidence": SHARE,
    "near_duplicate_threshold": SHARE, "generator_timeout": POSITIVE, "extract_timeout": POSITIVE,
    "extract_memory_mb": Range(1), "batch_size": Range(1), "english_lexicon_weight": Range(0),
    "cross_language_shift": Range(0),
}


def variable(name: str) -> str:
    """The environment variable of a setting: k -> KALLA_K."""
    return f"KALLA_{name.upper()}"


def checked(name: str, value: object, kind: object) -> object:
    """The value for setting `name`, whose default is of type `kind`: a mode given as a string becomes its
    enum member; a value the setting may not have is a SettingsError."""
    if isinstance(kind, type) and issubclass(kind, Choice):
        try:
            return kind(value)
        except ValueError:
            raise SettingsError("settings_choice", variable=variable(name), value=value,
                                allowed=kind.allowed()) from None
    allowed = RANGES.get(name)
    if allowed is not None and not allowed.holds(value):
        raise allowed.problem(variable(name), value)
    return value


def parsed(name: str, raw: str, kind: type) -> object:
    """An environment variable's text as a number of the setting's type."""
    try:
        return kind(raw)
    except ValueError:
        code = "settings_integer" if kind is int else "settings_number"
        raise SettingsError(code, variable=variable(name), value=raw) from None
