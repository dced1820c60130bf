"""`python -m ingest sync DIR` on a real folder: new files added, a changed file replaces its document and
keeps the librarian's metadata, a renamed file keeps its document, a deleted file's document is withdrawn
(not deleted) with the reason in the audit log, and a dry run changes nothing."""
from __future__ import annotations

import subprocess
import sys

from corpus.catalogue import Catalogue
from desk.curation import Curator
from index.search import Searcher
from settings import PROJECT_ROOT, Settings

FIRST = "Kommunerna bygger ut sina e-tjänster för bygglov. Invånarna vill följa sina ärenden digitalt."
SECOND = "Regionerna moderniserar vårdens journalsystem. Gamla system är dyra att förvalta."
THIRD = "Myndigheterna inventerar sina äldre it-system och planerar för att ersätta dem."


def sync(*args: str):
    return subprocess.run([sys.executable, "-m", "ingest", "sync", *args], cwd=PROJECT_ROOT, capture_output=True,
                          text=True)


def test_a_folder_stays_in_sync_add_change_rename_delete(hashing_env, tmp_path):
    folder = tmp_path / "delad"
    (folder / "sub").mkdir(parents=True)
    (folder / "kommun.txt").write_text(FIRST, encoding="utf-8")
    (folder / "sub" / "vard.txt").write_text(SECOND, encoding="utf-8")
    first = sync(str(folder))
    assert first.returncode == 0, first.stderr
    settings = Settings.from_env()
    with Catalogue(settings.catalogue_path) as catalogue:
        by_name = {d.file_name: d for d in catalogue.documents()}
    assert set(by_name) == {"kommun.txt", "vard.txt"}
    Curator(settings).edit(by_name["kommun.txt"].id, {"series": "myndighetsrapport", "identifier": "Dnr 1"})

    (folder / "kommun.txt").write_text(FIRST + " Skolvalet blir också digitalt.", encoding="utf-8")  # changed
    (folder / "sub" / "vard.txt").rename(folder / "journaler.txt")  # renamed and moved
    (folder / "ny.txt").write_text(THIRD, encoding="utf-8")  # new
    planned = sync(str(folder), "--dry-run")
    assert planned.returncode == 0, planned.stderr
    assert "replace" in planned.stdout and "move" in planned.stdout and "add" in planned.stdout
    with Catalogue(settings.catalogue_path) as catalogue:
        assert len(catalogue.documents()) == 2  # the dry run changed nothing

    done = sync(str(folder))
    assert done.returncode == 0, done.stderr
    with Catalogue(settings.catalogue_path) as catalogue:
        changed = catalogue.document(by_name["kommun.txt"].id)
        moved = catalogue.document(by_name["vard.txt"].id)
        names = sorted(d.file_name for d in catalogue.documents())
    assert "Skolvalet" in " ".join(p.text for p in Catalogue(settings.catalogue_path).document_passages(changed.id))
    assert (changed.metadata.series, changed.metadata.identifier) == ("myndighetsrapport", "Dnr 1")  # kept
    assert moved.status == "active" and moved.source_path == str((folder / "journaler.txt").resolve())
    assert names == ["journaler.txt", "kommun.txt", "ny.txt"]

    (folder / "ny.txt").unlink()  # deleted
    gone = sync(str(folder))
    assert gone.returncode == 0, gone.stderr
    with Catalogue(settings.catalogue_path) as catalogue:
        withdrawn = next(d for d in catalogue.documents(status=None) if d.file_name == "ny.txt")
        log = catalogue.audit.entries(document_id=withdrawn.id)
    assert withdrawn.status == "withdrawn" and "finns inte längre" in withdrawn.status_note
    assert log[0].action == "withdraw" and "finns inte längre" in log[0].changes()
    hits = Searcher(settings).search("äldre it-system inventerar", 5)
    assert all(hit.document.id != withdrawn.id for hit in hits)  # out of the index too
    assert "1 borta" in gone.stdout


def test_only_a_librarian_may_sync(hashing_env, tmp_path, monkeypatch):
    folder = tmp_path / "delad"
    folder.mkdir()
    (folder / "a.txt").write_text(FIRST, encoding="utf-8")
    with Catalogue(Settings.from_env().catalogue_path) as catalogue:
        catalogue.users.add("bo", "ett långt lösenord", "reader")
    monkeypatch.setenv("KALLA_USER", "bo")
    refused = sync(str(folder))
    assert refused.returncode != 0 and "bibliotekarie" in refused.stderr


