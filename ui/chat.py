"""The chat page: ask in Swedish (or English), get an answer whose every sentence is cited."""
from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import replace

import streamlit as st

from answer.assistant import Assistant
from answer.conversation import turns_for
from answer.examples import TRIES, answered_examples
from answer.export import to_markdown, to_pdf
from answer.feedback import record_feedback
from answer.highlight import escape_label, escape_text, highlight
from answer.records import answer_from_record, answer_record
from answer.result import Answer, AnswerSentence, abstaining
from corpus.access import ANONYMOUS, Viewer
from corpus.catalogue import Catalogue, Facets
from corpus.citation import citation_line, provenance
from corpus.filters import SearchFilters
from corpus.records import Document
from embedding.loader import ModelNotPrepared
from index.manifest import IndexMismatch
from index.search import Hit
from index.store import DamagedIndex
from settings import DEFAULT_MODEL, Settings
from text.messages import message
from ui.sample import empty_library, sample_notice
from ui.session import current_viewer, interface_language
from ui.strings import t
from ui.viewer import show_source


@st.cache_resource(show_spinner=False)
def get_assistant(settings: Settings) -> Assistant:
    """One assistant (and so one model and one loaded index) per process, shared by all sessions."""
    assistant = Assistant(settings)
    _ = assistant.searcher.embedder  # load the model now, not on the first question (and no Streamlit "magic")
    return assistant


def library_overview(settings: Settings, viewer: Viewer) -> tuple[dict[str, int], Facets]:
    """Counts and filter values of what this viewer may see (restricted collections left out)."""
    with Catalogue(settings.catalogue_path) as catalogue:
        return catalogue.counts(viewer), catalogue.facets(viewer)


LANGUAGE_NAMES = {"sv": {"sv": "svenska", "en": "engelska", "no": "norska", "da": "danska", "fi": "finska",
                         "de": "tyska", "fr": "franska"},
                  "en": {"sv": "Swedish", "en": "English", "no": "Norwegian", "da": "Danish", "fi": "Finnish",
                         "de": "German", "fr": "French"}}


def filter_panel(facets: Facets, ui: str, viewer: Viewer) -> SearchFilters:
    """Sidebar controls that limit which documents answers may come from."""
    with st.expander(t("filters", ui), icon=":material/filter_alt:"):
        names = LANGUAGE_NAMES[ui]
        languages = st.multiselect(t("filter_language", ui), facets.languages,
                                   format_func=lambda code: names.get(code, code), key="filter_languages")
        series = st.multiselect(t("filter_series", ui), facets.series, key="filter_series")
        tags = st.multiselect(t("filter_tags", ui), facets.tags, key="filter_tags")
        published_from = published_to = None
        if len(facets.years) > 1:
            first, last = st.select_slider(t("filter_years", ui), options=facets.years,
                                           value=(facets.years[0], facets.years[-1]), key="filter_years")
            if (first, last) != (facets.years[0], facets.years[-1]):
                published_from, published_to = str(first), str(last)
    return SearchFilters(tuple(languages), tuple(series), tuple(tags), published_from, published_to, viewer=viewer)


def render_answer(answer: Answer, message_key: str, settings: Settings, ui: str) -> None:
    if answer.search_query:
        st.caption(escape_text(message("follow_up", ui, query=answer.search_query)), unsafe_allow_html=True)
    if answer.notice:
        (st.warning if answer.hits else st.info)(escape_label(answer.notice_text))
    if answer.short_answer:
        st.markdown(f'<p class="kalla-short-answer"><strong>{t("short_answer", ui)}:</strong> '
                    f'<mark>{escape_text(answer.short_answer)}</mark> '
                    f'<span class="kalla-sentence-source">[{answer.short_answer_source}]</span></p>',
                    unsafe_allow_html=True)
    if answer.sentences:
        body = " ".join(f"{marked_sentence(s)} <span class=\"kalla-sentence-source\">[{s.source}]</span>"
                        for s in answer.sentences)
        st.markdown(f'<p class="kalla-answer">{body}</p>', unsafe_allow_html=True)
        for note in answer.note_texts:
            st.info(escape_label(note), icon=":material/balance:")
        provenance = t("extractive", ui) if answer.written_by == "extractive" else \
            t("written_by", ui, name=escape_label(answer.written_by))
        confidence = "" if answer.confidence is None else " · " + t("confidence", ui, value=answer.confidence)
        st.caption(provenance + confidence)
        how = t("read_by_reader", ui) if answer.read_by == "reader" else \
            t("reader_off", ui) if settings.model != DEFAULT_MODEL else None
        if how:
            st.caption(how)
    if answer.hits:
        st.markdown(f"##### {t('sources', ui) if answer.sentences else t('related', ui)}")
        for hit in answer.hits:
            render_source(hit, answer, message_key, settings, ui)
    if answer.hits or answer.sentences:
        answer_actions(answer, message_key, settings, ui)


