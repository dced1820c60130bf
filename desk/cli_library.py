"""`python -m corpus` commands around the documents: collections, review queue, duplicates, failed
ingests, audit log, statistics and users."""
from __future__ import annotations

import sys

import click
from tqdm import tqdm

from corpus.access import ROLES
from corpus.catalogue import Catalogue
from corpus.lock import writer_lock
from corpus.users import ROLE_NAMES, require
from desk.accounts import Accounts
from desk.curation import Curator
from desk.integrity import check as integrity_check
from desk.integrity import repair
from desk.shell import ROW_ID, desk, document_line, waiting
from desk.statistics import statistics
from text.messages import message


# --- collections -------------------------------------------------------------------------------
@click.group(name="collection")
def collection_group() -> None:
    """Samlingar: grupper av dokument, med granskning före publicering eller begränsad åtkomst."""


@collection_group.command(name="list")
def collection_list() -> None:
    """Lista samlingarna (bibliotekarier)."""
    with desk() as (settings, _), Catalogue(settings.catalogue_path) as catalogue:
        found = catalogue.collections.all()
    for c in found:
        traits = (([message("column_reviewed")] if c.requires_review else [])
                  + ([message("cli_collection_only_for", groups=", ".join(c.access))] if c.access else []))
        click.echo(message("cli_collection_line", name=c.name, count=c.documents)
                   + (f" ({'; '.join(traits)})" if traits else ""))


@collection_group.command(name="create")
@click.argument("name")
@click.option("--review", is_flag=True, help=message("cli_collection_review_help"))
@click.option("--restrict-to", "access", multiple=True,
              help=message("cli_collection_restrict_help"))
@click.option("--description", help=message("cli_collection_description_help"))
def collection_create(name: str, review: bool, access: tuple[str, ...], description: str | None) -> None:
    """Skapa en samling.

    \b
    Exempel:
      python -m corpus collection create "Remissvar 2024" --review
      python -m corpus collection create Interna --restrict-to utredare
    """
    with desk() as (settings, viewer):
        created = Curator(settings, viewer.name, on_wait=waiting).create_collection(name, description, review, access)
    click.echo(message("cli_collection_created", name=created.name))


@collection_group.command(name="set")
@click.argument("name")
@click.option("--review/--no-review", default=None, help=message("cli_collection_set_review_help"))
@click.option("--restrict-to", "access", multiple=True, help=message("cli_collection_set_access_help"))
@click.option("--open", "make_open", is_flag=True, help=message("cli_collection_set_open_help"))
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
    click.echo(message("cli_collection_changed", name=after.name,
                       review=message("cli_on" if after.requires_review else "cli_off"),
                       access=", ".join(after.access) if after.access else message("cli_everyone")))


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
    click.echo(message("cli_collection_added", count=len(document_ids), name=name))


@collection_group.command(name="remove")
@click.argument("name")
@click.argument("document_ids", nargs=-1, type=ROW_ID, required=True)
def collection_remove(name: str, document_ids: tuple[int, ...]) -> None:
    """Ta dokument ur en samling."""
    with desk() as (settings, viewer):
        curator = Curator(settings, viewer.name, on_wait=waiting)
        for document_id in document_ids:
            curator.collect(document_id, name, remove=True)
    click.echo(message("cli_collection_removed", count=len(document_ids), name=name))


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
        items = catalogue.review.items()
        lines = []
        for item in items:
            document = catalogue.document(item.document_id)
            if item.kind == "pending":
                lines.append(message("cli_review_pending", id=item.id, document=document_line(document)))
            else:
                other = catalogue.document(item.other_document_id)
                lines.append(message("cli_review_similar", id=item.id, similarity=item.similarity,
                                     document=document_line(document), other=document_line(other)))
    click.echo("\n".join(lines) if lines else message("no_open_items"))


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
    click.echo(message("cli_review_approved", count=len(document_ids)))