def ingest_add(*args: str):
    return subprocess.run([sys.executable, "-m", "ingest", "add", *args], cwd=PROJECT_ROOT, capture_output=True,
                          text=True)


def test_links_in_a_folder_are_never_followed(hashing_env, tmp_path):
    """Issue 26.2: a link share/installningar.txt -> ../secrets.toml was published as a document."""
    secret = tmp_path / "secrets.txt"
    secret.write_text('client_secret = "hemligt-hemligt"', encoding="utf-8")
    folder = tmp_path / "delad"
    folder.mkdir()
    (folder / "kommun.txt").write_text(FIRST, encoding="utf-8")
    (folder / "installningar.txt").symlink_to(secret)
    (folder / "kopia.txt").symlink_to(folder / "kommun.txt")  # a link inside the folder is skipped too
    for run in (sync(str(folder), "--dry-run"), sync(str(folder)), ingest_add(str(folder))):
        assert run.returncode == 0, run.stderr
        assert "installningar.txt" in run.stdout + run.stderr and "symbolisk länk" in run.stdout + run.stderr
    with Catalogue(Settings.from_env().catalogue_path) as catalogue:
        assert [d.file_name for d in catalogue.documents(status=None)] == ["kommun.txt"]
        texts = " ".join(p.text for p in catalogue.document_passages(catalogue.documents()[0].id))
    assert "hemligt" not in texts


def test_an_empty_or_unmounted_share_empties_nothing_and_files_that_return_come_back(hashing_env, tmp_path):
    """Issue 26.3: an empty folder withdrew every document, and when the files came back each was refused as
    a duplicate of its own withdrawn document."""
    folder = tmp_path / "delad"
    folder.mkdir()
    for name, text in (("a.txt", FIRST), ("b.txt", SECOND), ("c.txt", THIRD)):
        (folder / name).write_text(text, encoding="utf-8")
    assert sync(str(folder)).returncode == 0
    settings = Settings.from_env()
    with Catalogue(settings.catalogue_path) as catalogue:
        ids = sorted(d.id for d in catalogue.documents())
    folder.rename(tmp_path / "delad.av")
    folder.mkdir()  # the share is not mounted: an empty folder in its place
    for args in ((str(folder),), (str(folder), "--dry-run")):
        refused = sync(*args)
        assert refused.returncode != 0 and "omonterad" in refused.stderr, refused.stderr
    with Catalogue(settings.catalogue_path) as catalogue:
        assert sorted(d.id for d in catalogue.documents()) == ids  # nothing withdrawn

    forced = sync(str(folder), "--force")
    assert forced.returncode == 0, forced.stderr
    with Catalogue(settings.catalogue_path) as catalogue:
        assert catalogue.documents() == []
    folder.rmdir()
    (tmp_path / "delad.av").rename(folder)  # the files are back
    (folder / "c.txt").rename(folder / "c-flyttad.txt")  # one of them under another name
    back = sync(str(folder))
    assert back.returncode == 0, back.stderr
    assert "3 tillbaka (återställs)" in back.stdout and "0 dubbletter" in back.stdout
    with Catalogue(settings.catalogue_path) as catalogue:
        restored = catalogue.documents()
    assert sorted(d.id for d in restored) == ids
    assert sorted(d.file_name for d in restored) == ["a.txt", "b.txt", "c-flyttad.txt"]
    assert Searcher(settings).search("äldre it-system inventerar", 1)[0].document.id in ids


def test_a_run_that_would_withdraw_most_of_a_folder_is_refused_unless_allowed(hashing_env, tmp_path):
    folder = tmp_path / "delad"
    folder.mkdir()
    for name, text in (("a.txt", FIRST), ("b.txt", SECOND), ("c.txt", THIRD)):
        (folder / name).write_text(text, encoding="utf-8")
    assert sync(str(folder)).returncode == 0
    (folder / "a.txt").unlink()
    (folder / "b.txt").unlink()
    refused = sync(str(folder))
    assert refused.returncode != 0 and "2 av 3" in refused.stderr, refused.stderr
    allowed = sync(str(folder), "--max-withdraw", "0.7")
    assert allowed.returncode == 0, allowed.stderr
    assert "2 borta" in allowed.stdout


