"""Any sentence-transformers model (a prepared local folder or a hub name) as an `Embedder`."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Sequence

import numpy as np

from embedding.base import ModelProblem, normalise_rows
from settings import Precision

E5_PROMPTS = {"query": "query: ", "passage": "passage: "}


class SentenceTransformerEmbedder:
    def __init__(self, name_or_path: str, name: str | None = None, dtype: str = "auto",
                 batch_size: int = 32) -> None:
        import torch
        import transformers
        from sentence_transformers import SentenceTransformer

        transformers.logging.set_verbosity_error()
        transformers.logging.disable_progress_bar()

        self.dtype = resolve_dtype(dtype)
        torch_dtype = {"bfloat16": torch.bfloat16, "float32": torch.float32}.get(self.dtype)
        if torch_dtype is None:
            raise ModelProblem("model_unknown_precision", dtype=dtype)
        self._model = SentenceTransformer(str(name_or_path), device="cpu",
                                          model_kwargs={"dtype": torch_dtype})
        self.name = name or _model_identity(name_or_path)
        self.dimension = int(self._model.get_embedding_dimension())
        self.batch_size = batch_size
        if not self._model.prompts.get("query") and "e5" in self.name.lower():
            self._model.prompts.update(E5_PROMPTS)

    def _prompt(self, kind: str) -> str | None:
        return kind if self._model.prompts.get(kind) else None

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._model.encode(list(texts), prompt_name=self._prompt("passage"),
                                     batch_size=self.batch_size, convert_to_numpy=True,
                                     show_progress_bar=False)
        return normalise_rows(vectors)

    def embed_query(self, text: str) -> np.ndarray:
        vector = self._model.encode([text], prompt_name=self._prompt("query"), convert_to_numpy=True,
                                    show_progress_bar=False)
        return normalise_rows(vector)[0]


def resolve_dtype(dtype: str) -> str:
    """"auto" is bfloat16 where the CPU computes it natively (AVX512-BF16 or AMX), else float32:
    without such support bfloat16 matrix products are several times slower than float32."""
    if dtype != Precision.AUTO:
        return dtype
    return "bfloat16" if cpu_has_native_bfloat16() else "float32"


def cpu_has_native_bfloat16() -> bool:
    try:
        flags = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").split()
    except OSError:
        return False
    return "avx512_bf16" in flags or "amx_bf16" in flags


def _model_identity(name_or_path: str) -> str:
    """The name recorded in index manifests: the stamp of a prepared folder, else the name given."""
    stamp = Path(name_or_path) / "kalla_model.json"
    if stamp.is_file():
        return json.loads(stamp.read_text(encoding="utf-8"))["model"]
    return str(name_or_path)
