"""The project's own realistic questions over ../shared/corpus (evaluation/realistic/): written by reading the
documents, as officials ask (facts, numbers, who/when, why, how, lists, definitions, yes/no; Swedish and
English; on-topic questions the library does not answer), each with the sentence(s) that answer it.

Split by document (evaluation/realistic/split.json): choices are fitted on the tuning part only and every
figure is reported on the hold-out part. An answer counts as quoting the answering sentence when its quoted
text holds most of the words of one of the answer sentences (`quotes_answer`)."""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

FOLDER = Path(__file__).resolve().parent / "realistic"
QUOTED_SHARE = 0.6  # of an answer sentence's words that the quote must hold


@dataclass(frozen=True)
class RealisticQuestion:
    id: str
    text: str
    language: str
    kind: str
    answerable: bool
    sentences: tuple[str, ...]
    short_answer: str | None
    document: str  # relative to ../shared/corpus
    page: int | None
    part: str  # "tuning" or "holdout"


def realistic_questions(folder: Path = FOLDER, part: str | None = None) -> list[RealisticQuestion]:
    """Every question (or those of one part), in file and line order."""
    split = json.loads((folder / "split.json").read_text(encoding="utf-8"))
    held_out = set(split["holdout"])
    found = []
    for path in sorted(folder.glob("questions-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            item = json.loads(line)
            found.append(RealisticQuestion(
                item["id"], item["question"], item["language"], item["kind"], bool(item["answerable"]),
                tuple(item["answer_sentences"]), item.get("short_answer"), item["document"], item.get("page"),
                "holdout" if item["document"] in held_out else "tuning"))
    return [q for q in found if part is None or q.part == part]


def adaptation_half(document: str) -> str:
    """Which half of the tuning part a document's questions fall in, fixed by document: "adapt" (they train
    the reader: evaluation/adapt_reader.py) or "calibrate" (they fit its decision to answer, unseen by it)."""
    return "adapt" if int(hashlib.sha1(("adapt" + document).encode()).hexdigest(), 16) % 2 == 0 else "calibrate"


def words(text: str) -> list[str]:
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "").casefold()
    return re.findall(r"\w+", text)


def quotes_answer(quoted: str, sentences: tuple[str, ...], share: float = QUOTED_SHARE) -> bool:
    """Whether `quoted` holds at least `share` of the distinct words of one of the answer sentences."""
    held = set(words(quoted))
    for sentence in sentences:
        wanted = set(words(sentence))
        if wanted and len(wanted & held) / len(wanted) >= share:
            return True
    return False


def cites_document(source_path: str, document: str) -> bool:
    """Whether a hit's source path is the question's document (paths relative to ../shared/corpus)."""
    return source_path.replace("\\", "/").endswith("/" + document)
