"""Upload new files through the same pipeline as `python -m ingest add`, with metadata and a collection."""
import tempfile
from pathlib import Path

import streamlit as st

from corpus.catalogue import Catalogue
from corpus.records import DocumentMetadata
from ingest.formats import SUPPORTED
from ingest.pipeline import Ingester, shown_name, stage_uploads
from settings import Settings
from ui.chat import get_assistant
from ui.desk import PROBLEMS, cell, comma_list, open_desk, problem_text
from ui.strings import t

settings, viewer, ui = open_desk()
st.title(t("page_upload", ui))
st.caption(t("upload_caption", ui))
with Catalogue(settings.catalogue_path) as catalogue:
    known = catalogue.collections.all()

with st.form("upload", clear_on_submit=True):
    files = st.file_uploader(t("files", ui), accept_multiple_files=True, type=[s.lstrip(".") for s in SUPPORTED])
    series, authority = st.columns(2)
    fields = {"series": series.text_input(t("upload_series", ui)),
              "authority": authority.text_input(t("field_authority", ui)),
              "published": series.text_input(t("field_published", ui)),
              "licence": authority.text_input(t("field_licence", ui))}
    tags = st.text_input(t("field_tags", ui))
    reviewed = {c.name for c in known if c.requires_review}
    collection = st.selectbox(t("collection", ui), [None, *(c.name for c in known)],
                              format_func=lambda n: t("none", ui) if n is None else
                              t("reviewed_before_publishing", ui, name=n) if n in reviewed else n)
    submitted = st.form_submit_button(t("add", ui), icon=":material/upload:")

if submitted and files:
    metadata = DocumentMetadata(**{k: v.strip() or None for k, v in fields.items()},
                                tags=comma_list(tags))
    bar = st.progress(0.0, text=t("reading_in", ui))
    done = []

    def on_file(path, outcome) -> None:
        done.append(outcome)
        bar.progress(len(done) / len(files), text=t("file_progress", ui, done=len(done), total=len(files), name=path.name))

    with tempfile.TemporaryDirectory() as folder:
        staged = stage_uploads(Path(folder), ((upload.name, upload.getvalue()) for upload in files))
        try:
            if collection:
                with Catalogue(settings.catalogue_path) as catalogue:
                    catalogue.collections.check_may_add(viewer, collection)
            embedder = get_assistant(Settings.from_env()).searcher.embedder  # the model the chat has loaded
            report = Ingester(settings, embedder).add(list(staged), metadata, on_file=on_file, collection=collection,
                                                      sources=staged, arguments=t("upload_run_by", "sv", name=viewer.name))
        except PROBLEMS as exc:
            st.error(problem_text(exc, ui))
            st.stop()
    bar.empty()
    (st.warning if report.failed else st.success)(report.summary(ui))
    st.dataframe([{t("column_file", ui): shown_name(o.path), t("column_result", ui): t("outcome_" + o.outcome, ui),
                   t("column_document", ui): cell(o.document_id), t("column_message", ui): cell(o.text(ui))}
                  for o in report.outcomes], hide_index=True, width="stretch")
