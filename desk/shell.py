"""What every `python -m corpus` command shares: the acting user and their role, clean errors, id and
metadata options, one line per document."""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import click

from corpus.access import Viewer
from corpus.catalogue import Catalogue
from corpus.collections import UnknownCollection
from corpus.lock import LibraryBusy
from corpus.records import METADATA_FIELDS, Document
from corpus.space import DiskFull
from corpus.users import NotAllowed, require
from desk.curation import STATUS_NAMES, CurationError
from embedding.loader import ModelNotPrepared
from index.manifest import IndexMismatch
from index.store import DamagedIndex
from settings import Settings
from text.messages import message

ROW_ID = click.IntRange(1, 2**63 - 1)  # what SQLite can hold: a larger id is a usage error, not a traceback
FAILURES = (CurationError, UnknownCollection, NotAllowed, LibraryBusy, ModelNotPrepared, IndexMismatch, DamagedIndex, DiskFull,
            LookupError, ValueError)
FIELD_OPTIONS = {"title": "--title", "authority": "--authority", "series": "--series", "published": "--date",
                 "identifier": "--identifier", "source_url": "--url", "edition": "--edition", "licence": "--licence"}
FIELD_HELPS = {"title": "cli_field_title", "authority": "cli_add_authority", "series": "cli_field_series",
               "published": "cli_field_date", "identifier": "cli_field_identifier", "source_url": "cli_field_url",
               "edition": "cli_field_edition", "licence": "cli_add_licence"}  # message ids of each option's help


def metadata_options(command):
    """The metadata fields as options (shared by edit and replace)."""
    for name in reversed(METADATA_FIELDS):
        command = click.option(FIELD_OPTIONS[name], name, help=message(FIELD_HELPS[name]))(command)
    return command


def waiting(message: str) -> None:
    """What a librarian's command says while an ingest holds the library."""
    click.echo(message, err=True)


@contextmanager
def desk(role: str | None = "librarian") -> Iterator[tuple[Settings, Viewer]]:
    """Settings and the acting user, who must hold `role`; library errors become clean CLI errors."""
    settings = Settings.from_env()
    with Catalogue(settings.catalogue_path) as catalogue:
        viewer = catalogue.users.acting_viewer(settings.user)
    try:
        if role:
            require(viewer, role)
        yield settings, viewer
    except FAILURES as exc:
        raise click.ClickException(str(exc)) from exc


def document_line(d: Document) -> str:
    meta = d.metadata
    parts = [f"#{d.id:<4}", f"{STATUS_NAMES[d.status]:<22}", meta.title or d.file_name]
    extra = [x for x in (meta.identifier, meta.series, meta.year, meta.authority) if x]
    return " ".join(parts) + (f"  ({', '.join(extra)})" if extra else "")
