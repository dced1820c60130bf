"""The reader: a cross-encoder over (question, passage) fine-tuned from the default embedding model's own
weights, giving per passage whether it answers the question and where (SQuAD 2.0 style). See
answer/reader/MODEL_CARD.md for its data, recipe and figures."""
from __future__ import annotations

import functools
from pathlib import Path

from answer.reader.model import ARTIFACT_DIR, CONFIG_FILE, WEIGHTS_FILE
from settings import DEFAULT_MODEL, Settings


def reader_available(settings: Settings) -> bool:
    """The reader is used with the default embedding model (whose weights it is trained from), when its
    artifact and the prepared base model are there, unless KALLA_READER=off."""
    if settings.reader == "off" or settings.model != DEFAULT_MODEL:
        return False
    base = settings.models_dir / DEFAULT_MODEL
    return (base / "config.json").is_file() and (ARTIFACT_DIR / WEIGHTS_FILE).is_file() \
        and (ARTIFACT_DIR / CONFIG_FILE).is_file()


def load_reader(settings: Settings):
    """The reader for these settings (loaded once per process), or None where it is off."""
    if not reader_available(settings):
        return None
    from embedding.sentence import resolve_dtype

    return _load(str(settings.models_dir / DEFAULT_MODEL), resolve_dtype(settings.dtype))


@functools.lru_cache(maxsize=2)
def _load(base: str, dtype: str):
    from answer.reader.reading import Reader

    return Reader(Path(base), ARTIFACT_DIR, dtype)
