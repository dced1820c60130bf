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
documents.metric("Publicerade dokument", figures.by_status.get("active", 0))
passages.metric("Passager", figures.passages)
reviews.metric("Öppna granskningar", figures.open_reviews)
failed.metric("Misslyckade inläsningar", figures.failed_ingests)
for title, counts in (("Dokument per serie/typ", figures.by_series), ("Dokument per utgivningsår", figures.by_year),
                      ("Dokument per språk", figures.by_language), ("Dokument per status", figures.by_status)):
    st.subheader(title)
    if counts:
        st.bar_chart({"antal": counts}, horizontal=title != "Dokument per utgivningsår", height=240)
        st.dataframe([{"värde": k, "antal": v} for k, v in counts.items()], hide_index=True)
st.caption(f"Index {figures.index_version or '(inget)'}: {figures.index_bytes / 1e6:.1f} MB · katalog "
           f"{figures.catalogue_bytes / 1e6:.1f} MB · originalfiler {figures.library_bytes / 1e6:.1f} MB")
