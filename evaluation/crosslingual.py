"""Cross-lingual retrieval: English questions over the Swedish SQuAD-sv paragraphs, beside their Swedish twins.

    python -m evaluation.crosslingual [--tune | --dev] [--json]

Questions: the answerable ones in extra/squad_en_questions/squad2_en_question_sv_context_18_training_articles.json
(the original English SQuAD question; its Swedish translation in `question_sv`), the gold paragraph from
squad_v2_sv/qrels/dev.tsv. Library: all 1,204 SQuAD-sv paragraphs (squad_v2_sv/corpus.jsonl, 35 articles),
built once with the project's own ingest and kept in bench/results/tmp/libraries/squad-sv-<chunk chars>.
The 18 articles are split by article, fixed below: the keyword weight across languages is chosen on the
tuning articles (`--tune`) and reported on the held-out ones.

Each question's language is told once (index/language.py) and passed to every fetch and ranking of it, as
Searcher.search passes it down. Its candidates are fetched once (Searcher.candidates, as deep as
`search(question, 50)` fetches) and ranked the way Searcher.search ranks them, per fusion: before (one
keyword weight for every passage, no lexicon) and after (Searcher.keyword_weight: the weight across languages
where the passage's language is not the question's; an English question's words also searched in Swedish
through the lexicon of text/translation.py, so its candidates are fetched once per lexicon weight; a Swedish
passage scored against the English question's vector moved toward Swedish, index/question_shift.py, fetched
once per factor). Query vectors are kept next to the library, so a rerun embeds nothing.
`--dev` ranks the three Swedish dev sets (SweFAQ, SweQUAD-MC, SQuAD-sv) both ways, to show that Swedish
questions keep their figures.
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Mapping, Sequence

import click
import numpy as np
from tqdm import tqdm

from corpus.catalogue import Catalogue
from embedding import Embedder, load_embedder
from embedding.loader import model_identity
from evaluation.answers import EVAL_DIR, library_key, library_settings, safe_key, squad_texts
from evaluation.beir import load_beir
from evaluation.metrics import evaluate_run, ndcg_at_k
from evaluation.retrieval import PASSAGES_PER_QUERY
from index.language import question_language
from index.manifest import machine
from index.question_shift import QuestionShift
from index.search import OVERFETCH, Candidates, Searcher
from settings import Settings

QUESTIONS_FILE = EVAL_DIR / "extra" / "squad_en_questions" / "squad2_en_question_sv_context_18_training_articles.json"
# The 18 articles, every other one in the file's order: weights are chosen on the first group only.
TUNING_ARTICLES = ("Normans", "Victoria_(Australia)", "Amazonas regnskog", "Ekonomisk kvalitet",
                   "Mellanstatliga_Panel_på_Climate_Change", "Islamism", "Tvinga", "Black_Death", "Konstruktion")
HELD_OUT_ARTICLES = ("Southern_California", "Ångmotor", "Fresno, Kalifornien", "Yuan_dynasty", "Rhine",
                     "Warszawa", "1973_oljekris", "Pharmacy", "Harvard Universitet")
GROUPS = {"tuning": TUNING_ARTICLES, "held_out": HELD_OUT_ARTICLES}
DEV_SETS = {"swefaq_superlim2": "swefaq", "swequad_mc": "swequad-mc", "squad_v2_sv": "squad-sv"}  # -> library
WEIGHTS = [round(w, 2) for w in np.arange(0.0, 1.0001, 0.05)]
DEPTH = PASSAGES_PER_QUERY * OVERFETCH  # what Searcher.search(question, 50) fetches from each side


@dataclass(frozen=True)
class QuestionPair:
    id: str
    article: str
    english: str
    swedish: str
    gold: dict[str, int]  # the paragraph's (safe) key -> grade


@dataclass(frozen=True)
class Fetched:
    """One question's candidates, scored by both sides, with each candidate's document and language."""

    question: str
    candidates: Candidates
    documents: list[str]
    languages: list[str | None]
    question_language: str  # 'sv' or 'en', told once for the fetch and every ranking of it


def question_pairs(eval_dir: Path = EVAL_DIR) -> list[QuestionPair]:
    """The answerable questions of the 18 articles that have a gold paragraph in SQuAD-sv dev."""
    qrels = load_beir(Path(eval_dir) / "squad_v2_sv", "dev").qrels
    data = json.loads((Path(eval_dir) / QUESTIONS_FILE.relative_to(EVAL_DIR)).read_text(encoding="utf-8"))
    pairs = []
    for article in data["data"]:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                if qa.get("is_impossible") or qa["id"] not in qrels:
                    continue
                gold = {safe_key(doc): grade for doc, grade in qrels[qa["id"]].items()}
                pairs.append(QuestionPair(qa["id"], article["title"], qa["question"], qa["question_sv"], gold))
    return pairs


class RememberedQueries:
    """The embedder, with every query vector kept in a file: a rerun embeds no question again."""

    def __init__(self, embedder: Embedder, path: Path) -> None:
        self.embedder, self.path = embedder, path
        self.name, self.dimension = embedder.name, embedder.dimension
        self.vectors: dict[str, np.ndarray] = {}
        if path.is_file():
            with np.load(path) as stored:
                self.vectors = dict(zip(stored["texts"].tolist(), stored["vectors"]))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.embedder.embed_passages(texts)

    def embed_query(self, text: str) -> np.ndarray:
        if text not in self.vectors:
            self.vectors[text] = self.embedder.embed_query(text)
        return self.vectors[text]

    def save(self) -> None:
        texts = list(self.vectors)
        np.savez(self.path, texts=np.asarray(texts, dtype=str), vectors=np.vstack([self.vectors[t] for t in texts]))


def passage_facts(settings: Settings) -> dict[int, tuple[str, str | None]]:
    """Passage id -> (the paragraph's key, the passage's language), for the whole library."""
    with Catalogue(settings.catalogue_path) as catalogue:
        return {passage.id: (library_key(document.file_name), passage.language)
                for document in catalogue.documents() for passage in catalogue.document_passages(document.id)}


def remembered_queries(library: Settings) -> RememberedQueries:
    """The library's embedder with the query vectors kept beside the library."""
    return RememberedQueries(load_embedder(library),
                             library.data_dir.parent / f"queries-{safe_key(model_identity(library))}.npz")


