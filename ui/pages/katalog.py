"""The catalogue: search and filter, edit metadata and tags, collections, withdraw/restore/replace/delete."""
import tempfile
from pathlib import Path

import streamlit as st

from answer.highlight import escape_label
from corpus.audit import entries
from corpus.catalogue import Catalogue
from corpus.collections import collections
from corpus.records import METADATA_FIELDS, STATUSES, Document
from desk.exchange import catalogue_rows, export_catalogue
from ui.desk import comma_list, curator, document_label, open_desk, reported, show_notice
from ui.strings import t

settings, viewer, ui = open_desk()
st.title(t("page_catalogue", ui))
show_notice()
FIELD_LABELS = {"title": "Titel", "authority": "Myndighet eller författare", "series": "Serie/typ",
                "published": "Publiceringsdatum (ÅÅÅÅ-MM-DD)", "identifier": "Beteckning/diarienummer",
                "source_url": "Webbadress (http/https)", "edition": "Utgåva", "licence": "Licens/villkor för återanvändning"}
STATUS_LABELS = {"active": "Publicerade", "pending": "Väntar på granskning", "withdrawn": "Tillbakadragna",
                 "superseded": "Tidigare utgåvor"}

documents_tab, collections_tab = st.tabs(["Dokument", "Samlingar"])

with documents_tab:
    search, status = st.columns([2, 1])
    text = search.text_input("Sök i titel, myndighet, beteckning och filnamn", key="catalogue_search")
    chosen_status = status.selectbox("Status", [None, *STATUSES], key="catalogue_status",
                                     format_func=lambda s: "Alla" if s is None else STATUS_LABELS[s])
    with Catalogue(settings.catalogue_path) as catalogue:
        found = catalogue.find_documents(text=text or None, status=chosen_status)
        known_collections = [c.name for c in collections(catalogue.db)]
    st.caption(f"{len(found)} dokument")
    st.dataframe([{k: (", ".join(v) if isinstance(v, list) else v) for k, v in row.items()
                   if k in ("id", "status", "title", "series", "identifier", "published", "authority", "tags",
                            "collections")} for row in catalogue_rows(found)],
                 hide_index=True, width="stretch")
    csv_column, json_column = st.columns(2)
    csv_column.download_button("Exportera katalogen (CSV)", data=lambda: export_catalogue(found, "csv"),
                               file_name="katalog.csv", mime="text/csv", on_click="ignore", key="export_csv")
    json_column.download_button("Exportera katalogen (JSON)", data=lambda: export_catalogue(found, "json"),
                                file_name="katalog.json", mime="application/json", on_click="ignore", key="export_json")

    by_id = {d.id: d for d in found}
    chosen = st.selectbox("Välj ett dokument att ändra", [None, *by_id], key="catalogue_document",
                          format_func=lambda i: "–" if i is None else document_label(by_id[i]))
    document: Document | None = by_id.get(chosen)
    if document is not None:
        with st.form(f"edit-{document.id}"):
            st.subheader("Metadata")
            values = {name: st.text_input(FIELD_LABELS[name], value=getattr(document.metadata, name) or "",
                                          key=f"field-{document.id}-{name}") for name in METADATA_FIELDS}
            tags = st.text_input("Taggar (kommaseparerade)", value=", ".join(document.metadata.tags),
                                 key=f"tags-{document.id}")
            in_collections = st.multiselect("Samlingar", known_collections, default=list(document.collections),
                                            key=f"collections-{document.id}")
            saved = st.form_submit_button("Spara", icon=":material/save:")
        if saved:
            with reported(f"#{document.id} är sparat."):
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

        st.subheader("Status")
        st.caption(escape_label(document_label(document) + (f" – {document.status_note}" if document.status_note else "")))
        if document.status in ("active", "pending"):
            reason = st.text_input("Skäl att dra tillbaka", key=f"reason-{document.id}")
            if st.button("Dra tillbaka", icon=":material/visibility_off:", key=f"withdraw-{document.id}"):
                with reported(f"#{document.id} är tillbakadraget."):
                    curator(settings).withdraw(document.id, reason)
        else:
            if st.button("Återställ", icon=":material/visibility:", key=f"restore-{document.id}"):
                with reported(f"#{document.id} är publicerat igen."):
                    curator(settings).restore(document.id)
        if document.status != "superseded":
            upload = st.file_uploader("Ersätt med en ny utgåva", key=f"edition-{document.id}")
            if upload is not None and st.button("Lägg till som ny utgåva", key=f"replace-{document.id}"):
                with tempfile.TemporaryDirectory() as folder, reported("Den nya utgåvan är tillagd."):
                    path = Path(folder) / Path(upload.name).name
                    path.write_bytes(upload.getvalue())
                    curator(settings).replace(document.id, path)
        confirm = st.checkbox("Jag vill radera dokumentet för gott (går inte att ångra)", key=f"confirm-{document.id}")
        if st.button("Radera", icon=":material/delete_forever:", disabled=not confirm, key=f"delete-{document.id}"):
            with reported(f"#{document.id} är raderat."):
                curator(settings).delete(document.id)

        with Catalogue(settings.catalogue_path) as catalogue:
            history = entries(catalogue.db, document_id=document.id)
            editions = catalogue.editions(document.id)
        if editions:
            st.caption("Tidigare utgåvor: " + escape_label("; ".join(document_label(e) for e in editions)))
        st.subheader("Ändringslogg för dokumentet")
        st.dataframe([{"när": e.at, "vem": e.actor, "vad": e.action, "ändring": e.changes()} for e in history],
                     hide_index=True, width="stretch")

with collections_tab:
    with Catalogue(settings.catalogue_path) as catalogue:
        existing = collections(catalogue.db)
    st.dataframe([{"samling": c.name, "dokument": c.documents, "granskas": c.requires_review,
                   "bara för": ", ".join(c.access)} for c in existing], hide_index=True, width="stretch")
    with st.form("new-collection", clear_on_submit=True):
        st.subheader("Ny samling")
        name = st.text_input("Namn")
        review = st.checkbox("Nya dokument granskas innan de kan citeras")
        access = st.text_input("Bara för dessa roller eller grupper (kommaseparerade; tomt = alla)")
        created = st.form_submit_button("Skapa samling")
    if created:
        with reported(f"Samlingen {name} är skapad."):
            curator(settings).create_collection(name, requires_review=review, access=comma_list(access))
    if existing:
        st.subheader("Ändra en samling")
        target = st.selectbox("Samling", [c.name for c in existing], key="collection_target")
        current = next(c for c in existing if c.name == target)
        with st.form(f"change-collection-{current.id}"):
            review = st.checkbox("Nya dokument granskas", value=current.requires_review)
            access = st.text_input("Bara för (kommaseparerade; tomt = alla)", value=", ".join(current.access))
            changed = st.form_submit_button("Spara samlingen")
        if changed:
            with reported(f"Samlingen {target} är ändrad."):
                curator(settings).change_collection(target, review, comma_list(access))
