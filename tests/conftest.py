"""Shared fixtures: isolated state per test (its own data folder, no KALLA_* from the shell), plumbing settings.
Helpers the tests import (generated PDFs, where ../shared is) are in tests/helpers.py."""
from __future__ import annotations

import os
from dataclasses import replace

import pytest

from settings import Settings


def without_kalla_variables(patch: pytest.MonkeyPatch) -> None:
    for name in [name for name in os.environ if name.startswith("KALLA_")]:
        patch.delenv(name)


@pytest.fixture(autouse=True, scope="session")
def no_kalla_variables_from_the_shell():
    """KALLA_* from the developer's shell are gone for the whole session (put back after it), so that module-
    and session-scoped fixtures, made before any test's own fixtures, read the defaults too."""
    with pytest.MonkeyPatch.context() as patch:
        without_kalla_variables(patch)
        yield


@pytest.fixture(autouse=True)
def isolated_state(tmp_path, monkeypatch):
    """Every test gets its own data folder; KALLA_* set by an earlier test never leak in."""
    without_kalla_variables(monkeypatch)
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
