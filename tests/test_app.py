"""The real Streamlit app driven by AppTest, over a small real library (hashing embedder)."""

from streamlit.testing.v1 import AppTest

from app_session import start as run_app
from helpers import SWEDISH_PAGES, make_pdf
from ingest.pipeline import Ingester
from settings import Settings


def ask(app: AppTest, question: str) -> AppTest:
    app.chat_input[0].set_value(question).run()
    assert not app.exception, [e.value for e in app.exception]
    return app


def all_markdown(app: AppTest) -> str:
    return "\n".join(m.value for m in app.markdown)


def test_empty_library_shows_how_to_add_documents(hashing_env):
    app = run_app()
    assert "python -m ingest add" in app.info[0].value
    assert app.title[0].value == "Källa"


def test_question_gets_a_cited_answer_with_page(hashing_env, tmp_path):
    make_pdf(tmp_path / "rapport.pdf", SWEDISH_PAGES, labels=[(0, "/r", 1), (1, "/D", 1)])
    Ingester(Settings.from_env()).add([tmp_path / "rapport.pdf"])
    app = ask(run_app(), "Varför är föråldrade it-system dyra att underhålla?")
    text = all_markdown(app)
    assert "[1]" in text and "dyra att underhålla" in text
    labels = [e.label.replace("\\", "") for e in app.expander]
    assert any("s. 1 (PDF-sida 2)" in label for label in labels), labels
    assert app.get("download_button"), "each source can be opened"


def test_document_markup_is_shown_as_text_never_rendered(hashing_env, tmp_path):
    hostile = tmp_path / "elak.md"
    hostile.write_text("# Elak sida\n\nGamla system <script>alert('x')</script> och "
                       "<img src=x onerror=alert(1)> i staten [klicka](javascript:alert(1)).\n",
                       encoding="utf-8")
    Ingester(Settings.from_env()).add([hostile])
    app = ask(run_app(), "gamla system i staten")
    text = all_markdown(app)
    assert "<script" not in text and "<img" not in text and "](javascript" not in text
    assert "&#60;script&#62;" in text  # shown, escaped


def test_new_conversation_clears_history(hashing_env, tmp_path):
    (tmp_path / "a.txt").write_text("Kommunerna digitaliserar sina tjänster snabbt.", encoding="utf-8")
    Ingester(Settings.from_env()).add([tmp_path / "a.txt"])
    app = ask(run_app(), "digitaliserar kommunerna?")
    assert len(app.chat_message) == 2
    app.button(key="new_conversation").click().run()
    assert len(app.chat_message) == 0


def test_sidebar_filter_limits_the_sources(hashing_env, tmp_path):
    (tmp_path / "svensk.txt").write_text("Föråldrade it-system hos myndigheterna är dyra att förvalta.",
                                         encoding="utf-8")
    (tmp_path / "english.txt").write_text("Legacy IT systems in government agencies are costly to maintain.",
                                          encoding="utf-8")
    Ingester(Settings.from_env()).add([tmp_path])
    app = run_app()
    languages = app.sidebar.multiselect(key="filter_languages")
    assert set(languages.options) == {"svenska", "engelska"}
    languages.set_value(["en"]).run()
    app = ask(app, "Varför är gamla it-system dyra?")
    sources = [e.label for e in app.expander if e.label.startswith("\\[")]
    assert sources and all("english" in label for label in sources), sources


def chat_library(tmp_path) -> None:
    (tmp_path / "legacy.txt").write_text(
        "Många statliga myndigheter har föråldrade it-system. De gamla systemen försvårar digitaliseringen. "
        "Underhållet av de föråldrade it-systemen kostar staten över en miljard kronor per år. "
        "Kostnaderna för att förvalta de gamla systemen ökar varje år.", encoding="utf-8")
    (tmp_path / "roads.txt").write_text(
        "Kommunernas vägnät behöver underhållas. Kostnaderna för vägunderhåll har ökat kraftigt de senaste åren.",
        encoding="utf-8")
    make_pdf(tmp_path / "rapport.pdf", SWEDISH_PAGES)
    Ingester(Settings.from_env()).add([tmp_path / "legacy.txt", tmp_path / "roads.txt", tmp_path / "rapport.pdf"])


