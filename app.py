"""Källa's chat in the browser: ask in Swedish (or English), get an answer whose every sentence is cited."""
from __future__ import annotations

import uuid

import streamlit as st

from answer.assistant import Assistant
from answer.citation import citation_line
from answer.compose import Answer
from answer.highlight import escape_label, escape_text, highlight
from corpus.catalogue import Catalogue, Facets
from corpus.filters import SearchFilters
from corpus.library import Library
from corpus.pages import render_pdf_page
from embedding.loader import ModelNotPrepared
from index.manifest import IndexMismatch
from index.search import Hit
from settings import Settings

st.set_page_config(page_title="Källa", page_icon="📚", layout="centered")


@st.cache_resource(show_spinner="Läser in språkmodellen …")
def get_assistant(settings: Settings) -> Assistant:
    """One assistant (and so one model and one loaded index) per process, shared by all sessions."""
    assistant = Assistant(settings)
    assistant.searcher.embedder  # load the model now, not on the first question
    return assistant


def library_overview(settings: Settings) -> tuple[dict[str, int], Facets]:
    catalogue = Catalogue(settings.catalogue_path)
    try:
        return catalogue.counts(), catalogue.facets()
    finally:
        catalogue.close()


LANGUAGE_NAMES = {"sv": "svenska", "en": "engelska", "no": "norska", "da": "danska", "fi": "finska",
                  "de": "tyska", "fr": "franska"}


def filter_panel(facets: Facets) -> SearchFilters:
    """Sidebar controls that limit which documents answers may come from."""
    with st.expander("Avgränsa sökningen", icon="🔎"):
        languages = st.multiselect("Språk", facets.languages,
                                   format_func=lambda code: LANGUAGE_NAMES.get(code, code), key="filter_languages")
        series = st.multiselect("Dokumenttyp/serie", facets.series, key="filter_series")
        tags = st.multiselect("Taggar och samlingar", facets.tags, key="filter_tags")
        published_from = published_to = None
        if len(facets.years) > 1:
            first, last = st.select_slider("Utgivningsår", options=facets.years,
                                           value=(facets.years[0], facets.years[-1]), key="filter_years")
            if (first, last) != (facets.years[0], facets.years[-1]):
                published_from, published_to = str(first), str(last)
    return SearchFilters(tuple(languages), tuple(series), tuple(tags), published_from, published_to)


def render_answer(answer: Answer, message_key: str, settings: Settings) -> None:
    if answer.notice:
        (st.warning if answer.hits else st.info)(answer.notice)
    if answer.sentences:
        body = " ".join(f"{escape_text(s.text)} **[{s.source}]**" for s in answer.sentences)
        st.markdown(body, unsafe_allow_html=True)
    if answer.hits:
        heading = "Källor" if answer.sentences else "Möjligen relaterade passager"
        st.markdown(f"##### {heading}")
        for hit in answer.hits:
            render_source(hit, answer, message_key, settings)


def render_source(hit: Hit, answer: Answer, message_key: str, settings: Settings) -> None:
    cited = hit.rank in answer.cited
    label = f"\\[{hit.rank}\\] {escape_label(citation_line(hit.document, hit.passage))}"
    with st.expander(label + ("" if cited else " (ej citerad)"), expanded=cited):
        passage_html = highlight(hit.passage.text, answer.question)
        st.markdown(f'<div class="kalla-passage">{passage_html}</div>', unsafe_allow_html=True)
        meta = hit.document.metadata
        details = [] if hit.similarity is None else [f"Likhet {hit.similarity:.2f}"]
        if meta.series:
            details.append(f"Typ: {meta.series}")
        if meta.source_url:
            details.append(f"Webbkälla: {meta.source_url}")
        st.caption(escape_text(" · ".join(details)), unsafe_allow_html=True)
        render_open_document(hit, f"{message_key}-{hit.rank}", settings)


def render_open_document(hit: Hit, key: str, settings: Settings) -> None:
    path = Library(settings.library_dir).path(hit.document.stored_path)
    if not path.is_file():
        st.error("Originalfilen saknas i biblioteket. Kör en integritetskontroll.")
        return
    left, right = st.columns(2)
    left.download_button("Öppna dokumentet", data=path.read_bytes(), file_name=hit.document.file_name,
                         mime=hit.document.media_type, key=f"open-{key}", on_click="ignore")
    page = hit.passage.page_number
    if page is not None and right.toggle(f"Visa sidan {hit.passage.page_label or page}", key=f"page-{key}"):
        try:
            st.image(render_pdf_page(path, page), caption=f"{escape_label(hit.document.file_name)}, PDF-sida {page}")
        except Exception as exc:  # a page that cannot be drawn must not break the chat
            st.error(f"Sidan kunde inte visas: {exc}")


def main() -> None:
    settings = Settings.from_env()
    st.title("Källa")
    st.caption("Frågor till forskningstexter och offentliga utredningar – varje påstående med källa, ned till sidan.")

    counts, facets = library_overview(settings)
    with st.sidebar:
        st.header("Biblioteket")
        st.metric("Dokument", counts["documents"])
        st.metric("Passager", counts["passages"])
        filters = filter_panel(facets)
        if st.button("Ny konversation", icon="🗑️"):
            st.session_state.messages = []

    if counts["documents"] == 0:
        st.info("Biblioteket är tomt. Lägg till dokument från kommandoraden, till exempel:\n\n"
                "`python -m ingest add mina_dokument/`\n\nStöds: PDF, text, Markdown, HTML och Word.")

    try:
        assistant = get_assistant(settings)
    except (ModelNotPrepared, IndexMismatch) as exc:
        st.error(str(exc))
        st.stop()

    messages = st.session_state.setdefault("messages", [])
    for message in messages:
        with st.chat_message(message["role"]):
            if message["role"] == "user":
                st.markdown(escape_text(message["content"]), unsafe_allow_html=True)
            else:
                render_answer(message["answer"], message["key"], settings)

    question = st.chat_input("Ställ en fråga om dokumenten …")
    if question:
        messages.append({"role": "user", "content": question})
        with st.chat_message("user"):
            st.markdown(escape_text(question), unsafe_allow_html=True)
        with st.chat_message("assistant"):
            with st.spinner("Söker i biblioteket …"):
                try:
                    answer = assistant.ask(question, filters=filters)
                except IndexMismatch as exc:
                    st.error(str(exc))
                    st.stop()
            key = uuid.uuid4().hex[:8]
            messages.append({"role": "assistant", "answer": answer, "key": key})
            render_answer(answer, key, settings)


main()
