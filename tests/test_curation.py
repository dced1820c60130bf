"""The librarian's desk on real SQLite, real FAISS and real files (hashing embedder): every curation
action changes what search returns, keeps the index equal to the catalogue, and is in the audit log."""
from __future__ import annotations

import pytest
from click.testing import CliRunner

from corpus.access import ANONYMOUS, Viewer
from corpus.catalogue import Catalogue
from corpus.filters import SearchFilters
from desk.cli import cli
from desk.curation import CurationError, Curator
from helpers import below_the_catalogue
from index.search import Searcher
from index.store import load_current
from ingest.pipeline import Ingester

REPORT = ("Rapporten beskriver hur statliga myndigheter förvaltar äldre it-system och vad det kostar. "
          "Många system är över trettio år gamla och svåra att underhålla. Kompetensen att förvalta dem "
          "försvinner när medarbetare går i pension. Myndigheterna bör inventera sina system och planera "
          "för att ersätta dem. Regeringen bör följa upp arbetet årligen och stödja gemensamma lösningar. "
          "Informationssäkerheten försvagas när leverantörerna slutar ge ut säkerhetsuppdateringar.")
OTHER = ("Kommunerna bygger ut sina e-tjänster för bygglov och skolval. Invånarna vill kunna följa sitt "
         "ärende digitalt och få besked snabbare. Handläggarna behöver bättre stöd i sina verksamhetssystem.")


def write(folder, name, text):
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def add(settings, *paths, collection=None):
    report = Ingester(settings).add(list(paths), collection=collection)
    return [o.document_id for o in report.outcomes], report


def found_documents(settings, question="it-system förvaltning kostnader", viewer=None):
    filters = SearchFilters(viewer=viewer) if viewer else None
    return {hit.document.id for hit in Searcher(settings).search(question, 10, filters)}


def assert_index_matches_catalogue(settings):
    catalogue = Catalogue(settings.catalogue_path)
    published = load_current(settings.index_dir)
    assert set(published.ids()) == set(catalogue.indexable_passage_ids("hashing"))
    assert set(published.keywords.ids) == set(published.ids())
    catalogue.close()


def actions(settings, document_id=None):
    catalogue = Catalogue(settings.catalogue_path)
    try:
        return [(e.actor, e.action) for e in reversed(catalogue.audit.entries(document_id=document_id))]
    finally:
        catalogue.close()


def test_withdraw_restore_and_delete_change_what_search_returns(settings, tmp_path):
    (report_id, other_id), _ = add(settings, write(tmp_path / "d", "rapport.txt", REPORT),
                                   write(tmp_path / "d", "kommun.txt", OTHER))
    curator = Curator(settings, "bibliotekarie")
    assert report_id in found_documents(settings)

    curator.withdraw(report_id, "inaktuell")
    assert report_id not in found_documents(settings)
    assert_index_matches_catalogue(settings)
    with pytest.raises(CurationError, match="tillbakadraget"):
        curator.withdraw(report_id, "igen")

    curator.restore(report_id)
    assert report_id in found_documents(settings)
    assert_index_matches_catalogue(settings)

    stored = settings.library_dir / Catalogue(settings.catalogue_path).document(report_id).stored_path
    curator.delete(report_id)
    assert Catalogue(settings.catalogue_path).document(report_id) is None
    assert report_id not in found_documents(settings) and not stored.exists()
    assert_index_matches_catalogue(settings)
    assert actions(settings, report_id) == [("testare", "add"), ("bibliotekarie", "withdraw"),
                                            ("bibliotekarie", "restore"), ("bibliotekarie", "delete")]
    deleted = Catalogue(settings.catalogue_path).audit.entries(document_id=report_id)[0]
    assert deleted.before["title"] == "rapport"  # the log keeps what was deleted


