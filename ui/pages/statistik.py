"""Corpus statistics with charts: documents by series, year, language and status; passages; sizes."""
import streamlit as st

from corpus.catalogue import Catalogue
from desk.statistics import statistics
from ui.desk import open_desk
from ui.strings import t

settings, viewer, ui = open_desk()
st.title(t("page_statistics", ui))
with Catalogue(settings.catalogue_path) as catalogue:
    figures = statistics(catalogue, settings.index_dir, settings.library_dir)

documents, passages, reviews, failed = st.columns(4)
documents.metric(t("published_documents", ui), figures.by_status.get("active", 0))
passages.metric(t("passages", ui), figures.passages)
reviews.metric(t("open_reviews", ui), figures.open_reviews)
failed.metric(t("failed_ingests", ui), figures.failed_ingests)
by_status = {t("status_" + status, ui): count for status, count in figures.by_status.items()}
for key, counts in (("by_series", figures.by_series), ("by_year", figures.by_year),
                    ("by_language", figures.by_language), ("by_status", by_status)):
    st.subheader(t(key, ui))
    if counts:
        st.bar_chart({t("column_count", ui): counts}, horizontal=key != "by_year", height=240)
        st.dataframe([{t("column_value", ui): k, t("column_count", ui): v} for k, v in counts.items()], hide_index=True)
st.caption(t("storage_caption", ui, version=figures.index_version or t("no_index", ui), index=figures.index_bytes / 1e6,
             catalogue=figures.catalogue_bytes / 1e6, library=figures.library_bytes / 1e6))
