"""Answers composed from retrieved passages, every sentence carrying its citation."""
