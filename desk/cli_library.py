"""`python -m corpus` commands around the documents: collections, review queue, duplicates, failed
ingests, audit log, statistics and users."""
from __future__ import annotations

import sys

import click
from tqdm import tqdm

from corpus.access import ROLES
from corpus.audit import entries
from corpus.catalogue import Catalogue
from corpus.collections import collections
from corpus.duplicates import scan_for_duplicates
from corpus.lock import writer_lock
from corpus.review import review_items
from corpus.users import ROLE_NAMES, require, users
from desk.accounts import Accounts
from desk.curation import Curator
from desk.integrity import check as integrity_check
from desk.integrity import repair
from desk.shell import ROW_ID, desk, document_line, waiting
from desk.statistics import statistics


# --- collections -------------------------------------------------------------------------------
@click.group(name="collection")
def collection_group() -> None:
    """Samlingar: grupper av dokument, med granskning före publicering eller begränsad åtkomst."""


@collection_group.command(name="list")
def collection_list() -> None:
    """Lista samlingarna (bibliotekarier)."""
    with desk() as (settings, _), Catalogue(settings.catalogue_path) as catalogue:
        found = collections(catalogue.db)
    for c in found:
        traits = (["granskas"] if c.requires_review else []) + ([f"bara {', '.join(c.access)}"] if c.access else [])
        click.echo(f"{c.name}: {c.documents} dokument" + (f" ({'; '.join(traits)})" if traits else ""))


@collection_group.command(name="create")
@click.argument("name")
@click.option("--review", is_flag=True, help="Nya dokument väntar på godkännande innan de kan citeras.")
@click.option("--restrict-to", "access", multiple=True,
              help="Bara denna roll eller grupp (och bibliotekarier) ser samlingen. Kan upprepas.")
@click.option("--description", help="Beskrivning.")
def collection_create(name: str, review: bool, access: tuple[str, ...], description: str | None) -> None:
    """Skapa en samling.

    \b
    Exempel:
      python -m corpus collection create "Remissvar 2024" --review
      python -m corpus collection create Interna --restrict-to utredare
    """
    with desk() as (settings, viewer):
        created = Curator(settings, viewer.name, on_wait=waiting).create_collection(name, description, review, access)
    click.echo(f"Samlingen {created.name} är skapad")


@collection_group.command(name="set")
@click.argument("name")
@click.option("--review/--no-review", default=None, help="Kräv (eller sluta kräva) granskning.")
@click.option("--restrict-to", "access", multiple=True, help="Roller/grupper som får se samlingen (ersätter).")
@click.option("--open", "make_open", is_flag=True, help="Ta bort åtkomstbegränsningen.")
def collection_set(name: str, review: bool | None, access: tuple[str, ...], make_open: bool) -> None:
    """Ändra en samlings granskning eller åtkomst.

    \b
    Exempel:
      python -m corpus collection set Interna --restrict-to utredare --restrict-to ledning
      python -m corpus collection set Interna --open
    """
    new_access = () if make_open else (access or None)
    with desk() as (settings, viewer):
        after = Curator(settings, viewer.name, on_wait=waiting).change_collection(name, review, new_access)
    click.echo(f"{after.name}: granskning {'på' if after.requires_review else 'av'}, "
               f"åtkomst {', '.join(after.access) if after.access else 'alla'}")


@collection_group.command(name="add")
@click.argument("name")
@click.argument("document_ids", nargs=-1, type=ROW_ID, required=True)
def collection_add(name: str, document_ids: tuple[int, ...]) -> None:
    """Lägg dokument i en samling.

    \b
    Exempel:
      python -m corpus collection add Interna 12 13
    """
    with desk() as (settings, viewer):
        curator = Curator(settings, viewer.name, on_wait=waiting)
        for document_id in document_ids:
            curator.collect(document_id, name)
    click.echo(f"{len(document_ids)} dokument i {name}")


@collection_group.command(name="remove")
@click.argument("name")
@click.argument("document_ids", nargs=-1, type=ROW_ID, required=True)
def collection_remove(name: str, document_ids: tuple[int, ...]) -> None:
    """Ta dokument ur en samling."""
    with desk() as (settings, viewer):
        curator = Curator(settings, viewer.name, on_wait=waiting)
        for document_id in document_ids:
            curator.collect(document_id, name, remove=True)
    click.echo(f"{len(document_ids)} dokument togs ur {name}")


