"""Folders that stay in sync with the library (`python -m ingest sync DIR`): new files are added, changed
files replace their document (keeping what a librarian set), a renamed or moved file keeps its document,
and a document whose file is gone from the folder is withdrawn (kept, restorable), with the reason in the
audit log. The plan can be shown without doing anything (a dry run). A file that cannot be read, or whose
name is not UTF-8, fails alone with its reason (and its document, if any, stays as it is); the rest goes on.

Two guards keep a share that is empty or not mounted from emptying the library: a run that finds no file
where the library holds documents from the folder, or that would withdraw more than a set share of them
(`max_withdraw_share`), is refused unless forced. And a document that a sync withdrew comes back (restored)
when its file returns, at its old path or, with the same content, at another."""
from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path

from corpus.catalogue import Catalogue
from corpus.library import file_hash, staged_copy
from corpus.records import IngestReport
from ingest.extraction import ExtractionError
from text.problems import Problem, joined, said

ACTIONS = ("add", "replace", "unchanged", "move", "restore", "withdraw", "failed")
SYNC_MARK = "(ingest sync)"  # ends the note of a document a sync withdrew
MAX_WITHDRAW_SHARE = 0.5


@dataclass(frozen=True)
class SyncStep:
    action: str  # add | replace | unchanged | move | restore | withdraw | failed
    path: str
    document_id: int | None = None
    previous_path: str | None = None  # a move's (or a restore's) old path
    reason: str | None = None  # why a failed file cannot be read


@dataclass
class SyncReport:
    folder: str
    steps: list[SyncStep]
    ingest: IngestReport | None = None  # None for a dry run
    dry_run: bool = False
    links: list[str] = field(default_factory=list)  # symbolic links in the folder: never followed

    def count(self, action: str) -> int:
        return sum(step.action == action for step in self.steps)

    def summary(self, language: str = "sv") -> str:
        counts = joined((said("sync_count_" + a, count=self.count(a)) for a in ACTIONS if self.count(a)), language, ", ")
        return said("sync_summary_dry_run" if self.dry_run else "sync_summary", folder=self.folder,
                    counts=counts or said("sync_no_files").text(language)).text(language)


def plan_sync(catalogue: Catalogue, folder: Path, files: list[Path]) -> list[SyncStep]:
    """What syncing `folder` (whose supported files are `files`) would do, file by file."""
    known = {d.source_path: d for d in catalogue.documents_from(str(folder))}
    present = {str(path) for path in files}
    gone = {d.content_hash: d for path, d in known.items() if path not in present}
    away = catalogue.withdrawn_by_sync_from(str(folder), SYNC_MARK)
    away_by_path = {d.source_path: d for d in away}
    away_by_hash = {d.content_hash: d for d in away}
    steps = []
    for path in files:
        document = known.get(str(path))
        try:
            content_hash = readable_hash(path)
        except UnreadableFile as exc:
            steps.append(SyncStep("failed", shown_path(path), document and document.id, reason=str(exc)))
            continue
        if document is not None:
            steps.append(SyncStep("unchanged" if document.content_hash == content_hash else "replace",
                                  str(path), document.id))
        elif content_hash in gone:
            moved = gone.pop(content_hash)
            steps.append(SyncStep("move", str(path), moved.id, moved.source_path))
        elif (returned := away_by_path.pop(str(path), None) or away_by_hash.get(content_hash)) is not None:
            away_by_hash.pop(returned.content_hash, None)
            away_by_path.pop(returned.source_path, None)
            steps.append(SyncStep("restore", str(path), returned.id, returned.source_path))
        else:
            steps.append(SyncStep("add", str(path)))
    steps += [SyncStep("withdraw", d.source_path, d.id) for d in gone.values()]
    return steps


class UnreadableFile(ExtractionError):
    """A file that cannot be read, or whose name cannot be recorded (not UTF-8): it fails alone."""


