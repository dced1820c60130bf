"""The audit log: who changed what, when, with the values before and after."""
import streamlit as st

from corpus.catalogue import Catalogue
from ui.desk import open_desk
from ui.strings import t

settings, viewer, ui = open_desk()
st.title(t("page_audit", ui))
actor_column, action_column, document_column = st.columns(3)
actor = actor_column.text_input(t("audit_who", ui), key="audit_actor")
action = action_column.text_input(t("audit_action", ui), key="audit_action")
document = document_column.number_input(t("audit_document", ui), min_value=0, step=1, value=0, key="audit_document")
with Catalogue(settings.catalogue_path) as catalogue:
    found = catalogue.audit.entries(document_id=int(document) or None, actor=actor or None, action=action or None,
                                    limit=500)
st.dataframe([{t("column_when", ui): e.at, t("column_who", ui): e.actor, t("column_action", ui): e.action,
               t("column_subject", ui): f"#{e.document_id}" if e.document_id else (e.subject or ""),
               t("column_change", ui): e.changes()}
              for e in found], hide_index=True, width="stretch")
