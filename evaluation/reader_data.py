"""Reading-comprehension examples from ../shared/eval, split by article, and their token features.

An example is a question, a context and the answer's character span in it (None: the context does not
answer the question). Sources:
- SQuAD-sv 2.0 training articles: answerable questions and adversarial unanswerable ones;
- SweQUAD-MC: questions with the correct answer's offsets in its context;
- negatives made here: a question paired with another paragraph of the same article (same topic, no answer).

In use the reader reads passages as the library cut them (ingest/chunking.py: about 600 characters on
sentence boundaries), not whole paragraphs; `as_passages` turns every example into the passage it would be
read on, so that training sees what reading sees.
"""
from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Sequence

from corpus.records import Page
from ingest.chunking import chunk_page

SQUAD_FILE = "squad_v2_sv/squad2_sv_training_articles.json"
SWEQUAD_TRAIN = "swequad_mc/training.json"
SWEQUAD_DEV = "swequad_mc/dev.json"
# Held out by article from training: TEST articles for the reported figures, CALIBRATION articles to fit
# the answerability threshold. Chosen once, before any training, spread over subjects and sizes.
TEST_ARTICLES = ("Pharmacy", "1973_oljekris", "Harvard Universitet")
CALIBRATION_ARTICLES = ("Black_Death", "Konstruktion")


@dataclass(frozen=True)
class Example:
    question: str
    context: str
    answer_start: int | None  # character offset in context; None = no answer in this context
    answer_text: str = ""
    group: str = ""  # article (SQuAD) or "swequad" / "swequad-dev"
    kind: str = "answerable"  # answerable | unanswerable (adversarial) | negative (other paragraph or passage) | mined
    decoy: str = ""  # an adversarial question's plausible but wrong answer (SQuAD 2.0's plausible_answers)

    @property
    def answerable(self) -> bool:
        return self.answer_start is not None


def squad_articles(eval_dir: Path) -> list[dict]:
    return json.loads((Path(eval_dir) / SQUAD_FILE).read_text(encoding="utf-8"))["data"]


def squad_examples(articles: Iterable[dict]) -> list[Example]:
    found = []
    for article in articles:
        for paragraph in article["paragraphs"]:
            context = paragraph["context"]
            for qa in paragraph["qas"]:
                answers = [a for a in qa.get("answers", []) if a["text"].strip()]
                if qa.get("is_impossible") or not answers:
                    decoy = next((a["text"] for a in qa.get("plausible_answers") or [] if a["text"].strip()), "")
                    found.append(Example(qa["question"], context, None, "", article["title"], "unanswerable", decoy))
                    continue
                answer = answers[0]
                start = answer["answer_start"]
                if context[start:start + len(answer["text"])] != answer["text"]:
                    start = context.find(answer["text"])
                    if start < 0:
                        continue  # an offset the translation broke
                found.append(Example(qa["question"], context, start, answer["text"], article["title"]))
    return found


def other_paragraph_negatives(articles: Iterable[dict], per_paragraph: int, seed: int) -> list[Example]:
    """For each paragraph, `per_paragraph` of its answerable questions asked of another paragraph of the
    same article: on topic, but without the answer (checked: the answer text is not in it)."""
    rng = random.Random(seed)
    found = []
    for article in articles:
        paragraphs = article["paragraphs"]
        if len(paragraphs) < 2:
            continue
        for index, paragraph in enumerate(paragraphs):
            answerable = [qa for qa in paragraph["qas"] if not qa.get("is_impossible") and qa.get("answers")]
            for qa in rng.sample(answerable, min(per_paragraph, len(answerable))):
                other = paragraphs[rng.choice([i for i in range(len(paragraphs)) if i != index])]["context"]
                if any(a["text"].lower() in other.lower() for a in qa["answers"]):
                    continue
                found.append(Example(qa["question"], other, None, "", article["title"], "negative"))
    return found


def swequad_examples(path: Path, group: str) -> list[Example]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))["data"]
    found = []
    for item in data:
        correct = next((c for c in item["choices"] if c["type"] == "Correct answer"), None)
        if correct is None:
            continue
        context, start = item["context"], correct["start"]
        text = context[start:correct["end"]]
        if not text.strip():
            continue
        found.append(Example(item["question"], context, start, text, group))
    return found


def swequad_negatives(examples: Sequence[Example], count: int, seed: int) -> list[Example]:
    """SweQUAD-MC questions asked of another question's context that does not hold the answer."""
    rng = random.Random(seed)
    contexts = sorted({e.context for e in examples})
    found = []
    for example in rng.sample(list(examples), min(count, len(examples))):
        other = rng.choice(contexts)
        if other == example.context or example.answer_text.lower() in other.lower():
            continue
        found.append(Example(example.question, other, None, "", example.group, "negative"))
    return found