def bad_name_folder(tmp_path):
    """A folder with a good file and one whose name is not UTF-8 (b"r\\xe4pport.txt", Latin-1)."""
    import os

    folder = tmp_path / "delad"
    folder.mkdir()
    (folder / "kommun.txt").write_text(FIRST, encoding="utf-8")
    handle = os.open(os.fsencode(folder) + b"/r\xe4pport.txt", os.O_WRONLY | os.O_CREAT, 0o644)
    os.write(handle, SECOND.encode("utf-8"))
    os.close(handle)
    return folder


def test_a_file_name_that_is_not_utf8_fails_alone(hashing_env, tmp_path):
    """Issue 26.9: a file name that is not UTF-8 stopped sync and add ("'utf-8' codec can't encode character
    '\\udce4'"), the run left interrupted and nothing published."""
    folder = bad_name_folder(tmp_path)
    settings = Settings.from_env()
    for run in (sync(str(folder), "--dry-run"), sync(str(folder)), ingest_add(str(folder))):
        assert run.returncode == 1, run.stderr
        assert "Traceback" not in run.stderr and "codec" not in run.stdout + run.stderr
        assert "r\\xe4pport.txt" in run.stderr and "inte giltig UTF-8: byt namn" in run.stderr
    with Catalogue(settings.catalogue_path) as catalogue:
        assert [d.file_name for d in catalogue.documents()] == ["kommun.txt"]
        runs = [run["status"] for run in catalogue.ingest_runs()]
        failed = [event.path for event in catalogue.failures()]
    assert runs == ["failed", "failed"] and failed == [str(folder.resolve() / "r\\xe4pport.txt")] * 2
    assert Searcher(settings).search("e-tjänster för bygglov", 1)[0].document.file_name == "kommun.txt"


def test_an_unreadable_file_fails_alone_in_sync_and_add(settings, tmp_path, monkeypatch):
    """Issue 26.9: one unreadable file (a PermissionError while hashing it) stopped sync, also a dry run. The
    tests run as root, where mode 000 does not stop reading: the error is injected where files are hashed."""
    import ingest.folders
    from ingest.pipeline import Ingester

    folder = tmp_path / "delad"
    folder.mkdir()
    (folder / "kommun.txt").write_text(FIRST, encoding="utf-8")
    (folder / "last.txt").write_text(SECOND, encoding="utf-8")
    real_hash = ingest.folders.file_hash

    def hash_unless_locked(path):
        if path.name == "last.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return real_hash(path)

    monkeypatch.setattr(ingest.folders, "file_hash", hash_unless_locked)
    planned = Ingester(settings).sync(folder, dry_run=True)
    assert [(s.action, s.path.endswith("last.txt")) for s in planned.steps] == [("add", False), ("failed", True)]
    assert "kan inte läsas (Permission denied)" in planned.steps[1].reason
    done = Ingester(settings).sync(folder)
    assert done.count("failed") == 1 and done.ingest.count("added") == 1
    assert [o.message for o in done.ingest.outcomes if o.outcome == "failed"] == [planned.steps[1].reason]
    added = Ingester(settings).add([folder])
    assert [o.outcome for o in added.outcomes] == ["unchanged", "failed"]
    with Catalogue(settings.catalogue_path) as catalogue:
        assert [d.file_name for d in catalogue.documents()] == ["kommun.txt"]
        assert catalogue.documents_from(str(folder.resolve()))[0].file_name == "kommun.txt"
    assert Searcher(settings).search("e-tjänster för bygglov", 1)[0].document.file_name == "kommun.txt"


def test_a_file_of_mode_000_fails_alone(hashing_env, tmp_path):
    import os

    import pytest

    if os.geteuid() == 0:
        pytest.skip("root reads a file of mode 000: covered by the test above")
    folder = tmp_path / "delad"
    folder.mkdir()
    (folder / "kommun.txt").write_text(FIRST, encoding="utf-8")
    (folder / "last.txt").write_text(SECOND, encoding="utf-8")
    (folder / "last.txt").chmod(0)
    try:
        for run in (sync(str(folder), "--dry-run"), sync(str(folder)), ingest_add(str(folder))):
            assert run.returncode == 1 and "Traceback" not in run.stderr and "kan inte läsas" in run.stderr
    finally:
        (folder / "last.txt").chmod(0o644)
    with Catalogue(Settings.from_env().catalogue_path) as catalogue:
        assert [d.file_name for d in catalogue.documents()] == ["kommun.txt"]


