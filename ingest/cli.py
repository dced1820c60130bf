"""`python -m ingest`: add files and folders to the library from the command line."""
from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click
from tqdm import tqdm

from corpus.catalogue import Catalogue
from corpus.collections import UnknownCollection
from corpus.dates import BadDate, checked_date
from corpus.lock import LibraryBusy
from corpus.records import DocumentMetadata
from corpus.space import DiskFull
from corpus.users import NotAllowed, require
from embedding.loader import ModelNotPrepared
from index.manifest import IndexMismatch
from ingest.distributed import ClusterUnavailable, DaskPreparers
from ingest.folders import MAX_WITHDRAW_SHARE, SyncRefused, shown_path
from ingest.formats import SUPPORTED
from ingest.pipeline import Ingester, link_skipped, scan
from settings import Settings, settings_or_exit
from text.messages import message


def _real_date(value: str | None) -> str | None:
    """--date as stored, or a usage error for one that is not a real date (2020-13-45)."""
    try:
        return checked_date(value)
    except BadDate as exc:
        raise click.BadParameter(str(exc), param_hint="--date") from exc


@click.group()
def cli() -> None:
    """Lägg till dokument i Källas bibliotek."""
    settings_or_exit()  # a bad KALLA_* setting stops every command here, with its message


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--title", help=message("cli_add_title"))
@click.option("--authority", "--author", "authority", help=message("cli_add_authority"))
@click.option("--series", help=message("cli_add_series"))
@click.option("--date", "published", callback=lambda ctx, param, value: _real_date(value),
              help=message("cli_add_date"))
@click.option("--identifier", help=message("cli_add_identifier"))
@click.option("--url", "source_url", help=message("cli_add_url"))
@click.option("--edition", help=message("cli_add_edition"))
@click.option("--licence", help=message("cli_add_licence"))
@click.option("--tag", "tags", multiple=True, help=message("cli_add_tag"))
@click.option("--collection", help=message("cli_add_collection"))
@click.option("--no-wait", is_flag=True,
              help=message("cli_add_no_wait"))
@click.option("--workers", type=click.IntRange(min=1),
              help=message("cli_add_workers"))
@click.option("--scheduler", metavar="ADRESS",
              help=message("cli_add_scheduler"))
def add(paths: tuple[Path, ...], tags: tuple[str, ...], no_wait: bool, collection: str | None,
        workers: int | None, scheduler: str | None, **fields: str | None) -> None:
    """Lägg till filer och mappar (rekursivt).

    Stöder: PDF, text, Markdown, HTML och Word (.docx). Oförändrade filer hoppas över utan
    arbete; en ändrad fil ersätter sina gamla passager. Metadata som anges här gäller alla
    filerna i körningen; annars gissas den från filen (PDF-metadata, Markdown-rubrik,
    en metadata.jsonl bredvid filerna).

    \b
    Exempel:
      python -m ingest add ../shared/corpus
      python -m ingest add rapport.pdf --series SOU --identifier "SOU 2017:114" --tag arv
      python -m ingest add arkiv/ --workers 4
    """
    settings = Settings.from_env()
    if collection:
        check_may_add_to(settings, collection)
    metadata = DocumentMetadata(**fields, tags=tags)
    preparers = DaskPreparers(workers or 2, scheduler) if (workers or scheduler) else None
    ingester = Ingester(settings, preparers=preparers)
    found = scan(paths)
    total = len(found.files) + len(found.links)
    with tqdm(total=total, unit=message("cli_file_unit"), desc=message("cli_adding"), file=sys.stderr,
              disable=total == 0) as bar:
        def on_file(path: Path, outcome) -> None:
            bar.update(1)
            if outcome.outcome == "failed":
                tqdm.write(message("cli_file_failed", path=shown_path(path), reason=outcome.message), file=sys.stderr)
            elif outcome.outcome == "skipped":
                tqdm.write(message("cli_file_skipped", path=shown_path(path), reason=outcome.message), file=sys.stderr)
            elif outcome.needs_review:
                tqdm.write(message("cli_file_note", path=shown_path(path), reason=outcome.message), file=sys.stderr)

        try:
            report = ingester.add(found, metadata, on_file=on_file,
                                  arguments=shlex.join(["add", *map(str, paths)]), wait=not no_wait,
                                  on_wait=lambda message: tqdm.write(message, file=sys.stderr),
                                  collection=collection)
        except (ModelNotPrepared, IndexMismatch, LibraryBusy, UnknownCollection, ClusterUnavailable, DiskFull) as exc:
            raise click.ClickException(str(exc)) from exc
    click.echo(report.summary())
    if report.failed:
        sys.exit(1)


