"""The source viewer: a cited PDF page drawn with the passage marked, or a text source's passage in context."""
from __future__ import annotations

import base64

import streamlit as st

from answer.highlight import escape_label, escape_text, highlight
from corpus.catalogue import Catalogue
from corpus.library import Library
from corpus.pages import passage_in_context, render_pdf_page
from index.search import Hit
from settings import Settings
from ui.strings import t


@st.cache_data(max_entries=64, show_spinner=False)
def marked_page(path: str, page: int, passage_text: str):
    return render_pdf_page(path, page, mark=passage_text)


def show_source(hit: Hit, question: str, key: str, settings: Settings, language: str) -> None:
    """Download button and an in-app view of where the passage stands in its document."""
    path = Library(settings.library_dir).path(hit.document.stored_path)
    if not path.is_file():
        st.error(t("file_missing", language))
        return
    left, right = st.columns(2)
    left.download_button(t("download_document", language), data=path.read_bytes, file_name=hit.document.file_name,
                         mime=hit.document.media_type, key=f"open-{key}", on_click="ignore", icon=":material/download:")
    page = hit.passage.page_number
    if page is not None and hit.document.media_type == "application/pdf":
        label = t("show_page", language, page=escape_label(str(hit.passage.page_label or page)))
        if right.toggle(label, key=f"page-{key}"):
            try:
                rendered = marked_page(str(path), page, hit.passage.text)
            except Exception as exc:  # a page that cannot be drawn must not break the chat
                st.error(t("page_failed", language, error=escape_label(str(exc))))
                return
            caption = t("page_caption", language, file=hit.document.file_name, page=page)
            # an <img> with alt text (st.image has none), so screen readers know what the picture is
            st.markdown(f'<figure class="kalla-figure"><img src="data:image/png;base64,'
                        f'{base64.b64encode(rendered.png).decode()}" alt="{escape_text(caption)}">'
                        f'<figcaption>{escape_text(caption)}</figcaption></figure>', unsafe_allow_html=True)
            if not rendered.marked_windows:
                st.caption(t("page_unmarked", language))
    elif right.toggle(t("show_in_source", language), key=f"context-{key}"):
        catalogue = Catalogue(settings.catalogue_path)
        try:
            context = passage_in_context(catalogue.document_passages(hit.document.id), hit.passage.id)
        finally:
            catalogue.close()
        st.markdown(f"###### {t('context_heading', language)}")
        st.markdown(f'<div class="kalla-context">{escape_text(context.before)}'
                    f'<span class="kalla-cited">{highlight(context.passage, question)}</span>'
                    f'{escape_text(context.after)}</div>', unsafe_allow_html=True)
