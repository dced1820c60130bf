"""Readers see no more at the command line than in the app (finding 11): list, show and export give them
published, visible documents only; stats and collection list are for librarians; only curators may add
into a restricted collection."""
from __future__ import annotations

from click.testing import CliRunner

from corpus.catalogue import Catalogue
from desk.cli import cli
from ingest.cli import cli as ingest_cli
from ingest.pipeline import Ingester

PASSWORD = "ett långt lösenord"


def test_a_reader_sees_only_published_visible_documents_and_no_librarian_figures(hashing_env, tmp_path, monkeypatch):
    from settings import Settings

    settings = Settings.from_env()
    with Catalogue(settings.catalogue_path) as catalogue:
        catalogue.users.add("anna", PASSWORD, "librarian")
        catalogue.users.add("bo", PASSWORD, "reader")
        catalogue.collections.create("Remisser", "anna", requires_review=True)
        catalogue.collections.create("Interna", "anna", access=("utredare",))
    for name, text in (("publik.txt", "Kommunerna digitaliserar bygglov."), ("remiss.txt", "Remissvaret tillstyrker."),
                       ("intern.txt", "Den interna promemorian om lönesystemet.")):
        (tmp_path / name).write_text(text, encoding="utf-8")
    Ingester(settings).add([tmp_path / "publik.txt"])
    pending = Ingester(settings).add([tmp_path / "remiss.txt"], collection="Remisser").outcomes[0].document_id
    Ingester(settings).add([tmp_path / "intern.txt"], collection="Interna")

    monkeypatch.setenv("KALLA_USER", "bo")
    runner = CliRunner()
    listed = runner.invoke(cli, ["list"])
    assert "publik" in listed.output and "remiss" not in listed.output and "intern" not in listed.output
    exported = runner.invoke(cli, ["export", "--format", "json"]).output
    assert "publik.txt" in exported and "remiss.txt" not in exported and "intern.txt" not in exported
    assert runner.invoke(cli, ["show", str(pending)]).exit_code != 0
    for command in (["stats"], ["collection", "list"]):
        result = runner.invoke(cli, command)
        assert result.exit_code != 0 and "bibliotekarie" in result.output, (command, result.output)
    (tmp_path / "ny.txt").write_text("En ny intern promemoria om behörigheter.", encoding="utf-8")
    added = runner.invoke(ingest_cli, ["add", str(tmp_path / "ny.txt"), "--collection", "Interna"])
    assert added.exit_code != 0 and "begränsad" in added.output

    monkeypatch.setenv("KALLA_USER", "anna")
    assert "remiss" in runner.invoke(cli, ["list"]).output
    assert runner.invoke(cli, ["stats"]).exit_code == 0


def test_two_uploads_of_one_name_are_both_added(hashing_env):
    """Finding 12: two files of the same name in one upload were written over each other (one dropped)."""
    from app_session import log_in, start
    from settings import Settings

    settings = Settings.from_env()
    with Catalogue(settings.catalogue_path) as catalogue:
        catalogue.users.add("anna", PASSWORD, "librarian")
    app = log_in(start(), "anna", PASSWORD)
    app.switch_page("ui/pages/ladda_upp.py").run()
    app.get("file_uploader")[0].set_value([
        ("rapport.txt", "Första rapporten handlar om e-tjänster i kommunerna.".encode(), "text/plain"),
        ("rapport.txt", b"Andra rapporten handlar om arkivering hos myndigheterna.", "text/plain")])
    next(b for b in app.button if b.label == "Lägg till").click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    with Catalogue(settings.catalogue_path) as catalogue:
        assert [d.file_name for d in catalogue.documents()] == ["rapport.txt", "rapport.txt"]
