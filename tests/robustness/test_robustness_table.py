"""Every hostile input and fault tried through the real entry points (files, metadata, manifests, questions,
logins, command lines, folder sync, the API, index faults). Each row names the outcome it must have
(refused, failed, locked, kept as text, skipped, an exit status with nothing changed, ...), checked against
what happened, and what Källa says must be a clear message, never a traceback. With
KALLA_WRITE_ROBUSTNESS_TABLE=1 (`make robustness-table`) the rows are written to docs/robustness.md; a plain
test run leaves that file alone."""
from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from dataclasses import dataclass

from answer.assistant import Assistant
from corpus.catalogue import Catalogue
from corpus.users import LOCK_AFTER
from desk.curation import CurationError, Curator
from desk.exchange import export_catalogue, plan_import, read_manifest
from ingest.pipeline import Ingester
from settings import PROJECT_ROOT, Settings
from text.messages import message

TABLE = PROJECT_ROOT / "docs" / "robustness.md"
# Read when the module is collected: the fixtures take every KALLA_* variable away before a test runs.
WRITE_TABLE = os.environ.get("KALLA_WRITE_ROBUSTNESS_TABLE") == "1"
TEXT = "Rapporten beskriver hur myndigheterna förvaltar äldre it-system och vad det kostar att ersätta dem."
PASSWORD = "ett långt lösenord"


@dataclass(frozen=True)
class Row:
    """One hostile input or fault: the outcome it must have, the outcome it had (measured the same way) and
    what Källa said or did."""
    area: str
    what: str
    expected: str
    happened: str
    said: str


def documented(area: str, what: str, said: str, where: str) -> Row:
    """A row this test does not run (too slow here): documented, and measured by the test named."""
    outcome = f"not measured here: {where}"
    return Row(area, what, outcome, outcome, said)


def attempt(call) -> tuple[str, object]:
    """("refused", the message) when `call` refuses, else ("accepted", what it returned)."""
    try:
        return "accepted", call()
    except (CurationError, ValueError, PermissionError) as exc:
        return "refused", str(exc)


def library_state(settings: Settings) -> tuple:
    """What a refused action must leave as it was: every document's status, collections and metadata."""
    with Catalogue(settings.catalogue_path) as catalogue:
        return tuple((d.id, d.status, d.collections, d.metadata) for d in catalogue.documents(status=None))


def cli(env: dict, *arguments: str) -> tuple[int, str]:
    """Run `python -m ARGUMENTS`: its exit status and its last two lines (never a traceback)."""
    result = subprocess.run([sys.executable, "-m", *arguments], env=env, cwd=PROJECT_ROOT, capture_output=True,
                            timeout=300)
    out = (result.stdout + result.stderr).decode("utf-8", "replace")
    assert "Traceback" not in out, out[-2000:]
    lines = [line for line in out.splitlines() if line.strip() and not line.startswith(("Kontrollerar", "Söker"))]
    return result.returncode, f"exit {result.returncode}: " + " / ".join(lines[-2:])


def exit_row(area: str, what: str, expected: str, settings: Settings, env: dict, *arguments: str) -> Row:
    """A command line row: its exit status, and whether the library changed."""
    before = library_state(settings)
    status, said = cli(env, *arguments)
    changed = ", the library changed" if library_state(settings) != before else ", nothing changed"
    return Row(area, what, expected, f"exit {status}{changed}", said)


def test_every_hostile_input_has_its_expected_outcome_and_a_clear_message(hashing_env, tmp_path):
    settings = Settings.from_env()
    env = {**os.environ}
    rows = file_rows(settings, tmp_path / "filer")
    with Catalogue(settings.catalogue_path) as catalogue:
        document = next(d.id for d in catalogue.documents() if d.file_name == "original.txt")
    rows += metadata_rows(settings, document)
    rows += exchange_rows(settings, document, tmp_path)
    rows += question_rows(settings)
    rows += login_rows(settings)
    rows += command_line_rows(settings, env, document, tmp_path)
    rows += sync_rows(settings, {**env, "KALLA_USER": "root"}, tmp_path)
    rows += organisation_login_rows(settings)
    rows += api_rows(settings)
    rows += index_fault_rows(settings, env)

    wrong = [f"{r.area} / {r.what}: expected {r.expected!r}, happened {r.happened!r} ({r.said})"
             for r in rows if r.happened != r.expected]
    assert not wrong, "\n".join(wrong)
    for row in rows:
        assert row.said.strip() and "Traceback" not in row.said, row
    assert len(rows) >= 30
    if WRITE_TABLE:
        write_table(rows + DOCUMENTED, tmp_path)


