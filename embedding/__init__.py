"""Text embedders behind one small interface: the real models and a deterministic fake for tests."""
from embedding.base import Embedder
from embedding.loader import load_embedder

__all__ = ["Embedder", "load_embedder"]