def marked_sentence(sentence: AnswerSentence) -> str:
    """The quoted sentence, escaped, with the reader's answer span in <mark>."""
    if not sentence.span:
        return escape_text(sentence.text)
    start, end = sentence.span
    text = sentence.text
    return f"{escape_text(text[:start])}<mark>{escape_text(text[start:end])}</mark>{escape_text(text[end:])}"


def render_source(hit: Hit, answer: Answer, message_key: str, settings: Settings, ui: str) -> None:
    cited = hit.rank in answer.cited
    closest = answer.unconfirmed is not None and answer.unconfirmed.source == hit.rank
    label = f"\\[{hit.rank}\\] {escape_label(citation_line(hit.document, hit.passage, ui))}"
    with st.expander(label + ("" if cited else f" ({t('not_cited', ui)})"), expanded=cited or closest):
        if closest:
            st.markdown(f'<p class="kalla-unconfirmed"><strong>{t("unconfirmed", ui)}:</strong> '
                        f'{marked_sentence(answer.unconfirmed)}</p>', unsafe_allow_html=True)
        st.markdown(f'<div class="kalla-passage">{highlight(hit.passage.text, answer.question)}</div>',
                    unsafe_allow_html=True)
        meta = hit.document.metadata
        details = [] if hit.similarity is None else [f"{t('similarity', ui)} {hit.similarity:.2f}"]
        details += provenance(hit.document, ui)
        if meta.source_url:
            details.append(f"{t('web_source', ui)}: {meta.source_url}")
        st.caption(escape_text(" · ".join(details)), unsafe_allow_html=True)
        show_source(hit, answer.question, f"{message_key}-{hit.rank}", settings, ui)


def answer_actions(answer: Answer, key: str, settings: Settings, ui: str) -> None:
    """Export for a memo, and the official's verdict stored for later evaluation."""
    stem = f"kalla-svar-{key}"
    export_md, export_pdf, useful, not_useful = st.columns([1.2, 1.1, 1, 1.1])
    export_md.download_button(t("export_markdown", ui), data=lambda: to_markdown(answer), file_name=f"{stem}.md",
                              mime="text/markdown", key=f"md-{key}", on_click="ignore", icon=":material/description:")
    export_pdf.download_button(t("export_pdf", ui), data=lambda: to_pdf(answer), file_name=f"{stem}.pdf",
                               mime="application/pdf", key=f"pdf-{key}", on_click="ignore", icon=":material/picture_as_pdf:")
    if current_viewer() is not ANONYMOUS:
        share_button(answer, key, settings, ui)
    given = st.session_state.setdefault("feedback", {})
    if key in given:
        st.caption(t("feedback_thanks", ui))
        return
    for column, is_useful, label, icon in ((useful, True, t("useful", ui), ":material/thumb_up:"),
                                           (not_useful, False, t("not_useful", ui), ":material/thumb_down:")):
        if column.button(label, key=f"feedback-{key}-{int(is_useful)}", icon=icon, help=t("feedback_question", ui)):
            record_feedback(settings.catalogue_path, answer, is_useful, session=session_id(), user=current_viewer().name)
            given[key] = is_useful
            st.rerun()


def share_button(answer: Answer, key: str, settings: Settings, ui: str) -> None:
    """A link to this answer for a colleague, who sees it only if they may see its sources."""
    shared = st.session_state.setdefault("shared", {})
    if key not in shared and st.button(t("share_answer", ui), key=f"share-{key}", icon=":material/link:"):
        with Catalogue(settings.catalogue_path) as catalogue:
            shared[key] = catalogue.conversations.share_answer(current_viewer().name, answer_record(answer))
    if key in shared:
        st.caption(t("share_link", ui))
        st.code(f"?svar={shared[key]}", language=None)