def fetch_all(questions: list[str], settings: Settings, name: str = "squad-sv",
              texts: dict[str, str] | None = None, shift: QuestionShift | None = None,
              languages: Mapping[str, str] | None = None) -> dict[str, Fetched]:
    """Every question fetched once from the library `name` (built once from `texts`, SQuAD-sv by default);
    `shift`: the question shift to use instead of the shipped one; `languages`: the questions' languages where
    they were told already."""
    library = library_settings(settings, name, texts or squad_texts(), log=lambda m: print(m, file=sys.stderr))
    facts = passage_facts(library)
    queries = remembered_queries(library)
    searcher = Searcher(library, queries, shift)
    fetched = {}
    for question in tqdm(list(dict.fromkeys(questions)), unit="fråga", desc=f"Hämtar ({name})", file=sys.stderr):
        fetched[question] = fetched_question(searcher, question, facts, (languages or {}).get(question))
    queries.save()
    return fetched


def fetched_question(searcher: Searcher, question: str, facts: dict[int, tuple[str, str | None]],
                     language: str | None = None) -> Fetched:
    """One question's candidates, as deep as Searcher.search(question, 50) fetches them, with each one's
    paragraph and language (`facts`: passage_facts); `language`: the question's, told here when not given."""
    language = language or question_language(question)
    candidates = searcher.candidates(question, DEPTH, mode="hybrid", language=language)
    found = [facts.get(int(i), ("", None)) for i in candidates.ids]
    return Fetched(question, candidates, [doc for doc, _ in found], [lang for _, lang in found], language)


def ranked_documents(fetched: Fetched, searcher: Searcher, mode: str) -> list[str]:
    """The paragraphs in the order Searcher.search(question, 50, mode=mode) would rank their passages."""
    candidates, weight = fetched.candidates, searcher.settings.keyword_weight
    if mode == "hybrid":
        candidates, weight = searcher.across_languages(fetched.question, candidates, fetched.languages,
                                                       fetched.question_language)
    order, _ = candidates.ranked(mode, searcher.settings.fusion, weight)
    return list(dict.fromkeys(fetched.documents[i] for i in order[:PASSAGES_PER_QUERY]))


