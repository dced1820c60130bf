"""The review queue (pending documents, possible near-duplicates) and the ingests that failed, with why."""
import streamlit as st

from corpus.catalogue import Catalogue
from ui.compare import document_text, side_by_side
from ui.desk import curator, document_label, open_desk, reported, show_notice
from ui.strings import t

settings, viewer, ui = open_desk()
st.title(t("page_review", ui))
show_notice()
queue_tab, failures_tab = st.tabs([t("tab_queue", ui), t("tab_failures", ui)])

with queue_tab:
    with Catalogue(settings.catalogue_path) as catalogue:
        items = [(item, catalogue.document(item.document_id),
                  catalogue.document(item.other_document_id) if item.other_document_id else None)
                 for item in catalogue.review.items()]
    if not items:
        st.info(t("no_open_items", ui), icon=":material/task_alt:")
    for item, document, other in items:
        with st.container(border=True):
            if item.kind == "pending":
                st.markdown(f"**{t('awaiting_approval', ui)}**")
                st.text(document_label(document, ui))
                approve, reject = st.columns(2)
                if approve.button(t("approve", ui), key=f"approve-{item.id}", icon=":material/done:"):
                    with reported(t("approved_document", ui, id=document.id)):
                        curator(settings).approve(document.id)
                reason = st.text_input(t("reject_reason", ui), key=f"reject-reason-{item.id}")
                if reject.button(t("reject", ui), key=f"reject-{item.id}", icon=":material/block:"):
                    with reported(t("rejected_document", ui, id=document.id)):
                        curator(settings).reject(document.id, reason)
            else:
                st.markdown(f"**{t('possible_duplicate', ui, similarity=item.similarity)}**")
                st.text(t("newer_older", ui, newer=document_label(document, ui), older=document_label(other, ui)))
                with st.expander(t("compare_texts", ui), icon=":material/compare:"):
                    with Catalogue(settings.catalogue_path) as catalogue:
                        texts = [document_text(catalogue.document_passages(d.id)) for d in (other, document)]
                    older, newer, common = side_by_side(*texts)
                    st.caption(t("compare_caption", ui, common=common))
                    old_column, new_column = st.columns(2)
                    old_column.markdown(f"**{t('older', ui)} #{other.id}**")
                    old_column.markdown(f'<div class="kalla-compare" tabindex="0">{older}</div>', unsafe_allow_html=True)
                    new_column.markdown(f"**{t('newer', ui)} #{document.id}**")
                    new_column.markdown(f'<div class="kalla-compare" tabindex="0">{newer}</div>', unsafe_allow_html=True)
                keep, supersede, withdraw = st.columns(3)
                for column, decision, label in ((keep, "keep", t("keep_both", ui)),
                                                (supersede, "supersede", t("newer_supersedes", ui)),
                                                (withdraw, "withdraw", t("withdraw_newer", ui))):
                    if column.button(label, key=f"{decision}-{item.id}"):
                        with reported(t("resolved_item", ui, id=item.id)):
                            curator(settings).resolve_duplicate(item.id, decision)

with failures_tab:
    with Catalogue(settings.catalogue_path) as catalogue:
        failures = catalogue.failures(200)
    if not failures:
        st.info(t("no_failures", ui), icon=":material/task_alt:")
    st.dataframe([{t("column_when", ui): event.at, t("column_file", ui): event.path, t("column_reason", ui): event.text(ui)}
                  for event in failures],
                 hide_index=True, width="stretch")
