"""`python -m corpus` commands on documents: list, show, edit, tag, withdraw, restore, replace, delete,
export and import of metadata."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from corpus.catalogue import Catalogue
from corpus.citation import page_text
from corpus.records import METADATA_FIELDS, STATUSES, Document, DocumentMetadata
from desk.curation import STATUS_NAMES, CurationError, Curator
from desk.exchange import apply_import, export_catalogue, plan_import, read_manifest
from desk.shell import ROW_ID, desk, document_line, metadata_options, waiting
from text.messages import message


@click.command(name="list")
@click.option("--search", "text", help=message("cli_list_search_help"))
@click.option("--status", type=click.Choice(STATUSES), help=message("cli_list_status_help"))
@click.option("--series", help=message("cli_list_series_help"))
@click.option("--tag", help=message("cli_list_tag_help"))
@click.option("--collection", help=message("cli_list_collection_help"))
@click.option("--language", help=message("cli_list_language_help"))
@click.option("--year", help=message("cli_list_year_help"))
def list_documents(**filters: str | None) -> None:
    """Lista katalogen, med filter.

    \b
    Exempel:
      python -m corpus list
      python -m corpus list --status pending
      python -m corpus list --series SOU --year 2017 --search förvaltning
    """
    with desk(role=None) as (settings, viewer), Catalogue(settings.catalogue_path) as catalogue:
        if not viewer.curates:  # readers see what they could be cited: published, visible documents
            filters["status"] = "active"
        documents = catalogue.find_documents(**filters, viewer=viewer)
    for document in documents:
        click.echo(document_line(document))
    click.echo(message("documents_found", count=len(documents)), err=True)


@click.command()
@click.argument("document_id", type=ROW_ID)
@click.option("--passages", "all_passages", is_flag=True, help=message("cli_show_passages_help"))
def show(document_id: int, all_passages: bool) -> None:
    """Visa ett dokument: metadata, status, utgåvor, passager, inläsningshistorik och ändringslogg.

    \b
    Exempel:
      python -m corpus show 12
    """
    with desk(role=None) as (settings, viewer), Catalogue(settings.catalogue_path) as catalogue:
        document = catalogue.document(document_id, viewer)
        if document is None or (not viewer.curates and document.status != "active"):
            raise click.ClickException(message("document_missing", id=document_id))
        passages = catalogue.document_passages(document_id)
        editions = catalogue.editions.earlier(document_id)
        history = catalogue.ingest_history(document_id)
        log = catalogue.audit.entries(document_id=document_id) if viewer.curates else []
        reviews = catalogue.review.items("open", document_id)
    click.echo(describe(document))
    for edition in editions:
        click.echo(message("cli_doc_earlier_edition", document=document_line(edition)))
    pages = sorted({p.page_number for p in passages if p.page_number is not None})
    click.echo(message("cli_doc_passages_on_pages", count=len(passages), pages=len(pages)) if pages
               else message("cli_doc_passages", count=len(passages)))
    for passage in passages if all_passages else passages[:3]:
        page = page_text(passage)
        where = f" ({page})" if page else ""
        click.echo(f"  [{passage.ordinal}]{where} {passage.text[:300]}")
    for item in reviews:
        click.echo(message("cli_doc_review_with", id=item.id, kind=item.kind, other=item.other_document_id,
                           similarity=item.similarity) if item.other_document_id
                   else message("cli_doc_review", id=item.id, kind=item.kind))
    click.echo(message("cli_doc_ingests"))
    for event in history:
        click.echo(message("cli_doc_ingest", at=event.at, outcome=event.outcome, user=event.user,
                           text=event.text()))
    if log:
        click.echo(message("cli_doc_log"))
        for entry in log:
            click.echo(f"  {entry.at} {entry.actor} {entry.action} {entry.changes()}")


FIELD_LABELS = {"authority": "column_authority", "series": "column_series", "published": "column_published",
                "identifier": "column_identifier", "source_url": "label_source", "edition": "label_edition",
                "licence": "label_licence"}  # metadata field -> message id of its label in `describe`


def describe(document: Document) -> str:
    meta = document.metadata
    lines = [f"#{document.id} {meta.title or document.file_name}",
             message("cli_doc_status", status=STATUS_NAMES[document.status])
             + (f" ({document.status_note})" if document.status_note else "")]
    lines += [f"{message(label)}: {getattr(meta, name)}" for name, label in FIELD_LABELS.items() if getattr(meta, name)]
    file = {"name": document.file_name, "media_type": document.media_type, "size": document.size_bytes}
    lines += [message("cli_doc_language", code=document.language or message("unknown_neuter")),
              message("cli_doc_file_pages", **file, pages=document.page_count) if document.page_count
              else message("cli_doc_file", **file),
              f"sha256: {document.content_hash}",
              message("cli_doc_added", at=document.added_at, by=document.added_by or message("unknown_common"))]
    if meta.tags:
        lines.append(message("cli_doc_tags", tags=", ".join(meta.tags)))
    if document.collections:
        lines.append(message("cli_doc_collections", collections=", ".join(document.collections)))
    if document.replaces:
        lines.append(message("cli_doc_replaces", id=document.replaces))
    if document.pages_needing_ocr:
        lines.append(message("cli_doc_needs_ocr", pages=", ".join(map(str, document.pages_needing_ocr))))
    return "\n".join(lines)


@click.command()
@click.argument("document_id", type=ROW_ID)
@metadata_options
@click.option("--clear", "cleared", multiple=True, type=click.Choice(METADATA_FIELDS), help=message("cli_edit_clear_help"))
def edit(document_id: int, cleared: tuple[str, ...], **fields: str | None) -> None:
    """Ändra ett dokuments metadata.

    \b
    Exempel:
      python -m corpus edit 12 --series SOU --identifier "SOU 2017:114" --date 2017-12-14
      python -m corpus edit 12 --clear edition
    """
    changes = {name: value for name, value in fields.items() if value is not None}
    changes.update({name: None for name in cleared})
    if not changes:
        raise click.UsageError(message("cli_edit_nothing"))
    with desk() as (settings, viewer):
        document = Curator(settings, viewer.name, on_wait=waiting).edit(document_id, changes)
    click.echo(describe(document))


@click.command()
@click.argument("document_id", type=ROW_ID)
@click.argument("tags", nargs=-1, required=True)
@click.option("--remove", is_flag=True, help=message("cli_tag_remove_help"))
def tag(document_id: int, tags: tuple[str, ...], remove: bool) -> None:
    """Sätt (eller ta bort) taggar på ett dokument.

    \b
    Exempel:
      python -m corpus tag 12 arvssystem styrning
      python -m corpus tag 12 styrning --remove
    """
    with desk() as (settings, viewer):
        curator = Curator(settings, viewer.name, on_wait=waiting)
        document = curator.tag(document_id, remove=tags) if remove else curator.tag(document_id, add=tags)
    click.echo(message("cli_tagged", id=document.id, tags=", ".join(document.metadata.tags) or message("cli_no_tags")))


@click.command()
@click.argument("document_id", type=ROW_ID)
@click.option("--reason", required=True, help=message("cli_withdraw_reason_help"))
def withdraw(document_id: int, reason: str) -> None:
    """Dra tillbaka ett dokument: det citeras inte längre men finns kvar och kan återställas.

    \b
    Exempel:
      python -m corpus withdraw 12 --reason "Ersatt av ny lagstiftning"
    """
    with desk() as (settings, viewer):
        document = Curator(settings, viewer.name, on_wait=waiting).withdraw(document_id, reason)
    click.echo(message("cli_withdrawn", id=document.id))


@click.command()
@click.argument("document_id", type=ROW_ID)
def restore(document_id: int) -> None:
    """Återställ ett tillbakadraget dokument (eller en tidigare utgåva) så att det kan citeras igen.

    \b
    Exempel:
      python -m corpus restore 12
    """
    with desk() as (settings, viewer):
        document = Curator(settings, viewer.name, on_wait=waiting).restore(document_id)
    click.echo(message("cli_restored", id=document.id))


@click.command(name="replace")
@click.argument("document_id", type=ROW_ID)
@click.argument("new_file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@metadata_options
def replace_document(document_id: int, new_file: Path, **fields: str | None) -> None:
    """Ersätt ett dokument med en ny utgåva; den gamla sparas som tidigare utgåva.

    Den nya utgåvan ärver metadata, taggar och samlingar från den gamla om inget annat anges.

    \b
    Exempel:
      python -m corpus replace 12 rapport-2021.pdf --edition 2 --date 2021-03-01
    """
    metadata = DocumentMetadata(**fields)
    with desk() as (settings, viewer):
        document = Curator(settings, viewer.name, on_wait=waiting).replace(document_id, new_file, metadata)
    state = message("ingest_pending" if document.status == "pending" else "cli_state_published")
    click.echo(message("cli_replaced", id=document.id, old=document_id, state=state))


@click.command()
@click.argument("document_id", type=ROW_ID)
@click.option("--yes", is_flag=True, help=message("cli_delete_yes_help"))
def delete(document_id: int, yes: bool) -> None:
    """Radera ett dokument på riktigt: passager, vektorer och lagrad fil. Går inte att ångra.

    Vill du bara dölja det: använd withdraw.

    \b
    Exempel:
      python -m corpus delete 12
    """
    with desk() as (settings, viewer):
        with Catalogue(settings.catalogue_path) as catalogue:
            document = catalogue.document(document_id)
        if document is None:
            raise CurationError("document_missing", id=document_id)
        if not yes:
            click.confirm(message("cli_delete_confirm", document=document_line(document).strip()), abort=True)
        Curator(settings, viewer.name, on_wait=waiting).delete(document_id)
    click.echo(message("cli_deleted", id=document_id))


@click.command(name="export")
@click.option("--format", "form", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help=message("cli_export_output_help"))
@click.option("--status", type=click.Choice(STATUSES), help=message("cli_list_status_help"))
def export(form: str, output: Path | None, status: str | None) -> None:
    """Exportera katalogen som CSV eller JSON.

    \b
    Exempel:
      python -m corpus export --format csv --output katalog.csv
    """
    with desk(role=None) as (settings, viewer), Catalogue(settings.catalogue_path) as catalogue:
        text = export_catalogue(catalogue.find_documents(status=status if viewer.curates else "active",
                                                         viewer=viewer), form)
    if output:
        output.write_text(text, encoding="utf-8")
        click.echo(message("cli_wrote", path=output), err=True)
    else:
        click.echo(text, nl=False)


@click.command(name="import-metadata")
@click.argument("manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help=message("cli_import_dry_run_help"))
def import_metadata(manifest: Path, dry_run: bool) -> None:
    """Läs in metadata från ett CSV-manifest (samma kolumner som export).

    Varje rad hittar sitt dokument med id, content_hash, identifier eller file_name. Tomma celler
    ändrar inget; taggar (separerade med ;) läggs till.

    \b
    Exempel:
      python -m corpus import-metadata manifest.csv --dry-run
    """
    with desk() as (settings, viewer):
        with Catalogue(settings.catalogue_path) as catalogue:
            report = plan_import(read_manifest(manifest, catalogue), catalogue)
        for change in report.planned:
            click.echo(change.describe())
        if not dry_run:
            apply_import(report, Curator(settings, viewer.name, on_wait=waiting))
    for problem in report.problems:
        click.echo(problem, err=True)
    click.echo(message("cli_import_dry_run", count=len(report.planned)) if dry_run else report.summary())
    if report.problems:
        sys.exit(1)


COMMANDS = (list_documents, show, edit, tag, withdraw, restore, replace_document, delete, export, import_metadata)