def shared_view(settings: Settings, viewer: Viewer, ui: str) -> bool:
    """An answer opened from a shared link (?svar=…): shown when this reader may see all its sources."""
    token = st.query_params.get("svar")
    if not token:
        return False
    with Catalogue(settings.catalogue_path) as catalogue:
        record = catalogue.conversations.shared_answer(token)
        answer = answer_from_record(record, catalogue, viewer) if record else None
    st.subheader(t("shared_heading", ui))
    if answer is None:
        st.warning(t("shared_unavailable", ui))
    else:
        with st.chat_message("user"):
            st.markdown(escape_text(answer.question), unsafe_allow_html=True)
        with st.chat_message("assistant"):
            render_answer(answer, f"shared-{token[:8]}", settings, ui)
    st.divider()
    return True


def conversation_list(settings: Settings, viewer: Viewer, ui: str) -> None:
    """A logged-in user's stored conversations in the sidebar: open one to go on with it, or delete it."""
    with Catalogue(settings.catalogue_path) as catalogue:
        stored = catalogue.conversations.of(viewer.name)
    if not stored:
        return
    st.subheader(t("your_conversations", ui))
    for item in stored:
        open_column, delete_column = st.columns([5, 1])
        if open_column.button(item.title, key=f"conversation-{item.id}", width="stretch"):
            open_conversation(settings, viewer, item.id)
        if delete_column.button("", key=f"delete-conversation-{item.id}", icon=":material/delete:",
                                help=t("delete_conversation", ui)):
            with Catalogue(settings.catalogue_path) as catalogue:
                catalogue.conversations.delete(item.id, viewer.name)
            if st.session_state.get("conversation_id") == item.id:
                st.session_state.messages, st.session_state.conversation_id = [], None
            st.rerun()


def open_conversation(settings: Settings, viewer: Viewer, conversation_id: int) -> None:
    """Put a stored conversation back in the chat, each answer's sources read anew from the catalogue."""
    messages = []
    with Catalogue(settings.catalogue_path) as catalogue:
        stored = catalogue.conversations.turns(conversation_id, viewer.name)
        for (question, record), turn in zip(stored, turns_for([question for question, _ in stored])):
            answer = answer_from_record(record, catalogue, viewer)
            if answer is None:  # a source since withdrawn or closed to this user: the question alone
                answer = abstaining(question, [], "source_gone", record.get("language", "sv"))
            messages += [{"role": "user", "content": question},
                         {"role": "assistant", "answer": replace(answer, turn=turn), "key": uuid.uuid4().hex[:8]}]
    st.session_state.messages, st.session_state.conversation_id = messages, conversation_id
    st.rerun()


def remember(settings: Settings, viewer: Viewer, question: str, answer: Answer) -> None:
    """Store a logged-in user's turn in their conversation (anonymous readers' chats are not kept)."""
    if viewer is ANONYMOUS:
        return
    with Catalogue(settings.catalogue_path) as catalogue:
        st.session_state.conversation_id = catalogue.conversations.save_turn(
            viewer.name, st.session_state.get("conversation_id"), question, answer_record(answer))


def session_id() -> str:
    return st.session_state.setdefault("session_id", uuid.uuid4().hex)


OPENING_SERIES = 6
NEWEST = 3


def library_holdings(settings: Settings, viewer: Viewer) -> tuple[Counter, Counter, list[Document]]:
    """What the library holds for this viewer: published documents by series and by year, newest first."""
    with Catalogue(settings.catalogue_path) as catalogue:
        documents = catalogue.find_documents(status="active", viewer=viewer)
    series = Counter(d.metadata.series or "" for d in documents)
    years = Counter(d.metadata.year for d in documents if d.metadata.year)
    return series, years, sorted(documents, key=lambda d: (d.added_at, d.id), reverse=True)


def example_questions(documents: list[Document], ui: str) -> list[str]:
    """Candidate questions made from the library itself: one per newest document, from its title."""
    titles = [d.metadata.title for d in documents if d.metadata.title and 8 <= len(d.metadata.title) <= 120]
    return [t("example_question", ui, title=title.rstrip(".?! ")) for title in titles[:TRIES]]


@st.cache_data(max_entries=64, show_spinner=False)
def offered_examples(_assistant: Assistant, candidates: tuple[str, ...], filters: SearchFilters,
                     index_version: str | None) -> list[str]:
    """The candidates the library answers for these filters (asked once per index version)."""
    return answered_examples(_assistant, candidates, filters)


