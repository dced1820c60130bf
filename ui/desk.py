"""What the librarian pages share: the acting curator, one catalogue per call, errors shown in place."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import replace
from typing import Iterator

import streamlit as st

from corpus.access import Viewer
from corpus.collections import UnknownCollection
from corpus.lock import LibraryBusy
from corpus.records import Document
from corpus.users import NotAllowed
from desk.curation import CurationError, Curator
from settings import Settings
from text.problems import Problem
from ui.session import interface_language, require
from ui.strings import t

PROBLEMS = (CurationError, UnknownCollection, NotAllowed, LibraryBusy, LookupError, ValueError)


def open_desk(role: str = "librarian") -> tuple[Settings, Viewer, str]:
    """Settings acting as the logged-in user, the user, the interface language; stops the page for others."""
    ui = interface_language()
    viewer = require(role, ui)
    return replace(Settings.from_env(), user=viewer.name), viewer, ui


def curator(settings: Settings) -> Curator:
    return Curator(settings, settings.user)


@contextmanager
def reported(success: str | None = None) -> Iterator[None]:
    """Run a curation action: its problem as an error in place, else the success message."""
    try:
        yield
    except PROBLEMS as exc:
        st.error(problem_text(exc, interface_language()))
    else:
        if success:
            st.session_state["desk_notice"] = success
            st.rerun()


def problem_text(exc: Exception, ui: str) -> str:
    """What went wrong, in the interface language where the error carries a message id."""
    return exc.text(ui) if isinstance(exc, Problem) else str(exc)


def show_notice() -> None:
    """The outcome of the last action (kept across the rerun that shows its effect)."""
    notice = st.session_state.pop("desk_notice", None)
    if notice:
        st.success(notice, icon=":material/check_circle:")


def comma_list(text: str) -> tuple[str, ...]:
    """'a, b,, c ' -> ('a', 'b', 'c'): what the form fields for tags, groups and roles hold."""
    return tuple(part.strip() for part in text.split(",") if part.strip())


def document_label(document: Document, ui: str = "sv") -> str:
    meta = document.metadata
    extra = ", ".join(x for x in (meta.identifier, meta.year) if x)
    return f"#{document.id} {meta.title or document.file_name}" + (f" ({extra})" if extra else "") + \
        f" · {t('status_' + document.status, ui)}"


def cell(value: object) -> object:
    """A table cell as a reader wants it: lists joined, nothing shown for a missing value (never "None")."""
    if value is None:
        return ""
    return ", ".join(value) if isinstance(value, (list, tuple)) else value
