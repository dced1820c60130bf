"""The real app in a real browser: Streamlit started as a server, Debian's headless Chromium driven by
Playwright. Ask a question, see cited sources, open the cited PDF page with the passage marked, check that
document markup stays text, and save screenshots and an accessibility (axe-core) report to
test-artifacts/browser/."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from contextlib import contextmanager
from typing import Iterator

import pytest

from helpers import SWEDISH_PAGES, free_port, make_pdf, wait_until_up
from settings import PROJECT_ROOT

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = PROJECT_ROOT / "test-artifacts" / "browser"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = [
    pytest.mark.skipif(CHROMIUM is None, reason="Debians chromium saknas (make setup installerar den som root: "
                                                "apt-get install chromium)"),
]
playwright = pytest.importorskip("playwright.sync_api", reason="playwright saknas (pip install -r requirements.txt)")

PASSWORD = "ett långt lösenord"
# Its title makes an example question the library answers (the opening offers only those).
HOSTILE = ("# Varning för gamla it-system\n\nGamla it-system i kommunerna <script>window.__hacked = 1</script> är ett problem "
           "<img src=x onerror=\"window.__hacked = 2\"> för säkerheten.\n")


@pytest.fixture
def running_app(tmp_path):
    """A small real library (a PDF and a hostile Markdown page) and the app serving it."""
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("KALLA_")},
           "KALLA_DATA_DIR": str(tmp_path / "data"), "KALLA_MODEL": "hashing", "KALLA_CHUNK_CHARS": "400"}
    docs = tmp_path / "docs"
    docs.mkdir()
    make_pdf(docs / "rapport.pdf", SWEDISH_PAGES, title="Gamla it-system i staten", author="Testmyndigheten")
    (docs / "varning.md").write_text(HOSTILE, encoding="utf-8")
    subprocess.run([sys.executable, "-m", "ingest", "add", str(docs)], env=env, cwd=PROJECT_ROOT, check=True,
                   capture_output=True)
    subprocess.run([sys.executable, "-m", "corpus", "user", "add", "anna", "--role", "librarian", "--password-stdin"],
                   env=env, cwd=PROJECT_ROOT, check=True, capture_output=True, input=f"{PASSWORD}\n".encode())
    with serving_app(env, free_port()) as url:
        yield url


@contextmanager
def serving_app(env: dict, port: int, *options: str) -> Iterator[str]:
    """The real app served by Streamlit on localhost (stopped, or killed, at the end); its address."""
    server = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                               "--server.address", "127.0.0.1", "--server.port", str(port),
                               "--browser.gatherUsageStats", "false", *options],
                              env=env, cwd=PROJECT_ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(f"{url}/_stcore/health", server)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


@pytest.fixture
def browser_page(tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with playwright.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(tmp_path / "chromium-profile"), executable_path=CHROMIUM, headless=True, args=FLAGS,
            viewport={"width": 1280, "height": 1600}, locale="sv-SE")
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.dialogs = dialogs
        try:
            yield page
        finally:
            context.close()


def script_run_finished(page) -> None:
    """Wait until the app's script run has finished and its last elements are on the page."""
    page.locator('[data-testid="stApp"][data-test-script-state="notRunning"]').wait_for(timeout=60_000)


def grid_drawn(page, grid) -> None:
    """Wait until a data grid has its rows (the accessible cells it keeps beside the canvas it draws them on)
    and the browser has painted a frame since."""
    grid.locator('[role="gridcell"]').first.wait_for(state="attached", timeout=30_000)
    page.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")


def ask(page, question: str) -> None:
    box = page.get_by_placeholder("Ställ en fråga om dokumenten …")
    box.fill(question)
    box.press("Enter")
    page.get_by_text(question).first.wait_for()
    page.wait_for_function("() => !document.querySelector('[data-testid=\"stSpinner\"]')", timeout=60_000)