def test_replace_keeps_the_old_edition_and_searches_only_the_new(settings, tmp_path):
    (old_id,), _ = add(settings, write(tmp_path / "d", "rapport.txt", REPORT))
    curator = Curator(settings, "bibliotekarie")
    curator.edit(old_id, {"series": "myndighetsrapport", "identifier": "Dnr 2020-17"})
    curator.tag(old_id, add=("arvssystem",))
    new_text = REPORT.replace("trettio", "fyrtio") + " Ny utgåva med ett tillägg om molntjänster och kostnader."
    new = curator.replace(old_id, write(tmp_path / "ny", "rapport-2021.txt", new_text))

    catalogue = Catalogue(settings.catalogue_path)
    old = catalogue.document(old_id)
    assert old.status == "superseded" and new.status == "active" and new.replaces == old_id
    assert new.metadata.series == "myndighetsrapport" and new.metadata.tags == ("arvssystem",)
    assert [d.id for d in catalogue.editions.earlier(new.id)] == [old_id]
    assert found_documents(settings) & {old_id, new.id} == {new.id}
    assert_index_matches_catalogue(settings)
    assert not catalogue.review.items()  # the near-duplicate pair is the edition itself: resolved
    assert ("bibliotekarie", "replace") in actions(settings, new.id)
    assert ("bibliotekarie", "supersede") in actions(settings, old_id)


def test_an_exact_duplicate_is_refused_with_a_pointer(settings, tmp_path):
    (first,), _ = add(settings, write(tmp_path / "a", "rapport.txt", REPORT))
    _, report = add(settings, write(tmp_path / "b", "kopia.txt", REPORT))
    outcome = report.outcomes[0]
    assert outcome.outcome == "duplicate" and outcome.document_id == first and f"#{first}" in outcome.message
    Curator(settings, "bibliotekarie").withdraw(first, "test")
    _, report = add(settings, write(tmp_path / "c", "kopia2.txt", REPORT))
    assert "python -m corpus restore" in report.outcomes[0].message


def test_a_near_duplicate_edition_is_flagged_for_review(settings, tmp_path):
    (first, other), _ = add(settings, write(tmp_path / "a", "rapport.txt", REPORT),
                            write(tmp_path / "a", "kommun.txt", OTHER))
    edited = REPORT.replace("årligen", "varje halvår") + " Ett nytt avsnitt handlar om öppen källkod."
    (second,), report = add(settings, write(tmp_path / "b", "rapport-v2.txt", edited))
    assert report.outcomes[0].needs_review and f"#{first}" in report.outcomes[0].message
    items = Catalogue(settings.catalogue_path).review.items()
    assert [(i.kind, i.document_id, i.other_document_id) for i in items] == [("near_duplicate", second, first)]
    assert items[0].similarity >= settings.near_duplicate_threshold

    Curator(settings, "bibliotekarie").resolve_duplicate(items[0].id, "supersede")
    catalogue = Catalogue(settings.catalogue_path)
    assert catalogue.document(first).status == "superseded" and catalogue.document(second).replaces == first
    assert not catalogue.review.items()


def test_a_duplicate_scan_signs_unsigned_documents_and_queues_new_pairs_once(settings, tmp_path):
    edited = REPORT + " Ett nytt avsnitt handlar om öppen källkod."
    (first, second, _), _ = add(settings, write(tmp_path / "a", "rapport.txt", REPORT),
                                write(tmp_path / "a", "rapport-v2.txt", edited), write(tmp_path / "a", "kommun.txt", OTHER))
    Curator(settings, "bibliotekarie").resolve_duplicate(Catalogue(settings.catalogue_path).review.items()[0].id, "keep")
    db = below_the_catalogue(settings.catalogue_path)  # as if added before signatures were kept
    db.execute("DELETE FROM document_signatures")
    db.close()
    with Catalogue(settings.catalogue_path) as catalogue:
        assert catalogue.duplicates.scan(settings.near_duplicate_threshold) == 1
        assert catalogue.duplicates.scan(settings.near_duplicate_threshold) == 0  # already open
        assert not catalogue.duplicates.unsigned_document_ids()
        items = catalogue.review.items()
    assert [(i.kind, i.document_id, i.other_document_id) for i in items] == [("near_duplicate", second, first)]