FILES = (  # name, content, what it is, the outcome it must have, a phrase its text must be read with
    ("trasig.pdf", b"%PDF-1.7\n" + random.Random(7).randbytes(2000), "noise after a PDF header", "failed", None),
    ("tom.txt", b"", "empty file", "failed", None),
    ("text.pdf", "Det här är ingen PDF alls.".encode(), "text under a .pdf name", "failed", None),
    ("program.exe", b"MZ\x90\x00", "unknown extension", "failed", None),
    ("nul.md", b"# Rubrik\n\x00\x00\x00 text", "NUL bytes in Markdown", "failed", None),
    ("binar.txt", bytes(range(256)) * 40, "binary data under a .txt name", "failed", None),
    ("latin1.txt", "Myndigheternas äldre it-system är dyra att förvalta.".encode("cp1252"),
     "Windows-1252 Swedish text", "added", "Myndigheternas äldre it-system"),
    ("skript.html", b"<html><script>alert(1)</script><style>p{}</style><p>Kommunerna digitaliserar.</p></html>",
     "HTML with script and style (neither read as text)", "added", "Kommunerna digitaliserar"),
    ("original.txt", TEXT.encode(), "a plain report", "added", TEXT),
    ("kopia.txt", TEXT.encode(), "an exact duplicate of it", "duplicate", None),
)


def file_rows(settings: Settings, folder) -> list[Row]:
    folder.mkdir()
    rows = []
    for name, content, what, expected, phrase in FILES:
        (folder / name).write_bytes(content)
        outcome = Ingester(settings).add([folder / name]).outcomes[0]
        happened = outcome.outcome
        if outcome.outcome == "added":
            happened += "" if read_as(settings, outcome.document_id, phrase) else ", but its text was read wrong"
        rows.append(Row("file", f"`{name}`: {what}", expected, happened, f"{outcome.outcome}: {outcome.message}"))
    return rows


def read_as(settings: Settings, document_id: int, phrase: str) -> bool:
    """The document's text holds `phrase`, and no script or style from the file."""
    with Catalogue(settings.catalogue_path) as catalogue:
        text = " ".join(passage.text for passage in catalogue.document_passages(document_id))
    return phrase in text and "alert(" not in text and "p{}" not in text


METADATA = (  # field, value, what it is, the outcome it must have
    ("source_url", "javascript:alert(1)", "javascript: web address", "refused"),
    ("source_url", "https://example.se/a>[x](javascript:alert(1))", "web address that ends a Markdown autolink",
     "refused"),
    ("source_url", 'https://example.se/"onmouseover="x', "web address with a quote", "refused"),
    ("published", "2020-13-45", "impossible date", "refused"),
    ("published", "14 december", "date in words", "refused"),
    ("title", "<script>alert(1)</script> :red[x] ![b](http://h/x.png)",
     "HTML and Markdown in a title (escaped wherever shown)", "kept as text"),
    ("title", '=HYPERLINK("http://evil.example/","klicka")', "spreadsheet formula as title", "kept as text"),
)


def metadata_rows(settings: Settings, document: int) -> list[Row]:
    curator, rows = Curator(settings, "admin"), []
    for field, value, what, expected in METADATA:
        verdict, result = attempt(lambda field=field, value=value: curator.edit(document, {field: value}))
        if verdict == "accepted":
            kept = getattr(result.metadata, field)
            verdict, result = ("kept as text" if kept == value else "changed"), f"stored as {kept!r}"
        rows.append(Row("metadata", f"{what}: `{value}`", expected, verdict, f"{verdict}: {result}"))
    return rows


