"""`python -m evaluation.adapt_reader` (or `make adapt-reader`): a second, short stage of the reader's
recipe. It continues training the committed reader (answer/reader/artifact/, made by evaluation.train_reader)
on questions that resemble use, which its first stage never saw:

- the tuning part of the project's realistic questions (evaluation/realistic/; never the hold-out part),
  each read on the library passage that holds its answering sentence, the span being that sentence (a list
  answer: its items in one passage, first to last; a fact with a short answer inside the sentence: that
  answer), and as negatives the passages the real search ranks in its top five without the answer, and
  those of the questions no document answers;
- SQuAD 2.0's original English questions over the Swedish paragraphs of the training articles
  (../shared/eval/extra/squad_en_questions; never the calibration or test articles);
- XQuAD in Swedish, Norwegian and Danish (../shared/eval/extra/xquad_scandi);
- a replay sample of the first stage's own examples, so that what it learnt is kept.

The recipe runs on a 2-core CPU (bfloat16 autocast where the CPU has it natively; float32 otherwise), then
the calibration is refitted as in train_reader."""
from __future__ import annotations

import json
import math
import random
import unicodedata
from dataclasses import replace
from pathlib import Path
from typing import Sequence

import click

from answer.reader.model import ARTIFACT_DIR
from evaluation.reader_data import (
    CALIBRATION_ARTICLES,
    TEST_ARTICLES,
    Example,
    features,
    training_examples,
)

ENGLISH_QUESTIONS = "extra/squad_en_questions/squad2_en_question_sv_context_18_training_articles.json"
XQUAD = "extra/xquad_scandi/xquad.{language}.filtered.json"
XQUAD_LANGUAGES = ("sv", "nb", "da")


def english_question_examples(eval_dir: Path) -> list[Example]:
    """SQuAD's English questions over the Swedish paragraphs of the training articles (answerable and not)."""
    data = json.loads((Path(eval_dir) / ENGLISH_QUESTIONS).read_text(encoding="utf-8"))["data"]
    found = []
    for article in data:
        if article["title"] in TEST_ARTICLES + CALIBRATION_ARTICLES:
            continue
        for paragraph in article["paragraphs"]:
            context = paragraph["context"]
            for qa in paragraph["qas"]:
                answers = [a for a in qa.get("answers", []) if a["text"].strip()]
                if qa.get("is_impossible") or not answers:
                    found.append(Example(qa["question"], context, None, "", article["title"], "unanswerable"))
                    continue
                start = _located(context, answers[0]["text"], answers[0]["answer_start"])
                if start is not None:
                    found.append(Example(qa["question"], context, start, answers[0]["text"], article["title"]))
    return found


def xquad_examples(eval_dir: Path) -> list[Example]:
    found = []
    for language in XQUAD_LANGUAGES:
        path = Path(eval_dir) / XQUAD.format(language=language)
        for article in json.loads(path.read_text(encoding="utf-8"))["data"]:
            for paragraph in article["paragraphs"]:
                context = paragraph["context"]
                for qa in paragraph["qas"]:
                    answer = next((a for a in qa.get("answers", []) if a["text"].strip()), None)
                    start = _located(context, answer["text"], answer["answer_start"]) if answer else None
                    if start is not None:
                        found.append(Example(qa["question"], context, start, answer["text"], f"xquad-{language}"))
    return found


def _located(context: str, text: str, offset: int) -> int | None:
    if context[offset:offset + len(text)] == text:
        return offset
    found = context.find(text)
    return found if found >= 0 else None


def _folded(text: str) -> tuple[str, list[int]]:
    """The text with white space runs made one space and soft hyphens dropped, casefolded, and for each
    character of it the offset in the original text."""
    out, where = [], []
    previous_space = False
    for index, character in enumerate(text):
        if character == "\u00ad":
            continue
        if character.isspace():
            if previous_space:
                continue
            character, previous_space = " ", True
        else:
            previous_space = False
        folded = character.casefold()
        out.append(folded)
        where.extend([index] * len(folded))
    return "".join(out), where