SECRET_REPORT = ("Utredningen om lönesystemet är hemligstämplad. Förslaget innebär att myndigheten byter leverantör "
                 "av lönesystem under år 2026. Kostnaden beräknas till fyrtio miljoner kronor. Upphandlingen sker "
                 "i två steg och personalen utbildas under hösten. Facket har ännu inte fått yttra sig om förslaget.")


def test_a_renamed_and_edited_restricted_file_stays_restricted(hashing_env, tmp_path):
    """Issue 26.4: `mv rapport1.txt rapport1-v2.txt; echo tillägg >> rapport1-v2.txt; ingest sync` published
    the new document to everyone, with only a near-duplicate review item."""
    from corpus.access import ANONYMOUS, Viewer
    from corpus.filters import SearchFilters

    folder = tmp_path / "delad"
    folder.mkdir()
    (folder / "rapport1.txt").write_text(SECRET_REPORT, encoding="utf-8")
    (folder / "kommun.txt").write_text(FIRST, encoding="utf-8")
    assert sync(str(folder)).returncode == 0
    settings = Settings.from_env()
    curator = Curator(settings, "admin")
    curator.create_collection("Interna", access=("utredare",))
    with Catalogue(settings.catalogue_path) as catalogue:
        secret = next(d.id for d in catalogue.documents() if d.file_name == "rapport1.txt")
    curator.collect(secret, "Interna")

    (folder / "rapport1.txt").rename(folder / "rapport1-v2.txt")
    with open(folder / "rapport1-v2.txt", "a", encoding="utf-8") as out:
        out.write(" tillägg")
    done = sync(str(folder))
    assert done.returncode == 0, done.stderr
    with Catalogue(settings.catalogue_path) as catalogue:
        new = next(d for d in catalogue.documents() if d.file_name == "rapport1-v2.txt")
        assert new.collections == ("Interna",) and catalogue.document(new.id, ANONYMOUS) is None
        assert new.id not in [d.id for d in catalogue.find_documents(viewer=ANONYMOUS)]
    question = "lönesystemet hemligstämplad leverantör"
    assert all(hit.document.id != new.id for hit in Searcher(settings).search(question, 10, SearchFilters(viewer=ANONYMOUS)))
    investigator = Viewer("bo", "reader", ("utredare",))
    assert new.id in [hit.document.id for hit in Searcher(settings).search(question, 10,
                                                                            SearchFilters(viewer=investigator))]


def test_a_changed_file_leaves_no_stray_original(hashing_env, tmp_path):
    """Issue 26.17: every changed-file replace left the old original on disk, unreferenced, so that
    `python -m corpus check` reported problems after a normal sync."""
    from corpus.library import file_hash

    folder = tmp_path / "delad"
    folder.mkdir()
    (folder / "kommun.txt").write_text(FIRST, encoding="utf-8")
    assert sync(str(folder)).returncode == 0
    (folder / "kommun.txt").write_text(FIRST + " Skolvalet blir också digitalt.", encoding="utf-8")
    assert sync(str(folder)).returncode == 0
    check = subprocess.run([sys.executable, "-m", "corpus", "check"], cwd=PROJECT_ROOT, capture_output=True,
                           text=True)
    assert check.returncode == 0 and "allt stämmer" in check.stdout, check.stdout + check.stderr
    originals = [p for p in Settings.from_env().library_dir.rglob("*") if p.is_file()]
    assert [p.name.removesuffix(".txt") for p in originals] == [file_hash(folder / "kommun.txt")]


def synced_folder(tmp_path, files: dict[str, str]):
    """A shared folder holding `files` (name: text), synced once; the folder, the settings and each file's
    document id."""
    folder = tmp_path / "delad"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    assert sync(str(folder)).returncode == 0
    settings = Settings.from_env()
    with Catalogue(settings.catalogue_path) as catalogue:
        ids = {d.file_name: d.id for d in catalogue.documents()}
    return folder, settings, ids