def exchange_rows(settings: Settings, document: int, tmp_path) -> list[Row]:
    """The CSV export of a formula title, a hostile manifest, a hostile sidecar."""
    with Catalogue(settings.catalogue_path) as catalogue:
        cell = next(line for line in export_catalogue(catalogue.documents(), "csv").splitlines() if "HYPERLINK" in line)
    escaped = "'=HYPERLINK" in cell
    rows = [Row("export", "CSV export of a formula title", "escaped", "escaped" if escaped else "a formula",
                "cell written as `'=HYPERLINK(…)` (text in a spreadsheet)" if escaped else cell)]
    manifest = tmp_path / "manifest.csv"
    manifest.write_text(f'id,title\n{document},"Titel ""A"", del 2"\n{document},"x","en cell för mycket"\n',
                        encoding="utf-8")
    with Catalogue(settings.catalogue_path) as catalogue:
        planned = plan_import(read_manifest(manifest, catalogue), catalogue)
    changes = [change.describe() for change in planned.planned]
    whole = len(changes) == 1 and 'Titel "A", del 2' in changes[0]
    refused = len(planned.problems) == 1 and planned.problems[0].startswith("rad 3")
    rows.append(Row("manifest", 'a title with `"` and `,`, and a row with an extra cell',
                    "title read whole, row 3 refused", ("title read whole" if whole else "title read wrong")
                    + (", row 3 refused" if refused else ", row 3 not refused"),
                    f"{changes}; problems: {planned.problems}"))
    sidecar = tmp_path / "sidecar"
    sidecar.mkdir()
    (sidecar / "a.txt").write_text(TEXT + " Om e-tjänster.", encoding="utf-8")
    (sidecar / "metadata.jsonl").write_text(json.dumps({"file": "a\x00.txt"}) + "\n" + json.dumps({"file": 17})
                                            + "\n{ inte json\n" + json.dumps({"file": "a.txt", "title": "Rapport om e-tjänster"}),
                                            encoding="utf-8")
    outcome = Ingester(settings).add([sidecar / "a.txt"]).outcomes[0]
    with Catalogue(settings.catalogue_path) as catalogue:
        title = catalogue.document(outcome.document_id).metadata.title if outcome.document_id else None
    good = title == "Rapport om e-tjänster"
    rows.append(Row("metadata", "`metadata.jsonl` with a NUL file name, a number and a broken line",
                    "added, with the good line's title", outcome.outcome + (", with the good line's title" if good
                                                                            else f", with the title {title!r}"),
                    f"{outcome.outcome}: {outcome.message}; the title {title!r} from the good line"))
    return rows


QUESTIONS = (  # what it is, the question, the outcome it must have
    ("empty question", "   ", "refused"),
    ("128 000 characters", "Varför? " * 16000, "refused"),
    ("punctuation only", "?!?... ;;;", "refused"),
    ("markup", "<script>alert(1)</script> it-system?", "no sure answer"),
    ("control characters and RTL override", "it-\x00system\x1b[31m\u202e kostnader", "no sure answer"),
    ("SQL", "'; DROP TABLE documents; -- it-system", "no sure answer"),
)


def question_rows(settings: Settings) -> list[Row]:
    """A refused question is not searched (no passages); one the library cannot answer surely shows the
    passages that may be related; neither may change the library."""
    assistant, rows = Assistant(settings), []
    for what, question, expected in QUESTIONS:
        before = library_state(settings)
        answer = assistant.ask(question)
        happened = ("answered" if not answer.abstained else "no sure answer" if answer.hits else "refused") + (
            ", the library changed" if library_state(settings) != before else "")
        said = answer.notice_text or f"answered, {len(answer.sentences)} quoted sentence(s), shown escaped"
        rows.append(Row("question", what, expected, happened, said))
    return rows


def login_rows(settings: Settings) -> list[Row]:
    rows = []
    with Catalogue(settings.catalogue_path) as catalogue:
        catalogue.users.add("root", PASSWORD, "admin")
        for password, what in ((" " * 12, "ten spaces and more as a password"), ("1234567890", "a common password"),
                               ("aaaaaaaaaaaa", "one character repeated")):
            verdict, said = attempt(lambda password=password: catalogue.users.add("bo", password))
            rows.append(Row("login", what, "refused", verdict, f"{verdict}: {said}"))
        for _ in range(LOCK_AFTER):
            catalogue.users.authenticate("root", "fel gissning!", "10.0.0.1")
        right_refused = catalogue.users.authenticate("root", PASSWORD, "10.0.0.3") is None
        locked = catalogue.users.find("root").locked and right_refused
        logged = len([e for e in catalogue.audit.entries(action="login-failed") if e.subject == "root"])
        rows.append(Row("login", f"{LOCK_AFTER} wrong passwords in a row", "locked", "locked" if locked else "not locked",
                        f"locked: even the right password is then refused, with the message of a wrong one "
                        f"(”{message('login_failed')}”); {logged} failed logins in the audit log; an admin "
                        "unlocks it (`corpus user set NAME --unlock`)"))
        unknown = catalogue.users.authenticate("okänd", PASSWORD, "10.0.0.2") is None
        rows.append(Row("login", "unknown user name", "refused", "refused" if unknown else "accepted",
                        f"{message('login_failed')} (the same as for a wrong password)"))
        catalogue.collections.create("Interna", "root", access=("utredare",))
        catalogue.users.add("läsare", PASSWORD, "reader")
    return rows


