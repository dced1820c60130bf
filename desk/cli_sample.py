"""`python -m corpus sample …`: the sample library in samples/ (add it, list it, remove it again)."""
from __future__ import annotations

import sys

import click

from corpus.catalogue import Catalogue
from desk.sample import add_sample, never_used, remove_sample, sample_documents, sample_files, wanted_at_first_start
from desk.shell import desk, document_line, waiting
from text.messages import message


@click.group(name="sample")
def sample_group() -> None:
    """Exempelbiblioteket (mappen samples/): regeringsuppdrag, kommittédirektiv och skrivelser om
    digitalisering från regeringen.se, fria att sprida (9 § upphovsrättslagen), så att Källa kan provas
    innan egna dokument finns. `make run` läser in det i ett bibliotek som aldrig haft något dokument
    (utom med KALLA_SAMPLE=off eller make run EMPTY=1).

    \b
    Exempel:
      python -m corpus sample add
      python -m corpus sample list
      python -m corpus sample remove
    """


@sample_group.command(name="add")
@click.option("--if-never-used", is_flag=True,
              help=message("cli_sample_if_never_used_help"))
def sample_add(if_never_used: bool) -> None:
    """Läs in exempelbiblioteket. Det som redan finns kostar inget; dokumenten får taggen "exempel".

    \b
    Exempel:
      python -m corpus sample add
    """
    with desk(role=None) as (settings, _viewer):
        if if_never_used and not (wanted_at_first_start(settings) and never_used(settings)):
            return
        files = sample_files()
        with click.progressbar(length=len(files), label=message("cli_sample_adding"), file=sys.stderr) as bar:
            def on_file(path, outcome) -> None:
                bar.update(1)
                if outcome.outcome == "failed":
                    click.echo("\n" + message("cli_file_failed", path=path, reason=outcome.message), err=True)

            report = add_sample(settings, on_file=on_file, on_wait=waiting)
    click.echo(message("cli_sample_added", summary=report.summary()))
    click.echo(message("cli_sample_remove_hint"), err=True)
    if report.failed:
        sys.exit(1)


@sample_group.command(name="list")
def sample_list() -> None:
    """Lista exempelbibliotekets dokument i katalogen, med status.

    \b
    Exempel:
      python -m corpus sample list
    """
    with desk(role=None) as (settings, _viewer), Catalogue(settings.catalogue_path) as catalogue:
        documents = sample_documents(catalogue, statuses=("active", "pending", "withdrawn", "superseded"))
    for document in documents:
        click.echo(document_line(document))
    click.echo(message("cli_sample_count", count=len(documents)), err=True)


@sample_group.command(name="remove")
def sample_remove() -> None:
    """Dra tillbaka exempelbibliotekets dokument, och inga andra. De finns kvar i katalogen och kan
    återställas (python -m corpus restore ID); exempelbiblioteket läses inte in igen vid nästa start.
    Kräver rollen bibliotekarie (KALLA_USER); innan några användare finns får den som satte upp biblioteket.

    \b
    Exempel:
      python -m corpus sample remove
    """
    with desk() as (settings, viewer):
        withdrawn = remove_sample(settings, viewer.name, on_wait=waiting)
    for document in withdrawn:
        click.echo(document_line(document))
    if withdrawn:
        click.echo(message("cli_sample_withdrawn", count=len(withdrawn)))
    else:
        click.echo(message("cli_sample_none"))


COMMANDS = (sample_group,)
