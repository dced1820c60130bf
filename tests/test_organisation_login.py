"""Organisation login (OIDC): who a login is, from the identity provider's claims and the local users."""
from __future__ import annotations

import pytest

from corpus.catalogue import Catalogue
from corpus.users import AccountProblem
from settings import Settings

LIBRARIANS, ADMINS = ("kalla-bibliotekarier",), ("kalla-administratorer",)


def viewer(users, claims, claim="groups"):
    return users.organisation_viewer(claims, claim, LIBRARIANS, ADMINS)


def test_role_and_groups_come_from_the_configured_claim(tmp_path):
    with Catalogue(Settings.from_env().catalogue_path) as catalogue:
        users = catalogue.users
        assert viewer(users, {"email": "eva@myndighet.se", "email_verified": True, "groups": ["utredare"]}) == \
            users.organisation_viewer({"email": "eva@myndighet.se", "email_verified": True, "groups": ["utredare"]}, "groups", LIBRARIANS, ADMINS)
        eva = viewer(users, {"email": "eva@myndighet.se", "email_verified": True, "groups": ["utredare", "Kalla-Bibliotekarier"]})
        assert (eva.name, eva.role, eva.groups) == ("eva@myndighet.se", "librarian", ("utredare", "Kalla-Bibliotekarier"))
        assert viewer(users, {"sub": "x1", "roles": "kalla-administratorer, ledning"}, claim="roles").role == "admin"
        assert viewer(users, {"email": "bo@myndighet.se", "email_verified": True}).role == "reader"
        assert viewer(users, {}) is None


def test_a_local_user_adds_their_role_and_a_disabled_one_stays_out(tmp_path):
    with Catalogue(Settings.from_env().catalogue_path) as catalogue:
        users = catalogue.users
        users.add("anna@myndighet.se", "ett långt lösenord", "librarian", ("ledning",))
        anna = viewer(users, {"email": "anna@myndighet.se", "email_verified": True, "groups": ["utredare"]})
        assert (anna.role, set(anna.groups)) == ("librarian", {"ledning", "utredare"})
        users.add("admin", "ett långt lösenord", "admin")
        users.update("anna@myndighet.se", disabled=True, actor="admin")
        assert viewer(users, {"email": "anna@myndighet.se", "email_verified": True, "groups": ["kalla-administratorer"]}) is None


ISSUER = "https://idp.myndighet.se"


def test_a_provider_user_named_like_a_local_admin_stays_a_reader_of_its_own(tmp_path):
    """Issue 26.1: preferred_username or sub "admin", or an unverified e-mail of a local admin, took over
    that account (its role, its pages and its stored conversations)."""
    with Catalogue(Settings.from_env().catalogue_path) as catalogue:
        users = catalogue.users
        users.add("admin", "ett långt lösenord", "admin", ("ledning",))
        users.add("anna@myndighet.se", "ett långt lösenord", "admin")
        for claims in ({"iss": ISSUER, "sub": "x1", "preferred_username": "admin"},
                       {"iss": ISSUER, "sub": "admin"},
                       {"iss": ISSUER, "sub": "x2", "email": "anna@myndighet.se"},
                       {"iss": ISSUER, "sub": "x3", "email": "anna@myndighet.se", "email_verified": False}):
            who = viewer(users, claims)
            assert who.name == f"oidc:{ISSUER}#{claims['sub']}", claims
            assert (who.role, who.groups) == ("reader", ()), claims
        assert viewer(users, {"iss": ISSUER, "sub": "x1", "preferred_username": "admin"}).shown == "admin"
        verified = viewer(users, {"iss": ISSUER, "sub": "x4", "email": "anna@myndighet.se", "email_verified": True})
        assert (verified.name, verified.role) == ("anna@myndighet.se", "admin")
        assert viewer(users, {"iss": ISSUER, "email": "bo@myndighet.se"}) is None  # neither verified e-mail nor subject


def test_local_accounts_cannot_take_a_provider_identity(tmp_path):
    with Catalogue(Settings.from_env().catalogue_path) as catalogue:
        with pytest.raises(AccountProblem, match="oidc:"):
            catalogue.users.add(f"oidc:{ISSUER}#x1", "ett långt lösenord", "reader")


def test_provider_groups_are_text_and_never_role_names(tmp_path):
    """Issue 26.13: a provider group "Librarian" opened a collection restricted to the role librarian, and a
    number in the groups claim crashed the page."""
    with Catalogue(Settings.from_env().catalogue_path) as catalogue:
        who = viewer(catalogue.users, {"iss": ISSUER, "sub": "x1", "groups": [5, "Librarian", "utredare", None, "ADMIN"]})
        assert (who.role, who.groups) == ("reader", ("utredare",))
        assert who.principals == ("reader", "utredare")
        assert viewer(catalogue.users, {"iss": ISSUER, "sub": "x1", "groups": {"a": 1}}).groups == ()
