"""`python -m corpus link …`: the links to shared answers (list, revoke); their owner manages their own,
an admin everyone's."""
from __future__ import annotations

import click

from desk.links import Links
from desk.shell import ROW_ID, desk
from text.messages import message


@click.group(name="link")
def link_group() -> None:
    """Länkar till delade svar: de gäller i 30 dagar och kan återkallas av sin ägare eller en administratör.

    \b
    Exempel:
      python -m corpus link list
      python -m corpus link list --all
      python -m corpus link revoke 3
    """


@link_group.command(name="list")
@click.option("--all", "everyone", is_flag=True, help=message("cli_link_all_help"))
@click.option("--user", "user_name", help=message("cli_link_user_help"))
def link_list(everyone: bool, user_name: str | None) -> None:
    """Lista dina delade länkar (nyast först), med när de slutar gälla."""
    with desk(role=None) as (settings, viewer):
        found = Links(settings, viewer).list(everyone, user_name)
    for link in found:
        state = (message("cli_link_revoked_at", at=link.revoked_at) if link.revoked_at else
                 message("cli_link_valid_until", at=link.expires_at) if link.active
                 else message("cli_link_expired_at", at=link.expires_at))
        click.echo(message("cli_link_line", id=link.id, user=link.user_name, at=link.shared_at, state=state,
                           question=link.question[:80]))
    click.echo(message("cli_link_count", count=len(found)), err=True)


@link_group.command(name="revoke")
@click.argument("link_id", type=ROW_ID)
def link_revoke(link_id: int) -> None:
    """Återkalla en delad länk: den slutar gälla direkt."""
    with desk(role=None) as (settings, viewer):
        link = Links(settings, viewer).revoke(link_id)
    click.echo(message("cli_link_revoked", id=link.id, user=link.user_name))


COMMANDS = (link_group,)
