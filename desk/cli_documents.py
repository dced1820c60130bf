"""`python -m corpus` commands on documents: list, show, edit, tag, withdraw, restore, replace, delete,
export and import of metadata."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from corpus.audit import entries
from corpus.catalogue import Catalogue
from corpus.citation import page_text
from corpus.records import METADATA_FIELDS, STATUSES, Document, DocumentMetadata
from corpus.review import review_items
from desk.curation import STATUS_NAMES, CurationError, Curator
from desk.exchange import apply_import, export_catalogue, plan_import, read_manifest
from desk.shell import ROW_ID, desk, document_line, metadata_options, waiting


@click.command(name="list")
@click.option("--search", "text", help="Sök i titel, myndighet/författare, beteckning och filnamn.")
@click.option("--status", type=click.Choice(STATUSES), help="Bara dokument med denna status.")
@click.option("--series", help="Bara denna serie/typ.")
@click.option("--tag", help="Bara dokument med denna tagg.")
@click.option("--collection", help="Bara dokument i denna samling.")
@click.option("--language", help="Bara dokument på detta språk (sv, en ...).")
@click.option("--year", help="Bara dokument publicerade detta år.")
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
    click.echo(f"{len(documents)} dokument", err=True)


@click.command()
@click.argument("document_id", type=ROW_ID)
@click.option("--passages", "all_passages", is_flag=True, help="Visa alla passager (annars de tre första).")
def show(document_id: int, all_passages: bool) -> None:
    """Visa ett dokument: metadata, status, utgåvor, passager, inläsningshistorik och ändringslogg.

    \b
    Exempel:
      python -m corpus show 12
    """
    with desk(role=None) as (settings, viewer), Catalogue(settings.catalogue_path) as catalogue:
        document = catalogue.document(document_id, viewer)
        if document is None or (not viewer.curates and document.status != "active"):
            raise click.ClickException(f"Dokument #{document_id} finns inte")
        passages = catalogue.document_passages(document_id)
        editions = catalogue.editions(document_id)
        history = catalogue.ingest_history(document_id)
        log = entries(catalogue.db, document_id=document_id) if viewer.curates else []
        reviews = review_items(catalogue.db, "open", document_id)
    click.echo(describe(document))
    for edition in editions:
        click.echo(f"  tidigare utgåva: {document_line(edition)}")
    pages = sorted({p.page_number for p in passages if p.page_number is not None})
    click.echo(f"passager: {len(passages)}" + (f" på {len(pages)} sidor" if pages else ""))
    for passage in passages if all_passages else passages[:3]:
        page = page_text(passage)
        where = f" ({page})" if page else ""
        click.echo(f"  [{passage.ordinal}]{where} {passage.text[:300]}")
    for item in reviews:
        click.echo(f"granskning #{item.id}: {item.kind}" + (f" med #{item.other_document_id} "
                                                           f"({item.similarity:.0%})" if item.other_document_id else ""))
    click.echo("inläsningar:")
    for event in history:
        click.echo(f"  {event['at']} {event['outcome']} av {event['user']}: {event['message']}")
    if log:
        click.echo("ändringslogg:")
        for entry in log:
            click.echo(f"  {entry.at} {entry.actor} {entry.action} {entry.changes()}")


def describe(document: Document) -> str:
    meta = document.metadata
    lines = [f"#{document.id} {meta.title or document.file_name}",
             f"status: {STATUS_NAMES[document.status]}" + (f" ({document.status_note})" if document.status_note else "")]
    labels = {"authority": "myndighet/författare", "series": "serie/typ", "published": "publicerad",
              "identifier": "beteckning", "source_url": "källa", "edition": "utgåva", "licence": "licens"}
    lines += [f"{label}: {getattr(meta, name)}" for name, label in labels.items() if getattr(meta, name)]
    lines += [f"språk: {document.language or 'okänt'}", f"fil: {document.file_name} ({document.media_type}, "
              f"{document.size_bytes} byte" + (f", {document.page_count} sidor" if document.page_count else "") + ")",
              f"sha256: {document.content_hash}", f"tillagd: {document.added_at} av {document.added_by or 'okänd'}"]
    if meta.tags:
        lines.append(f"taggar: {', '.join(meta.tags)}")
    if document.collections:
        lines.append(f"samlingar: {', '.join(document.collections)}")
    if document.replaces:
        lines.append(f"ersätter: #{document.replaces}")
    if document.pages_needing_ocr:
        lines.append(f"skannade sidor som behöver OCR: {', '.join(map(str, document.pages_needing_ocr))}")
    return "\n".join(lines)


@click.command()
@click.argument("document_id", type=ROW_ID)
@metadata_options
@click.option("--clear", "cleared", multiple=True, type=click.Choice(METADATA_FIELDS), help="Töm ett fält.")
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
        raise click.UsageError("Ange minst ett fält att ändra (se --help)")
    with desk() as (settings, viewer):
        document = Curator(settings, viewer.name, on_wait=waiting).edit(document_id, changes)
    click.echo(describe(document))


@click.command()
@click.argument("document_id", type=ROW_ID)
@click.argument("tags", nargs=-1, required=True)
@click.option("--remove", is_flag=True, help="Ta bort taggarna i stället.")
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
    click.echo(f"#{document.id} taggar: {', '.join(document.metadata.tags) or '(inga)'}")


@click.command()
@click.argument("document_id", type=ROW_ID)
@click.option("--reason", required=True, help="Varför dokumentet dras tillbaka (sparas i loggen).")
def withdraw(document_id: int, reason: str) -> None:
    """Dra tillbaka ett dokument: det citeras inte längre men finns kvar och kan återställas.

    \b
    Exempel:
      python -m corpus withdraw 12 --reason "Ersatt av ny lagstiftning"
    """
    with desk() as (settings, viewer):
        document = Curator(settings, viewer.name, on_wait=waiting).withdraw(document_id, reason)
    click.echo(f"#{document.id} är tillbakadraget. Återställ med: python -m corpus restore {document.id}")


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
    click.echo(f"#{document.id} är publicerat igen")


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
    state = "väntar på granskning" if document.status == "pending" else "publicerad"
    click.echo(f"#{document.id} ersätter #{document_id} ({state})")


@click.command()
@click.argument("document_id", type=ROW_ID)
@click.option("--yes", is_flag=True, help="Fråga inte om bekräftelse.")
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
            click.confirm(f"Radera {document_line(document).strip()} för gott?", abort=True)
        Curator(settings, viewer.name, on_wait=waiting).delete(document_id)
    click.echo(f"#{document_id} är raderat")


@click.command(name="export")
@click.option("--format", "form", type=click.Choice(["csv", "json"]), default="csv", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), help="Fil (annars standard ut).")
@click.option("--status", type=click.Choice(STATUSES), help="Bara dokument med denna status.")
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
        click.echo(f"Skrev {output}", err=True)
    else:
        click.echo(text, nl=False)


@click.command(name="import-metadata")
@click.argument("manifest", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Visa vad som skulle ändras, utan att ändra.")
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
    click.echo(f"(provkörning) {len(report.planned)} skulle ändras" if dry_run else report.summary())
    if report.problems:
        sys.exit(1)


COMMANDS = (list_documents, show, edit, tag, withdraw, restore, replace_document, delete, export, import_metadata)