# --- review queue and duplicates -----------------------------------------------------------------
@click.group(name="review")
def review_group() -> None:
    """Granskningskön: väntande dokument och möjliga dubbletter/nya utgåvor."""


@review_group.command(name="list")
def review_list() -> None:
    """Visa öppna ärenden.

    \b
    Exempel:
      python -m corpus review list
    """
    with desk() as (settings, _), Catalogue(settings.catalogue_path) as catalogue:
        items = review_items(catalogue.db)
        lines = []
        for item in items:
            document = catalogue.document(item.document_id)
            if item.kind == "pending":
                lines.append(f"ärende {item.id}: väntar på godkännande  {document_line(document)}")
            else:
                other = catalogue.document(item.other_document_id)
                lines.append(f"ärende {item.id}: liknar varandra ({item.similarity:.0%})\n"
                             f"    {document_line(document)}\n    {document_line(other)}")
    click.echo("\n".join(lines) if lines else "Inga öppna ärenden.")


@review_group.command(name="approve")
@click.argument("document_ids", nargs=-1, type=ROW_ID, required=True)
def review_approve(document_ids: tuple[int, ...]) -> None:
    """Godkänn väntande dokument så att de kan citeras.

    \b
    Exempel:
      python -m corpus review approve 14 15
    """
    with desk() as (settings, viewer):
        for document_id in document_ids:
            Curator(settings, viewer.name, on_wait=waiting).approve(document_id)
    click.echo(f"{len(document_ids)} dokument godkända och publicerade")


@review_group.command(name="reject")
@click.argument("document_id", type=ROW_ID)
@click.option("--reason", required=True, help="Varför (sparas i loggen).")
def review_reject(document_id: int, reason: str) -> None:
    """Avvisa ett väntande dokument (det dras tillbaka och citeras aldrig)."""
    with desk() as (settings, viewer):
        Curator(settings, viewer.name, on_wait=waiting).reject(document_id, reason)
    click.echo(f"#{document_id} avvisat")


@review_group.command(name="resolve")
@click.argument("item_id", type=ROW_ID)
@click.argument("decision", type=click.Choice(["keep", "supersede", "withdraw"]))
def review_resolve(item_id: int, decision: str) -> None:
    """Avgör ett dubblettärende: keep (båda behålls), supersede (det nyare ersätter det äldre som ny
    utgåva) eller withdraw (det nyare dras tillbaka som dubblett).

    \b
    Exempel:
      python -m corpus review resolve 3 supersede
    """
    with desk() as (settings, viewer):
        Curator(settings, viewer.name, on_wait=waiting).resolve_duplicate(item_id, decision)
    click.echo(f"Ärende {item_id} avgjort: {decision}")


@click.command()
def duplicates() -> None:
    """Leta efter nästan-dubbletter i hela katalogen och lägg nya fynd i granskningskön.

    Dokument som lades till före dubblettkontrollen får sin signatur nu.

    \b
    Exempel:
      python -m corpus duplicates && python -m corpus review list
    """
    with desk() as (settings, _), writer_lock(settings.data_dir), Catalogue(settings.catalogue_path) as catalogue:
        found = scan_for_duplicates(catalogue, settings.near_duplicate_threshold)
    click.echo(f"{found} nya möjliga dubbletter; se python -m corpus review list")


@click.command()
@click.option("--limit", default=50, show_default=True, help="Högst så många.")
def failures(limit: int) -> None:
    """Visa misslyckade inläsningar med orsak, senaste först."""
    with desk(role=None) as (settings, _), Catalogue(settings.catalogue_path) as catalogue:
        rows = catalogue.failures(limit)
    for row in rows:
        click.echo(f"{row['at']} {row['path']}\n    {row['message']}")
    click.echo(f"{len(rows)} misslyckade inläsningar", err=True)


