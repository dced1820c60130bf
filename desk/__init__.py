"""The librarian's application layer: curation actions (one transaction each, index synced after
commit), integrity checks, statistics, metadata exchange and the `python -m corpus` commands."""