@review_group.command(name="reject")
@click.argument("document_id", type=ROW_ID)
@click.option("--reason", required=True, help=message("cli_review_reason_help"))
def review_reject(document_id: int, reason: str) -> None:
    """Avvisa ett väntande dokument (det dras tillbaka och citeras aldrig)."""
    with desk() as (settings, viewer):
        Curator(settings, viewer.name, on_wait=waiting).reject(document_id, reason)
    click.echo(message("cli_review_rejected", id=document_id))


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
    click.echo(message("cli_review_resolved", id=item_id, decision=decision))


@click.command()
def duplicates() -> None:
    """Leta efter nästan-dubbletter i hela katalogen och lägg nya fynd i granskningskön.

    Dokument som lades till före dubblettkontrollen får sin signatur nu.

    \b
    Exempel:
      python -m corpus duplicates && python -m corpus review list
    """
    with desk() as (settings, _), writer_lock(settings.data_dir), Catalogue(settings.catalogue_path) as catalogue:
        found = catalogue.duplicates.scan(settings.near_duplicate_threshold)
    click.echo(message("cli_duplicates_found", count=found))


@click.command()
@click.option("--limit", default=50, show_default=True, help=message("cli_failures_limit_help"))
def failures(limit: int) -> None:
    """Visa misslyckade inläsningar med orsak, senaste först."""
    with desk(role=None) as (settings, _), Catalogue(settings.catalogue_path) as catalogue:
        rows = catalogue.failures(limit)
    for event in rows:
        click.echo(f"{event.at} {event.path}\n    {event.text()}")
    click.echo(message("cli_failures_count", count=len(rows)), err=True)


@click.command()
@click.option("--document", "document_id", type=ROW_ID, help=message("cli_audit_document_help"))
@click.option("--actor", help=message("cli_audit_actor_help"))
@click.option("--action", help=message("cli_audit_action_help"))
@click.option("--limit", default=100, show_default=True)
def audit(document_id: int | None, actor: str | None, action: str | None, limit: int) -> None:
    """Visa ändringsloggen: vem gjorde vad, när, före och efter.

    \b
    Exempel:
      python -m corpus audit --document 12
    """
    with desk() as (settings, _), Catalogue(settings.catalogue_path) as catalogue:
        found = catalogue.audit.entries(document_id, actor, action, limit)
    for entry in found:
        about = f"#{entry.document_id}" if entry.document_id else entry.subject or ""
        click.echo(f"{entry.at} {entry.actor} {entry.action} {about} {entry.changes()}".rstrip())


@click.command()
def stats() -> None:
    """Statistik: dokument per status, serie, år och språk, passager, indexets storlek (bibliotekarier)."""
    with desk() as (settings, _), Catalogue(settings.catalogue_path) as catalogue:
        figures = statistics(catalogue, settings.index_dir, settings.library_dir)
    for title, counts in (("column_status", figures.by_status), ("column_series", figures.by_series),
                          ("cli_stats_year", figures.by_year), ("cli_stats_language", figures.by_language)):
        click.echo(f"{message(title)}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    click.echo(message("cli_stats_counts", passages=figures.passages, reviews=figures.open_reviews,
                       failed=figures.failed_ingests))
    click.echo(message("cli_stats_storage", version=figures.index_version, index=figures.index_bytes / 1e6,
                       catalogue=figures.catalogue_bytes / 1e6, library=figures.library_bytes / 1e6))


# --- users -------------------------------------------------------------------------------------
@click.group(name="user")
def user_group() -> None:
    """Användare och roller (läsare, bibliotekarie, administratör). Kräver administratör."""


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    return click.prompt(message("password"), hide_input=True, confirmation_prompt=message("cli_password_repeat"))


@user_group.command(name="add")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="reader", show_default=True)
@click.option("--group", "groups", multiple=True, help=message("cli_user_group_help"))
@click.option("--password-stdin", is_flag=True, help=message("cli_user_password_stdin_help"))
def user_add(name: str, role: str, groups: tuple[str, ...], password_stdin: bool) -> None:
    """Lägg till en användare. Lösenordet sparas bara som argon2-hash.

    \b
    Exempel:
      python -m corpus user add anna --role librarian
      echo "ett långt lösenord" | python -m corpus user add bo --group utredare --password-stdin
    """
    with desk(role="admin") as (settings, viewer):
        user = Accounts(settings, viewer.name).add_user(name, read_password(password_stdin), role, groups)
    click.echo(f"{user.name}: {ROLE_NAMES[user.role]}" + _groups(user.groups))


