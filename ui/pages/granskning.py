"""The review queue (pending documents, possible near-duplicates) and the ingests that failed, with why."""
import streamlit as st

from corpus.catalogue import Catalogue
from corpus.review import review_items
from ui.desk import curator, document_label, open_desk, reported, show_notice
from ui.strings import t

settings, viewer, ui = open_desk()
st.title(t("page_review", ui))
show_notice()
queue_tab, failures_tab = st.tabs(["Granskningskö", "Misslyckade inläsningar"])

with queue_tab:
    with Catalogue(settings.catalogue_path) as catalogue:
        items = [(item, catalogue.document(item.document_id),
                  catalogue.document(item.other_document_id) if item.other_document_id else None)
                 for item in review_items(catalogue.db)]
    if not items:
        st.info("Inga öppna ärenden.", icon=":material/task_alt:")
    for item, document, other in items:
        with st.container(border=True):
            if item.kind == "pending":
                st.markdown("**Väntar på godkännande**")
                st.text(document_label(document))
                approve, reject = st.columns(2)
                if approve.button("Godkänn och publicera", key=f"approve-{item.id}", icon=":material/done:"):
                    with reported(f"#{document.id} är publicerat."):
                        curator(settings).approve(document.id)
                reason = st.text_input("Skäl att avvisa", key=f"reject-reason-{item.id}")
                if reject.button("Avvisa", key=f"reject-{item.id}", icon=":material/block:"):
                    with reported(f"#{document.id} är avvisat."):
                        curator(settings).reject(document.id, reason)
            else:
                st.markdown(f"**Möjlig dubblett eller ny utgåva** (text till {item.similarity:.0%} lika)")
                st.text(f"nyare: {document_label(document)}\näldre: {document_label(other)}")
                keep, supersede, withdraw = st.columns(3)
                for column, decision, label in ((keep, "keep", "Behåll båda"),
                                                (supersede, "supersede", "Nyare ersätter äldre"),
                                                (withdraw, "withdraw", "Dra tillbaka det nyare")):
                    if column.button(label, key=f"{decision}-{item.id}"):
                        with reported(f"Ärende {item.id} är avgjort."):
                            curator(settings).resolve_duplicate(item.id, decision)

with failures_tab:
    with Catalogue(settings.catalogue_path) as catalogue:
        failures = catalogue.failures(200)
    if not failures:
        st.info("Inga misslyckade inläsningar.", icon=":material/task_alt:")
    st.dataframe([{"när": row["at"], "fil": row["path"], "orsak": row["message"]} for row in failures],
                 hide_index=True, width="stretch")