def test_an_overwritten_file_takes_the_content_of_the_file_moved_onto_it(hashing_env, tmp_path):
    """Issue 26.10: `mv -f rapport5.txt rapport7.txt; ingest sync` left #7 with the text the folder no longer
    has (its new content was refused as a duplicate of #5, which the same run withdrew), reported as changed
    on every later run."""
    folder, settings, ids = synced_folder(tmp_path, {"rapport5.txt": FIRST, "rapport7.txt": SECOND})
    Curator(settings).edit(ids["rapport7.txt"], {"identifier": "Dnr 7"})
    (folder / "rapport5.txt").replace(folder / "rapport7.txt")  # mv -f
    done = sync(str(folder))
    assert done.returncode == 0, done.stderr
    assert "dubblett" not in done.stdout.replace("0 dubbletter", ""), done.stdout
    with Catalogue(settings.catalogue_path) as catalogue:
        seven, five = catalogue.document(ids["rapport7.txt"]), catalogue.document(ids["rapport5.txt"])
        text = " ".join(p.text for p in catalogue.document_passages(seven.id))
    assert "e-tjänster för bygglov" in text and "journalsystem" not in text
    assert seven.status == "active" and seven.metadata.identifier == "Dnr 7" and seven.file_name == "rapport7.txt"
    assert five.status == "withdrawn"
    assert Searcher(settings).search("e-tjänster för bygglov", 1)[0].document.id == seven.id
    again = sync(str(folder))
    assert again.returncode == 0 and again.stdout.split(";")[0].endswith(": 1 oförändrade"), again.stdout


def test_two_swapped_files_both_take_their_new_content(hashing_env, tmp_path):
    """Issue 26.10: a.txt <-> b.txt (contents exchanged): each replace was refused as a duplicate of the other."""
    folder, settings, ids = synced_folder(tmp_path, {"a.txt": FIRST, "b.txt": SECOND})
    (folder / "a.txt").write_text(SECOND, encoding="utf-8")
    (folder / "b.txt").write_text(FIRST, encoding="utf-8")
    done = sync(str(folder))
    assert done.returncode == 0 and "2 ändrade" in done.stdout, done.stdout + done.stderr
    with Catalogue(settings.catalogue_path) as catalogue:
        texts = {name: " ".join(p.text for p in catalogue.document_passages(i)) for name, i in ids.items()}
        assert sorted(d.id for d in catalogue.documents()) == sorted(ids.values())
    assert "journalsystem" in texts["a.txt"] and "bygglov" not in texts["a.txt"]
    assert "bygglov" in texts["b.txt"] and "journalsystem" not in texts["b.txt"]
    again = sync(str(folder))
    assert again.returncode == 0 and again.stdout.split(";")[0].endswith(": 2 oförändrade"), again.stdout
    check = subprocess.run([sys.executable, "-m", "corpus", "check"], cwd=PROJECT_ROOT, capture_output=True,
                           text=True)
    assert check.returncode == 0 and "allt stämmer" in check.stdout, check.stdout + check.stderr


def test_a_file_written_during_the_ingest_keeps_hash_passages_and_original_together(hashing_env, tmp_path,
                                                                                      monkeypatch):
    """Issue 26.11: a file edited between hashing and extraction stored the old hash, the new passages and
    (copied later still) an original that no longer held the quoted passages. The file is rewritten just
    before the ingester's extraction reads it."""
    import ingest.preparation
    from corpus.library import file_hash
    from ingest.pipeline import Ingester

    folder = tmp_path / "delad"
    folder.mkdir()
    real_prepare = ingest.preparation.prepare_document
    edits = {"kommun.txt": SECOND, "ny.txt": THIRD + " Tillagt medan filen lästes."}

    def written_meanwhile(path, *args, **kwargs):
        if path.name in edits:
            (folder / path.name).write_text(edits.pop(path.name), encoding="utf-8")
        return real_prepare(path, *args, **kwargs)

    monkeypatch.setattr(ingest.preparation, "prepare_document", written_meanwhile)
    (folder / "kommun.txt").write_text(FIRST, encoding="utf-8")
    settings = Settings.from_env()
    Ingester(settings).sync(folder)
    (folder / "ny.txt").write_text(THIRD, encoding="utf-8")
    Ingester(settings).add([folder / "ny.txt"])
    assert not edits  # both files were rewritten while they were read
    with Catalogue(settings.catalogue_path) as catalogue:
        documents = catalogue.documents()
        assert sorted(d.file_name for d in documents) == ["kommun.txt", "ny.txt"]
        for document in documents:
            original = settings.library_dir / document.stored_path
            assert file_hash(original) == document.content_hash
            text = " ".join(original.read_text(encoding="utf-8").split())
            passages = catalogue.document_passages(document.id)
            assert passages and all(" ".join(p.text.split()) in text for p in passages)
    assert not (settings.data_dir / "staging").exists()
    assert Ingester(settings).sync(folder).ingest.count("updated") == 2  # the edits are read now