@click.command()
@click.option("--document", "document_id", type=ROW_ID, help="Bara ändringar av detta dokument.")
@click.option("--actor", help="Bara ändringar av denna person.")
@click.option("--action", help="Bara denna sorts ändring (edit, withdraw, delete ...).")
@click.option("--limit", default=100, show_default=True)
def audit(document_id: int | None, actor: str | None, action: str | None, limit: int) -> None:
    """Visa ändringsloggen: vem gjorde vad, när, före och efter.

    \b
    Exempel:
      python -m corpus audit --document 12
    """
    with desk() as (settings, _), Catalogue(settings.catalogue_path) as catalogue:
        found = entries(catalogue.db, document_id, actor, action, limit)
    for entry in found:
        about = f"#{entry.document_id}" if entry.document_id else entry.subject or ""
        click.echo(f"{entry.at} {entry.actor} {entry.action} {about} {entry.changes()}".rstrip())


@click.command()
def stats() -> None:
    """Statistik: dokument per status, serie, år och språk, passager, indexets storlek (bibliotekarier)."""
    with desk() as (settings, _), Catalogue(settings.catalogue_path) as catalogue:
        figures = statistics(catalogue, settings.index_dir, settings.library_dir)
    for title, counts in (("status", figures.by_status), ("serie/typ", figures.by_series),
                          ("år", figures.by_year), ("språk", figures.by_language)):
        click.echo(f"{title}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    click.echo(f"passager: {figures.passages}; öppna granskningar: {figures.open_reviews}; "
               f"misslyckade inläsningar: {figures.failed_ingests}")
    click.echo(f"index {figures.index_version}: {figures.index_bytes / 1e6:.1f} MB; katalog "
               f"{figures.catalogue_bytes / 1e6:.1f} MB; filer {figures.library_bytes / 1e6:.1f} MB")


# --- users -------------------------------------------------------------------------------------
@click.group(name="user")
def user_group() -> None:
    """Användare och roller (läsare, bibliotekarie, administratör). Kräver administratör."""


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt("Lösenord", hide_input=True, confirmation_prompt="Upprepa lösenordet")


@user_group.command(name="add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="reader", show_default=True)
@click.option("--group", "groups", multiple=True, help="Grupp (för begränsade samlingar). Kan upprepas.")
@click.option("--password-stdin", is_flag=True, help="Läs lösenordet från standard in (för skript).")
def user_add(name: str, role: str, groups: tuple[str, ...], password_stdin: bool) -> None:
    """Lägg till en användare. Lösenordet sparas bara som argon2-hash.

    \b
    Exempel:
      python -m corpus user add anna --role librarian
      echo "ett långt lösenord" | python -m corpus user add bo --group utredare --password-stdin
    """
    with desk(role="admin") as (settings, viewer):
        user = Accounts(settings, viewer.name).add_user(name, read_password(password_stdin), role, groups)
    click.echo(f"{user.name}: {ROLE_NAMES[user.role]}" + (f", grupper {', '.join(user.groups)}" if user.groups else ""))


@user_group.command(name="list")
def user_list() -> None:
    """Lista användarna."""
    with desk(role="admin") as (settings, _), Catalogue(settings.catalogue_path) as catalogue:
        found = users(catalogue.db)
    for user in found:
        click.echo(f"{user.name}: {ROLE_NAMES[user.role]}" + (f", grupper {', '.join(user.groups)}" if user.groups else "")
                   + (" (avstängd)" if user.disabled else ""))


@user_group.command(name="set")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES))
@click.option("--group", "groups", multiple=True, help="Grupper (ersätter de tidigare).")
@click.option("--no-groups", is_flag=True, help="Ta bort alla grupper.")
@click.option("--disable/--enable", default=None, help="Stäng av eller återaktivera kontot.")
@click.option("--unlock", is_flag=True, help="Lås upp ett konto som låsts efter upprepade felaktiga inloggningar.")
@click.option("--password", "new_password", is_flag=True, help="Sätt ett nytt lösenord (frågas efter).")
@click.option("--password-stdin", is_flag=True, help="Läs det nya lösenordet från standard in.")
def user_set(name: str, role: str | None, groups: tuple[str, ...], no_groups: bool, disable: bool | None,
             unlock: bool, new_password: bool, password_stdin: bool) -> None:
    """Ändra roll, grupper, lösenord eller avstängning.

    \b
    Exempel:
      python -m corpus user set anna --role admin
      python -m corpus user set bo --disable
      python -m corpus user set anna --unlock
    """
    password = read_password(password_stdin) if new_password or password_stdin else None
    with desk(role="admin") as (settings, viewer):
        user = Accounts(settings, viewer.name).change_user(name, role, () if no_groups else (groups or None),
                                                           password, disable, unlock=unlock)
    click.echo(f"{user.name}: {ROLE_NAMES[user.role]}" + (" (avstängd)" if user.disabled else "")
               + (" (låst efter felaktiga inloggningar: lås upp med --unlock)" if user.locked else ""))


