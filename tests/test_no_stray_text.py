"""Every word Källa shows comes from the message catalogue (text/messages.json, Swedish and English): no Swedish
string literal in the product's code outside it, except the language data listed in ALLOWED (each with why).
Excluded from the scan: tests/, evaluation/ (harnesses over ../shared) and bench/ (benchmark scripts whose
output is for developers). Docstrings are not user text; comments are not in the tree."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from settings import PROJECT_ROOT

EXCLUDED = {"tests", "evaluation", "bench", "docs", "samples", "test-artifacts", "kalla.egg-info"}
SWEDISH = re.compile(r"[åäöÅÄÖ]|\b(?:och|inte|att|som|eller|finns|saknas|inga|inget|ingen|kan|ska|har|med|för|"
                     r"dokument|filen|filer|mapp|sökväg|passager|klar|fel)\b", re.IGNORECASE)

# "path::owner" (owner: the module-level name, function or Class.method holding the literal) -> why it stays.
ALLOWED = {
    "text/analysis.py::STOPWORDS": "Swedish stop words: language data for the analyser",
    "text/compounds.py::NOT_PARTS": "Swedish words never taken as parts of a compound: language data",
    "text/sentences.py::SENTENCE_END": "a regular expression over Swedish capitals",
    "answer/conversation.py::REFERRING": "pronouns that mark a follow-up question: language data",
    "answer/conversation.py::WEAK_REFERRING": "pronouns that mark a follow-up question: language data",
    "answer/conversation.py::OPENINGS": "openings that mark a follow-up question: language data",
    "answer/evidence.py::QUESTION_FRAME": "question words left out when matching evidence: language data",
    "answer/question_kind.py": "regular expressions over Swedish and English questions: language data",
    "answer/highlight.py::SAFE": "characters that need no escaping",
    "answer/generate.py::INSTRUCTIONS": "the language model's prompt in each language, not shown to users",
    "answer/generate.py::NO_ANSWER": "the word the prompt asks the model to reply with",
    "answer/generate.py::prompt": "the prompt's label of the question, per language (for the model)",
    "index/language.py": "Swedish letters and function words that tell the question's language",
    "ingest/language.py": "Swedish letters and function words that tell a document's language",
    "ingest/metadata.py": "Swedish names of metadata.jsonl fields and of diary numbers, as files write them",
    "ingest/titles.py": "regular expressions over Swedish and English title pages",
    "ingest/textnorm.py::HYPHEN_BREAK": "a regular expression over Swedish letters",
    "corpus/citation.py": "the names of Swedish government series, as cited",
    "corpus/users.py::COMMON_PASSWORDS": "passwords too easy to guess (Swedish ones among them)",
    "corpus/users.py::UNKNOWN_CLIENT": "'okänd', stored as an unknown client address",
    "corpus/users.py::update_user": "'ändrat', stored in the audit log's values for a changed password",
    "settings/choices.py::SampleMode.aliases": "Swedish words a setting accepts as its value ('på')",
    "corpus/migrations.py": "migrations as they were applied: the stored values they write never change",
    "ingest/pdf.py::extract_pdf": "the extractor's name stored as provenance ('N sidor OCR-lästa')",
    "ingest/folders.py::apply_moves_and_withdrawals": "reasons stored in the audit log; SYNC_MARK finds them again",
    "app.py": "'Källa', the product's name",
    "ui/chat.py::chat_page": "'Källa', the product's name",
    "api/app.py::create_app": "'Källa', the product's name (the API's title)",
    "answer/export.py::to_pdf": "'Källa', the product's name (the PDF's creator)",
    "settings/__init__.py": "to-do for the helper validating settings: it routes its own errors through messages",
}
# To do: files whose user text is not yet in the catalogue (CLI output and help, some errors). Shrink this.
TO_DO: set[str] = set()  # files still to convert (none left)


def product_files() -> list[Path]:
    return sorted(path for path in PROJECT_ROOT.rglob("*.py")
                  if not path.relative_to(PROJECT_ROOT).parts[0].startswith(".")
                  and path.relative_to(PROJECT_ROOT).parts[0] not in EXCLUDED)


def owned_statements(tree: ast.Module):
    """(owner, statement): each module-level statement, and each method of a module-level class, by name."""
    for statement in tree.body:
        if isinstance(statement, ast.ClassDef):
            for inner in statement.body:
                name = getattr(inner, "name", None)
                yield (f"{statement.name}.{name}" if name else statement.name), inner
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield statement.name, statement
        elif isinstance(statement, (ast.Assign, ast.AnnAssign)):
            target = statement.targets[0] if isinstance(statement, ast.Assign) else statement.target
            yield getattr(target, "id", ""), statement
        else:
            yield "", statement


def swedish_literals(path: Path) -> list[tuple[str, int, str]]:
    """(owner, line, text) of each string literal in `path` that is not a docstring and reads as Swedish."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body
                  and isinstance(node.body[0], ast.Expr) and isinstance(node.body[0].value, ast.Constant)}
    return [(owner, node.lineno, node.value) for owner, statement in owned_statements(tree)
            for node in ast.walk(statement)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
            and SWEDISH.search(node.value)]


def stray_text() -> tuple[list[str], list[str]]:
    """(stray, to do): Swedish literals neither allowed nor in a to-do file, and those in to-do files."""
    stray, to_do = [], []
    for path in product_files():
        relative = path.relative_to(PROJECT_ROOT).as_posix()
        for owner, line, text in swedish_literals(path):
            if relative in ALLOWED or f"{relative}::{owner}" in ALLOWED:
                continue
            (to_do if relative in TO_DO else stray).append(f"{relative}:{line} ({owner}): {text[:80]!r}")
    return stray, to_do


def test_no_swedish_text_outside_the_catalogue():
    stray, to_do = stray_text()
    print(f"\nSwedish literals outside the catalogue: {len(stray)} stray, {len(to_do)} in to-do files")
    assert not stray, "put these in text/messages.json (or in ALLOWED, with why):\n" + "\n".join(stray)


def test_every_allowed_entry_still_matters():
    """An entry of ALLOWED or TO_DO that no longer covers a Swedish literal is removed."""
    covered = set()
    for path in product_files():
        relative = path.relative_to(PROJECT_ROOT).as_posix()
        for owner, _, _ in swedish_literals(path):
            covered |= {relative, f"{relative}::{owner}"}
    assert not (set(ALLOWED) | TO_DO) - covered, sorted((set(ALLOWED) | TO_DO) - covered)


def test_the_scan_finds_swedish():
    assert SWEDISH.search("Filen finns inte") and SWEDISH.search("sökväg") and not SWEDISH.search("The file is missing")


def test_reports_and_errors_carry_ids_and_are_told_in_each_language():
    import pickle

    from corpus.records import IngestOutcome, IngestReport
    from ingest.extraction import ExtractionError
    from text.problems import said

    outcome = IngestOutcome("a.pdf", "duplicate", (said("ingest_duplicate_pending", id=3, source="b.pdf"),), 3)
    report = IngestReport([outcome], seconds=0.5)
    assert outcome.message == outcome.text("sv") and "väntar på granskning" in outcome.message
    assert outcome.text("en") == "same content as document #3 (b.pdf); it is awaiting review"
    assert report.summary("en").startswith("1 files: 0 added") and report.summary().startswith("1 filer")
    error = pickle.loads(pickle.dumps(ExtractionError("pdf_no_text_layer", pages=2, reason=said("ocr_no_swedish"))))
    assert error.text("en").startswith("the PDF has no text layer") and "svenska" in str(error)
