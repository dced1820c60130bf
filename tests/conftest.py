"""Shared fixtures: isolated state per test (its own data folder, no KALLA_* from the shell), plumbing settings.
Helpers the tests import (generated PDFs, where ../shared is) are in tests/helpers.py."""
from __future__ import annotations

from dataclasses import replace

import pytest

from settings import Settings


@pytest.fixture(autouse=True)
def isolated_state(tmp_path, monkeypatch):
    """Every test gets its own data folder; KALLA_* from the developer's shell never leak in."""
    import os

    for name in list(os.environ):
        if name.startswith("KALLA_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("KALLA_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("KALLA_USER", "testare")


@pytest.fixture
def settings(tmp_path) -> Settings:
    """Plumbing settings: the deterministic hashing embedder, small passages."""
    return replace(Settings.from_env(), model="hashing", chunk_chars=400)


@pytest.fixture
def hashing_env(monkeypatch):
    monkeypatch.setenv("KALLA_MODEL", "hashing")
    monkeypatch.setenv("KALLA_CHUNK_CHARS", "400")