def shown_path(path: Path | str) -> str:
    """The path as text that can be stored and printed: bytes of a name that are not UTF-8 written as \\xe4."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def readable_hash(path: Path) -> str:
    """The file's content hash, or UnreadableFile with a clear reason: a name that is not UTF-8 (it could not
    be recorded), or a file that cannot be read (no permission, an I/O error)."""
    _refuse_name_not_utf8(path)
    try:
        return file_hash(path)
    except OSError as exc:
        raise _unreadable(exc) from exc


def readable_copy(path: Path, folder: Path) -> Path:
    """A private copy of the file in `folder` (corpus.library.staged_copy), or UnreadableFile as
    `readable_hash` says: what is hashed, read and stored is then one and the same content, even when the
    file is written to during the ingest. A full disk is no fault of the file: its error passes."""
    _refuse_name_not_utf8(path)
    try:
        source = open(path, "rb")
    except OSError as exc:
        raise _unreadable(exc) from exc
    with source:
        try:
            return staged_copy(source, path.name, folder)
        except OSError as exc:
            if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EROFS) or exc.filename is not None:
                raise  # writing the copy failed (the data folder), not reading the file
            raise _unreadable(exc) from exc


def _refuse_name_not_utf8(path: Path) -> None:
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        raise UnreadableFile("ingest_name_not_utf8") from None


def _unreadable(error: OSError) -> UnreadableFile:
    return UnreadableFile("ingest_unreadable", reason=error.strerror or type(error).__name__)


def leaving(steps: list[SyncStep]) -> frozenset[int]:
    """The documents whose content leaves them in this run (replaced by other content, or withdrawn): another
    file with that content (a file overwritten by another, two files swapped) is no duplicate of them."""
    return frozenset(step.document_id for step in steps if step.action in ("replace", "withdraw"))


class SyncRefused(Problem, RuntimeError):
    """A sync that would empty the library of a folder's documents (the folder empty or unmounted, or more
    than the allowed share gone): nothing was changed."""


def refuse_mass_withdrawal(folder: Path, steps: list[SyncStep], max_share: float = MAX_WITHDRAW_SHARE) -> None:
    """SyncRefused when the plan withdraws every document because the folder holds no file, or withdraws more
    than `max_share` of the folder's documents (more than one)."""
    withdrawn = sum(step.action == "withdraw" for step in steps)
    held = sum(step.action in ("unchanged", "replace", "move", "withdraw")
               or (step.action == "failed" and step.document_id is not None) for step in steps)
    if withdrawn and withdrawn == len(steps):
        raise SyncRefused("sync_folder_empty", folder=str(folder), count=withdrawn)
    if withdrawn > 1 and withdrawn > max_share * held:
        raise SyncRefused("sync_too_many_gone", folder=str(folder), count=withdrawn, held=held,
                          share=f"{max_share:.0%}")


def apply_moves_and_withdrawals(catalogue: Catalogue, steps: list[SyncStep], folder: Path, actor: str) -> None:
    """The steps that change documents without reading files (inside the caller's transaction)."""
    for step in steps:
        if step.action == "move":
            catalogue.move_source(step.document_id, step.path, Path(step.path).name)
            catalogue.audit.record(actor, "move", step.document_id, before={"source_path": step.previous_path},
                                   after={"source_path": step.path})
        elif step.action == "restore":
            document = catalogue.document(step.document_id)
            if step.path != document.source_path:
                catalogue.move_source(document.id, step.path, Path(step.path).name)
            catalogue.status.change(document, actor, "restore", "active", None,
                                    subject=f"filen finns åter i {folder} (ingest sync)")
        elif step.action == "withdraw":
            document = catalogue.document(step.document_id)
            catalogue.status.change(document, actor, "withdraw", "withdrawn",
                                    f"filen finns inte längre i {folder} {SYNC_MARK}")
            catalogue.review.resolve_all_for(document.id, actor, "withdrawn")
