"""The catalogue: search and filter, edit metadata and tags, collections, withdraw/restore/replace/delete."""
import tempfile
from pathlib import Path

import streamlit as st

from answer.highlight import escape_label
from corpus.catalogue import Catalogue
from corpus.records import METADATA_FIELDS, STATUSES, Document
from desk.exchange import catalogue_rows, export_catalogue
from ui.desk import cell, comma_list, curator, document_label, open_desk, reported, show_notice
from ui.strings import t

st.set_page_config(layout="wide")  # the catalogue table uses the page width
settings, viewer, ui = open_desk()
st.title(t("page_catalogue", ui))
show_notice()
COLUMNS = ("id", "status", "title", "series", "identifier", "published", "authority", "tags", "collections")

documents_tab, collections_tab = st.tabs([t("tab_documents", ui), t("tab_collections", ui)])

with documents_tab:
    search, status = st.columns([2, 1])
    text = search.text_input(t("catalogue_search", ui), key="catalogue_search")
    chosen_status = status.selectbox(t("status", ui), [None, *STATUSES], key=f"catalogue_status_{ui}",
                                     format_func=lambda s: t("all", ui) if s is None else t("statuses_" + s, ui))
    with Catalogue(settings.catalogue_path) as catalogue:
        found = catalogue.find_documents(text=text or None, status=chosen_status)
        known_collections = [c.name for c in catalogue.collections.all()]
    st.caption(t("documents_found", ui, count=len(found)))
    st.dataframe([{t("column_" + k, ui): t("status_" + row[k], ui) if k == "status" else cell(row[k]) for k in COLUMNS}
                  for row in catalogue_rows(found)], hide_index=True, width="stretch")
    csv_column, json_column = st.columns(2)
    csv_column.download_button(t("export_catalogue_csv", ui), data=lambda: export_catalogue(found, "csv"),
                               file_name="katalog.csv", mime="text/csv", on_click="ignore", key="export_csv")
    json_column.download_button(t("export_catalogue_json", ui), data=lambda: export_catalogue(found, "json"),
                                file_name="katalog.json", mime="application/json", on_click="ignore", key="export_json")

    by_id = {d.id: d for d in found}
    chosen = st.selectbox(t("choose_document", ui), [None, *by_id], key="catalogue_document",
                          format_func=lambda i: "–" if i is None else document_label(by_id[i], ui))
    document: Document | None = by_id.get(chosen)
    if document is not None:
        with st.form(f"edit-{document.id}"):
            st.subheader(t("metadata", ui))
            values = {name: st.text_input(t("field_" + name, ui), value=getattr(document.metadata, name) or "",
                                          key=f"field-{document.id}-{name}") for name in METADATA_FIELDS}
            tags = st.text_input(t("field_tags", ui), value=", ".join(document.metadata.tags),
                                 key=f"tags-{document.id}")
            in_collections = st.multiselect(t("field_collections", ui), known_collections, default=list(document.collections),
                                            key=f"collections-{document.id}")
            saved = st.form_submit_button(t("save", ui), icon=":material/save:")
        if saved:
            with reported(t("saved_document", ui, id=document.id)):
                changes = {k: v for k, v in values.items() if (getattr(document.metadata, k) or "") != v.strip()}
                if changes:
                    curator(settings).edit(document.id, changes)
                wanted = comma_list(tags)
                added = tuple(tag for tag in wanted if tag not in document.metadata.tags)
                removed = tuple(tag for tag in document.metadata.tags if tag not in wanted)
                if added or removed:
                    curator(settings).tag(document.id, add=added, remove=removed)
                for name in set(in_collections) ^ set(document.collections):
                    curator(settings).collect(document.id, name, remove=name not in in_collections)

        st.subheader(t("status", ui))
        st.caption(escape_label(document_label(document, ui) + (f" – {document.status_note}" if document.status_note else "")))
        if document.status in ("active", "pending"):
            reason = st.text_input(t("withdraw_reason", ui), key=f"reason-{document.id}")
            if st.button(t("withdraw", ui), icon=":material/visibility_off:", key=f"withdraw-{document.id}"):
                with reported(t("withdrawn_document", ui, id=document.id)):
                    curator(settings).withdraw(document.id, reason)
        else:
            if st.button(t("restore", ui), icon=":material/visibility:", key=f"restore-{document.id}"):
                with reported(t("restored_document", ui, id=document.id)):
                    curator(settings).restore(document.id)
        if document.status != "superseded":
            upload = st.file_uploader(t("replace_upload", ui), key=f"edition-{document.id}")
            if upload is not None and st.button(t("replace_button", ui), key=f"replace-{document.id}"):
                with tempfile.TemporaryDirectory() as folder, reported(t("replaced_document", ui)):
                    path = Path(folder) / Path(upload.name).name
                    path.write_bytes(upload.getvalue())
                    curator(settings).replace(document.id, path)
        confirm = st.checkbox(t("confirm_delete", ui), key=f"confirm-{document.id}")
        if st.button(t("delete", ui), icon=":material/delete_forever:", disabled=not confirm, key=f"delete-{document.id}"):
            with reported(t("deleted_document", ui, id=document.id)):
                curator(settings).delete(document.id)

        with Catalogue(settings.catalogue_path) as catalogue:
            history = catalogue.audit.entries(document_id=document.id)
            editions = catalogue.editions.earlier(document.id)
        if editions:
            st.caption(escape_label(t("earlier_editions", ui, editions="; ".join(document_label(e, ui) for e in editions))))
        st.subheader(t("document_history", ui))
        st.dataframe([{t("column_when", ui): e.at, t("column_who", ui): e.actor, t("column_action", ui): e.action,
                       t("column_change", ui): e.changes()} for e in history],
                     hide_index=True, width="stretch")

with collections_tab:
    with Catalogue(settings.catalogue_path) as catalogue:
        existing = catalogue.collections.all()
    st.dataframe([{t("column_collection", ui): c.name, t("column_documents", ui): c.documents,
                   t("column_reviewed", ui): c.requires_review, t("column_only_for", ui): ", ".join(c.access)}
                  for c in existing], hide_index=True, width="stretch")
    with st.form("new-collection", clear_on_submit=True):
        st.subheader(t("new_collection", ui))
        name = st.text_input(t("collection_name", ui))
        review = st.checkbox(t("collection_review", ui))
        access = st.text_input(t("collection_access", ui))
        created = st.form_submit_button(t("create_collection", ui))
    if created:
        with reported(t("created_collection", ui, name=name)):
            curator(settings).create_collection(name, requires_review=review, access=comma_list(access))
    if existing:
        st.subheader(t("change_collection", ui))
        target = st.selectbox(t("collection", ui), [c.name for c in existing], key="collection_target")
        current = next(c for c in existing if c.name == target)
        with st.form(f"change-collection-{current.id}"):
            review = st.checkbox(t("collection_reviewed", ui), value=current.requires_review)
            access = st.text_input(t("collection_only_for", ui), value=", ".join(current.access))
            changed = st.form_submit_button(t("save_collection", ui))
        if changed:
            with reported(t("changed_collection", ui, name=target)):
                curator(settings).change_collection(target, review, comma_list(access))
