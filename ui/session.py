"""Who is using the app in this browser session: anonymous reader, or a logged-in user with a role.

Passwords are checked against argon2 hashes in the catalogue (corpus.users). Where Streamlit's own OIDC
login is configured ([auth] in .streamlit/secrets.toml) it is offered too; such a user's role and groups
come from the identity provider's groups claim (KALLA_OIDC_*), with a local user of the same e-mail
address adding theirs, and a user disabled locally stays out (corpus.users.organisation_viewer).
"""
from __future__ import annotations

import time

import streamlit as st

from corpus.access import ANONYMOUS, Viewer
from corpus.catalogue import Catalogue
from corpus.users import UNKNOWN_CLIENT
from desk.accounts import log_in
from settings import Settings
from text.messages import catalogue
from ui.strings import UI_LANGUAGES, t

FAILED_LOGINS_BEFORE_DELAY = 3


def interface_language() -> str:
    return st.session_state.get("ui_language", "sv")


def current_viewer() -> Viewer:
    """Who is using this session, read anew from the catalogue on every run: a user whose role changed
    or who was disabled or removed since logging in has the new role, or is logged out, at once."""
    settings = Settings.from_env()
    logged_in = st.session_state.get("viewer")
    if logged_in is not None:
        viewer = registered_viewer(settings, logged_in.name)
        if viewer is None:
            _forget_login()
            return ANONYMOUS
        st.session_state.viewer = viewer
        return viewer
    if _oidc_configured() and getattr(st.user, "is_logged_in", False):
        return _oidc_viewer(settings, st.user.to_dict())
    return ANONYMOUS


def registered_viewer(settings: Settings, name: str) -> Viewer | None:
    """The registered, enabled user of that name as the catalogue has them now; None otherwise."""
    with Catalogue(settings.catalogue_path) as catalogue:
        return catalogue.users.enabled_viewer(name)


def sidebar_header(settings: Settings) -> str:
    """Interface language and the login box, on every page. Returns the interface language."""
    with st.sidebar:
        ui = st.radio(t("interface_language", interface_language()), list(UI_LANGUAGES),
                      format_func=UI_LANGUAGES.get, horizontal=True, key="ui_language")
        login_box(settings, ui)
    return ui


def login_box(settings: Settings, ui: str) -> None:
    viewer = current_viewer()
    if viewer is not ANONYMOUS:
        st.caption(t("logged_in_as", ui, name=viewer.shown, role=_role_name(viewer.role, ui)))
        if st.button(t("log_out", ui), icon=":material/logout:", key="log_out"):
            _log_out()
        return
    with st.expander(t("log_in", ui), icon=":material/login:"):
        with st.form("login", clear_on_submit=True):
            name = st.text_input(t("user_name", ui), autocomplete="username")
            password = st.text_input(t("password", ui), type="password", autocomplete="current-password")
            submitted = st.form_submit_button(t("log_in", ui))
        if submitted:
            _try_login(settings, name, password, ui)
        if _oidc_configured() and st.button(t("log_in_oidc", ui), key="log_in_oidc"):
            st.login()


def _try_login(settings: Settings, name: str, password: str, ui: str) -> None:
    """Check the password against the catalogue, which counts failures per user name and per client
    across sessions (a new browser session per guess gains nothing) and locks an account after repeated
    failures; guesses are slowed down as the failures add up."""
    client = _client()
    with Catalogue(settings.catalogue_path) as catalogue:
        failures = catalogue.users.recent_failures(name, client)
    if failures >= FAILED_LOGINS_BEFORE_DELAY:
        time.sleep(min(2 ** (failures - FAILED_LOGINS_BEFORE_DELAY), 8))  # slows guessing
    user = log_in(settings, name, password, client)
    if user is None:
        st.error(t("login_failed", ui))
        return
    st.session_state.viewer = user.viewer
    st.rerun()


def _client() -> str:
    """The address the browser connects from, as Streamlit sees it."""
    try:
        return str(st.context.ip_address or UNKNOWN_CLIENT)
    except Exception:  # no request context (bare mode, tests)
        return UNKNOWN_CLIENT


def _forget_login() -> None:
    for key in ("viewer", "messages", "feedback"):
        st.session_state.pop(key, None)


def _log_out() -> None:
    _forget_login()
    if _oidc_configured() and getattr(st.user, "is_logged_in", False):
        st.logout()  # sends the browser to /auth/logout, which clears the login cookie
        st.stop()  # not st.rerun(): a rerun could drop that redirect before the browser gets it
    st.rerun()


def require(role: str, ui: str) -> Viewer:
    """Stop the page unless the user curates ('librarian') or administers ('admin')."""
    viewer = current_viewer()
    if not viewer.holds(role):
        st.error(t("not_allowed", ui))
        st.stop()
    return viewer


def _role_name(role: str, ui: str) -> str:
    return t("role_" + role, ui) if "role_" + role in catalogue() else role


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all
        return False


def _oidc_viewer(settings: Settings, claims: dict) -> Viewer:
    with Catalogue(settings.catalogue_path) as catalogue:
        viewer = catalogue.users.organisation_viewer(claims, settings.oidc_groups_claim,
                                                     _names(settings.oidc_librarian_groups),
                                                     _names(settings.oidc_admin_groups))
    if viewer is None:  # disabled locally: out, whatever the identity provider says
        st.logout()
        st.stop()
    return viewer


def _names(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())