def scores(pairs: list[QuestionPair], fetched: dict[str, Fetched], searcher: Searcher, mode: str,
           language: str) -> dict[str, float]:
    """nDCG@10, hit@1 and hit@5 over the pairs' questions in one language ('en' or 'sv')."""
    totals = {"ndcg@10": 0.0, "hit@1": 0.0, "hit@5": 0.0}
    for pair in pairs:
        ranked = ranked_documents(fetched[pair.english if language == "en" else pair.swedish], searcher, mode)
        totals["ndcg@10"] += ndcg_at_k(ranked, pair.gold, 10)
        totals["hit@1"] += any(doc in pair.gold for doc in ranked[:1])
        totals["hit@5"] += any(doc in pair.gold for doc in ranked[:5])
    return {name: round(value / len(pairs), 4) for name, value in totals.items()}


def dev_rows(settings: Settings) -> list[dict]:
    """Hybrid nDCG@10 on the three Swedish dev sets, before (one keyword weight) and after (per language),
    over the same libraries the answer benchmarks keep (bench/results/tmp/libraries)."""
    rows = []
    for name, library in DEV_SETS.items():
        beir = load_beir(EVAL_DIR / name, "dev")
        fetched = Fetcher(list(beir.queries.values()), settings, library, beir.corpus)
        qrels = {query: {safe_key(doc): grade for doc, grade in judged.items()} for query, judged in beir.qrels.items()}
        for variant, (mode, varied) in variants(settings).items():
            searcher, found = Searcher(varied), fetched(varied)
            run = {query: ranked_documents(found[text], searcher, mode) for query, text in beir.queries.items()}
            rows.append({"set": name, "split": "dev", "variant": variant, "mode": mode, "queries": len(run),
                         **{k: round(v, 4) for k, v in evaluate_run(run, qrels, k=10).items()},
                         "keyword_weight": varied.keyword_weight,
                         "cross_language_keyword_weight": varied.cross_language_keyword_weight})
    return rows


class Fetcher:
    """The questions fetched once per keyword query and question shift: with the settings' English lexicon
    weight and shift, or others. Each question's language is told once, for all of them."""

    def __init__(self, questions: list[str], settings: Settings, name: str = "squad-sv",
                 texts: dict[str, str] | None = None) -> None:
        self.questions, self.settings, self.name, self.texts = questions, settings, name, texts
        self.languages = {question: question_language(question) for question in dict.fromkeys(questions)}
        self.fetched: dict[tuple[float, float], dict[str, Fetched]] = {}

    def __call__(self, variant: Settings) -> dict[str, Fetched]:
        key = (variant.english_lexicon_weight, variant.cross_language_shift)
        if key not in self.fetched:
            fetched_with = replace(self.settings, english_lexicon_weight=key[0], cross_language_shift=key[1])
            self.fetched[key] = fetch_all(self.questions, fetched_with, self.name, self.texts,
                                          languages=self.languages)
        return self.fetched[key]


def variants(settings: Settings) -> dict[str, tuple[str, Settings]]:
    """What is compared: each side alone, hybrid before (one keyword weight, no lexicon, no question shift)
    and after (per language, the English lexicon and the question shift as set)."""
    before = replace(settings, cross_language_keyword_weight=settings.keyword_weight, english_lexicon_weight=0.0,
                     cross_language_shift=0.0)
    return {"dense": ("dense", settings), "bm25": ("bm25", settings), "hybrid before": ("hybrid", before),
            "hybrid after": ("hybrid", settings)}


