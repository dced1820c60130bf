"""The sample library (`samples/` in the repository): Swedish government texts without copyright, loaded on
a library's first start so that Källa can be tried at once, and withdrawn again as exactly those documents.

A document is the sample's when its file is one that `samples/metadata.jsonl` lists: the catalogue records
it with that file's path, or (a clone moved elsewhere) with a path ending in the same `samples/…` name and
the same content. A copy of the same text that came from anywhere else is never the sample's."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from corpus.catalogue import Catalogue
from corpus.library import file_hash
from corpus.records import Document, IngestReport
from desk.curation import Curator
from ingest.pipeline import Ingester
from settings import PROJECT_ROOT, SampleMode, Settings
from text.problems import Problem

SAMPLE_DIR = PROJECT_ROOT / "samples"
SAMPLE_TAG = "exempel"  # given in samples/metadata.jsonl: the sample can be picked out in the filters
REMOVAL_REASON = "Exempelbiblioteket togs bort (python -m corpus sample remove)"


@dataclass(frozen=True)
class SampleFile:
    path: Path  # where the file is now
    name: str  # its name under samples/, e.g. "rattsliga-dokument/skrivelse/2020/02/skr.-20192082.md"
    content_hash: str


def sample_files(folder: Path | None = None) -> list[SampleFile]:
    """The sample's files (in `folder`, by default samples/), in the order its metadata.jsonl lists them (a
    listed file that is missing is left out; the folder's README is not a document)."""
    folder = folder or SAMPLE_DIR
    listing = folder / "metadata.jsonl"
    if not listing.is_file():
        return []
    found = []
    for line in listing.read_text(encoding="utf-8").splitlines():
        name = json.loads(line)["file"] if line.strip() else None
        path = (folder / name).resolve() if name else None
        if path is not None and path.is_file():
            found.append(SampleFile(path, name, file_hash(path)))
    return found


def wanted_at_first_start(settings: Settings) -> bool:
    """False where KALLA_SAMPLE says off (off, av, 0, no, nej, false: settings.choices.SampleMode)."""
    return settings.sample == SampleMode.ON


def never_used(settings: Settings) -> bool:
    """True for a library that has never held a document: none in the catalogue, whatever its status, and
    none ever added (a document deleted since still counts as held)."""
    if not settings.catalogue_path.is_file():
        return True
    with Catalogue(settings.catalogue_path) as catalogue:
        return not catalogue.ever_held_documents()


def is_sample(document: Document, files: list[SampleFile]) -> bool:
    """Its file is one of the sample's: the same path, or (a moved clone) the same name under samples/ and content."""
    for sample in files:
        if document.source_path == str(sample.path):
            return True
        if document.content_hash == sample.content_hash and document.source_path.endswith("/samples/" + sample.name):
            return True
    return False


def sample_documents(catalogue: Catalogue, files: list[SampleFile] | None = None,
                     statuses: tuple[str, ...] = ("active", "pending")) -> list[Document]:
    """The sample's documents in the catalogue with one of these statuses (looked up by path and content,
    so a large library costs no more than a small one)."""
    files = sample_files() if files is None else files
    if not files:
        return []
    paths, hashes = [str(f.path) for f in files], [f.content_hash for f in files]
    documents = [catalogue.document(document_id) for document_id in catalogue.ids_from_files(paths, hashes, statuses)]
    return [d for d in documents if d is not None and is_sample(d, files)]


class SampleMissing(Problem, ValueError):
    """No sample library where one was asked for."""


def add_sample(settings: Settings, folder: Path | None = None, on_file: Callable | None = None,
               on_wait: Callable[[str], None] | None = None) -> IngestReport:
    """Add the sample's files (their metadata from samples/metadata.jsonl). Unchanged files cost nothing."""
    paths = [sample.path for sample in sample_files(folder)]
    if not paths:
        raise SampleMissing("sample_missing", folder=folder or SAMPLE_DIR)
    return Ingester(settings).add(paths, on_file=on_file, arguments="sample add", on_wait=on_wait)


def remove_sample(settings: Settings, actor: str | None = None, folder: Path | None = None,
                  on_wait: Callable[[str], None] | None = None) -> list[Document]:
    """Withdraw the sample's active or pending documents, and nothing else (each one with its audit record;
    `python -m corpus restore ID` brings one back). Returns the documents withdrawn."""
    with Catalogue(settings.catalogue_path) as catalogue:
        found = sample_documents(catalogue, sample_files(folder))
    curator = Curator(settings, actor, on_wait)
    return [curator.withdraw(document.id, REMOVAL_REASON) for document in found]