def split_articles(articles: list[dict]) -> tuple[list[dict], list[dict], list[dict]]:
    """(train, calibration, test) articles."""
    test = [a for a in articles if a["title"] in TEST_ARTICLES]
    calibration = [a for a in articles if a["title"] in CALIBRATION_ARTICLES]
    train = [a for a in articles if a["title"] not in TEST_ARTICLES + CALIBRATION_ARTICLES]
    return train, calibration, test


def passage_spans(context: str, max_chars: int, overlap_sentences: int) -> list[tuple[int, int]]:
    """Where the library's chunking cuts `context` into passages (character offsets)."""
    return [(d.char_start, d.char_end) for d in chunk_page(Page(None, None, context), max_chars, overlap_sentences)]


def as_passages(examples: Iterable[Example], max_chars: int, overlap_sentences: int, seed: int) -> list[Example]:
    """Each example on the passage it would be read on in use. An answerable example: on the first passage
    that holds its whole answer, and, as a negative, on another passage of its context that does not hold the
    answer text (the search often ranks a neighbouring passage of the same document among the top ones). An
    unanswerable one: on the passage that holds its plausible answer, where it has one, else a random passage
    of its context. An answer that no single passage holds keeps its whole context (read in windows)."""
    rng = random.Random(seed)
    found = []
    for example in examples:
        spans = passage_spans(example.context, max_chars, overlap_sentences)
        if len(spans) < 2:
            found.append(example)
            continue
        texts = [example.context[start:end] for start, end in spans]
        if not example.answerable:
            holding = [i for i, text in enumerate(texts) if example.decoy and example.decoy in text]
            chosen = holding[0] if holding else rng.randrange(len(spans))
            found.append(Example(example.question, texts[chosen], None, "", example.group, example.kind, example.decoy))
            continue
        end_char = example.answer_start + len(example.answer_text)
        holding = [i for i, (start, end) in enumerate(spans) if start <= example.answer_start and end_char <= end]
        if not holding:
            found.append(example)
            continue
        start = spans[holding[0]][0]
        found.append(Example(example.question, texts[holding[0]], example.answer_start - start,
                             example.answer_text, example.group, example.kind))
        others = [i for i, text in enumerate(texts) if example.answer_text.lower() not in text.lower()]
        if others:
            found.append(Example(example.question, texts[rng.choice(others)], None, "", example.group, "negative"))
    return found


def training_examples(eval_dir: Path, seed: int = 13, limit: int | None = None,
                      extra: Sequence[Example] = (), passage_chars: int = 0,
                      overlap_sentences: int = 1) -> list[Example]:
    """Everything the reader is trained on (never the calibration or test articles, never SweQUAD dev), with
    `extra` examples made elsewhere (negatives mined with the search: evaluation/reader_negatives.py, already
    passages). With `passage_chars`, each example is read on a passage as the library cuts them (as_passages);
    0 keeps the whole paragraphs and contexts."""
    train, _, _ = split_articles(squad_articles(eval_dir))
    swequad = swequad_examples(Path(eval_dir) / SWEQUAD_TRAIN, "swequad")
    examples = (squad_examples(train) + other_paragraph_negatives(train, 2, seed)
                + swequad + swequad_negatives(swequad, len(swequad) // 2, seed))
    if passage_chars:
        examples = as_passages(examples, passage_chars, overlap_sentences, seed)
    examples += list(extra)
    random.Random(seed).shuffle(examples)
    return examples[:limit] if limit else examples


@dataclass(frozen=True)
class Feature:
    input_ids: list[int]
    start: int  # token position of the answer's start; 0 (<s>) when this window holds no answer
    end: int


def features(tokenizer, examples: Sequence[Example], max_length: int, stride: int,
             max_null_windows: int = 1) -> list[Feature]:
    """Token windows over each context (question first); each answer's start and end token. Of the windows
    of an answerable example that miss the answer, at most `max_null_windows` are kept (as no-answer)."""
    found = []
    for example in examples:
        encoded = tokenizer(example.question, example.context, truncation="only_second", max_length=max_length,
                            stride=stride, return_overflowing_tokens=True, return_offsets_mapping=True)
        nulls = 0
        for window, ids in enumerate(encoded["input_ids"]):
            span = _token_span(encoded, window, example) if example.answerable else None
            if span is None:
                if example.answerable and nulls >= max_null_windows:
                    continue
                nulls += 1
                span = (0, 0)
            found.append(Feature(ids, *span))
    return found


def _token_span(encoded, window: int, example: Example) -> tuple[int, int] | None:
    start_char = example.answer_start
    end_char = start_char + len(example.answer_text)
    offsets, sequence = encoded["offset_mapping"][window], encoded.sequence_ids(window)
    context_tokens = [i for i, s in enumerate(sequence) if s == 1]
    if not context_tokens:
        return None
    first, last = context_tokens[0], context_tokens[-1]
    if offsets[first][0] > start_char or offsets[last][1] < end_char:
        return None  # the answer is not wholly in this window
    start = next(i for i in context_tokens if offsets[i][1] > start_char)
    end = next(i for i in reversed(context_tokens) if offsets[i][0] < end_char)
    return (start, end) if start <= end else None
