"""The catalogue: SQLite system of record for documents, passages, embeddings and ingest runs."""
