"""The HTTP API through a real uvicorn on localhost, driven with httpx and with the README's curl lines:
tokens issued by `python -m corpus token add`, the answer record, a reader who must not see a restricted
document, librarian-only actions, and clear 4xx JSON (never a 500) for bad and hostile input."""
from __future__ import annotations

import os
import re
import subprocess
import sys

import httpx
import pytest

from helpers import free_port, wait_until_up
from settings import PROJECT_ROOT

PASSWORD = "ett långt lösenord"
PUBLIC = ("Kommunerna bygger ut sina e-tjänster för bygglov och skolval. Invånarna vill kunna följa sitt ärende "
          "digitalt och få besked snabbare.")
SECRET = ("Den interna promemorian om lönesystemet beskriver brister i behörighetsstyrningen. Lönesystemet byts ut "
          "under nästa år.")


def run(env, *args: str, stdin: str | None = None) -> str:
    done = subprocess.run([sys.executable, "-m", *args], env=env, cwd=PROJECT_ROOT, capture_output=True, text=True,
                          input=stdin)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    """A small library (one public, one restricted document), three users with tokens, and the API serving it."""
    tmp = tmp_path_factory.mktemp("api")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("KALLA_")}, "KALLA_DATA_DIR": str(tmp / "data"),
           "KALLA_MODEL": "hashing", "KALLA_CHUNK_CHARS": "400", "KALLA_MIN_CONFIDENCE": "0.01", "KALLA_USER": "root"}
    docs = tmp / "docs"
    docs.mkdir()
    (docs / "kommun.txt").write_text(PUBLIC, encoding="utf-8")
    (docs / "intern.txt").write_text(SECRET, encoding="utf-8")
    run(env, "ingest", "add", str(docs / "kommun.txt"))  # document 1
    run(env, "ingest", "add", str(docs / "intern.txt"))  # document 2, put in the restricted collection
    run(env, "corpus", "user", "add", "root", "--role", "admin", "--password-stdin", stdin=PASSWORD)
    for name, role, groups in (("anna", "librarian", ()), ("bo", "reader", ()), ("eva", "reader", ("utredare",))):
        run(env, "corpus", "user", "add", name, "--role", role, *[f"--group={g}" for g in groups], "--password-stdin",
            stdin=PASSWORD)
    run(env, "corpus", "collection", "create", "Interna", "--restrict-to", "utredare")
    run(env, "corpus", "collection", "add", "Interna", "2")
    tokens = {name: run(env, "corpus", "token", "add", name) for name in ("anna", "bo", "eva")}
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "api"], env={**env, "KALLA_API_PORT": str(port)}, cwd=PROJECT_ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/health", server)
        yield url, tokens, env, tmp
    finally:
        server.terminate()
        server.wait(timeout=20)


def client(api, who: str | None) -> httpx.Client:
    url, tokens, _, _ = api
    headers = {"Authorization": f"Bearer {tokens[who]}"} if who else {}
    return httpx.Client(base_url=url, headers=headers, timeout=120)


def test_the_answer_record_cites_its_source_down_to_the_passage(api):
    response = client(api, "bo").post("/ask", json={"question": "Vilka e-tjänster bygger kommunerna ut?"})
    assert response.status_code == 200, response.text
    answer = response.json()
    assert not answer["abstained"], answer
    assert answer["sentences"] and all(s["source"] >= 1 for s in answer["sentences"])
    cited = [s for s in answer["sources"] if s["cited"]]
    assert cited and cited[0]["document"]["file_name"] == "kommun.txt"
    assert cited[0]["passage"] in PUBLIC and cited[0]["citation"].startswith("kommun")
    assert 0 <= answer["confidence"] <= 1
    follow_up = client(api, "bo").post("/ask", json={"question": "Och skolval?", "history": [answer["question"]]})
    assert follow_up.status_code == 200 and follow_up.json()["searched_as"]


def test_a_reader_never_sees_a_restricted_document(api):
    for who in ("bo", "eva"):
        found = client(api, who).get("/search", params={"q": "lönesystemet behörighetsstyrningen", "k": 5}).json()
        names = {hit["document"]["file_name"] for hit in found["hits"]}
        assert ("intern.txt" in names) == (who == "eva"), (who, names)
        status = client(api, who).get("/documents/2").status_code
        assert status == (200 if who == "eva" else 404)
        assert client(api, who).get("/documents/2/file").status_code == (200 if who == "eva" else 404)
    answer = client(api, "bo").post("/ask", json={"question": "Vad står det om lönesystemet?"}).json()
    assert not any(s["document"]["file_name"] == "intern.txt" for s in answer["sources"])


def test_without_a_valid_token_nothing_is_answered(api):
    assert client(api, None).post("/ask", json={"question": "Vad gör kommunerna?"}).status_code == 401
    url, tokens, _, _ = api
    for header in ("Bearer kalla_1_fel" + "x" * 30, "Basic " + tokens["bo"], "Bearer", "kalla"):
        response = httpx.get(f"{url}/search", params={"q": "bygglov"}, headers={"Authorization": header})
        assert response.status_code == 401 and "detail" in response.json()