def command_line_rows(settings: Settings, env: dict, document: int, tmp_path) -> list[Row]:
    new = tmp_path / "ny.txt"
    new.write_text("Kommunernas e-arkiv och deras gallringsbeslut beskrivs i en ny rapport.", encoding="utf-8")
    reader = {**env, "KALLA_USER": "läsare"}
    rows = []
    for what, arguments, who, expected in (
            ("document id 10^20", ("corpus", "show", "100000000000000000000"), env, "exit 2"),
            ("question with bytes that are not UTF-8",
             ("index", "search", os.fsdecode(b"it-system \xff\xfe kostnader")), env, "exit 0"),
            ("-k 0", ("index", "search", "it-system", "-k", "0"), env, "exit 2"),
            ("a reader asks for statistics", ("corpus", "stats"), reader, "exit 1"),
            ("a reader adds into a restricted collection", ("ingest", "add", str(new), "--collection", "Interna"),
             reader, "exit 1"),
            ("a reader withdraws a document", ("corpus", "withdraw", str(document), "--reason", "x"), reader, "exit 1"),
            ("unknown collection", ("ingest", "add", str(new), "--collection", "Finns inte"), env, "exit 1")):
        rows.append(exit_row("command line", what, f"{expected}, nothing changed", settings, who, *arguments))
    return rows


def sync_rows(settings: Settings, env: dict, tmp_path) -> list[Row]:
    """Folder sync at its edges (issue 26)."""
    share, secret = tmp_path / "delad", tmp_path / "secrets.toml"
    share.mkdir()
    secret.write_text('client_secret = "hemligt"', encoding="utf-8")
    (share / "a.txt").write_text("Kommunernas e-tjänster för bygglov byggs ut under året.", encoding="utf-8")
    (share / "installningar.txt").symlink_to(secret)
    run = subprocess.run([sys.executable, "-m", "ingest", "sync", str(share)], env=env, cwd=PROJECT_ROOT,
                         capture_output=True, text=True, timeout=300)
    skipped = next((line for line in run.stdout.splitlines() if "symbolisk länk" in line), "")
    with Catalogue(settings.catalogue_path) as catalogue:
        synced = sorted(d.file_name for d in catalogue.documents_from(str(share.resolve())))
    happened = (f"exit {run.returncode}, " + ("link skipped" if "installningar.txt" in skipped else "link followed")
                + f", {synced} added")
    rows = [Row("sync", "a link in the share to a file outside it (`installningar.txt -> ../secrets.toml`)",
                "exit 0, link skipped, ['a.txt'] added", happened,
                f"exit {run.returncode}: {skipped or run.stdout + run.stderr}")]
    (share / "installningar.txt").unlink()
    (share / "a.txt").rename(tmp_path / "a.txt")
    rows.append(exit_row("sync", "the share empty or not mounted", "exit 1, nothing changed", settings, env,
                         "ingest", "sync", str(share)))
    (tmp_path / "a.txt").rename(share / "a.txt")
    return rows


def organisation_login_rows(settings: Settings) -> list[Row]:
    """Organisation (OIDC) logins named like local accounts (issue 26): who they become."""
    rows = []
    with Catalogue(settings.catalogue_path) as catalogue:
        for what, claims in (("`preferred_username: root` (a local admin's name), no e-mail",
                              {"iss": "https://idp", "sub": "x1", "preferred_username": "root"}),
                             ("an unverified e-mail equal to a local admin's name", {"iss": "https://idp", "sub": "x2",
                                                                                     "email": "root"}),
                             ("a group `Librarian` and a number in the groups claim",
                              {"iss": "https://idp", "sub": "x3", "groups": ["Librarian", 5]})):
            who = catalogue.users.organisation_viewer(claims)
            own = who.role == "reader" and who.name.startswith("oidc:") and who.groups == ()
            rows.append(Row("login", f"organisation login: {what}", "a reader of its own, no groups",
                            "a reader of its own, no groups" if own else f"{who.role} {who.name} {who.groups}",
                            f"a reader of its own ({who.name}), no groups" if own else str(who)))
    return rows