def test_follow_up_uses_the_first_question(hashing_env, tmp_path):
    chat_library(tmp_path)
    app = ask(run_app(), "Varför försvårar föråldrade it-system digitaliseringen i staten?")
    app = ask(app, "Vad säger de om kostnaderna?")
    assert len(app.chat_message) == 4
    last = app.chat_message[3]
    captions = " ".join(c.value for c in last.caption)
    assert "Tolkad som följdfråga" in captions and "it" in captions
    answer = " ".join(m.value for m in last.markdown)
    assert "miljard kronor" in answer


def test_english_interface(hashing_env, tmp_path):
    chat_library(tmp_path)
    app = run_app()
    app.sidebar.radio(key="ui_language").set_value("en").run()
    assert app.sidebar.header[0].value == "The library"
    app = ask(app, "How much does maintaining the old IT systems cost?")
    assert any(e.label.startswith("\\[1\\]") for e in app.expander)
    assert "Export (Markdown)" in [b.label for b in app.get("download_button")]


def test_feedback_is_stored(hashing_env, tmp_path):
    from answer.feedback import all_feedback

    chat_library(tmp_path)
    app = ask(run_app(), "Vad kostar underhållet av de föråldrade it-systemen?")
    useful = [b for b in app.button if b.label == "Användbart"]
    useful[0].click().run()
    assert not app.exception
    [stored] = all_feedback(Settings.from_env().catalogue_path)
    assert stored.useful and stored.question.startswith("Vad kostar") and stored.cited_passage_ids
    assert any("Tack" in c.value for c in app.caption)


def test_cited_pdf_page_opens_with_the_passage_marked(hashing_env, tmp_path):
    chat_library(tmp_path)
    app = ask(run_app(), "Varför är föråldrade it-system dyra att underhålla och vad försvårar de?")
    toggles = [t for t in app.toggle if t.label.startswith("Visa sidan")]
    assert toggles, [t.label for t in app.toggle]
    toggles[0].set_value(True).run()
    assert not app.exception
    figures = [m.value for m in app.markdown if "kalla-figure" in m.value]
    assert figures and "data:image/png;base64," in figures[0] and 'alt="' in figures[0]


def test_text_source_shows_the_passage_in_context_as_text(hashing_env, tmp_path):
    (tmp_path / "elak.md").write_text(
        "# Elak\n\n" + "Inledning om kommunernas arbete. " * 20 +
        "\n\nGamla it-system <script>alert(1)</script> kostar mycket <img src=x onerror=alert(2)>.\n\n" +
        "Avslutning om framtiden. " * 20, encoding="utf-8")
    Ingester(Settings.from_env()).add([tmp_path / "elak.md"])
    app = ask(run_app(), "Vad kostar gamla it-system?")
    [toggle] = [t for t in app.toggle if t.label == "Visa i källan"][:1]
    toggle.set_value(True).run()
    context = [m.value for m in app.markdown if "kalla-context" in m.value]
    assert context and "kalla-cited" in context[0]
    assert "<script" not in context[0] and "<img" not in context[0] and "&#60;script&#62;" in context[0]


def test_the_chat_opens_on_what_the_library_holds_and_an_example_question_asks_itself(hashing_env, tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text("# Gamla it-system i staten\n\nMånga myndigheter har föråldrade system som är "
                                 "dyra att förvalta.\n", encoding="utf-8")
    (folder / "b.md").write_text("# Kommunernas e-tjänster\n\nKommunerna bygger ut e-tjänster för bygglov.\n",
                                 encoding="utf-8")
    Ingester(Settings.from_env()).add([folder])
    app = run_app()
    assert "Det här finns i biblioteket" in [h.value for h in app.subheader]
    assert "2 publicerade dokument" in all_markdown(app) and "Senast tillagda" in all_markdown(app)
    assert "<li>Kommunernas e&#45;tjänster</li>" in all_markdown(app)  # escaped as all document text is
    examples = [b for b in app.button if b.key and b.key.startswith("example-")]
    assert [b.label for b in examples] == ["Vad står det i ”Kommunernas e-tjänster”?",
                                           "Vad står det i ”Gamla it-system i staten”?"]
    examples[0].click()
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert [m.name for m in app.chat_message][:2] == ["user", "assistant"]  # it was asked
    assert "Det här finns i biblioteket" not in [h.value for h in app.subheader]  # the opening gives way