def test_question_cited_sources_and_pdf_page_in_a_real_browser(running_app, browser_page):
    page = browser_page
    page.goto(running_app, wait_until="networkidle")
    page.get_by_role("heading", name="Källa").wait_for(timeout=60_000)
    page.get_by_role("heading", name="Det här finns i biblioteket").wait_for(timeout=60_000)
    page.get_by_text("Pröva att fråga").wait_for(timeout=30_000)
    page.get_by_text("Senast tillagda").wait_for(timeout=30_000)
    script_run_finished(page)
    page.screenshot(path=str(ARTIFACTS / "opening-chat.png"), full_page=True)
    assert_accessible(page, "axe-report-opening.json")

    ask(page, "Varför är föråldrade it-system dyra att underhålla?")
    page.get_by_text("Källor", exact=True).wait_for(timeout=60_000)
    answer = page.locator(".kalla-answer").first
    assert "dyra att underhålla" in answer.inner_text() and "[1]" in answer.inner_text()
    first_source = page.locator('[data-testid="stExpander"]').filter(has_text="[1]").first
    assert "Gamla it-system i staten" in first_source.inner_text()
    assert "s. 2" in first_source.inner_text()

    first_source.get_by_text("Visa sidan 2 med stycket markerat").click()
    image = first_source.locator("figure.kalla-figure img").first
    image.wait_for(timeout=60_000)
    page.wait_for_function("(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle())
    assert "PDF-sida 2" in first_source.inner_text()
    image.scroll_into_view_if_needed()
    page.screenshot(path=str(ARTIFACTS / "answer-with-pdf-page.png"), full_page=True)

    ask(page, "Vilka problem har kommunernas gamla it-system för säkerheten?")
    page.get_by_text("script").first.wait_for(timeout=60_000)
    assert page.locator(".kalla-passage script, .kalla-answer script").count() == 0
    assert page.locator(".kalla-passage img, .kalla-answer img").count() == 0
    assert "<script>" in page.locator(".kalla-passage").last.inner_text() \
        or "<script>" in page.locator(".kalla-answer").last.inner_text()
    assert page.evaluate("() => window.__hacked === undefined"), "document markup ran in the page"
    assert not page.dialogs
    page.screenshot(path=str(ARTIFACTS / "hostile-document-as-text.png"), full_page=True)

    assert_accessible(page, "axe-report.json")


def assert_accessible(page, report: str) -> None:
    """axe-core (WCAG 2.0/2.1 A and AA) finds nothing serious or critical on the page as it is now."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
    violations = results.response["violations"]
    (ARTIFACTS / report).write_text(json.dumps(violations, ensure_ascii=False, indent=1), encoding="utf-8")
    serious = [v for v in violations if v["impact"] in ("serious", "critical")]
    assert not serious, [(v["id"], v["help"], v["nodes"][0]["html"][:120]) for v in serious]



def test_librarian_logs_in_and_uploads_a_document_in_a_real_browser(running_app, browser_page, tmp_path):
    page = browser_page
    page.goto(running_app, wait_until="networkidle")
    page.get_by_role("heading", name="Källa").wait_for(timeout=60_000)
    assert page.get_by_role("link", name="Katalog").count() == 0  # a reader has no librarian pages

    sidebar = page.get_by_test_id("stSidebar")
    sidebar.get_by_text("Logga in", exact=True).first.click()
    sidebar.get_by_label("Användarnamn").fill("anna")
    sidebar.get_by_label("Lösenord").fill(PASSWORD)
    sidebar.get_by_test_id("stFormSubmitButton").get_by_role("button").click()
    sidebar.get_by_text("Inloggad som anna (bibliotekarie)").wait_for(timeout=60_000)

    page.get_by_role("link", name="Lägg till dokument").click()
    page.get_by_role("heading", name="Lägg till dokument").wait_for(timeout=60_000)
    upload = tmp_path / "remissvar.txt"
    upload.write_text("Remissvaret tillstyrker förslaget om en gemensam digital infrastruktur för staten.",
                      encoding="utf-8")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(upload))
    page.get_by_text("remissvar.txt").first.wait_for(timeout=30_000)
    page.get_by_test_id("stFormSubmitButton").get_by_role("button").click()
    page.get_by_text("1 filer: 1 tillagda").wait_for(timeout=90_000)
    page.screenshot(path=str(ARTIFACTS / "librarian-upload.png"), full_page=True)

    page.get_by_role("link", name="Katalog").click()
    page.get_by_role("heading", name="Katalog").wait_for(timeout=60_000)
    page.get_by_text("3 dokument").wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "librarian-catalogue.png"), full_page=True)

    # A near-duplicate of the report: the review queue shows the two texts side by side, differences marked.
    twin = tmp_path / "rapport-rev.txt"
    twin.write_text(" ".join(SWEDISH_PAGES).replace("varje år", "varje halvår"), encoding="utf-8")
    page.get_by_role("link", name="Lägg till dokument").click()
    page.get_by_role("heading", name="Lägg till dokument").wait_for(timeout=60_000)
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(twin))
    page.get_by_text("rapport-rev.txt").first.wait_for(timeout=30_000)
    page.get_by_test_id("stFormSubmitButton").get_by_role("button").click()
    page.get_by_text("1 filer: 1 tillagda").wait_for(timeout=90_000)
    page.get_by_role("link", name="Granskning").click()
    page.get_by_role("heading", name="Granskning").wait_for(timeout=60_000)
    page.get_by_text("Jämför texterna").click()
    page.locator(".kalla-compare ins").first.wait_for(timeout=30_000)
    assert any("halvår" in text for text in page.locator(".kalla-compare ins").all_inner_texts())
    page.screenshot(path=str(ARTIFACTS / "duplicate-comparison.png"), full_page=True)
    assert_accessible(page, "axe-report-duplicates.json")

    # The same pages in English: the interface language is switched in the sidebar.
    sidebar.get_by_text("English", exact=True).click()
    sidebar.get_by_text("Logged in as anna (librarian)").wait_for(timeout=60_000)
    page.get_by_role("link", name="Catalogue").click()
    page.get_by_role("heading", name="Catalogue").wait_for(timeout=60_000)
    page.get_by_text("4 documents").wait_for(timeout=30_000)
    page.get_by_role("tab", name="Collections").wait_for(timeout=30_000)
    grid_drawn(page, page.get_by_test_id("stDataFrame").first)
    page.screenshot(path=str(ARTIFACTS / "librarian-catalogue-english.png"), full_page=True)
    assert_accessible(page, "axe-report-catalogue-english.json")
    page.get_by_role("link", name="Review").click()
    page.get_by_role("heading", name="Review").wait_for(timeout=60_000)
    page.get_by_role("tab", name="Failed ingests").wait_for(timeout=30_000)
    page.get_by_role("link", name="Add documents").click()
    page.get_by_role("heading", name="Add documents").wait_for(timeout=60_000)
    page.get_by_text("The same ingest as the command").wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "librarian-upload-english.png"), full_page=True)


PUBLIC = "Kommunerna bygger ut sina e-tjänster för bygglov och skolval. Invånarna vill följa sina ärenden."
SECRET = ("Den interna promemorian om lönesystemet beskriver brister i behörighetsstyrningen. Lönesystemet byts "
          "ut under nästa år.")


@pytest.fixture
def oidc_app(tmp_path):
    """The app with organisation login against a real OIDC provider on localhost (oidc-provider-mock), over
    a library with one public document and one in a collection restricted to the group 'utredare'."""
    import secrets
    from urllib.parse import quote

    import httpx
    import oidc_provider_mock

    env = {**{k: v for k, v in os.environ.items() if not k.startswith("KALLA_")},
           "KALLA_DATA_DIR": str(tmp_path / "data"), "KALLA_MODEL": "hashing", "KALLA_CHUNK_CHARS": "400",
           "KALLA_MIN_CONFIDENCE": "0.01", "KALLA_USER": "root"}
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "kommun.txt").write_text(PUBLIC, encoding="utf-8")
    (docs / "intern.txt").write_text(SECRET, encoding="utf-8")
    for name in ("kommun.txt", "intern.txt"):
        subprocess.run([sys.executable, "-m", "ingest", "add", str(docs / name)], env=env, cwd=PROJECT_ROOT,
                       check=True, capture_output=True)
    for command in (["collection", "create", "Interna", "--restrict-to", "utredare"], ["collection", "add", "Interna", "2"]):
        subprocess.run([sys.executable, "-m", "corpus", *command], env=env, cwd=PROJECT_ROOT, check=True,
                       capture_output=True)
    subprocess.run([sys.executable, "-m", "corpus", "user", "add", "admin", "--role", "admin", "--password-stdin"],
                   env=env, cwd=PROJECT_ROOT, check=True, capture_output=True, input=f"{PASSWORD}\n".encode())
    with oidc_provider_mock.run_server_in_thread() as provider:
        issuer = f"http://127.0.0.1:{provider.server_port}"
        for sub, claims in (("eva@myndighet.se", {"email": "eva@myndighet.se", "groups": ["utredare"]}),
                            ("bo@myndighet.se", {"email": "bo@myndighet.se", "groups": []}),
                            ("admin", {"preferred_username": "admin", "groups": ["Admin"]})):  # the local admin's name
            assert httpx.put(f"{issuer}/users/{quote(sub)}", json=claims).status_code == 204
        port = free_port()
        (tmp_path / "secrets.toml").write_text(
            f'[auth]\nredirect_uri = "http://127.0.0.1:{port}/oauth2callback"\ncookie_secret = "{secrets.token_hex(32)}"\n'
            f'client_id = "kalla"\nclient_secret = "hemligt"\n'
            f'server_metadata_url = "{issuer}/.well-known/openid-configuration"\n', encoding="utf-8")
        with serving_app(env, port, "--secrets.files", str(tmp_path / "secrets.toml")) as url:
            yield url


def organisation_login(page, url: str, email: str) -> None:
    for attempt in range(3):  # a click that lands while the app's websocket still reconnects is lost: try again
        page.goto(url, wait_until="networkidle")
        page.get_by_role("heading", name="Källa").wait_for(timeout=60_000)  # the first script run has finished
        sidebar = page.get_by_test_id("stSidebar")
        sidebar.get_by_text("Logga in", exact=True).first.click()
        sidebar.get_by_role("button", name="Logga in med organisationskonto").click()
        try:
            page.get_by_placeholder("sub").wait_for(timeout=20_000)  # the identity provider's own login form
            break
        except playwright.TimeoutError:
            if attempt == 2:
                raise
    page.get_by_placeholder("sub").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.get_by_test_id("stSidebar").get_by_text(f"Inloggad som {email} (läsare)").wait_for(timeout=60_000)


def logged_out(page, seconds: float = 30) -> None:
    """Wait until the browser no longer holds Streamlit's login cookies (`_streamlit_user`, in chunks)."""
    import time

    deadline = time.monotonic() + seconds
    while any(cookie["name"].startswith("_streamlit_user") for cookie in page.context.cookies()):
        assert time.monotonic() < deadline, [cookie["name"] for cookie in page.context.cookies()]
        time.sleep(0.1)


def test_organisation_login_opens_a_restricted_collection_only_with_the_right_group(oidc_app, browser_page):
    page = browser_page
    organisation_login(page, oidc_app, "eva@myndighet.se")
    sidebar = page.get_by_test_id("stSidebar")
    assert sidebar.get_by_test_id("stMetricValue").first.inner_text() == "2"  # the restricted document counts
    ask(page, "Vad står det om lönesystemet och behörighetsstyrningen?")
    page.get_by_text("Källor", exact=True).wait_for(timeout=60_000)
    passages = page.locator(".kalla-passage").all_text_contents()
    assert any("promemorian" in text for text in passages), passages
    page.screenshot(path=str(ARTIFACTS / "organisation-login.png"), full_page=True)
    sidebar.get_by_role("button", name="Logga ut").click()
    try:  # where Streamlit kept the ID token it sends the browser to the provider to end its session too
        page.get_by_role("button", name="End session").click(timeout=10_000)
    except playwright.TimeoutError:
        pass
    logged_out(page)
    page.goto(oidc_app, wait_until="networkidle")
    page.get_by_test_id("stSidebar").get_by_text("Logga in", exact=True).first.wait_for(timeout=60_000)

    organisation_login(page, oidc_app, "bo@myndighet.se")
    assert page.get_by_test_id("stSidebar").get_by_test_id("stMetricValue").first.inner_text() == "1"
    ask(page, "Vad står det om lönesystemet och behörighetsstyrningen?")
    page.locator(".kalla-answer, .kalla-passage").first.wait_for(timeout=60_000)
    shown = " ".join(page.locator(".kalla-passage, .kalla-answer").all_text_contents())
    assert shown and "promemorian" not in shown and "lönesystemet byts" not in shown


def test_an_organisation_login_named_like_the_local_admin_is_only_a_reader(oidc_app, browser_page):
    """Issue 26.1: a provider user with preferred_username "admin" was shown "Inloggad som admin" with every
    admin page (and the admin's stored conversations)."""
    page = browser_page
    organisation_login(page, oidc_app, "admin")  # waits for "Inloggad som admin (läsare)"
    sidebar = page.get_by_test_id("stSidebar")
    assert sidebar.get_by_text("Användare", exact=True).count() == 0
    assert sidebar.get_by_text("Ändringslogg", exact=True).count() == 0