def test_a_pending_document_is_never_cited_until_approved(settings, tmp_path):
    from answer.assistant import Assistant

    catalogue = Catalogue(settings.catalogue_path)
    catalogue.collections.create("Remissvar", "bibliotekarie", requires_review=True)
    (other,), _ = add(settings, write(tmp_path / "a", "kommun.txt", OTHER))
    (pending,), report = add(settings, write(tmp_path / "b", "rapport.txt", REPORT), collection="Remissvar")
    assert report.outcomes[0].needs_review
    assert catalogue.document(pending).status == "pending"
    assert [i.kind for i in catalogue.review.items()] == ["pending"]
    assert pending not in found_documents(settings)
    answer = Assistant(settings).ask("Hur gamla är myndigheternas it-system och vad kostar de?")
    assert pending not in {hit.document.id for hit in answer.hits}
    assert_index_matches_catalogue(settings)

    Curator(settings, "bibliotekarie").approve(pending)
    assert pending in found_documents(settings)
    assert not catalogue.review.items()
    assert ("bibliotekarie", "approve") in actions(settings, pending)


def test_restricted_collections_are_filtered_before_retrieval(settings, tmp_path):
    catalogue = Catalogue(settings.catalogue_path)
    catalogue.collections.create("Interna", "admin", access=("utredare",))
    (secret, public), _ = add(settings, write(tmp_path / "a", "intern.txt", REPORT),
                              write(tmp_path / "a", "kommun.txt", OTHER))
    Curator(settings, "admin").collect(secret, "Interna")
    reader, investigator = ANONYMOUS, Viewer("bo", "reader", ("utredare",))
    assert secret not in found_documents(settings, viewer=reader)
    assert secret in found_documents(settings, viewer=investigator)
    assert secret in found_documents(settings, viewer=Viewer("anna", "librarian"))
    assert catalogue.counts(reader)["documents"] == 1 and catalogue.counts(investigator)["documents"] == 2
    assert catalogue.document(secret, reader) is None
    assert [d.id for d in catalogue.find_documents(viewer=reader)] == [public]


def test_metadata_edit_is_validated_and_audited(settings, tmp_path):
    (document_id,), _ = add(settings, write(tmp_path / "a", "rapport.txt", REPORT))
    curator = Curator(settings, "anna")
    with pytest.raises(CurationError, match="http"):
        curator.edit(document_id, {"source_url": "javascript:alert(1)"})
    with pytest.raises(CurationError, match="ÅÅÅÅ"):
        curator.edit(document_id, {"published": "14 december"})
    curator.edit(document_id, {"title": "Äldre it-system i staten", "licence": "CC BY 4.0", "edition": "2"})
    entry = Catalogue(settings.catalogue_path).audit.entries(document_id=document_id)[0]
    assert (entry.actor, entry.action) == ("anna", "edit")
    assert entry.before["title"] == "rapport" and entry.after["title"] == "Äldre it-system i staten"
    assert "licence: None → 'CC BY 4.0'" in entry.changes()


def test_passwords_are_hashed_and_checked(settings):
    catalogue = Catalogue(settings.catalogue_path)
    catalogue.users.add("anna", "ett långt lösenord", "librarian", actor="admin")
    stored = below_the_catalogue(settings.catalogue_path).execute("SELECT password_hash FROM users").fetchone()[0]
    assert stored.startswith("$argon2id$") and "långt" not in stored
    assert catalogue.users.authenticate("anna", "ett långt lösenord").role == "librarian"
    assert catalogue.users.authenticate("anna", "fel lösenord!!") is None
    assert catalogue.users.authenticate("okänd", "ett långt lösenord") is None
    with pytest.raises(ValueError, match="minst"):
        catalogue.users.add("bo", "kort")
    assert ("admin", "add-user") in [(e.actor, e.action) for e in catalogue.audit.entries()]


# --- the command line ------------------------------------------------------------------------------
def run(args, user="testare", stdin=None):
    import os
    os.environ["KALLA_USER"] = user
    return CliRunner().invoke(cli, args, input=stdin, catch_exceptions=False)