@click.command()
@click.option("--repair", "do_repair", is_flag=True,
              help="Bygg om det som är härlett (vektorer, index) och ta bort kvarlämnade filer.")
def check(do_repair: bool) -> None:
    """Kontrollera att filer, katalog och index stämmer överens (hash för varje lagrad fil, varje passage i
    FAISS och BM25, inga föräldralösa filer). Avslutar med felkod om något inte stämmer.

    \b
    Exempel:
      python -m corpus check
      python -m corpus check --repair
    """
    with desk(role=None) as (settings, viewer):
        with Catalogue(settings.catalogue_path) as catalogue:
            documents = catalogue.db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        with tqdm(total=documents, unit="fil", desc="Kontrollerar", file=sys.stderr, disable=not documents) as bar:
            report = integrity_check(settings, bar.update)
        for problem in report.problems:
            click.echo(f"{problem.kind}: {problem.detail}" + ("" if problem.repairable else " (kan inte lagas automatiskt)"))
        if do_repair and report.problems:
            require(viewer, "librarian")
            for line in repair(settings, report):
                click.echo(f"lagat: {line}")
            report = integrity_check(settings)
    state = "allt stämmer" if report.clean else f"{len(report.problems)} problem"
    click.echo(f"{report.documents} dokument, {report.files} filer, {report.passages_indexed} passager i indexet: {state}")
    if not report.clean:
        if not do_repair and any(p.repairable for p in report.problems):
            click.echo("Laga det som går med: python -m corpus check --repair")
        sys.exit(1)


@click.group(name="token")
def token_group() -> None:
    """API-nycklar (administratör): varje nyckel agerar som en registrerad användare, med dennes roll.

    \b
    Exempel:
      python -m corpus token add anna --label intranät
      python -m corpus token list
      python -m corpus token revoke 3
    """


@token_group.command(name="add")
@click.argument("user_name")
@click.option("--label", help="Vad nyckeln används till (t.ex. intranät, ärendesystem).")
def token_add(user_name: str, label: str | None) -> None:
    """Skapa en API-nyckel för en användare. Nyckeln visas bara nu; bara en hash sparas."""
    with desk(role="admin") as (settings, viewer):
        token, secret = Accounts(settings, viewer.name).issue_token(user_name, label)
    click.echo(f"Nyckel {token.id} för {token.user_name} (visas bara nu):", err=True)
    click.echo(secret)


@token_group.command(name="list")
def token_list() -> None:
    """Lista API-nycklarna (aldrig själva nycklarna)."""
    with desk(role="admin") as (settings, viewer):
        found = Accounts(settings, viewer.name).tokens()
    for token in found:
        click.echo(f"{token.id}: {token.user_name}" + (f" ({token.label})" if token.label else "")
                   + f", skapad {token.created_at} av {token.created_by}"
                   + (f", återkallad {token.revoked_at}" if token.revoked_at else "")
                   + (f", senast använd {token.last_used_at}" if token.last_used_at else ", aldrig använd"))


@token_group.command(name="revoke")
@click.argument("token_id", type=ROW_ID)
def token_revoke(token_id: int) -> None:
    """Återkalla en API-nyckel."""
    with desk(role="admin") as (settings, viewer):
        token = Accounts(settings, viewer.name).revoke_token(token_id)
    click.echo(f"Nyckel {token.id} för {token.user_name} är återkallad")


COMMANDS = (collection_group, review_group, duplicates, failures, audit, stats, user_group, token_group, check)
