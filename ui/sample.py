"""What the chat's opening says about the sample library (samples/), and how to add one's own documents:
on the command line, or in the browser on the *Lägg till dokument* page for librarians."""
from __future__ import annotations

import streamlit as st

from corpus.access import Viewer
from corpus.catalogue import Catalogue
from desk.sample import sample_documents
from settings import Settings
from ui.strings import t

UPLOAD_PAGE = "ui/pages/ladda_upp.py"


def sample_count(settings: Settings) -> int:
    """Published documents of the sample library in the catalogue."""
    with Catalogue(settings.catalogue_path) as catalogue:
        return len(sample_documents(catalogue, statuses=("active",)))


def add_in_browser(viewer: Viewer, ui: str) -> None:
    """A librarian gets a link to the upload page; anyone else how a librarian gets there."""
    if viewer.curates:
        st.page_link(UPLOAD_PAGE, label=t("add_in_browser", ui), icon=":material/upload_file:")
    else:
        st.caption(t("add_in_browser_login", ui))


def empty_library(viewer: Viewer, ui: str) -> None:
    """The empty state: how to add documents, on the command line or in the browser."""
    st.info(t("empty_library_app", ui))
    add_in_browser(viewer, ui)


def sample_notice(settings: Settings, viewer: Viewer, ui: str, documents: int) -> None:
    """On the opening page of a library that holds the sample: what it is, how to remove it, how to add
    one's own documents. `documents` is how many published documents the viewer sees in all."""
    count = sample_count(settings)
    if not count:
        return
    st.info(t("sample_notice" if count >= documents else "sample_notice_mixed", ui, count=count),
            icon=":material/science:")
    add_in_browser(viewer, ui)
