"""Organisation login (OIDC): who a login is, from the identity provider's claims and the local users."""
from __future__ import annotations

from corpus.catalogue import Catalogue
from corpus.users import add_user, organisation_viewer, update_user
from settings import Settings

LIBRARIANS, ADMINS = ("kalla-bibliotekarier",), ("kalla-administratorer",)


def viewer(db, claims, claim="groups"):
    return organisation_viewer(db, claims, claim, LIBRARIANS, ADMINS)


def test_role_and_groups_come_from_the_configured_claim(tmp_path):
    with Catalogue(Settings.from_env().catalogue_path) as catalogue:
        db = catalogue.db
        assert viewer(db, {"email": "eva@myndighet.se", "groups": ["utredare"]}) == \
            organisation_viewer(db, {"email": "eva@myndighet.se", "groups": ["utredare"]}, "groups", LIBRARIANS, ADMINS)
        eva = viewer(db, {"email": "eva@myndighet.se", "groups": ["utredare", "Kalla-Bibliotekarier"]})
        assert (eva.name, eva.role, eva.groups) == ("eva@myndighet.se", "librarian", ("utredare", "Kalla-Bibliotekarier"))
        assert viewer(db, {"sub": "x1", "roles": "kalla-administratorer, ledning"}, claim="roles").role == "admin"
        assert viewer(db, {"email": "bo@myndighet.se"}).role == "reader"
        assert viewer(db, {}) is None


def test_a_local_user_adds_their_role_and_a_disabled_one_stays_out(tmp_path):
    with Catalogue(Settings.from_env().catalogue_path) as catalogue:
        db = catalogue.db
        add_user(db, "anna@myndighet.se", "ett långt lösenord", "librarian", ("ledning",))
        anna = viewer(db, {"email": "anna@myndighet.se", "groups": ["utredare"]})
        assert (anna.role, set(anna.groups)) == ("librarian", {"ledning", "utredare"})
        add_user(db, "admin", "ett långt lösenord", "admin")
        update_user(db, "anna@myndighet.se", disabled=True, actor="admin")
        assert viewer(db, {"email": "anna@myndighet.se", "groups": ["kalla-administratorer"]}) is None
