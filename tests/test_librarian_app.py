"""The librarian's desk in the real Streamlit app (AppTest): login, roles, pages, curation, restrictions."""
from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from app_session import log_in as log_in_as
from app_session import start
from corpus.access import ANONYMOUS
from corpus.catalogue import Catalogue
from desk.curation import Curator
from ingest.pipeline import Ingester
from settings import PROJECT_ROOT, Settings

PASSWORD = "ett långt lösenord"
PUBLIC = "Kommunerna digitaliserar sina tjänster för bygglov och skolval. Invånarna vill följa sina ärenden."
SECRET = ("Den interna promemorian om lönesystemet beskriver hemliga brister i behörighetsstyrningen. "
          "Lönesystemet byts ut under nästa år.")


def library(tmp_path) -> Settings:
    settings = Settings.from_env()
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "kommun.txt").write_text(PUBLIC, encoding="utf-8")
    (folder / "intern.txt").write_text(SECRET, encoding="utf-8")
    Ingester(settings).add([folder])
    catalogue = Catalogue(settings.catalogue_path)
    catalogue.users.add("anna", PASSWORD, "librarian")
    catalogue.users.add("bo", PASSWORD, "reader")
    catalogue.collections.create("Interna", "anna", access=("utredare",))
    secret = next(d for d in catalogue.documents() if d.file_name == "intern.txt")
    Curator(settings, "anna").collect(secret.id, "Interna")
    return settings


def log_in(app: AppTest, name: str, password: str = PASSWORD) -> AppTest:
    return log_in_as(app, name, password)


def titles(app: AppTest) -> list[str]:
    return [t.value for t in app.title]


def not_registered(app: AppTest, page: str) -> bool:
    """A page a user may not see is not in the navigation at all: there is no address to reach it by."""
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        app.switch_page(f"ui/pages/{page}.py")
    return True


def test_a_reader_cannot_reach_the_librarian_pages(hashing_env, tmp_path):
    library(tmp_path)
    for name in (None, "bo"):
        app = start()
        if name:
            log_in(app, name)
            assert "Inloggad som bo (läsare)" in [c.value for c in app.sidebar.caption]
        for page in ("katalog", "granskning", "ladda_upp", "statistik", "logg", "anvandare"):
            assert not_registered(app, page)
    for page in ("katalog", "anvandare"):  # and a page file run directly stops before showing anything
        direct = AppTest.from_file(str(PROJECT_ROOT / "ui" / "pages" / f"{page}.py"), default_timeout=60)
        direct.run()
        assert not direct.exception and "bara för bibliotekarier" in direct.error[0].value
        assert not direct.title and not direct.dataframe


def test_wrong_password_is_refused(hashing_env, tmp_path):
    library(tmp_path)
    app = log_in(start(), "anna", "fel lösenord!!")
    assert app.error[0].value == "Fel användarnamn eller lösenord."
    assert not_registered(app, "katalog")


def test_restricted_documents_never_reach_a_reader(hashing_env, tmp_path):
    library(tmp_path)
    app = start()
    assert app.sidebar.metric[0].value == "1"  # documents: the restricted one is not even counted
    app.chat_input[0].set_value("Vad står det om lönesystemet och behörighetsstyrningen?").run()
    shown = "\n".join(m.value for m in app.markdown) + "\n".join(e.label for e in app.expander)
    assert "intern" not in shown and "hemliga brister" not in shown and "byts ut" not in shown
    assert "kommun" in shown  # the public document is what comes up


def test_librarian_edits_metadata_in_the_catalogue_and_it_is_audited(hashing_env, tmp_path):
    settings = library(tmp_path)
    app = log_in(start(), "anna")
    assert app.sidebar.metric[0].value == "2"  # curators see every collection
    app.switch_page("ui/pages/katalog.py").run()
    assert "Katalog" in titles(app), titles(app)
    document = Catalogue(settings.catalogue_path).documents()[0]
    app.selectbox(key="catalogue_document").select(document.id).run()
    app.text_input(key=f"field-{document.id}-series").input("myndighetsrapport")
    app.text_input(key=f"field-{document.id}-identifier").input("Dnr 2024-118")
    app.text_input(key=f"tags-{document.id}").input("kommuner, e-tjänster")
    next(b for b in app.button if b.label == "Spara").click()
    app.run()
    assert not app.exception and not app.error, [e.value for e in app.error]
    assert app.success[0].value == f"#{document.id} är sparat."
    saved = Catalogue(settings.catalogue_path).document(document.id)
    assert (saved.metadata.series, saved.metadata.identifier) == ("myndighetsrapport", "Dnr 2024-118")
    assert saved.metadata.tags == ("e-tjänster", "kommuner")
    log = Catalogue(settings.catalogue_path).audit.entries(document_id=document.id)
    assert [(e.actor, e.action) for e in log[:2]] == [("anna", "tag"), ("anna", "edit")]


