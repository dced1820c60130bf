"""Answer quality on real questions: does the assistant answer, and does its answer state the fact?

Question sets (all read from ../shared or the project's own bench/domain_questions.json):
- SQuAD-sv 2.0, the articles held out from the reader's training (answerable + adversarial unanswerable),
  over a library of all SQuAD-sv paragraphs;
- SweQUAD-MC dev (answerable), over a library of the SweQUAD-MC passages;
- the project's domain questions over ../shared/corpus (Swedish and English, some not answered there).
An answer counts as containing the gold answer when one of the gold strings is in the quoted text
as whole words (case, width and white space folded; a Swedish genitive -s allowed). Abstaining is
correct exactly when the question is unanswerable."""
from __future__ import annotations

import json
import re
import shutil
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path

from evaluation.reader_data import CALIBRATION_ARTICLES, SWEQUAD_DEV, TEST_ARTICLES, squad_articles
from settings import PROJECT_ROOT, Settings

SHARED = PROJECT_ROOT.parent / "shared"
EVAL_DIR = SHARED / "eval"
CORPUS_DIR = SHARED / "corpus"
DOMAIN_QUESTIONS = PROJECT_ROOT / "bench" / "domain_questions.json"
ENGLISH_CALIBRATION = Path(__file__).resolve().parent / "calibration_questions_en.json"
LIBRARIES = PROJECT_ROOT / "bench" / "results" / "tmp" / "libraries"


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    answerable: bool
    golds: tuple[str, ...] = ()
    language: str = "sv"
    group: str = ""


def squad_questions(eval_dir: Path = EVAL_DIR, articles: tuple[str, ...] = TEST_ARTICLES) -> list[Question]:
    return _squad_format_questions(squad_articles(eval_dir), articles)


def _squad_format_questions(data: list[dict], articles: tuple[str, ...], language: str = "sv",
                            suffix: str = "") -> list[Question]:
    """The questions of `articles` in SQuAD 2.0's format, answerable where they have a gold answer."""
    found = []
    for article in data:
        if article["title"] not in articles:
            continue
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                golds = tuple(dict.fromkeys(a["text"] for a in qa.get("answers", []) if a["text"].strip()))
                answerable = not qa.get("is_impossible") and bool(golds)
                found.append(Question(qa["id"] + suffix, qa["question"], answerable, golds if answerable else (),
                                      language, article["title"]))
    return found


def calibration_questions(eval_dir: Path = EVAL_DIR) -> list[Question]:
    return squad_questions(eval_dir, CALIBRATION_ARTICLES)


def english_calibration_questions(eval_dir: Path = EVAL_DIR, path: Path = ENGLISH_CALIBRATION) -> list[Question]:
    """The project's English translations of calibration questions (evaluation/calibration_questions_en.json),
    with the Swedish originals' golds, article and answerability (read by id)."""
    originals = {q.id: q for q in calibration_questions(eval_dir)}
    listed = json.loads(Path(path).read_text(encoding="utf-8"))["questions"]
    return [replace(originals[item["id"]], text=item["question"], language="en")
            for item in listed if item["id"] in originals]


ENGLISH_SQUAD = "extra/squad_en_questions/squad2_en_question_sv_context_18_training_articles.json"


def english_squad_questions(eval_dir: Path = EVAL_DIR, articles: tuple[str, ...] = TEST_ARTICLES) -> list[Question]:
    """SQuAD 2.0's original English questions over the Swedish paragraphs of `articles` (../shared/eval/extra),
    with the Swedish paragraph's golds."""
    data = json.loads((Path(eval_dir) / ENGLISH_SQUAD).read_text(encoding="utf-8"))["data"]
    return _squad_format_questions(data, articles, "en", "-en")


def swequad_dev_questions(eval_dir: Path = EVAL_DIR) -> list[Question]:
    data = json.loads((Path(eval_dir) / SWEQUAD_DEV).read_text(encoding="utf-8"))["data"]
    found = []
    for number, item in enumerate(data):
        correct = next((c for c in item["choices"] if c["type"] == "Correct answer"), None)
        if correct:
            gold = item["context"][correct["start"]:correct["end"]]
            found.append(Question(f"swequad-dev-{number}", item["question"], True, (gold,)))
    return found


def domain_questions(path: Path = DOMAIN_QUESTIONS) -> list[Question]:
    return [Question(q["id"], q["question"], q["answerable"], tuple(q["gold"]), q["language"])
            for q in json.loads(Path(path).read_text(encoding="utf-8"))]


def folded(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join(re.findall(r"\w+", text))


def contains_gold(text: str, golds: tuple[str, ...]) -> bool:
    """Whether `text` states one of the gold answers: as whole words, also in the Swedish genitive
    ("Linköpings universitet" states "Linköping")."""
    haystack = f" {folded(text)} "
    return any(f" {gold} " in haystack or f" {gold}s " in haystack for gold in map(folded, golds) if gold)


def answer_text(answer) -> str:
    return " ".join(s.text for s in answer.sentences)


# --- libraries -------------------------------------------------------------------------------------
def squad_texts(eval_dir: Path = EVAL_DIR) -> dict[str, str]:
    from evaluation.beir import load_beir

    return load_beir(Path(eval_dir) / "squad_v2_sv", "dev").corpus


def swequad_texts(eval_dir: Path = EVAL_DIR) -> dict[str, str]:
    from evaluation.beir import load_beir

    return load_beir(Path(eval_dir) / "swequad_mc", "dev").corpus


def safe_key(key: str) -> str:
    """A text's key as it may stand in a file name."""
    return re.sub(r"[^A-Za-z0-9_-]", "_", key)[:40]


def library_file_name(number: int, key: str) -> str:
    """The file that holds the text `key` in a library built from texts (its document's file_name)."""
    return f"{number:06d}_{safe_key(key)}.txt"


def library_key(file_name: str) -> str:
    """The (safe) key of the text a document of a library built from texts holds: library_file_name read back."""
    return Path(file_name).stem.split("_", 1)[-1]


def library_settings(settings: Settings, name: str, texts: dict[str, str] | None = None,
                     folder: Path | None = None, log=print, libraries: Path = LIBRARIES) -> Settings:
    """Settings over a library built once (and kept in bench/results/tmp/libraries/NAME) from `texts`
    (one document each) or from the files in `folder`."""
    from embedding import load_embedder
    from ingest.pipeline import Ingester

    root = Path(libraries) / f"{name}-{settings.chunk_chars}"
    built = replace(settings, data_dir=root / "data")
    if (root / "READY").exists():
        return built
    source = folder
    if texts is not None:  # an interrupted build resumes: unchanged files are skipped by the ingest
        source = root / "docs"
        shutil.rmtree(source, ignore_errors=True)
        source.mkdir(parents=True)
        for number, (key, text) in enumerate(texts.items()):
            (source / library_file_name(number, key)).write_text(text, encoding="utf-8")
    log(f"Bygger biblioteket {name} ({root}) …")
    report = Ingester(built, load_embedder(built)).add([source])
    log(f"  {len(report.outcomes)} filer, {sum(o.passages or 0 for o in report.outcomes)} passager "
        f"på {report.seconds:.0f} s")
    (root / "READY").write_text("ok")
    return built
