"""SIGKILL every writing librarian action at seeded moments after it took the writer lock: approve (of a new
edition), reject, duplicate resolution, delete, index rebuild and check --repair. How many kills of each
action landed mid-action is written to test-artifacts/kills/curation-*.txt (an action none landed in
fails). After each kill no action is half done (its status, review queue, supersession and audit record
changed together or not at all), the library is structurally consistent, and `corpus check --repair`
makes it clean. With the replace kills in
test_editions_and_roles.py, 26 kills in all."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from corpus.catalogue import Catalogue
from helpers import Kill, assert_structurally_consistent, kill_mid_action, moments_after_begun, record_kills
from index.search import Searcher
from ingest.pipeline import Ingester
from settings import PROJECT_ROOT, Settings

SEED = 20261202
KILLS_PER_ACTION = 4
# Seconds after an action took the writer lock: a reject holds it for some milliseconds, an action that
# updates the index for seconds (most of them loading the embedding stack, after the catalogue's commit).
SHORTEST, LONGEST = 0.0002, 3.0
REPORT = ("Rapporten beskriver hur statliga myndigheter förvaltar äldre it-system och vad det kostar. "
          "Många system är över trettio år gamla och svåra att underhålla. Kompetensen att förvalta dem "
          "försvinner när medarbetare går i pension. Myndigheterna bör inventera sina system och planera "
          "för att ersätta dem. Regeringen bör följa upp arbetet årligen och stödja gemensamma lösningar.")


def environment(tmp_path) -> dict:
    return {**{k: v for k, v in os.environ.items() if not k.startswith("KALLA_")},
            "KALLA_DATA_DIR": str(tmp_path / "data"), "KALLA_MODEL": "hashing", "KALLA_USER": "admin"}


def moments(action: str, count: int = KILLS_PER_ACTION) -> list[float]:
    return moments_after_begun(f"{SEED}-{action}", count, SHORTEST, LONGEST)


def repaired_and_clean(env: dict) -> None:
    subprocess.run([sys.executable, "-m", "corpus", "check", "--repair"], env=env, cwd=PROJECT_ROOT,
                   capture_output=True, timeout=300)
    checked = subprocess.run([sys.executable, "-m", "corpus", "check"], env=env, cwd=PROJECT_ROOT,
                             capture_output=True, text=True, timeout=300)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def library_with_pending_editions(settings: Settings, tmp_path, count: int) -> list[tuple[int, int]]:
    """(older, newer pending edition) pairs in a collection that requires review."""
    with Catalogue(settings.catalogue_path) as catalogue:
        catalogue.collections.create("Remisser", "admin", requires_review=True)
    pairs = []
    for number in range(count):
        first = tmp_path / f"v1-{number}.txt"
        first.write_text(REPORT + f" Dokument {number}.", encoding="utf-8")
        older = Ingester(settings).add([first], collection="Remisser").outcomes[0].document_id
        from desk.curation import Curator

        Curator(settings, "admin").approve(older)
        second = tmp_path / f"v2-{number}.txt"
        second.write_text(REPORT + f" Dokument {number}, andra utgåvan med ett tillägg om kostnader.", encoding="utf-8")
        newer = Curator(settings, "admin").replace(older, second).id
        pairs.append((older, newer))
    return pairs


def assert_edition_whole(settings: Settings, older: int, newer: int) -> None:
    with Catalogue(settings.catalogue_path) as catalogue:
        old, new = catalogue.document(older), catalogue.document(newer)
        pending = [i for i in catalogue.review.items("open", newer) if i.kind == "pending"]
        if new.status == "pending":
            assert old.status == "active" and len(pending) == 1
        elif new.status == "active":
            assert old.status == "superseded" and not pending and new.replaces == older
        else:  # rejected
            assert new.status == "withdrawn" and old.status == "active" and not pending


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_killed_approvals_and_rejections_are_never_half_done(tmp_path, action):
    env = environment(tmp_path)
    settings = Settings.from_env(env)
    pairs = library_with_pending_editions(settings, tmp_path, KILLS_PER_ACTION)
    kills = []
    for (older, newer), moment in zip(pairs, moments(action)):
        arguments = ["corpus", "review", action, str(newer)] + (["--reason", "fel"] if action == "reject" else [])
        kills.append(kill_mid_action(arguments, env, moment))
        assert_edition_whole(settings, older, newer)
        assert_structurally_consistent(settings)
    record_kills(f"curation-{action}", kills)
    repaired_and_clean(env)


def test_killed_duplicate_resolutions_are_never_half_done(tmp_path):
    env = environment(tmp_path)
    settings = Settings.from_env(env)
    kills = []
    for number, moment in enumerate(moments("duplicates")):
        first, second = tmp_path / f"a-{number}.txt", tmp_path / f"b-{number}.txt"
        first.write_text(REPORT + f" Nummer {number}.", encoding="utf-8")
        second.write_text(REPORT + f" Nummer {number}. Ett nytt avsnitt om öppen källkod.", encoding="utf-8")
        older, newer = (o.document_id for o in Ingester(settings).add([first, second]).outcomes)
        with Catalogue(settings.catalogue_path) as catalogue:
            item = next(i for i in catalogue.review.items() if i.kind == "near_duplicate" and
                        {i.document_id, i.other_document_id} == {older, newer})
        kills.append(kill_mid_action(["corpus", "review", "resolve", str(item.id), "supersede"], env, moment))
        with Catalogue(settings.catalogue_path) as catalogue:
            still_open = item.id in {i.id for i in catalogue.review.items("open")}
            old = catalogue.document(older)
            assert (still_open and old.status == "active") or (not still_open and old.status == "superseded")
        assert_structurally_consistent(settings)
    record_kills("curation-duplicates", kills)
    repaired_and_clean(env)


def test_killed_deletes_rebuilds_and_repairs_leave_a_library_that_repairs_clean(tmp_path):
    env = environment(tmp_path)
    settings = Settings.from_env(env)
    folder = tmp_path / "docs"
    folder.mkdir()
    for number in range(KILLS_PER_ACTION):
        (folder / f"d{number}.txt").write_text(f"Dokument {number} handlar om e-tjänster i kommun {number}. "
                                               + REPORT[number * 40:], encoding="utf-8")
    ids = [o.document_id for o in Ingester(settings).add([folder]).outcomes]
    deletes = []
    for document_id, moment in zip(ids, moments("delete")):
        deletes.append(kill_mid_action(["corpus", "delete", str(document_id), "--yes"], env, moment))
        with Catalogue(settings.catalogue_path) as catalogue:
            document = catalogue.document(document_id)
            passages = len(catalogue.document_passages(document_id))
            assert (document is None and passages == 0) or (document is not None and passages > 0)
        # The catalogue commits first and the index follows: killed in between, the index may still hold
        # the deleted passages (search skips them: they are no longer in the catalogue) until the next
        # write or `check --repair`.
        hits = Searcher(settings).search(f"Dokument {document_id - 1} e-tjänster kommun", 10)
        assert document is not None or document_id not in {hit.document.id for hit in hits}
    record_kills("curation-delete", deletes)
    repaired_and_clean(env)
    Ingester(settings).add([folder])  # documents again, for the rebuilds to work on
    for name, arguments in (("index-rebuild", ["index", "rebuild"]), ("check-repair", ["corpus", "check", "--repair"])):
        kills: list[Kill] = []
        for moment in moments(name, 2):
            if name == "check-repair":
                index_behind_the_catalogue(settings)
            kills.append(kill_mid_action(arguments, env, moment))
            assert_structurally_consistent(settings)
        record_kills(f"curation-{name}", kills)
    repaired_and_clean(env)


def index_behind_the_catalogue(settings: Settings) -> None:
    """A document withdrawn in the catalogue but still in the index, as a writer killed between its commit and
    the index leaves it: work for `check --repair`, which takes the writer lock only when it has some."""
    with Catalogue(settings.catalogue_path) as catalogue:
        catalogue.set_status(catalogue.documents()[0].id, "withdrawn", None)
