"""The one message catalogue (text/messages.json): every entry in Swedish and English with the same
placeholders, every key the code asks for is there, and the app's pages write no Swedish of their own
(what they show comes from the catalogue, so the English interface is whole)."""
from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from corpus.access import ROLES
from corpus.records import METADATA_FIELDS, STATUSES
from ingest.folders import ACTIONS
from settings import PROJECT_ROOT
from text.messages import catalogue, message, preferred_language

SOURCE_FOLDERS = ("answer", "api", "corpus", "desk", "index", "ingest", "ui", "text", "evaluation", "settings")
UI_FILES = sorted([PROJECT_ROOT / "app.py", *(PROJECT_ROOT / "ui").rglob("*.py")])
# Words the pages may write themselves: the product's name, and "okänd" stored as an unknown client address.
OWN_WORDS = {"Källa", "okänd"}
# Keys the code builds from a prefix and a code; each code of each kind must be in the catalogue.
BUILT_KEYS = {"status_": STATUSES, "statuses_": STATUSES, "role_": ROLES, "field_": METADATA_FIELDS,
              "outcome_": ("added", "updated", "unchanged", "duplicate", "failed"),
              "ingest_count_": ("added", "updated", "unchanged", "duplicate", "skipped", "failed"),
              "sync_count_": ACTIONS,
              "column_": ("id", "status", "title", "series", "identifier", "published", "authority", "tags",
                          "collections")}


# Calls whose first argument is a message id: the words, words to be put into a language later (said, Phrase),
# and the errors that carry one (text.problems).
ASKERS = ("t", "message", "Term", "said", "Phrase", "CurationError", "NotAllowed", "UnknownCollection",
          "AccountProblem", "CollectionProblem", "Problem", "SettingsError")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_message_is_in_both_languages_with_the_same_placeholders():
    wrong = [key for key, texts in catalogue().items()
             if set(texts) != {"sv", "en"} or not (texts["sv"].strip() and texts["en"].strip())
             or placeholders(texts["sv"]) != placeholders(texts["en"])]
    assert len(catalogue()) > 200 and not wrong, wrong


def literal_strings(node: ast.expr) -> list[str]:
    """The key a call's first argument names: a literal, or either literal of `"a" if … else "b"`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return literal_strings(node.body) + literal_strings(node.orelse)
    return []


def literal_keys() -> set[tuple[str, str]]:
    """(file, key) for every t("key", …), message("key", …), said("key", …) or error("key", …) with a literal
    key in the project."""
    found = set()
    for folder in SOURCE_FOLDERS:
        for path in (PROJECT_ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ASKERS \
                        and node.args:
                    found.update((str(path.relative_to(PROJECT_ROOT)), key) for key in literal_strings(node.args[0]))
    return found


def test_every_key_the_code_asks_for_is_in_the_catalogue():
    keys = literal_keys()
    assert len(keys) > 100  # the scan finds the calls
    assert {("corpus/records.py", "ingest_summary"), ("ingest/ocr.py", "ocr_no_swedish")} <= keys  # said(…) too
    missing = sorted((path, key) for path, key in keys if key not in catalogue())
    assert not missing, missing
    built = [prefix + code for prefix, codes in BUILT_KEYS.items() for code in codes]
    assert not [key for key in built if key not in catalogue()]


def shown_strings(path: Path) -> list[tuple[int, str]]:
    """String literals of a UI file that are not docstrings (comments are not in the tree at all)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


@pytest.mark.parametrize("path", UI_FILES, ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_the_pages_write_no_swedish_of_their_own(path):
    swedish = [(line, text) for line, text in shown_strings(path)
               if re.search(r"[åäöÅÄÖ]", text) and text not in OWN_WORDS]
    assert not swedish, f"{path.name}: text to put in text/messages.json: {swedish}"


def test_a_missing_language_falls_back_to_swedish_and_values_are_filled_in():
    assert message("documents_found", "en", count=3) == "3 documents"
    assert message("documents_found", "fi", count=3) == "3 dokument"


@pytest.mark.parametrize("header, language", [
    (None, "sv"), ("", "sv"), ("en", "en"), ("en-GB,en;q=0.9,sv;q=0.8", "en"), ("sv-SE,en;q=0.5", "sv"),
    ("de,en;q=0.3", "en"), ("fr", "sv"), ("en;q=garbage,sv;q=0.1", "sv"), ("*", "sv"),
])
def test_the_preferred_language_is_read_from_accept_language(header, language):
    assert preferred_language(header) == language
