"""User administration (admins only): add users, change roles and groups, disable accounts."""
import streamlit as st

from corpus.access import ROLES
from corpus.catalogue import Catalogue
from desk.accounts import Accounts
from ui.desk import comma_list, open_desk, reported, show_notice
from ui.strings import t

settings, viewer, ui = open_desk("admin")
st.title(t("page_users", ui))
show_notice()
with Catalogue(settings.catalogue_path) as catalogue:
    everyone = catalogue.users.all()
st.dataframe([{t("column_name", ui): u.name, t("column_role", ui): t("role_" + u.role, ui),
               t("column_groups", ui): ", ".join(u.groups), t("column_disabled", ui): u.disabled,
               t("column_locked", ui): u.locked, t("column_created", ui): u.created_at} for u in everyone],
             hide_index=True, width="stretch")
role_name = lambda role: t("role_" + role, ui)  # noqa: E731

with st.form("new-user", clear_on_submit=True):
    st.subheader(t("new_user", ui))
    name = st.text_input(t("user_name", ui))
    role = st.selectbox(t("role", ui), ROLES, format_func=role_name)
    groups = st.text_input(t("groups_comma", ui))
    password = st.text_input(t("new_password_rule", ui), type="password", autocomplete="new-password")
    created = st.form_submit_button(t("add", ui))
if created:
    with reported(t("added_user", ui, name=name)):
        Accounts(settings, viewer.name).add_user(name, password, role, comma_list(groups))

if everyone:
    st.subheader(t("change_user", ui))
    target = st.selectbox(t("user", ui), [u.name for u in everyone], key="user_target")
    current = next(u for u in everyone if u.name == target)
    with st.form(f"change-user-{current.name}"):
        role = st.selectbox(t("role", ui), ROLES, index=ROLES.index(current.role), format_func=role_name)
        groups = st.text_input(t("groups", ui), value=", ".join(current.groups))
        disabled = st.checkbox(t("disabled", ui), value=current.disabled)
        unlock = st.checkbox(t("unlock", ui),
                             disabled=not current.locked) if current.locked else False
        password = st.text_input(t("new_password", ui), type="password", autocomplete="new-password")
        changed = st.form_submit_button(t("save", ui))
    if changed:
        with reported(t("changed_user", ui, name=current.name)):
            Accounts(settings, viewer.name).change_user(current.name, role, comma_list(groups), password or None,
                                                        disabled, unlock=unlock)