def test_librarian_approves_a_pending_document_in_the_review_queue(hashing_env, tmp_path):
    settings = library(tmp_path)
    catalogue = Catalogue(settings.catalogue_path)
    catalogue.collections.create("Remisser", "anna", requires_review=True)
    (tmp_path / "remiss.txt").write_text("Remissvaret tillstyrker förslaget om gemensam digital infrastruktur.",
                                         encoding="utf-8")
    pending = Ingester(settings).add([tmp_path / "remiss.txt"], collection="Remisser").outcomes[0].document_id
    app = log_in(start(), "anna")
    app.switch_page("ui/pages/granskning.py").run()
    assert "Väntar på godkännande" in "\n".join(m.value for m in app.markdown)
    next(b for b in app.button if b.label == "Godkänn och publicera").click()
    app.run()
    assert Catalogue(settings.catalogue_path).document(pending).status == "active"
    assert app.info[0].value == "Inga öppna ärenden."


def test_a_failed_ingest_shows_its_reason_in_the_interface_language(hashing_env, tmp_path):
    settings = library(tmp_path)
    (tmp_path / "trasig.pdf").write_bytes(b"%PDF-1.4 trasig")
    assert Ingester(settings).add([tmp_path / "trasig.pdf"]).failed
    app = log_in(start(), "anna")
    app.sidebar.radio(key="ui_language").set_value("en").run()
    app.switch_page("ui/pages/granskning.py").run()
    assert not app.exception, [e.value for e in app.exception]
    reasons = [reason for frame in app.dataframe if "reason" in frame.value.columns for reason in frame.value["reason"]]
    assert len(reasons) == 1 and reasons[0].startswith("broken or invalid PDF"), reasons


def test_admin_pages_and_statistics_render(hashing_env, tmp_path):
    settings = library(tmp_path)
    Catalogue(settings.catalogue_path).users.add("root", PASSWORD, "admin")
    app = log_in(start(), "root")
    for page, title in (("statistik", "Statistik"), ("logg", "Ändringslogg"), ("anvandare", "Användare"),
                        ("ladda_upp", "Lägg till dokument")):
        app.switch_page(f"ui/pages/{page}.py").run()
        assert not app.exception, (page, [e.value for e in app.exception])
        assert title in titles(app), (page, titles(app))
    assert not_registered(log_in(start(), "anna"), "anvandare")


def test_every_librarian_page_works_in_english(hashing_env, tmp_path):
    """With English chosen in the sidebar, each librarian page speaks English: its title, labels, buttons and
    table columns come from the catalogue, and an action's outcome is reported in English too."""
    settings = library(tmp_path)
    Catalogue(settings.catalogue_path).users.add("root", PASSWORD, "admin")
    app = log_in(start(), "root")
    app.sidebar.radio(key="ui_language").set_value("en").run()
    assert "Logged in as root (admin)" in [c.value for c in app.sidebar.caption]
    swedish = re.compile(r"[åäöÅÄÖ]")
    for page, title in (("katalog", "Catalogue"), ("granskning", "Review"), ("ladda_upp", "Add documents"),
                        ("statistik", "Statistics"), ("logg", "Audit log"), ("anvandare", "Users")):
        app.switch_page(f"ui/pages/{page}.py").run()
        assert not app.exception, (page, [e.value for e in app.exception])
        assert title in titles(app), (page, titles(app))
        shown = [w.label for w in (*app.text_input, *app.button, *app.selectbox, *app.checkbox)] + \
                [m.value for m in (*app.subheader, *app.caption, *app.info)] + \
                [str(c) for frame in app.dataframe for c in frame.value.columns]
        assert not [s for s in shown if swedish.search(s)], (page, [s for s in shown if swedish.search(s)])
    app.switch_page("ui/pages/katalog.py").run()
    columns = list(app.dataframe[0].value.columns)
    assert columns[:3] == ["id", "status", "title"] and "None" not in app.dataframe[0].value.to_string()
    document = Catalogue(settings.catalogue_path).documents()[0]
    app.selectbox(key="catalogue_document").select(document.id).run()
    app.text_input(key=f"field-{document.id}-series").input("report")
    next(b for b in app.button if b.label == "Save").click()
    app.run()
    assert app.success[0].value == f"#{document.id} is saved."
    next(b for b in app.button if b.label == "Withdraw").click()  # without a reason: refused, in English
    app.run()
    assert [e.value for e in app.error] == ["Say why the document is withdrawn"]


