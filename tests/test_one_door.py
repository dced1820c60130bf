"""The catalogue is the one door to the database: outside corpus/ no code touches a catalogue's connection
(`catalogue.db`, `self.catalogue._db`, `Catalogue(path).db`, ...), opens the database itself, or hands SQL to
`execute`. What the catalogue holds is reached through its methods and its repositories (`catalogue.users`,
`.collections`, `.conversations`, `.tokens`, `.review`, `.audit`, `.duplicates`, `.feedback`,
`.editions`, `.status`).

Read from the syntax tree, so neither line breaks nor names (`cat`, `self._catalogue`) hide a use."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from settings import PROJECT_ROOT

SKIPPED = {"corpus", ".venv", "data", "test-artifacts", ".models", "__pycache__"}
SQL = re.compile(r"\s*(SELECT|INSERT|UPDATE|DELETE|REPLACE|CREATE|DROP|ALTER|PRAGMA|VACUUM|BEGIN|COMMIT|ROLLBACK|"
                 r"WITH|ATTACH)\b", re.IGNORECASE)
EXECUTE = {"execute", "executemany", "executescript"}
OPENERS = {"sqlite3", "corpus.db"}

# Tests of the storage itself, which must see below the door (each through its own connection to a file):
BELOW_THE_DOOR = {
    "tests/test_ingest.py": "the migrations recorded in the file",
    "tests/test_api_edges.py": "a file in an old schema, migrated",
    "tests/test_curation.py": "the password's hash as stored",
    "tests/helpers.py": "consistency right after a writer was killed",
    "tests/robustness/test_integrity.py": "damage done behind the catalogue's back",
}


def sources() -> list[Path]:
    return sorted(path for path in PROJECT_ROOT.rglob("*.py")
                  if not SKIPPED & set(path.relative_to(PROJECT_ROOT).parts))


def connection_uses(tree: ast.AST) -> int:
    """`.db` / `._db` taken from anything: a catalogue's connection."""
    return sum(isinstance(node, ast.Attribute) and node.attr in ("db", "_db") for node in ast.walk(tree))


def sql_statements(tree: ast.AST) -> int:
    """Calls of execute/executemany/executescript whose first argument is SQL written out (a string or f-string)."""
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in EXECUTE \
                and node.args and SQL.match(_text(node.args[0])):
            count += 1
    return count


def database_openers(tree: ast.AST) -> int:
    """Imports of sqlite3 or corpus.db: a way to the database that is not the catalogue."""
    count = 0
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            count += sum(alias.name in OPENERS for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            count += node.module in OPENERS or (node.module == "corpus" and any(a.name == "db" for a in node.names))
    return count


def _text(node: ast.AST) -> str:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(part.value for part in node.values if isinstance(part, ast.Constant))
    return ""


def test_the_catalogue_is_the_one_door_to_the_database():
    counts = {area: dict.fromkeys(("catalogue.db", "SQL in execute", "sqlite3 / corpus.db"), 0)
              for area in ("product", "tests", "storage tests")}
    outside: list[str] = []
    for path in sources():
        name = path.relative_to(PROJECT_ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), name)
        area = "storage tests" if name in BELOW_THE_DOOR else "tests" if name.startswith("tests/") else "product"
        for kind, found in (("catalogue.db", connection_uses(tree)), ("SQL in execute", sql_statements(tree)),
                            ("sqlite3 / corpus.db", database_openers(tree))):
            counts[area][kind] += found
            if found and (area != "storage tests" or kind == "catalogue.db"):
                outside.append(f"{name}: {found} × {kind}")
    for area, found in counts.items():
        print(f"{area}: {found}")
    assert not outside, outside


def test_the_storage_tests_below_the_door_still_need_to_be():
    """A test named in BELOW_THE_DOOR that no longer goes below the door is taken off the list."""
    for name in BELOW_THE_DOOR:
        tree = ast.parse((PROJECT_ROOT / name).read_text(encoding="utf-8"), name)
        assert sql_statements(tree) or database_openers(tree), name