def test_cli_session_of_a_librarian(hashing_env, tmp_path, monkeypatch):
    from ingest.cli import cli as ingest_cli

    folder = tmp_path / "d"
    write(folder, "rapport.txt", REPORT)
    write(folder, "kommun.txt", OTHER)
    assert CliRunner().invoke(ingest_cli, ["add", str(folder)]).exit_code == 0
    assert run(["user", "add", "anna", "--role", "librarian", "--password-stdin"],
               stdin="ett långt lösenord\n").exit_code == 0
    monkeypatch.setenv("KALLA_USER", "anna")

    listing = run(["list"], "anna")
    assert "#1" in listing.output and "#2" in listing.output
    assert run(["edit", "1", "--series", "SOU", "--identifier", "SOU 2017:114", "--date", "2017-12-14"],
               "anna").exit_code == 0
    assert run(["tag", "1", "arvssystem"], "anna").exit_code == 0
    assert run(["collection", "create", "Interna", "--restrict-to", "utredare"], "anna").exit_code == 0
    assert run(["collection", "add", "Interna", "2"], "anna").exit_code == 0
    shown = run(["show", "1"], "anna").output
    assert "SOU 2017:114" in shown and "arvssystem" in shown and "ändringslogg" in shown
    assert run(["withdraw", "1", "--reason", "inaktuell"], "anna").exit_code == 0
    assert "tillbakadraget" in run(["list", "--status", "withdrawn"], "anna").output
    assert run(["restore", "1"], "anna").exit_code == 0
    exported = run(["export", "--format", "csv"], "anna").output
    assert exported.splitlines()[0].startswith("id,status,file_name") and "SOU 2017:114" in exported

    manifest = tmp_path / "manifest.csv"
    manifest.write_text("identifier;authority;tags\nSOU 2017:114;Finansdepartementet;styrning\n", encoding="utf-8")
    imported = run(["import-metadata", str(manifest)], "anna")
    assert imported.exit_code == 0 and "1 uppdaterade" in imported.output
    assert run(["delete", "2"], "anna", stdin="n\n").exit_code == 1  # confirmation refused: nothing deleted
    assert run(["delete", "2", "--yes"], "anna").exit_code == 0

    log = run(["audit"], "anna").output
    for action in ("edit", "tag", "create-collection", "collect", "withdraw", "restore", "delete"):
        assert f"anna {action}" in log
    assert "SOU 1" in run(["stats"], "anna").output


def test_cli_reader_cannot_curate_or_see_restricted_documents(hashing_env, tmp_path, monkeypatch):
    from index.cli import cli as index_cli
    from ingest.cli import cli as ingest_cli

    write(tmp_path / "d", "intern.txt", REPORT)
    write(tmp_path / "d", "kommun.txt", OTHER)
    CliRunner().invoke(ingest_cli, ["add", str(tmp_path / "d")])
    run(["user", "add", "admin", "--role", "admin", "--password-stdin"], stdin="ett långt lösenord\n")
    run(["user", "add", "bo", "--password-stdin"], "admin", stdin="ett långt lösenord\n")
    run(["collection", "create", "Interna", "--restrict-to", "utredare"], "admin")
    run(["collection", "add", "Interna", "1"], "admin")

    refused = run(["withdraw", "2", "--reason", "x"], "bo")
    assert refused.exit_code == 1 and "kräver bibliotekarie" in refused.output
    assert run(["user", "add", "eve", "--password-stdin"], "bo", stdin="ett långt lösenord\n").exit_code == 1
    assert "#1" not in run(["list"], "bo").output
    assert "finns inte" in run(["show", "1"], "bo").output
    monkeypatch.setenv("KALLA_USER", "bo")
    searched = CliRunner().invoke(index_cli, ["search", "it-system förvaltning", "-k", "5"])
    assert "intern" not in searched.output and "kommun" in searched.output

    run(["user", "set", "bo", "--group", "utredare"], "admin")
    searched = CliRunner().invoke(index_cli, ["search", "it-system förvaltning", "-k", "5"])
    assert "intern" in searched.output


def test_cli_help_has_examples():
    for command in (["list"], ["edit"], ["replace"], ["review", "resolve"], ["collection", "create"], ["user", "add"]):
        result = CliRunner().invoke(cli, [*command, "--help"])
        assert result.exit_code == 0 and "Exempel" in result.output, command