def report(pairs: list[QuestionPair], fetched: Fetcher, settings: Settings) -> list[dict]:
    rows = []
    for group, articles in GROUPS.items():
        chosen = [pair for pair in pairs if pair.article in articles]
        for name, (mode, variant) in variants(settings).items():
            searcher = Searcher(variant)
            for language in ("en", "sv"):
                rows.append({"set": "squad_en_sv", "articles": group, "questions": len(chosen),
                             "question_language": language, "variant": name, "mode": mode,
                             "keyword_weight": variant.keyword_weight,
                             "cross_language_keyword_weight": variant.cross_language_keyword_weight,
                             "english_lexicon_weight": variant.english_lexicon_weight,
                             "cross_language_shift": variant.cross_language_shift,
                             **scores(chosen, fetched(variant), searcher, mode, language), "model": settings.model,
                             "chunk_chars": settings.chunk_chars, "machine": machine()})
    return rows


def tune(pairs: list[QuestionPair], fetched: dict[str, Fetched], settings: Settings) -> list[dict]:
    """Every weight across languages on the tuning articles only (English and Swedish questions)."""
    chosen = [pair for pair in pairs if pair.article in TUNING_ARTICLES]
    rows = []
    for weight in WEIGHTS:
        searcher = Searcher(replace(settings, cross_language_keyword_weight=weight))
        for language in ("en", "sv"):
            rows.append({"articles": "tuning", "questions": len(chosen), "question_language": language,
                         "keyword_weight": settings.keyword_weight, "cross_language_keyword_weight": weight,
                         **scores(chosen, fetched, searcher, "hybrid", language)})
    return rows


@click.command()
@click.option("--tune", "tuning", is_flag=True,
              help="Pröva vikter över språkgränsen 0–1 på inställningsartiklarna (skriver bench/results/"
                   "crosslingual_tuning.jsonl) i stället för att rapportera.")
@click.option("--dev", is_flag=True, help="Jämför i stället nDCG@10 på de tre svenska dev-mängderna (SweFAQ, "
                                           "SweQUAD-MC, SQuAD-sv) före och efter.")
@click.option("--json", "as_json", is_flag=True, help="Skriv en JSON-rad per artikelgrupp, språk och variant.")
def main(tuning: bool, dev: bool, as_json: bool) -> None:
    """Mät sökningen över språkgränsen: engelska frågor mot svenska SQuAD-sv-stycken, bredvid samma
    frågor på svenska (nDCG@10, träff@1, träff@5), före och efter språkberoende viktning.

    \b
    Exempel:
      python -m evaluation.crosslingual
      python -m evaluation.crosslingual --tune
      python -m evaluation.crosslingual --dev
      KALLA_CROSS_LANGUAGE_KEYWORD_WEIGHT=0.1 python -m evaluation.crosslingual --json
    """
    settings = Settings.from_env()
    if dev:
        for row in dev_rows(settings):
            click.echo(json.dumps(row, ensure_ascii=False) if as_json else
                       f"{row['set']:<17} {row['variant']:<14} nDCG@10 {row['ndcg@10']:.4f} ({row['queries']} frågor)")
        return
    pairs = question_pairs()
    fetched = Fetcher([q for pair in pairs for q in (pair.english, pair.swedish)], settings)
    if tuning:
        rows = tune(pairs, fetched(settings), settings)
        out = Path(__file__).resolve().parents[1] / "bench" / "results" / "crosslingual_tuning.jsonl"
        out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        for row in rows:
            click.echo(f"{row['cross_language_keyword_weight']:>5.2f} {row['question_language']} "
                       f"nDCG@10 {row['ndcg@10']:.3f} träff@1 {row['hit@1']:.3f} träff@5 {row['hit@5']:.3f}")
        click.echo(f"skrev {out}")
        return
    rows = report(pairs, fetched, settings)
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    click.echo(f"SQuAD-sv, 18 artiklar ({len(pairs)} frågor), modell {settings.model}; vikt {settings.keyword_weight}, "
               f"över språkgränsen {settings.cross_language_keyword_weight}")
    click.echo(f"{'artiklar':<9} {'variant':<14} {'':>3} {'nDCG@10':>8} {'träff@1':>8} {'träff@5':>8}")
    for row in rows:
        click.echo(f"{row['articles']:<9} {row['variant']:<14} {row['question_language']:>3} {row['ndcg@10']:>8.3f} "
                   f"{row['hit@1']:>8.3f} {row['hit@5']:>8.3f}")


if __name__ == "__main__":
    main()