@user_group.command(name="list")
def user_list() -> None:
    """Lista användarna."""
    with desk(role="admin") as (settings, _), Catalogue(settings.catalogue_path) as catalogue:
        found = catalogue.users.all()
    for user in found:
        click.echo(f"{user.name}: {ROLE_NAMES[user.role]}" + _groups(user.groups)
                   + (message("cli_user_disabled") if user.disabled else ""))


def _groups(groups: tuple[str, ...]) -> str:
    return message("cli_user_groups", groups=", ".join(groups)) if groups else ""


@user_group.command(name="set")
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES))
@click.option("--group", "groups", multiple=True, help=message("cli_user_set_groups_help"))
@click.option("--no-groups", is_flag=True, help=message("cli_user_no_groups_help"))
@click.option("--disable/--enable", default=None, help=message("cli_user_disable_help"))
@click.option("--unlock", is_flag=True, help=message("cli_user_unlock_help"))
@click.option("--password", "new_password", is_flag=True, help=message("cli_user_password_help"))
@click.option("--password-stdin", is_flag=True, help=message("cli_user_new_password_stdin_help"))
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
    click.echo(f"{user.name}: {ROLE_NAMES[user.role]}" + (message("cli_user_disabled") if user.disabled else "")
               + (message("cli_user_locked") if user.locked else ""))


@click.command()
@click.option("--repair", "do_repair", is_flag=True,
              help=message("cli_check_repair_help"))
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
            documents = catalogue.document_count()
        with tqdm(total=documents, unit=message("cli_file_unit"), desc=message("cli_check_progress"), file=sys.stderr,
                  disable=not documents) as bar:
            report = integrity_check(settings, bar.update)
        for problem in report.problems:
            click.echo(f"{problem.kind}: {problem.detail}" + ("" if problem.repairable else message("cli_check_cannot_repair")))
        if do_repair and report.problems:
            require(viewer, "librarian")
            for line in repair(settings, report):
                click.echo(message("cli_check_repaired", what=line))
            report = integrity_check(settings)
    state = message("cli_check_clean") if report.clean else message("cli_check_problems", count=len(report.problems))
    click.echo(message("cli_check_summary", documents=report.documents, files=report.files,
                       passages=report.passages_indexed, state=state))
    if not report.clean:
        if not do_repair and any(p.repairable for p in report.problems):
            click.echo(message("cli_check_repair_hint"))
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
@click.option("--label", help=message("cli_token_label_help"))
def token_add(user_name: str, label: str | None) -> None:
    """Skapa en API-nyckel för en användare. Nyckeln visas bara nu; bara en hash sparas."""
    with desk(role="admin") as (settings, viewer):
        token, secret = Accounts(settings, viewer.name).issue_token(user_name, label)
    click.echo(message("cli_token_issued", id=token.id, user=token.user_name), err=True)
    click.echo(secret)


@token_group.command(name="list")
def token_list() -> None:
    """Lista API-nycklarna (aldrig själva nycklarna)."""
    with desk(role="admin") as (settings, viewer):
        found = Accounts(settings, viewer.name).tokens()
    for token in found:
        click.echo(f"{token.id}: {token.user_name}" + (f" ({token.label})" if token.label else "")
                   + message("cli_token_created", at=token.created_at, by=token.created_by)
                   + (message("cli_token_revoked_at", at=token.revoked_at) if token.revoked_at else "")
                   + (message("cli_token_last_used", at=token.last_used_at) if token.last_used_at
                      else message("cli_token_never_used")))


@token_group.command(name="revoke")
@click.argument("token_id", type=ROW_ID)
def token_revoke(token_id: int) -> None:
    """Återkalla en API-nyckel."""
    with desk(role="admin") as (settings, viewer):
        token = Accounts(settings, viewer.name).revoke_token(token_id)
    click.echo(message("cli_token_revoked", id=token.id, user=token.user_name))


COMMANDS = (collection_group, review_group, duplicates, failures, audit, stats, user_group, token_group, check)
