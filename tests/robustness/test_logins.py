"""Logins that cannot be guessed (finding 3): failures are counted per account and per client in the
catalogue (so a new browser session per guess gains nothing), an account locks after repeated failures
until an admin unlocks it, failed logins are in the audit log, blank or trivially weak passwords are
refused, and unknown users and wrong passwords get the same answer."""
from __future__ import annotations

import pytest

from app_session import log_in, start
from corpus.catalogue import Catalogue
from corpus.users import CLIENT_LIMIT, LOCK_AFTER
from settings import Settings

PASSWORD = "ett långt lösenord"


@pytest.fixture
def catalogue(settings):
    catalogue = Catalogue(settings.catalogue_path)
    catalogue.users.add("root", PASSWORD, "admin")
    catalogue.users.add("anna", PASSWORD, "librarian")
    yield catalogue
    catalogue.close()


def test_an_account_locks_after_repeated_failures_until_an_admin_unlocks_it(catalogue):
    for _ in range(LOCK_AFTER):
        assert catalogue.users.authenticate("anna", "fel gissning!", "10.0.0.1") is None
    assert catalogue.users.find("anna").locked
    assert catalogue.users.authenticate("anna", PASSWORD, "10.0.0.2") is None  # even the right password, from anywhere
    actions = [(e.action, e.subject) for e in catalogue.audit.entries()]
    assert actions.count(("login-failed", "anna")) == LOCK_AFTER + 1 and ("lock-user", "anna") in actions
    catalogue.users.update("anna", unlock=True, actor="root")
    assert catalogue.users.authenticate("anna", PASSWORD, "10.0.0.2").role == "librarian"


def test_a_success_resets_the_count_of_failures(catalogue):
    for _ in range(LOCK_AFTER - 1):
        catalogue.users.authenticate("anna", "fel gissning!", "10.0.0.1")
    assert catalogue.users.authenticate("anna", PASSWORD, "10.0.0.1") is not None
    catalogue.users.authenticate("anna", "fel gissning!", "10.0.0.1")
    assert not catalogue.users.find("anna").locked


def test_one_client_guessing_many_names_is_refused_for_a_while(catalogue):
    for number in range(CLIENT_LIMIT):
        catalogue.users.authenticate(f"gissning{number}", "fel gissning!", "10.6.6.6")
    assert catalogue.users.authenticate("root", PASSWORD, "10.6.6.6") is None  # over the limit: refused from there
    assert catalogue.users.authenticate("root", PASSWORD, "10.0.0.9") is not None  # others are not affected
    assert not catalogue.users.find("root").locked


@pytest.mark.parametrize("password", [" " * 12, "          a", "aaaaaaaaaaaa", "ababababababab", "1234567890",
                                      "Lösenord123"])
def test_blank_or_trivially_weak_passwords_are_refused(catalogue, password):
    with pytest.raises(ValueError, match="Lösenordet"):
        catalogue.users.add("bo", password)
    with pytest.raises(ValueError, match="Lösenordet"):
        catalogue.users.update("anna", password=password, actor="root")


def test_new_browser_sessions_share_the_count_and_the_message_never_tells_which_was_wrong(hashing_env):
    settings = Settings.from_env()
    with Catalogue(settings.catalogue_path) as catalogue:
        catalogue.users.add("anna", PASSWORD, "librarian")
    messages = set()
    for name in ["anna"] * LOCK_AFTER + ["okänd"]:
        app = log_in(start(), name, "fel gissning!")  # a new session each time
        messages |= {e.value for e in app.error}
    assert messages == {"Fel användarnamn eller lösenord."}
    with Catalogue(settings.catalogue_path) as catalogue:
        assert catalogue.users.find("anna").locked
        failed = [e for e in catalogue.audit.entries() if e.action == "login-failed"]
        assert len(failed) == LOCK_AFTER + 1


@pytest.mark.parametrize("name", ["аnna", "ad\u202emin", "bo\u200b", "anna\x00", "Αnna"])
def test_look_alike_and_invisible_user_names_are_refused(catalogue, name):
    """Finding 12: a Cyrillic 'а' among Latin letters, an RTL override, a zero-width space, NUL."""
    with pytest.raises(ValueError, match="Användarnamnet"):
        catalogue.users.add(name, PASSWORD)
