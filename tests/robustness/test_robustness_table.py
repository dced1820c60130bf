"""Every hostile input and fault tried, with what Källa says: run here through the real entry points
(files, metadata, manifests, questions, logins, command lines, index faults) and written to
docs/robustness.md. Each answer must be a clear message, never a traceback."""
from __future__ import annotations

import json
import os
import subprocess
import sys

from answer.assistant import Assistant
from corpus.catalogue import Catalogue
from corpus.collections import create_collection
from corpus.users import LOCK_AFTER, add_user, authenticate, find_user
from desk.curation import CurationError, Curator
from desk.exchange import export_catalogue, plan_import, read_manifest
from ingest.pipeline import Ingester
from settings import PROJECT_ROOT, Settings

TABLE = PROJECT_ROOT / "docs" / "robustness.md"
TEXT = "Rapporten beskriver hur myndigheterna förvaltar äldre it-system och vad det kostar att ersätta dem."


def outcome_of(settings: Settings, path) -> str:
    outcome = Ingester(settings).add([path]).outcomes[0]
    return f"{outcome.outcome}: {outcome.message}"


def refusal(call) -> str:
    try:
        result = call()
    except (CurationError, ValueError, PermissionError) as exc:
        return f"refused: {exc}"
    return f"accepted: {result}"


def cli(env: dict, *arguments: bytes | str) -> str:
    result = subprocess.run([sys.executable, "-m", *arguments], env=env, cwd=PROJECT_ROOT, capture_output=True,
                            timeout=300)
    out = (result.stdout + result.stderr).decode("utf-8", "replace")
    assert "Traceback" not in out, out[-2000:]
    lines = [line for line in out.splitlines() if line.strip() and not line.startswith(("Kontrollerar", "Söker"))]
    return f"exit {result.returncode}: " + " / ".join(lines[-2:])


