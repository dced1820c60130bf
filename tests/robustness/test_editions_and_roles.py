"""Regressions for the two high findings of the hostile-input review:
1. a new edition of a restricted or reviewed document is added, restricted and (where needed) held for
   review in one transaction, so no anonymous search ever sees it, not even when the replace is killed;
2. roles and the disabled flag are read anew on every request, so a demoted or disabled user loses access
   at once (in the app and in the library)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from app_session import log_in, start
from corpus.access import ANONYMOUS
from corpus.catalogue import Catalogue
from corpus.filters import SearchFilters
from corpus.users import NotAllowed
from desk.curation import Curator
from helpers import kill_mid_action, moments_after_begun, record_kills
from index.search import Searcher
from ingest.pipeline import Ingester
from settings import PROJECT_ROOT, Settings

SECRET = ("Promemorian om lönesystemet beskriver brister i behörighetsstyrningen hos myndigheten. "
          "Systemet byts ut under nästa år enligt den interna planen.")
NEW_SECRET = SECRET + " Den nya utgåvan tillägger att kostnaden för bytet är hemligstämplad."
PUBLIC = "Kommunerna digitaliserar sina tjänster för bygglov och skolval. Invånarna vill följa sina ärenden."
QUESTION = "lönesystemet behörighetsstyrningen kostnaden hemligstämplad"
PASSWORD = "ett långt lösenord"


def restricted_library(settings: Settings, tmp_path, review: bool = False) -> int:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "intern.txt").write_text(SECRET, encoding="utf-8")
    (folder / "kommun.txt").write_text(PUBLIC, encoding="utf-8")
    with Catalogue(settings.catalogue_path) as catalogue:
        catalogue.collections.create("Interna", "admin", access=("utredare",), requires_review=review)
    Ingester(settings).add([folder / "kommun.txt"])
    return Ingester(settings).add([folder / "intern.txt"], collection="Interna").outcomes[0].document_id


def anonymous_texts(settings: Settings) -> str:
    """All an anonymous reader can get: search hits and the documents they may list."""
    hits = Searcher(settings).search(QUESTION, 10, SearchFilters(viewer=ANONYMOUS))
    with Catalogue(settings.catalogue_path) as catalogue:
        listed = " ".join(str(d.id) for d in catalogue.find_documents(viewer=ANONYMOUS))
    return " ".join(hit.passage.text for hit in hits) + " " + listed


def test_a_new_edition_of_a_restricted_document_stays_restricted(settings, tmp_path):
    secret = restricted_library(settings, tmp_path)
    (tmp_path / "ny.txt").write_text(NEW_SECRET, encoding="utf-8")
    new = Curator(settings, "admin").replace(secret, tmp_path / "ny.txt")
    assert new.collections == ("Interna",) and new.status == "active" and new.replaces == secret
    assert "hemligstämplad" not in anonymous_texts(settings) and "lönesystemet" not in anonymous_texts(settings)
    with Catalogue(settings.catalogue_path) as catalogue:
        assert catalogue.document(secret).status == "superseded"
        assert catalogue.document(new.id, ANONYMOUS) is None


def test_a_new_edition_in_a_review_collection_waits_and_the_old_one_stays(settings, tmp_path):
    secret = restricted_library(settings, tmp_path, review=True)
    Curator(settings, "admin").approve(secret)
    (tmp_path / "ny.txt").write_text(NEW_SECRET, encoding="utf-8")
    new = Curator(settings, "admin").replace(secret, tmp_path / "ny.txt")
    assert new.status == "pending"
    hits = Searcher(settings).search(QUESTION, 10)
    assert new.id not in {hit.document.id for hit in hits}  # not even an unfiltered search cites it yet
    with Catalogue(settings.catalogue_path) as catalogue:
        assert catalogue.document(secret).status == "active"
        assert [i.kind for i in catalogue.review.items("open", new.id)].count("pending") == 1
    Curator(settings, "admin").approve(new.id)
    with Catalogue(settings.catalogue_path) as catalogue:
        assert catalogue.document(secret).status == "superseded"
        assert catalogue.document(new.id).status == "active"


KILLS = 6
SEED = 20261201


def test_a_killed_replace_never_publishes_the_restricted_edition(tmp_path):
    """SIGKILL `corpus replace` at seeded moments after it took the writer lock (the kills that landed
    mid-action are counted in test-artifacts/kills/replace.txt; none fails the test); after each kill and after
    `check --repair`, an anonymous search never returns the new text and no edition is outside its
    collection; the last run finishes with one active edition."""
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("KALLA_")},
           "KALLA_DATA_DIR": str(tmp_path / "data"), "KALLA_MODEL": "hashing", "KALLA_USER": "admin"}
    settings = Settings.from_env(env)
    secret = restricted_library(settings, tmp_path)
    moments, kills = moments_after_begun(SEED, KILLS, 0.0002, 4.0), []
    for attempt in range(KILLS + 1):
        new_file = tmp_path / f"ny-{attempt}.txt"
        new_file.write_text(NEW_SECRET + f" Version {attempt}.", encoding="utf-8")
        with Catalogue(settings.catalogue_path) as catalogue:
            current = next(d.id for d in catalogue.documents() if "Interna" in d.collections)
        replace = ["corpus", "replace", str(current), str(new_file)]
        if attempt < KILLS:
            kills.append(kill_mid_action(replace, env, moments[attempt]))
        else:
            finished = subprocess.run([sys.executable, "-m", *replace], env=env, cwd=PROJECT_ROOT,
                                      capture_output=True, timeout=300)
            assert finished.returncode == 0, finished.stderr.decode()[-2000:]
        for repair in (False, True):
            if repair:
                subprocess.run([sys.executable, "-m", "corpus", "check", "--repair"], env=env, cwd=PROJECT_ROOT,
                               capture_output=True, timeout=300)
            assert "hemligstämplad" not in anonymous_texts(settings), (attempt, repair)
            with Catalogue(settings.catalogue_path) as catalogue:
                for document in catalogue.documents(status=None):
                    if document.id != secret and document.file_name.startswith("ny-"):
                        assert document.collections == ("Interna",), (attempt, document)
                        assert document.replaces is not None, (attempt, document)
                assert len([d for d in catalogue.documents() if "Interna" in d.collections]) == 1, attempt
    record_kills("replace", kills)
    checked = subprocess.run([sys.executable, "-m", "corpus", "check"], env=env, cwd=PROJECT_ROOT,
                             capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_demoted_or_disabled_user_cannot_act_in_the_library(settings, tmp_path):
    restricted_library(settings, tmp_path)
    with Catalogue(settings.catalogue_path) as catalogue:
        catalogue.users.add("root", PASSWORD, "admin")
        catalogue.users.add("anna", PASSWORD, "librarian")
        document = catalogue.documents()[0].id
        curator = Curator(settings, "anna")  # made while anna was a librarian
        catalogue.users.update("anna", role="reader", actor="root")
    with pytest.raises(NotAllowed):
        curator.withdraw(document, "test")
    with Catalogue(settings.catalogue_path) as catalogue:
        catalogue.users.update("anna", role="librarian", disabled=True, actor="root")
    with pytest.raises(NotAllowed):
        curator.withdraw(document, "test")
    with Catalogue(settings.catalogue_path) as catalogue:
        assert catalogue.document(document).status == "active"


def test_a_demoted_or_disabled_user_loses_the_desk_in_the_open_session(hashing_env, tmp_path):
    settings = Settings.from_env()
    restricted_library(settings, tmp_path)
    with Catalogue(settings.catalogue_path) as catalogue:
        catalogue.users.add("root", PASSWORD, "admin")
        catalogue.users.add("chef", PASSWORD, "admin")
    app = log_in(start(), "chef", PASSWORD)
    app.switch_page("ui/pages/anvandare.py").run()
    assert "Användare" in [t.value for t in app.title]

    with Catalogue(settings.catalogue_path) as catalogue:  # demoted from the command line meanwhile
        catalogue.users.update("chef", role="librarian", actor="root")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert "Användare" not in [t.value for t in app.title]
    assert "Inloggad som chef (bibliotekarie)" in [c.value for c in app.sidebar.caption]

    with Catalogue(settings.catalogue_path) as catalogue:  # and then disabled
        catalogue.users.update("chef", disabled=True, actor="root")
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert not any("Inloggad som chef" in c.value for c in app.sidebar.caption)
    assert "Katalog" not in [t.value for t in app.title]