def find_in(passage: str, sentence: str) -> tuple[int, int] | None:
    """Where `sentence` stands in `passage` (white space and case folded), as offsets in `passage`."""
    folded_passage, where = _folded(passage)
    folded_sentence = _folded(unicodedata.normalize("NFC", sentence).strip())[0].strip()
    if not folded_sentence:
        return None
    at = folded_passage.find(folded_sentence)
    if at < 0:
        return None
    return where[at], where[at + len(folded_sentence) - 1] + 1


def realistic_examples(library, questions: Sequence, negatives_per_question: int = 2,
                       seed: int = 13) -> list[Example]:
    """The realistic questions (the tuning part only: the caller passes it) as reading examples over the
    library's passages (`library`: evaluation settings over ../shared/corpus, see evaluation.answers)."""
    from corpus.catalogue import Catalogue
    from embedding import load_embedder
    from evaluation.realistic_set import cites_document, quotes_answer
    from index.search import Searcher

    rng = random.Random(seed)
    searcher = Searcher(library, load_embedder(library))
    with Catalogue(library.catalogue_path) as catalogue:
        documents = catalogue.documents()
        passages_of = {}
        for question in questions:
            if question.document in passages_of:
                continue
            matching = [d for d in documents if cites_document(d.source_path, question.document)]
            passages_of[question.document] = [p for d in matching for p in catalogue.document_passages(d.id)]
    found = []
    for question in questions:
        if question.answerable:
            example = _answer_example(question, passages_of[question.document])
            if example is not None:
                found.append(example)
        hits = searcher.search(question.text, 5)
        without = [h for h in hits if not (question.answerable and quotes_answer(h.passage.text, question.sentences))]
        for hit in rng.sample(without, min(negatives_per_question, len(without))):
            found.append(Example(question.text, hit.passage.text, None, "", "realistic", "mined"))
    return found


def _answer_example(question, passages) -> Example | None:
    """The question on the passage that holds most of its answering sentences, its span from the first to
    the last of them (a fact's short answer where that lies inside)."""
    best = None
    for passage in passages:
        located = [span for span in (find_in(passage.text, s) for s in question.sentences) if span]
        if located and (best is None or len(located) > len(best[1])):
            best = (passage, located)
    if best is None:
        return None
    passage, located = best
    start, end = min(s for s, _ in located), max(e for _, e in located)
    if question.short_answer:
        inner = find_in(passage.text[start:end], question.short_answer)
        if inner:
            start, end = start + inner[0], start + inner[1]
    return Example(question.text, passage.text, start, passage.text[start:end], "realistic")


def adaptation_examples(eval_dir: Path, realistic: Sequence[Example], english: int, replay: int,
                        realistic_repeats: int, seed: int = 13) -> list[Example]:
    rng = random.Random(seed)
    english_examples = english_question_examples(eval_dir)
    chosen = rng.sample(english_examples, min(english, len(english_examples)))
    first_stage = training_examples(eval_dir, seed)
    mix = (list(realistic) * realistic_repeats + chosen + xquad_examples(eval_dir)
           + rng.sample(first_stage, min(replay, len(first_stage))))
    rng.shuffle(mix)
    return mix


def load_trained(base_folder: Path, artifact_dir: Path, layers: int, lora_rank: int):
    """The reader as its first stage left it, with its adapters as trainable modules again."""
    import torch
    from safetensors.torch import load_file

    from answer.reader.model import WEIGHTS_FILE, load_base

    model, tokenizer = load_base(base_folder)
    names = model.train_top(layers, lora_rank)
    state = load_file(str(Path(artifact_dir) / WEIGHTS_FILE))
    missing = set(names) - set(state)
    if missing:
        raise ValueError(f"the artifact lacks {sorted(missing)[:3]}")
    with torch.no_grad():
        parameters = dict(model.named_parameters())
        for name in names:
            parameters[name].copy_(state[name].to(parameters[name].dtype))
    return model, tokenizer, names


