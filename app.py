"""Källa in the browser: the chat for everyone, the librarian's desk behind a login (thin shell over
answer/, corpus/ and ingest/; each page is a file in ui/pages/)."""
from __future__ import annotations

import streamlit as st

from settings import Settings, SettingsError
from ui.session import current_viewer, interface_language, sidebar_header
from ui.strings import t

st.set_page_config(page_title="Källa", page_icon="📚", layout="centered")

# Marks and cited spans keep a text contrast of at least 4.5:1 (WCAG 2.1 AA) in light and dark themes.
STYLE = """
<style>
mark { background: #ffe45c; color: #111; padding: 0 .1em; }
.kalla-cited { background: #e6f0ff; color: #111; border-left: 4px solid #1f4e9c; padding: 0 .2em; }
.kalla-context { line-height: 1.6; }
.kalla-sentence-source { font-weight: 700; }
.kalla-unconfirmed { border-left: 4px dashed #6b6b75; padding: .1em .4em; color: #2a2a33; }
.kalla-unconfirmed mark { background: none; color: inherit; text-decoration: underline dashed #6b6b75; }
[data-testid="stCaptionContainer"], [data-testid="stCaptionContainer"] p, .stCaption, .stCaption p { color: #4a4a55 !important; opacity: 1 !important; }
.kalla-figure img { width: 100%; border: 1px solid #888; }
.kalla-figure figcaption { color: #4a4a55; font-size: .875rem; }
.kalla-compare { line-height: 1.6; max-height: 28rem; overflow-y: auto; border: 1px solid #888; padding: .4rem; }
.kalla-compare del { background: #ffd7d5; color: #111; }
.kalla-compare ins { background: #d2f4d3; color: #111; }
</style>
"""


def navigation(ui: str) -> st.navigation:
    """Readers see the chat; librarians also the desk; admins also the users. Pages a user may not see
    are not registered at all, so their addresses lead nowhere."""
    viewer = current_viewer()
    page = lambda name, key, icon, **kw: st.Page(f"ui/pages/{name}.py", title=t(key, ui),  # noqa: E731
                                                  icon=f":material/{icon}:", **kw)
    pages = [page("fraga", "page_chat", "chat", default=True)]
    if viewer.curates:
        pages += [page("katalog", "page_catalogue", "library_books"), page("granskning", "page_review", "rule"),
                  page("ladda_upp", "page_upload", "upload_file"), page("statistik", "page_statistics", "bar_chart"),
                  page("logg", "page_audit", "history")]
        if viewer.is_admin:
            pages.append(page("anvandare", "page_users", "group"))
    # One flat list: Streamlit draws sections as headings inside the list (<ul> holding more than <li>),
    # which axe reports as a serious WCAG 1.3.1 finding.
    return st.navigation(pages)


def checked_settings() -> Settings:
    """The settings, or the page stops with what is wrong with them (a bad KALLA_* variable)."""
    try:
        return Settings.from_env()
    except SettingsError as error:
        st.error(error.text(interface_language()))
        st.stop()


st.html(STYLE)
navigation(sidebar_header(checked_settings())).run()