def test_a_possible_duplicate_is_shown_side_by_side_with_the_differences_marked(hashing_env, tmp_path):
    settings = library(tmp_path)
    older = ("Rapporten beskriver hur statliga myndigheter förvaltar äldre it-system och vad det kostar. Många system "
             "är över trettio år gamla och svåra att underhålla. Kompetensen att förvalta dem försvinner när "
             "medarbetare går i pension. Myndigheterna bör inventera sina system och planera för att ersätta dem.")
    newer = older.replace("trettio", "fyrtio").replace("planera för att ersätta dem", "ersätta dem före 2030")
    (tmp_path / "v1.txt").write_text(older, encoding="utf-8")
    (tmp_path / "v2.txt").write_text(newer, encoding="utf-8")
    Ingester(settings).add([tmp_path / "v1.txt"])
    assert Ingester(settings).add([tmp_path / "v2.txt"]).outcomes[0].needs_review
    app = log_in(start(), "anna")
    app.switch_page("ui/pages/granskning.py").run()
    assert not app.exception, [e.value for e in app.exception]
    assert any(e.label == "Jämför texterna" for e in app.expander)
    shown = "\n".join(m.value for m in app.markdown)
    assert '<del class="kalla-removed">trettio</del>' in shown and '<ins class="kalla-added">fyrtio</ins>' in shown
    assert re.search(r'<ins class="kalla-added">[^<]*2030', shown), shown


def test_a_documents_text_is_rebuilt_from_its_passages_without_the_overlap(hashing_env, tmp_path):
    from ui.compare import document_text

    settings = Settings.from_env()
    sentences = [f"Mening nummer {i} handlar om myndigheternas gamla it-system och vad de kostar." for i in range(30)]
    (tmp_path / "lang.txt").write_text(" ".join(sentences), encoding="utf-8")
    document_id = Ingester(settings).add([tmp_path / "lang.txt"]).outcomes[0].document_id
    passages = Catalogue(settings.catalogue_path).document_passages(document_id)
    assert len(passages) > 2  # several passages, each repeating a sentence of the one before
    text = document_text(passages)
    assert [text.count(s) for s in sentences] == [1] * 30


def ask(app: AppTest, question: str) -> AppTest:
    app.chat_input[0].set_value(question).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def test_a_logged_in_users_conversations_are_kept_listed_reopened_and_deleted(hashing_env, tmp_path, monkeypatch):
    monkeypatch.setenv("KALLA_MIN_CONFIDENCE", "0.01")
    library(tmp_path)
    app = ask(log_in(start(), "bo"), "Vad vill invånarna kunna följa?")
    ask(app, "Och kommunernas e-tjänster?")
    later = log_in(start(), "bo")  # another day, another browser session
    stored = [b for b in later.sidebar.button if b.key and b.key.startswith("conversation-")]
    assert [b.label for b in stored] == ["Vad vill invånarna kunna följa?"]
    stored[0].click()
    later.run()
    assert not later.exception, [e.value for e in later.exception]
    assert [m.name for m in later.chat_message] == ["user", "assistant", "user", "assistant"]
    assert "Invånarna vill följa sina ärenden" in "\n".join(m.value for m in later.markdown)  # read anew
    assert not [b for b in log_in(start(), "anna").sidebar.button if b.key and b.key.startswith("conversation-")]
    next(b for b in later.sidebar.button if b.key and b.key.startswith("delete-conversation-")).click()
    later.run()
    assert not [b for b in later.sidebar.button if b.key and b.key.startswith("conversation-")]
    ask(start(), "Vad vill invånarna?")  # an anonymous reader's chat is not kept
    kept = Catalogue(Settings.from_env().catalogue_path).conversations
    assert not any(kept.of(name) for name in (ANONYMOUS.name, "anna", "bo"))


def test_a_shared_answer_opens_only_for_a_reader_who_may_see_its_sources(hashing_env, tmp_path, monkeypatch):
    monkeypatch.setenv("KALLA_MIN_CONFIDENCE", "0.01")
    library(tmp_path)

    def shared_by(name: str, question: str) -> str:
        app = ask(log_in(start(), name), question)
        next(b for b in app.button if b.key and b.key.startswith("share-")).click()
        app.run()
        return app.code[0].value.removeprefix("?svar=")

    def opened_by(name: str, token: str) -> AppTest:
        app = log_in(start(), name)
        app.query_params["svar"] = token
        app.run()
        assert not app.exception and "Delat svar" in [h.value for h in app.subheader]
        return app

    public = shared_by("bo", "Vad vill invånarna kunna följa?")  # a reader's answer: public sources only
    secret = shared_by("anna", "Vad beskriver den interna promemorian om lönesystemet?")  # cites the restricted one
    seen = opened_by("anna", public)
    assert not seen.warning and "Invånarna vill följa sina ärenden" in "\n".join(m.value for m in seen.markdown)
    refused = opened_by("bo", secret)
    assert refused.warning and "inte visas" in refused.warning[0].value
    assert "lönesystemet" not in "\n".join(m.value for m in refused.markdown)
