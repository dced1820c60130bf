"""The FAISS vector index: a rebuildable, self-describing artifact published atomically, and search over it."""
