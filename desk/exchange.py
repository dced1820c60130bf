"""The catalogue out (CSV/JSON, for spreadsheets and other systems) and metadata in (a CSV manifest)."""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from corpus.catalogue import Catalogue, UnknownValue
from corpus.records import METADATA_FIELDS, Document
from text.messages import message

COLUMNS = ("id", "status", "file_name", "content_hash", *METADATA_FIELDS, "language", "page_count",
           "tags", "collections", "replaces", "added_at", "added_by")
LIST_SEPARATOR = ";"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet would run as a formula


def spreadsheet_safe(value):
    """A cell a spreadsheet shows as text: one beginning like a formula gets a leading apostrophe
    (OWASP's advice for CSV injection); read_manifest takes it off again."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def from_spreadsheet(value: str) -> str:
    return value[1:] if value.startswith("'") and value[1:].startswith(FORMULA_START) else value


def catalogue_rows(documents: list[Document]) -> list[dict]:
    rows = []
    for d in documents:
        meta = d.metadata
        rows.append({"id": d.id, "status": d.status, "file_name": d.file_name, "content_hash": d.content_hash,
                     **{name: getattr(meta, name) for name in METADATA_FIELDS}, "language": d.language,
                     "page_count": d.page_count, "tags": list(meta.tags), "collections": list(d.collections),
                     "replaces": d.replaces, "added_at": d.added_at, "added_by": d.added_by})
    return rows


def export_catalogue(documents: list[Document], form: str) -> str:
    rows = catalogue_rows(documents)
    if form == "json":
        return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"
    if form != "csv":
        raise UnknownValue("exchange_unknown_format", form=form)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: spreadsheet_safe(LIST_SEPARATOR.join(v) if isinstance(v, list) else v)
                         for k, v in row.items()})
    return out.getvalue()


@dataclass
class ManifestRow:
    """One line of a metadata manifest: which document, and what to set."""

    line: int
    document_id: int | None
    values: dict[str, str]
    tags: tuple[str, ...] = ()
    problem: str | None = None


@dataclass(frozen=True)
class PlannedChange:
    line: int
    document_id: int
    changes: dict[str, str]
    new_tags: tuple[str, ...]

    def describe(self) -> str:
        return f"#{self.document_id}: " + ", ".join([*(f"{k} = {v!r}" for k, v in self.changes.items()),
                                                      *(message("exchange_new_tag", tag=t) for t in self.new_tags)])


@dataclass
class ImportReport:
    updated: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    planned: list[PlannedChange] = field(default_factory=list)

    def summary(self) -> str:
        return message("exchange_summary", updated=len(self.updated), unchanged=len(self.unchanged),
                       problems=len(self.problems))


def read_manifest(path: Path, catalogue: Catalogue) -> list[ManifestRow]:
    """Rows of a CSV manifest (comma or semicolon separated, UTF-8), each matched to a document by `id`,
    `content_hash`, `identifier` or `file_name` (the first present that names exactly one document).
    Empty cells change nothing."""
    text = Path(path).read_text(encoding="utf-8-sig")
    header = text.splitlines()[0] if text else ""
    delimiter = max(",;\t", key=header.count)  # the header's own separator; quoting is standard CSV
    rows = []
    for line, raw in enumerate(csv.DictReader(io.StringIO(text), delimiter=delimiter), start=2):
        if None in raw:  # more cells than the header names
            rows.append(ManifestRow(line, None, {}, (), message("exchange_too_many_cells")))
            continue
        raw = {(k or "").strip().lower(): from_spreadsheet((v or "").strip()) for k, v in raw.items()}
        values = {name: raw[name] for name in METADATA_FIELDS if raw.get(name)}
        tags = tuple(t.strip() for t in raw.get("tags", "").split(LIST_SEPARATOR) if t.strip())
        document_id, problem = _match(raw, catalogue)
        rows.append(ManifestRow(line, document_id, values, tags, problem))
    return rows


def _match(raw: dict[str, str], catalogue: Catalogue) -> tuple[int | None, str | None]:
    if raw.get("id"):
        if not raw["id"].isdigit() or catalogue.document(int(raw["id"])) is None:
            return None, message("exchange_no_such_id", id=raw["id"])
        return int(raw["id"]), None
    for column in ("content_hash", "identifier", "file_name"):
        if raw.get(column):
            ids = catalogue.ids_matching(column, raw[column])
            if len(ids) == 1:
                return ids[0], None
            return None, message("exchange_ambiguous", column=column, value=raw[column], count=len(ids))
    return None, message("exchange_no_key")


def plan_import(rows: list[ManifestRow], catalogue: Catalogue) -> ImportReport:
    """What a manifest would change: per row, the fields that differ and the tags not yet there."""
    report = ImportReport()
    for row in rows:
        if row.problem:
            report.problems.append(message("exchange_row_problem", line=row.line, problem=row.problem))
            continue
        meta = catalogue.document(row.document_id).metadata
        changes = {k: v for k, v in row.values.items() if getattr(meta, k) != v}
        new_tags = tuple(t for t in row.tags if t not in meta.tags)
        if changes or new_tags:
            report.planned.append(PlannedChange(row.line, row.document_id, changes, new_tags))
        else:
            report.unchanged.append(row.document_id)
    return report


def apply_import(report: ImportReport, curator) -> ImportReport:
    """Carry out the planned changes through the curator (each one validated and audited)."""
    from desk.curation import CurationError

    for change in report.planned:
        try:
            if change.changes:
                curator.edit(change.document_id, change.changes)
            if change.new_tags:
                curator.tag(change.document_id, add=change.new_tags)
        except CurationError as exc:
            report.problems.append(message("exchange_row_problem", line=change.line, problem=exc))
            continue
        report.updated.append(change.document_id)
    return report
