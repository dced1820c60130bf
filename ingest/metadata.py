"""Metadata from outside the text: sidecar `metadata.jsonl` files, front matter, identifiers in names."""
from __future__ import annotations

import json
import re
from datetime import date, datetime
from pathlib import Path
from typing import Mapping

from corpus.citation import series_name
from corpus.dates import is_date
from corpus.records import DocumentMetadata

SIDECAR = "metadata.jsonl"
ALIASES = {
    "title": ("title", "titel"),
    "authority": ("authority", "author", "myndighet", "författare", "publisher"),
    "series": ("series", "doc_type", "type", "serie", "typ"),
    "published": ("published", "date", "datum", "year", "år"),
    "identifier": ("identifier", "id_number", "beteckning", "diarienummer"),
    "source_url": ("source_url", "url", "källa"),
}
# Swedish public-record identifiers: SOU 2017:114, Ds 2019:1, Skr. 2019/20:82, Prop. 2019/20:1, Dir. 2020:12
IDENTIFIER = re.compile(
    r"\b(SOU|Ds|Skr\.?|Prop\.?|Dir\.?|RiR)\s?(\d{4}(?:/\d{2})?:\d+)\b", re.IGNORECASE)
# Diarienummer as authorities write them: "Dnr 2019-01234", "Dnr: 2.4-1234/2020", "diarienummer Fi2019/01234"
DIARIENUMMER = re.compile(r"\b(?:dnr|diarienr|diarienummer)\.?:?\s*([A-ZÅÄÖ]{0,4}\d[\w.\-/:]*\d)", re.IGNORECASE)
SERIES_OF_PREFIX = {"sou": "SOU", "ds": "Ds", "skr": "skrivelse", "prop": "proposition",
                    "dir": "kommittédirektiv", "rir": "granskningsrapport"}


def metadata_from_mapping(data: Mapping) -> DocumentMetadata:
    values = {}
    for field_name, keys in ALIASES.items():
        for key in keys:
            value = data.get(key)
            if value not in (None, "", []):
                values[field_name] = _as_text(value)
                break
    if values.get("published") and not is_date(values["published"]):
        values.pop("published")  # 2020-13-45 or "i fjol": not a date the catalogue can filter on
    if values.get("series"):
        values["series"] = series_name(values["series"])  # "statens-offentliga-utredningar" -> "SOU"
    tags = data.get("tags") or data.get("taggar") or ()
    if isinstance(tags, str):
        tags = [tags]
    if not isinstance(tags, (list, tuple)):
        tags = [tags]
    # ";" separates tags in exports and manifests, "," in the forms: neither can be inside one tag
    split = [part.strip() for tag in tags for part in re.split(r"[,;]", str(tag))]
    return DocumentMetadata(**values, tags=tuple(dict.fromkeys(t for t in split if t)))


def _as_text(value) -> str:
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    return str(value).strip()


def identifier_in(text: str) -> DocumentMetadata:
    """A public-record identifier (and its series) named in a file name or a text's opening; else a
    diarienummer."""
    match = IDENTIFIER.search(text)
    if not match:
        registry = DIARIENUMMER.search(text)
        return DocumentMetadata(identifier=f"Dnr {registry.group(1)}") if registry else DocumentMetadata()
    prefix = match.group(1).rstrip(".").lower()
    display = {"skr": "Skr.", "prop": "Prop.", "dir": "Dir."}.get(prefix, match.group(1).rstrip("."))
    return DocumentMetadata(identifier=f"{display} {match.group(2)}", series=SERIES_OF_PREFIX[prefix])


def sidecar_metadata(path: Path, root: Path | None = None) -> DocumentMetadata:
    """Entry for `path` in a `metadata.jsonl` beside it or in a parent folder (nearest first), up to and
    including `root` when given (the folder the user named), so that a metadata.jsonl in a shared folder
    above it never changes what is added below it. A file named on its own is looked up in all its parents
    (a catalogue's metadata.jsonl at the top of an archive describes files deep inside it)."""
    path = Path(path).resolve()
    root = Path(root).resolve() if root is not None else None
    for folder in path.parents:
        entry = _sidecar_index(folder / SIDECAR).get(path)
        if entry is not None:
            return metadata_from_mapping(entry)
        if folder == root:
            break
    return DocumentMetadata()


_SIDECAR_CACHE: dict[Path, tuple[float, dict[Path, dict]]] = {}


def _sidecar_index(sidecar: Path) -> dict[Path, dict]:
    if not sidecar.is_file():
        return {}
    mtime = sidecar.stat().st_mtime
    cached = _SIDECAR_CACHE.get(sidecar)
    if cached and cached[0] == mtime:
        return cached[1]
    index = {}
    for line in sidecar.read_text(encoding="utf-8", errors="replace").splitlines():
        try:  # one bad line never spoils the others: it is skipped
            entry = json.loads(line)
            name = entry.get("file") if isinstance(entry, dict) else None
            if not isinstance(name, str) or not name.strip() or "\x00" in name:
                continue
            index[(sidecar.parent / name).resolve()] = entry
        except (json.JSONDecodeError, ValueError, TypeError, OSError, RecursionError):
            continue
    _SIDECAR_CACHE[sidecar] = (mtime, index)
    return index
