"""Turn files into catalogued, embedded passages: extraction, language, chunking, the ingest pipeline."""
