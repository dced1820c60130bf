"""Upload new files through the same pipeline as `python -m ingest add`, with metadata and a collection."""
import tempfile
from pathlib import Path

import streamlit as st

from corpus.catalogue import Catalogue
from corpus.collections import collections
from corpus.records import DocumentMetadata
from ingest.formats import SUPPORTED
from ingest.pipeline import Ingester
from settings import Settings
from ui.chat import get_assistant
from ui.desk import PROBLEMS, comma_list, open_desk
from ui.strings import t

OUTCOMES = {"added": "tillagd", "updated": "uppdaterad", "unchanged": "oförändrad", "duplicate": "dubblett",
            "failed": "misslyckades"}

settings, viewer, ui = open_desk()
st.title(t("page_upload", ui))
st.caption("PDF, text, Markdown, HTML och Word. Samma inläsning som kommandot python -m ingest add: "
           "oförändrade filer och exakta dubbletter läggs inte till igen.")
with Catalogue(settings.catalogue_path) as catalogue:
    known = collections(catalogue.db)

with st.form("upload", clear_on_submit=True):
    files = st.file_uploader("Filer", accept_multiple_files=True, type=[s.lstrip(".") for s in SUPPORTED])
    series, authority = st.columns(2)
    fields = {"series": series.text_input("Serie/typ (t.ex. SOU, rapport, debattartikel)"),
              "authority": authority.text_input("Myndighet eller författare"),
              "published": series.text_input("Publiceringsdatum (ÅÅÅÅ-MM-DD)"),
              "licence": authority.text_input("Licens/villkor för återanvändning")}
    tags = st.text_input("Taggar (kommaseparerade)")
    collection = st.selectbox("Samling", [None, *(c.name for c in known)],
                              format_func=lambda n: "Ingen" if n is None else n +
                              (" (granskas före publicering)" if next(c for c in known if c.name == n).requires_review
                               else ""))
    submitted = st.form_submit_button("Lägg till", icon=":material/upload:")

if submitted and files:
    metadata = DocumentMetadata(**{k: v.strip() or None for k, v in fields.items()},
                                tags=comma_list(tags))
    bar = st.progress(0.0, text="Läser in …")
    done = []

    def on_file(path, outcome) -> None:
        done.append(outcome)
        bar.progress(len(done) / len(files), text=f"{len(done)} av {len(files)}: {path.name}")

    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for number, upload in enumerate(files):  # each in its own folder: two files of one name both count
            path = Path(folder) / f"{number:03d}" / Path(upload.name).name
            path.parent.mkdir()
            path.write_bytes(upload.getvalue())
            paths.append(path)
        try:
            embedder = get_assistant(Settings.from_env()).searcher.embedder  # the model the chat has loaded
            report = Ingester(settings, embedder).add(paths, metadata, on_file=on_file, collection=collection,
                                                      arguments=f"uppladdning i appen av {viewer.name}")
        except PROBLEMS as exc:
            st.error(str(exc))
            st.stop()
    bar.empty()
    (st.warning if report.failed else st.success)(report.summary())
    st.dataframe([{"fil": Path(o.path).name, "resultat": OUTCOMES[o.outcome], "dokument": o.document_id,
                   "meddelande": o.message} for o in report.outcomes], hide_index=True, width="stretch")