def test_every_hostile_input_gets_a_clear_answer_and_the_table_is_written(hashing_env, tmp_path):
    settings = Settings.from_env()
    env = {**os.environ}
    rows: list[tuple[str, str, str]] = []
    files = tmp_path / "filer"
    files.mkdir()

    def file(name: str, content: bytes) -> None:
        (files / name).write_bytes(content)
        rows.append(("file", f"`{name}`: " + FILE_KINDS[name], outcome_of(settings, files / name)))

    FILE_KINDS.update({"trasig.pdf": "noise after a PDF header", "tom.txt": "empty file",
                       "text.pdf": "text under a .pdf name", "program.exe": "unknown extension",
                       "nul.md": "NUL bytes in Markdown", "binar.txt": "binary data under a .txt name",
                       "latin1.txt": "Windows-1252 Swedish text", "skript.html": "HTML with script and style",
                       "original.txt": "a plain report", "kopia.txt": "an exact duplicate of it"})
    file("trasig.pdf", b"%PDF-1.7\n" + os.urandom(2000))
    file("tom.txt", b"")
    file("text.pdf", "Det här är ingen PDF alls.".encode())
    file("program.exe", b"MZ\x90\x00")
    file("nul.md", b"# Rubrik\n\x00\x00\x00 text")
    file("binar.txt", bytes(range(256)) * 40)
    file("latin1.txt", "Myndigheternas äldre it-system är dyra att förvalta.".encode("cp1252"))
    file("skript.html", b"<html><script>alert(1)</script><style>p{}</style><p>Kommunerna digitaliserar.</p></html>")
    file("original.txt", TEXT.encode())
    file("kopia.txt", TEXT.encode())

    document = Catalogue(settings.catalogue_path).documents()[0].id
    curator = Curator(settings, "admin")
    for field, value, what in (
            ("source_url", "javascript:alert(1)", "javascript: web address"),
            ("source_url", "https://example.se/a>[x](javascript:alert(1))", "web address that ends a Markdown autolink"),
            ("source_url", 'https://example.se/"onmouseover="x', "web address with a quote"),
            ("published", "2020-13-45", "impossible date"),
            ("published", "14 december", "date in words"),
            ("title", "<script>alert(1)</script> :red[x] ![b](http://h/x.png)", "HTML and Markdown in a title "
             "(kept as text; escaped wherever shown)"),
            ("title", '=HYPERLINK("http://evil.example/","klicka")', "spreadsheet formula as title")):
        rows.append(("metadata", f"{what}: `{value}`", refusal(lambda field=field, value=value: curator.edit(document, {field: value}).metadata)))
    with Catalogue(settings.catalogue_path) as catalogue:
        cell = next(line for line in export_catalogue(catalogue.documents(), "csv").splitlines() if "HYPERLINK" in line)
    rows.append(("export", "CSV export of a formula title", "cell written as `'=HYPERLINK(…)` (text in a spreadsheet)"
                 if "'=HYPERLINK" in cell else cell))
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f'id,title\n{document},"Titel ""A"", del 2"\n{document},"x","en cell för mycket"\n', encoding="utf-8")
    with Catalogue(settings.catalogue_path) as catalogue:
        planned = plan_import(read_manifest(manifest, catalogue), catalogue)
    rows.append(("manifest", 'a title with `"` and `,`, and a row with an extra cell',
                 f"{[c.describe() for c in planned.planned]}; problems: {planned.problems}"))
    sidecar = tmp_path / "sidecar"
    sidecar.mkdir()
    (sidecar / "a.txt").write_text(TEXT + " Om e-tjänster.", encoding="utf-8")
    (sidecar / "metadata.jsonl").write_text(json.dumps({"file": "a\x00.txt"}) + "\n" + json.dumps({"file": 17})
                                            + "\n{ inte json\n" + json.dumps({"file": "a.txt", "title": "A"}), encoding="utf-8")
    rows.append(("metadata", "`metadata.jsonl` with a NUL file name, a number and a broken line", outcome_of(settings, sidecar / "a.txt")))

    assistant = Assistant(settings)
    for what, question in (("empty question", "   "), ("128 000 characters", "Varför? " * 16000),
                           ("punctuation only", "?!?... ;;;"), ("markup", "<script>alert(1)</script> it-system?"),
                           ("control characters and RTL override", "it-\x00system\x1b[31m\u202e kostnader"),
                           ("SQL", "'; DROP TABLE documents; -- it-system")):
        answer = assistant.ask(question)
        said = answer.notice or (f"answered, {len(answer.sentences)} quoted sentence(s), shown escaped")
        rows.append(("question", what, said))

    with Catalogue(settings.catalogue_path) as catalogue:
        add_user(catalogue.db, "root", "ett långt lösenord", "admin")
        for password, what in ((" " * 12, "ten spaces and more as a password"), ("1234567890", "a common password"),
                               ("aaaaaaaaaaaa", "one character repeated")):
            rows.append(("login", what, refusal(lambda password=password: add_user(catalogue.db, "bo", password))))
        for _ in range(LOCK_AFTER):
            authenticate(catalogue.db, "root", "fel gissning!", "10.0.0.1")
        rows.append(("login", f"{LOCK_AFTER} wrong passwords in a row", "account locked until an admin unlocks it "
                     "(`corpus user set NAME --unlock`); same message as for a wrong password; each failure in the audit log"
                     if find_user(catalogue.db, "root").locked else "not locked"))
        rows.append(("login", "unknown user name", "Fel användarnamn eller lösenord. (the same as for a wrong password)"
                     if authenticate(catalogue.db, "okänd", "ett långt lösenord", "10.0.0.2") is None else "accepted"))
        create_collection(catalogue.db, "Interna", "root", access=("utredare",))
        add_user(catalogue.db, "läsare", "ett långt lösenord", "reader")

    reader = {**env, "KALLA_USER": "läsare"}
    for what, arguments, who in (
            ("document id 10^20", ("corpus", "show", "100000000000000000000"), env),
            ("question with bytes that are not UTF-8", ("index", "search", os.fsdecode(b"it-system \xff\xfe kostnader")), env),
            ("-k 0", ("index", "search", "it-system", "-k", "0"), env),
            ("a reader asks for statistics", ("corpus", "stats"), reader),
            ("a reader adds into a restricted collection", ("ingest", "add", str(files / "original.txt"), "--collection", "Interna"), reader),
            ("a reader withdraws a document", ("corpus", "withdraw", str(document), "--reason", "x"), reader),
            ("unknown collection", ("ingest", "add", str(files / "original.txt"), "--collection", "Finns inte"), env)):
        rows.append(("command line", what, cli(who, *arguments)))

    rows += sync_rows({**env, "KALLA_USER": "root"}, tmp_path)
    rows += organisation_login_rows(settings)
    rows += api_rows(settings)

    from index.store import current_version

    version = settings.index_dir / "versions" / current_version(settings.index_dir)
    (version / "vectors.faiss").write_bytes(b"trasig")
    rows.append(("index fault", "truncated `vectors.faiss` (all five damages: tests/robustness/test_damaged_index.py)",
                 cli(env, "index", "search", "it-system")))
    assert "skadat" in rows[-1][2], rows[-1]
    rows.append(("index fault", "… then `corpus check --repair` (by a librarian)",
                 cli({**env, "KALLA_USER": "root"}, "corpus", "check", "--repair")))
    for fault, where in (("SIGKILL during `corpus replace` of a restricted document (6 kills)", "test_editions_and_roles.py"),
                         ("SIGKILL during approve, reject, duplicate resolution, delete, index rebuild, check --repair (20 kills)",
                          "test_kill_curation.py"), ("SIGKILL during an ingest of ../shared/corpus (4 kills)", "test_kill.py")):
        rows.append(("fault", fault, f"no action half done; `corpus check --repair` makes the library clean ({where})"))

    for area, what, said in rows:
        assert said.strip() and "Traceback" not in said, (area, what, said)
    assert len(rows) >= 30
    TABLE.parent.mkdir(exist_ok=True)
    import re

    def cell(text) -> str:  # the same table on every run: no temporary paths, timings or version stamps
        text = re.sub(r"\d{8}T\d{12}-[0-9a-f]{8}", "VERSION", str(text).replace(str(tmp_path), "…"))
        text = re.sub(r"\d+ ms\b", "N ms", text)
        return " ".join(text.split()).replace("|", "\\|")[:300]
    TABLE.write_text("# Robustness: hostile inputs and faults, and what Källa says\n\n"
                     "Written by `tests/robustness/test_robustness_table.py` (each row run through the real entry "
                     "point on a fresh library); the bad-file table in test-artifacts/bad-inputs.md has more files.\n\n"
                     "| area | input or fault | what Källa says or does |\n|---|---|---|\n"
                     + "".join(f"| {cell(a)} | {cell(w)} | {cell(s)} |\n" for a, w, s in rows), encoding="utf-8")


