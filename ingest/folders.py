"""Folders that stay in sync with the library (`python -m ingest sync DIR`): new files are added, changed
files replace their document (keeping what a librarian set), a renamed or moved file keeps its document,
and a document whose file is gone from the folder is withdrawn (kept, restorable), with the reason in the
audit log. The plan can be shown without doing anything (a dry run)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from corpus.audit import record
from corpus.catalogue import Catalogue
from corpus.library import file_hash
from corpus.records import IngestReport
from corpus.review import resolve_all_for
from corpus.status import change_status

ACTIONS = ("add", "replace", "unchanged", "move", "withdraw")


@dataclass(frozen=True)
class SyncStep:
    action: str  # add | replace | unchanged | move | withdraw
    path: str
    document_id: int | None = None
    previous_path: str | None = None  # a move's old path


@dataclass
class SyncReport:
    folder: str
    steps: list[SyncStep]
    ingest: IngestReport | None = None  # None for a dry run
    dry_run: bool = False

    def count(self, action: str) -> int:
        return sum(step.action == action for step in self.steps)

    def summary(self) -> str:
        words = {"add": "nya", "replace": "ändrade", "unchanged": "oförändrade", "move": "flyttade",
                 "withdraw": "borta (dras tillbaka)"}
        counts = ", ".join(f"{self.count(a)} {words[a]}" for a in ACTIONS if self.count(a))
        return f"{'(provkörning) ' if self.dry_run else ''}{self.folder}: {counts or 'inga filer'}"


def plan_sync(catalogue: Catalogue, folder: Path, files: list[Path]) -> list[SyncStep]:
    """What syncing `folder` (whose supported files are `files`) would do, file by file."""
    known = {d.source_path: d for d in catalogue.documents_from(str(folder))}
    present = {str(path) for path in files}
    gone = {d.content_hash: d for path, d in known.items() if path not in present}
    steps = []
    for path in files:
        document = known.get(str(path))
        content_hash = file_hash(path)
        if document is not None:
            steps.append(SyncStep("unchanged" if document.content_hash == content_hash else "replace",
                                  str(path), document.id))
        elif content_hash in gone:
            moved = gone.pop(content_hash)
            steps.append(SyncStep("move", str(path), moved.id, moved.source_path))
        else:
            steps.append(SyncStep("add", str(path)))
    steps += [SyncStep("withdraw", d.source_path, d.id) for d in gone.values()]
    return steps


def apply_moves_and_withdrawals(catalogue: Catalogue, steps: list[SyncStep], folder: Path, actor: str) -> None:
    """The steps that change documents without reading files (inside the caller's transaction)."""
    for step in steps:
        if step.action == "move":
            catalogue.move_source(step.document_id, step.path, Path(step.path).name)
            record(catalogue.db, actor, "move", step.document_id, before={"source_path": step.previous_path},
                   after={"source_path": step.path})
        elif step.action == "withdraw":
            document = catalogue.document(step.document_id)
            change_status(catalogue, document, actor, "withdraw", "withdrawn",
                          f"filen finns inte längre i {folder} (ingest sync)")
            resolve_all_for(catalogue.db, document.id, actor, "withdrawn")