def opening(settings: Settings, viewer: Viewer, ui: str, assistant: Assistant, filters: SearchFilters) -> None:
    """Before the first question: what the library holds, the newest additions, and example questions
    that the library answers (clicking one asks it)."""
    series, years, newest = library_holdings(settings, viewer)
    if not newest:
        return
    sample_notice(settings, viewer, ui, len(newest))
    st.subheader(t("opening_heading", ui))
    listed = " · ".join(f"{escape_label(name or t('opening_no_series', ui))} {count}"
                        for name, count in series.most_common(OPENING_SERIES))
    if years:
        span = str(min(years)) if min(years) == max(years) else f"{min(years)}–{max(years)}"
        st.markdown(t("opening_holdings", ui, count=len(newest), series=listed, years=span))
    else:
        st.markdown(t("opening_holdings_undated", ui, count=len(newest), series=listed))
    lines = []
    for document in newest[:NEWEST]:
        meta = document.metadata
        who = ", ".join(x for x in (meta.authority, meta.year) if x)
        lines.append(f"<li>{escape_text(meta.title or document.file_name)}" + (f" · {escape_text(who)}" if who else "")
                     + "</li>")
    st.markdown(f"<p><strong>{escape_text(t('opening_newest', ui))}</strong></p><ul>{''.join(lines)}</ul>",
                unsafe_allow_html=True)
    try:
        published = assistant.searcher.published()
        with st.spinner(t("finding_examples", ui)):
            questions = offered_examples(assistant, tuple(example_questions(newest, ui)), filters,
                                         published.version if published else None)
    except (IndexMismatch, DamagedIndex):  # said when a question is asked; no examples meanwhile
        questions = []
    if questions:
        st.markdown(f"**{t('opening_examples', ui)}**")
        for number, question in enumerate(questions):
            if st.button(question, key=f"example-{number}", icon=":material/help:"):
                st.session_state["asked_example"] = question
                st.rerun()


def chat_page() -> None:
    settings = Settings.from_env()
    ui = interface_language()
    viewer = current_viewer()
    st.title("Källa")
    st.caption(t("tagline", ui))

    counts, facets = library_overview(settings, viewer)
    with st.sidebar:
        st.header(t("library", ui))
        st.metric(t("documents", ui), counts["documents"])
        st.metric(t("passages", ui), counts["passages"])
        filters = filter_panel(facets, ui, viewer)
        if st.button(t("new_conversation", ui), icon=":material/restart_alt:", key="new_conversation"):
            st.session_state.messages, st.session_state.conversation_id = [], None
        if viewer is not ANONYMOUS:
            conversation_list(settings, viewer, ui)

    if counts["documents"] == 0:
        empty_library(viewer, ui)

    try:
        with st.spinner(t("loading_model", ui)):
            assistant = get_assistant(settings)
    except (ModelNotPrepared, IndexMismatch, DamagedIndex) as exc:
        st.error(exc.text(ui))
        st.stop()

    shared = shared_view(settings, viewer, ui)
    messages = st.session_state.setdefault("messages", [])
    for entry in messages:
        with st.chat_message(entry["role"]):
            if entry["role"] == "user":
                st.markdown(escape_text(entry["content"]), unsafe_allow_html=True)
            else:
                render_answer(entry["answer"], entry["key"], settings, ui)

    question = st.chat_input(t("ask", ui)) or st.session_state.pop("asked_example", None)
    if not messages and not question and not shared and counts["documents"]:
        opening(settings, viewer, ui, assistant, filters)
    if question:
        history = [m["answer"].turn for m in messages if m["role"] == "assistant" and m["answer"].turn]
        messages.append({"role": "user", "content": question})
        with st.chat_message("user"):
            st.markdown(escape_text(question), unsafe_allow_html=True)
        with st.chat_message("assistant"):
            with st.spinner(t("searching", ui)):
                try:
                    answer = assistant.ask(question, filters=filters, history=history)
                except (IndexMismatch, DamagedIndex) as exc:
                    st.error(exc.text(ui))
                    st.stop()
            key = uuid.uuid4().hex[:8]
            messages.append({"role": "assistant", "answer": answer, "key": key})
            remember(settings, viewer, question, answer)
            render_answer(answer, key, settings, ui)
