"""The manifest that makes an index self-describing: model, dimension, chunking, versions, counts."""
from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass, field
from pathlib import Path

from text.problems import Problem

FORMAT_VERSION = 2


class IndexMismatch(Problem, RuntimeError):
    """The published index was built with other settings than the configured ones."""


@dataclass(frozen=True)
class Manifest:
    model: str
    dimension: int
    chunk_chars: int
    chunk_overlap_sentences: int
    passages: int
    documents: int
    index_type: str = "IDMap2,Flat"
    index_params: dict = field(default_factory=dict)  # IVF: nlist, nprobe, recall_at_10, trained_on
    analyzer: str = ""
    keyword_terms: int = 0
    metric: str = "inner_product"
    format_version: int = FORMAT_VERSION
    created_at: str = ""
    versions: dict = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, ensure_ascii=False)

    @classmethod
    def read(cls, path: Path) -> Manifest:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        known = {name: data[name] for name in cls.__dataclass_fields__ if name in data}
        return cls(**known)

    def check_model(self, configured_model: str) -> None:
        if self.model != configured_model:
            raise IndexMismatch("index_model_mismatch", built=self.model, configured=configured_model)


def software_versions() -> dict[str, str]:
    import faiss
    import numpy

    versions = {"python": platform.python_version(), "faiss": faiss.__version__, "numpy": numpy.__version__}
    try:
        import sentence_transformers

        versions["sentence-transformers"] = sentence_transformers.__version__
    except ImportError:
        pass
    return versions


def machine() -> dict[str, object]:
    """The machine a figure was measured on, printed with every benchmark result."""
    import os

    cpu = platform.processor() or platform.machine()
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(),
            "system": platform.platform()}