def api_rows(settings: Settings) -> list[Row]:
    """The HTTP API at its edges (issue 26): the status of each answer."""
    from fastapi.testclient import TestClient

    from api.app import create_app

    rows = []
    with TestClient(create_app(settings)) as client:
        for what, call in (
                ("`/ask` without a token", lambda: client.post("/ask", json={"question": "it-system?"})),
                ("a bad token", lambda: client.post("/ask", json={"question": "x"},
                                                    headers={"Authorization": "Bearer kalla_1_fel"})),
                ("a 5 MB JSON body with a bad token", lambda: client.post(
                    "/ask", content=b"{" + b" " * 5_000_000 + b"}", headers={"Authorization": "Bearer kalla_1_fel",
                                                                           "Content-Type": "application/json"}))):
            response = call()
            rows.append(Row("API", what, "401", str(response.status_code),
                            f"{response.status_code}: {response.json().get('detail')}"))
    return rows


def index_fault_rows(settings: Settings, env: dict) -> list[Row]:
    """A damaged index: reported as such (the catalogue intact), then rebuilt by a librarian."""
    from index.search import Searcher
    from index.store import current_version

    version = settings.index_dir / "versions" / current_version(settings.index_dir)
    (version / "vectors.faiss").write_bytes(b"trasig")
    status, said = cli(env, "index", "search", "it-system")
    rows = [Row("index fault", "truncated `vectors.faiss` (all five damages: tests/robustness/test_damaged_index.py)",
                "exit 1, reported as damaged", f"exit {status}" + (", reported as damaged" if "skadat" in said else ""),
                said)]
    status, said = cli({**env, "KALLA_USER": "root"}, "corpus", "check", "--repair")
    found = bool(Searcher(settings).search("it-system", 3))
    rows.append(Row("index fault", "… then `corpus check --repair` (by a librarian)", "exit 0, search works again",
                    f"exit {status}, search " + ("works again" if found else "still fails"), said))
    return rows


DOCUMENTED = [documented("fault", fault, "no action half done; `corpus check --repair` makes the library clean "
                         "(how many kills landed mid-action: test-artifacts/kills/)", where)
              for fault, where in (
                  ("SIGKILL during `corpus replace` of a restricted document", "test_editions_and_roles.py"),
                  ("SIGKILL during approve, reject, duplicate resolution, delete, index rebuild, check --repair",
                   "test_kill_curation.py"),
                  ("SIGKILL during an ingest of ../shared/corpus", "test_kill.py"))]


def write_table(rows: list[Row], tmp_path) -> None:
    """docs/robustness.md, the same on every run: no temporary paths, timings or version stamps."""
    def cell(text) -> str:
        text = re.sub(r"\d{8}T\d{12}-[0-9a-f]{8}", "VERSION", str(text).replace(str(tmp_path), "…"))
        text = re.sub(r"\d+ ms\b", "N ms", text)
        return " ".join(text.split()).replace("|", "\\|")[:300]

    TABLE.write_text("# Robustness: hostile inputs and faults, and what Källa says\n\n"
                     "Written by `make robustness-table` (`tests/robustness/test_robustness_table.py` with "
                     "KALLA_WRITE_ROBUSTNESS_TABLE=1; a plain test run checks the same rows and writes nothing). "
                     "Each row is run through the real entry point on a fresh library, and the test fails unless "
                     "its outcome is the one it must have; rows marked *not measured here* are run by the test "
                     "they name. The bad-file table in test-artifacts/bad-inputs.md has more files.\n\n"
                     "| area | input or fault | outcome | what Källa says or does |\n|---|---|---|---|\n"
                     + "".join(f"| {cell(r.area)} | {cell(r.what)} | {cell(r.happened)} | {cell(r.said)} |\n"
                               for r in rows), encoding="utf-8")
