"""`python -m corpus` (also `kalla-corpus`): the librarian's desk on the command line. Each file owns its
commands (desk/cli_documents.py: documents; desk/cli_library.py: collections, review, duplicates,
failures, audit, statistics, users, check; desk/cli_links.py: links to shared answers; desk/cli_sample.py: the
sample library); they are composed here, at import time."""
from __future__ import annotations

import click

from desk import cli_documents, cli_library, cli_links, cli_sample
from settings import settings_or_exit


@click.group()
def cli() -> None:
    """Bibliotekariens skrivbord: katalog, metadata, samlingar, granskning, användare och logg.

    Den som agerar är KALLA_USER (annars inloggningsnamnet). Ändringar kräver rollen bibliotekarie
    (användare och roller: administratör); innan någon användare finns agerar den som satte upp
    biblioteket som administratör. Varje ändring loggas (python -m corpus audit).
    """
    settings_or_exit()  # a bad KALLA_* setting stops every command here, with its message


for command in cli_documents.COMMANDS + cli_library.COMMANDS + cli_links.COMMANDS + cli_sample.COMMANDS:
    cli.add_command(command)


def main() -> None:
    cli(prog_name="python -m corpus")
