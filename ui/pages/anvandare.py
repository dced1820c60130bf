"""User administration (admins only): add users, change roles and groups, disable accounts."""
import streamlit as st

from corpus.access import ROLES
from corpus.catalogue import Catalogue
from corpus.users import ROLE_NAMES, users
from desk.accounts import Accounts
from ui.desk import comma_list, open_desk, reported, show_notice
from ui.strings import t

settings, viewer, ui = open_desk("admin")
st.title(t("page_users", ui))
show_notice()
with Catalogue(settings.catalogue_path) as catalogue:
    everyone = users(catalogue.db)
st.dataframe([{"namn": u.name, "roll": ROLE_NAMES[u.role], "grupper": ", ".join(u.groups),
               "avstängd": u.disabled, "låst": u.locked, "skapad": u.created_at} for u in everyone], hide_index=True, width="stretch")

with st.form("new-user", clear_on_submit=True):
    st.subheader("Ny användare")
    name = st.text_input("Användarnamn")
    role = st.selectbox("Roll", ROLES, format_func=ROLE_NAMES.get)
    groups = st.text_input("Grupper (kommaseparerade)")
    password = st.text_input("Lösenord (minst 10 tecken)", type="password", autocomplete="new-password")
    created = st.form_submit_button("Lägg till")
if created:
    with reported(f"{name} är tillagd."):
        Accounts(settings, viewer.name).add_user(name, password, role, comma_list(groups))

if everyone:
    st.subheader("Ändra en användare")
    target = st.selectbox("Användare", [u.name for u in everyone], key="user_target")
    current = next(u for u in everyone if u.name == target)
    with st.form(f"change-user-{current.name}"):
        role = st.selectbox("Roll", ROLES, index=ROLES.index(current.role), format_func=ROLE_NAMES.get)
        groups = st.text_input("Grupper", value=", ".join(current.groups))
        disabled = st.checkbox("Avstängd", value=current.disabled)
        unlock = st.checkbox("Lås upp (kontot är låst efter upprepade felaktiga inloggningar)",
                             disabled=not current.locked) if current.locked else False
        password = st.text_input("Nytt lösenord (tomt = oförändrat)", type="password", autocomplete="new-password")
        changed = st.form_submit_button("Spara")
    if changed:
        with reported(f"{current.name} är ändrad."):
            Accounts(settings, viewer.name).change_user(current.name, role, comma_list(groups), password or None,
                                                        disabled, unlock=unlock)
