"""The settings that are one of a few modes, as enums: a value compares equal to its string ("dense"), and an
unknown one fails where the settings are made (settings.checks), not where the mode is used."""
from __future__ import annotations

from enum import StrEnum


class Choice(StrEnum):
    """A mode setting. Written in any case and with spaces around it ("RRF ", "Off") it is still that mode."""

    @classmethod
    def _missing_(cls, value: object) -> Choice | None:
        if not isinstance(value, str):
            return None
        spoken = value.strip().lower()
        for member in cls:
            if spoken == member.value or spoken in cls.aliases().get(member.value, ()):
                return member
        return None

    @classmethod
    def aliases(cls) -> dict[str, tuple[str, ...]]:
        """Other words for a mode, by the mode's value."""
        return {}

    @classmethod
    def allowed(cls) -> str:
        return ", ".join(member.value for member in cls)


class SearchMode(Choice):
    """How passages are found: dense vectors and BM25 keywords together, or one of them."""
    HYBRID = "hybrid"
    DENSE = "dense"
    BM25 = "bm25"


class Fusion(Choice):
    """How hybrid search combines its two sides: normalised scores, or reciprocal rank fusion."""
    WEIGHTED = "weighted"
    RRF = "rrf"


class ReaderMode(Choice):
    """The trained reader: on with the default embedding model ("auto"), or never."""
    AUTO = "auto"
    OFF = "off"


class Generator(Choice):
    """Who writes the answer."""
    EXTRACTIVE = "extractive"
    OPENAI = "openai"
    LLAMA_CPP = "llama-cpp"


class Precision(Choice):
    """The embedding model's precision on CPU ("auto": bfloat16 where the CPU computes it natively)."""
    AUTO = "auto"
    BFLOAT16 = "bfloat16"
    FLOAT32 = "float32"


class SampleMode(Choice):
    """Whether the first start loads the sample library."""
    ON = "on"
    OFF = "off"

    @classmethod
    def aliases(cls) -> dict[str, tuple[str, ...]]:
        return {"on": ("på", "1", "yes", "ja", "true"), "off": ("av", "0", "no", "nej", "false")}