@cli.command()
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help=message("cli_sync_dry_run"))
@click.option("--collection", help=message("cli_sync_collection"))
@click.option("--no-wait", is_flag=True, help=message("cli_sync_no_wait"))
@click.option("--max-withdraw", type=click.FloatRange(0, 1), default=MAX_WITHDRAW_SHARE, show_default=True,
              help=message("cli_sync_max_withdraw"))
@click.option("--force", is_flag=True, help=message("cli_sync_force"))
def sync(folder: Path, dry_run: bool, collection: str | None, no_wait: bool, max_withdraw: float,
         force: bool) -> None:
    """Håll biblioteket i takt med en mapp: nya filer läggs till, ändrade ersätter sitt dokument (med
    bibliotekariens metadata kvar), en flyttad eller omdöpt fil behåller sitt dokument, och dokument vars
    fil inte längre finns i mappen dras tillbaka (sparas, kan återställas), med orsaken i ändringsloggen;
    kommer filen tillbaka återställs dokumentet. En tom (t.ex. omonterad) mapp, eller en körning som skulle
    dra tillbaka mer än --max-withdraw av mappens dokument, vägras utan --force. Symboliska länkar följs
    aldrig. En fil som inte kan läsas (eller vars namn inte är UTF-8) anges som fel och resten synkas;
    kommandot avslutas då med felkod. Kräver rollen bibliotekarie (KALLA_USER).

    \b
    Exempel:
      python -m ingest sync /srv/delad/rapporter --dry-run
      python -m ingest sync /srv/delad/rapporter
    Varje natt kl. 02 (crontab -e):
      0 2 * * * cd /opt/kalla && KALLA_USER=synk .venv/bin/python -m ingest sync /srv/delad/rapporter
    """
    settings = Settings.from_env()
    with Catalogue(settings.catalogue_path) as catalogue:
        viewer = catalogue.users.acting_viewer(settings.user)
    try:
        require(viewer, "librarian")
        if collection:
            check_may_add_to(settings, collection)
        ingester = Ingester(settings)
        found = scan([folder])
        total = len(found.files)
        with tqdm(total=total, unit=message("cli_file_unit"), desc=message("cli_syncing"), file=sys.stderr, disable=dry_run or total == 0) as bar:
            report = ingester.sync(folder, dry_run=dry_run, collection=collection, wait=not no_wait,
                                   on_file=lambda path, outcome: bar.update(outcome.outcome != "skipped"),
                                   on_wait=lambda message: tqdm.write(message, file=sys.stderr),
                                   force=force, max_withdraw_share=max_withdraw, found=found)
    except (NotAllowed, ValueError, ModelNotPrepared, IndexMismatch, LibraryBusy, UnknownCollection, DiskFull,
            SyncRefused) as exc:
        raise click.ClickException(str(exc)) from exc
    for link in report.links:
        click.echo(f"{message('cli_sync_skipping'):<9} {link}  ({link_skipped(Path(link))})")
    for step in report.steps:
        if step.action == "failed":  # the file fails alone; the rest of the folder is synced
            click.echo(message("cli_file_failed", path=step.path, reason=step.reason), err=True)
        elif step.action != "unchanged":
            moved = message("cli_sync_moved_from", path=step.previous_path) if step.previous_path else ""
            click.echo(f"{step.action:<9} {step.path}{moved}" + (f"  #{step.document_id}" if step.document_id else ""))
    click.echo(report.summary() + ("" if report.ingest is None else f"; {report.ingest.summary()}"))
    if report.count("failed") or (report.ingest is not None and report.ingest.failed):
        sys.exit(1)


def check_may_add_to(settings: Settings, name: str) -> None:
    """Stop unless the acting user may add into the collection (the catalogue's rule: only curators may add
    into a restricted one)."""
    with Catalogue(settings.catalogue_path) as catalogue:
        try:
            catalogue.collections.check_may_add(catalogue.users.acting_viewer(settings.user), name)
        except (UnknownCollection, NotAllowed) as exc:
            raise click.ClickException(str(exc)) from exc


@cli.command(name="formats")
def formats() -> None:
    """Visa vilka filtyper som kan läggas till."""
    click.echo(" ".join(SUPPORTED))