def sync_rows(env: dict, tmp_path) -> list[tuple[str, str, str]]:
    """Folder sync at its edges (issue 26): each row asserts the outcome it reports."""
    share, secret = tmp_path / "delad", tmp_path / "secrets.toml"
    share.mkdir()
    secret.write_text('client_secret = "hemligt"', encoding="utf-8")
    (share / "a.txt").write_text("Kommunernas e-tjänster för bygglov byggs ut under året.", encoding="utf-8")
    (share / "installningar.txt").symlink_to(secret)
    run = subprocess.run([sys.executable, "-m", "ingest", "sync", str(share)], env=env, cwd=PROJECT_ROOT,
                         capture_output=True, text=True, timeout=300)
    skipped = next((line for line in run.stdout.splitlines() if "symbolisk länk" in line), "")
    assert run.returncode == 0 and "installningar.txt" in skipped, run.stdout + run.stderr
    rows = [("sync", "a link in the share to a file outside it (`installningar.txt -> ../secrets.toml`)",
             f"exit 0: {skipped} (the other file added)")]
    (share / "installningar.txt").unlink()
    (share / "a.txt").rename(tmp_path / "a.txt")
    emptied = cli(env, "ingest", "sync", str(share))
    assert emptied.startswith("exit 1") and "omonterad" in emptied, emptied
    rows.append(("sync", "the share empty or not mounted", emptied))
    (tmp_path / "a.txt").rename(share / "a.txt")
    return rows


def organisation_login_rows(settings: Settings) -> list[tuple[str, str, str]]:
    """Organisation (OIDC) logins named like local accounts (issue 26): each row asserts who they become."""
    from corpus.users import organisation_viewer

    rows = []
    with Catalogue(settings.catalogue_path) as catalogue:
        for what, claims in (("`preferred_username: root` (a local admin's name), no e-mail",
                              {"iss": "https://idp", "sub": "x1", "preferred_username": "root"}),
                             ("an unverified e-mail equal to a local admin's name", {"iss": "https://idp", "sub": "x2",
                                                                                     "email": "root"}),
                             ("a group `Librarian` and a number in the groups claim",
                              {"iss": "https://idp", "sub": "x3", "groups": ["Librarian", 5]})):
            who = organisation_viewer(catalogue.db, claims)
            assert who.role == "reader" and who.name.startswith("oidc:") and who.groups == (), who
            rows.append(("login", f"organisation login: {what}", f"a reader of its own ({who.name}), no groups"))
    return rows


def api_rows(settings: Settings) -> list[tuple[str, str, str]]:
    """The HTTP API at its edges (issue 26): each row asserts the status it reports."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    rows = []
    with TestClient(create_app(settings)) as client:
        for what, call, status in (
                ("`/ask` without a token", lambda: client.post("/ask", json={"question": "it-system?"}), 401),
                ("a bad token", lambda: client.post("/ask", json={"question": "x"},
                                                    headers={"Authorization": "Bearer kalla_1_fel"}), 401),
                ("a 5 MB JSON body with a bad token", lambda: client.post(
                    "/ask", content=b"{" + b" " * 5_000_000 + b"}", headers={"Authorization": "Bearer kalla_1_fel",
                                                                           "Content-Type": "application/json"}), 401)):
            response = call()
            assert response.status_code == status, (what, response.status_code, response.text)
            rows.append(("API", what, f"{response.status_code}: {response.json().get('detail')}"))
    return rows


FILE_KINDS: dict[str, str] = {}