def adapt(base_folder: Path, artifact_dir: Path, out_dir: Path, examples: list[Example], *,
          epochs: float = 1.0, batch_size: int = 16, learning_rate: float = 3e-5, train_adapters: bool = False,
          seed: int = 13, log=print) -> dict:
    import torch

    from evaluation.reader_training import _native_bf16, run_steps, save_artifact

    torch.manual_seed(seed)
    config = json.loads((Path(artifact_dir) / "reader.json").read_text(encoding="utf-8"))
    model, tokenizer, names = load_trained(base_folder, artifact_dir, config["layers"], config["lora_rank"])
    if not train_adapters:  # the lower layers as the first stage left them: backward stops at the top layers
        for name, parameter in model.named_parameters():
            if name.endswith((".lora_a", ".lora_b")):
                parameter.requires_grad = False
    windows = features(tokenizer, examples, config["max_length"], config["stride"])
    total_steps = max(1, int(math.ceil(len(windows) / batch_size) * epochs))
    log(f"{len(examples)} exempel, {len(windows)} fönster, {total_steps} steg")
    heads = [p for n, p in model.named_parameters() if p.requires_grad and n.startswith(("span.", "answerable."))]
    body = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith(("span.", "answerable."))]
    optimiser = torch.optim.AdamW([{"params": body, "lr": learning_rate},
                                   {"params": heads, "lr": learning_rate * 3}], weight_decay=0.01)
    seconds = run_steps(model, tokenizer, windows, optimiser, body + heads, total_steps, batch_size,
                        random.Random(seed), 1.0, log, log_every=20)
    config = {**config, "adaptation": {"examples": len(examples), "windows": len(windows), "steps": total_steps,
                                       "epochs": epochs, "learning_rate": learning_rate,
                                       "train_adapters": train_adapters, "bf16": _native_bf16(),
                                       "seconds": seconds}}
    config.pop("calibration", None)
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "reader.json").write_text(json.dumps(config, indent=2, ensure_ascii=False), encoding="utf-8")
    save_artifact(model, names, config, out_dir)
    return config


@click.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=ARTIFACT_DIR,
              show_default=True, help="Var den anpassade läsaren sparas.")
@click.option("--epochs", default=1.0, show_default=True)
@click.option("--learning-rate", default=3e-5, show_default=True)
@click.option("--english", default=1500, show_default=True,
              help="Antal engelska SQuAD-frågor över de svenska träningsstyckena.")
@click.option("--replay", default=1500, show_default=True, help="Antal exempel ur läsarens första träning.")
@click.option("--realistic-repeats", default=3, show_default=True,
              help="Hur många gånger de realistiska frågornas exempel ingår.")
@click.option("--no-calibration", is_flag=True, help="Hoppa över kalibreringen.")
def main(out_dir: Path, epochs: float, learning_rate: float, english: int, replay: int, realistic_repeats: int,
         no_calibration: bool) -> None:
    """Anpassa den tränade läsaren till frågor som liknar användningen (andra steget i läsarens recept)."""
    from evaluation.answers import CORPUS_DIR, EVAL_DIR, library_settings
    from evaluation.reader_calibration import calibrate
    from evaluation.realistic_set import adaptation_half, realistic_questions
    from settings import DEFAULT_MODEL, Settings

    settings = replace(Settings.from_env(), model=DEFAULT_MODEL)
    if "adaptation" in json.loads((ARTIFACT_DIR / "reader.json").read_text(encoding="utf-8")):
        raise click.ClickException("Läsaren i answer/reader/artifact/ är redan anpassad: kör make train-reader först.")
    if not CORPUS_DIR.is_dir():
        raise click.ClickException(f"{CORPUS_DIR} saknas: anpassningen läser de realistiska frågornas dokument.")
    library = library_settings(settings, "shared-corpus", folder=CORPUS_DIR, log=click.echo)
    adapting = [q for q in realistic_questions(part="tuning") if adaptation_half(q.document) == "adapt"]
    realistic = realistic_examples(library, adapting)
    click.echo(f"{len(adapting)} realistiska frågor anpassar läsaren ({len(realistic)} exempel)")
    examples = adaptation_examples(EVAL_DIR, realistic, english, replay, realistic_repeats)
    adapt(settings.models_dir / DEFAULT_MODEL, ARTIFACT_DIR, out_dir, examples, epochs=epochs,
          learning_rate=learning_rate, log=click.echo)
    if not no_calibration:
        calibrate(settings, EVAL_DIR, out_dir, log=click.echo)


if __name__ == "__main__":
    main()