def test_errors_come_in_the_language_the_client_asks_for(api):
    url, _, _, _ = api
    swedish = httpx.get(f"{url}/search", params={"q": "bygglov"})
    english = httpx.get(f"{url}/search", params={"q": "bygglov"}, headers={"Accept-Language": "en-GB,en;q=0.9,sv;q=0.5"})
    assert swedish.status_code == english.status_code == 401 and english.headers["www-authenticate"] == "Bearer"
    assert swedish.json()["detail"].startswith("Ange en API-nyckel") and english.json()["detail"].startswith("Give an API key")
    refused = client(api, "bo").post("/documents/1/withdraw", json={"reason": "x"}, headers={"Accept-Language": "en"})
    assert refused.status_code == 403 and "this needs librarian" in refused.json()["detail"], refused.text
    missing = client(api, "bo").get("/documents/424242", headers={"Accept-Language": "en"})
    assert missing.json()["detail"] == "Document #424242 does not exist"


def test_uploads_and_curation_need_a_librarian(api, tmp_path):
    reader, librarian = client(api, "bo"), client(api, "anna")
    files = {"files": ("remiss.txt", "Remissvaret tillstyrker förslaget om gemensam digital infrastruktur.".encode())}
    assert reader.post("/documents", files=files).status_code == 403
    added = librarian.post("/documents", files=files, data={"series": "remissvar"}).json()
    assert added["outcomes"][0]["outcome"] == "added", added
    document_id = added["outcomes"][0]["document_id"]
    assert reader.post(f"/documents/{document_id}/withdraw", json={"reason": "x"}).status_code == 403
    assert librarian.post(f"/documents/{document_id}/withdraw", json={"reason": "test"}).json()["status"] == "withdrawn"
    assert reader.get(f"/documents/{document_id}").status_code == 404  # withdrawn: not for readers
    assert librarian.post(f"/documents/{document_id}/restore").json()["status"] == "active"
    changed = {"files": ("remiss.txt", "Remissvaret avstyrker förslaget om gemensam digital infrastruktur.".encode())}
    again = librarian.post("/documents", files=changed).json()["outcomes"][0]
    assert (again["outcome"], again["document_id"], again["file"]) == ("updated", document_id, "remiss.txt")


@pytest.mark.parametrize("call", [
    ("post", "/ask", {"json": {"question": "x" * 20_001}}),
    ("post", "/ask", {"json": {"question": "a" * 2500}}),
    ("post", "/ask", {"json": {"question": "\x00\ud7ff<script>alert(1)</script>"}}),
    ("post", "/ask", {"json": {"question": "?", "filters": {"published_from": "2020-13-45x"}}}),
    ("post", "/ask", {"json": {"question": 12}}),
    ("post", "/ask", {"content": b"\xff\xfe not json", "headers": {"Content-Type": "application/json"}}),
    ("get", "/search", {"params": {"q": ""}}),
    ("get", "/search", {"params": {"q": "bygglov", "k": 10**6}}),
    ("get", "/documents/99999999999999999999", {}),
    ("get", "/documents/0", {}),
    ("get", "/documents/-1/file", {}),
    ("get", "/documents/424242", {}),
    ("post", "/documents/424242/withdraw", {"json": {}}),
    ("post", "/documents/1/approve", {}),
])
def test_bad_and_hostile_input_gets_a_clear_4xx_json_answer(api, call):
    method, path, options = call
    response = getattr(client(api, "anna"), method)(path, **options)
    assert response.status_code < 500, (path, response.status_code, response.text[:300])
    body = response.json()
    assert response.status_code == 200 and "question" in body or 400 <= response.status_code < 500 and "detail" in body


def test_the_openapi_page_lists_the_endpoints(api):
    url = api[0]
    assert httpx.get(f"{url}/docs").status_code == 200
    paths = httpx.get(f"{url}/openapi.json").json()["paths"]
    assert {"/ask", "/search", "/documents", "/documents/{document_id}", "/documents/{document_id}/file"} <= set(paths)


def test_the_readme_session_runs(api, tmp_path):
    """The curl lines in the README's API section, run as written against the server (with a librarian's
    token, as the README's export line issues one)."""
    url, tokens, env, _ = api
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- api-session")[1].split("```bash\n")[1].split("```")[0]
    commands = [c for c in re.split(r"\n(?=\S)", block.replace("\\\n", " ")) if c.startswith("curl ")]
    assert len(commands) >= 6
    (tmp_path / "remissvar.txt").write_text("Remissvaret stöder förslaget om gemensamma digitala tjänster.",
                                           encoding="utf-8")
    for command in commands:
        done = subprocess.run(["bash", "-c", command], cwd=tmp_path, capture_output=True, text=True,
                              env={**env, "KALLA_API": url, "KALLA_TOKEN": tokens["anna"]})
        assert done.returncode == 0, (command, done.stdout[-500:], done.stderr[-500:])
    assert (tmp_path / "original").read_text(encoding="utf-8") == PUBLIC
