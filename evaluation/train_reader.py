"""`python -m evaluation.train_reader` (or `make train-reader`): train the reader on ../shared/eval with the
recipe in evaluation/reader_training.py, then fit its answerability calibration on the held-out calibration
articles (a library of SQuAD-sv paragraphs built with the real ingest and searched with the real search),
and write the artifact to answer/reader/artifact/. `--limit N` trains on N examples only (seconds, for tests)."""
from __future__ import annotations

from pathlib import Path

import click

from answer.reader.model import ARTIFACT_DIR
from evaluation.answers import LIBRARIES
from evaluation.reader_calibration import calibrate
from evaluation.reader_training import train
from settings import DEFAULT_MODEL, PROJECT_ROOT, Settings

DEFAULT_EVAL_DIR = PROJECT_ROOT.parent / "shared" / "eval"


@click.command()
@click.option("--eval-dir", type=click.Path(exists=True, file_okay=False, path_type=Path), default=DEFAULT_EVAL_DIR,
              show_default=True, help="Mappen med träningsdata (../shared/eval).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=ARTIFACT_DIR,
              show_default=True, help="Var läsaren sparas.")
@click.option("--layers", default=5, show_default=True, help="Antal översta lager som finjusteras.")
@click.option("--lora-rank", default=8, show_default=True,
              help="Rang för adaptrarna (LoRA) i de lägre lagren; 0: de lägre lagren frysta.")
@click.option("--answerability-weight", default=1.0, show_default=True,
              help="Vikt för svarbarhetshuvudet (<s>: svarar stycket alls?) i förlusten; 0: huvudet tränas inte.")
@click.option("--mined-negatives", default=0, show_default=True,
              help="Negativ per SQuAD-fråga ur sökningens toppträffar (träningsartiklarnas stycken); 0: inga.")
@click.option("--passage-chars", default=0, show_default=True,
              help="Läs varje exempel på ett stycke så som biblioteket delar texten (tecken, t.ex. 600 som "
                   "KALLA_CHUNK_CHARS); 0: hela styckena och kontexterna.")
@click.option("--epochs", default=3.0, show_default=True)
@click.option("--batch-size", default=16, show_default=True)
@click.option("--learning-rate", default=1e-4, show_default=True)
@click.option("--limit", type=int, help="Träna bara på så här många exempel (för tester).")
@click.option("--no-calibration", is_flag=True, help="Hoppa över kalibreringen av svarbarheten.")
@click.option("--calibrate-only", is_flag=True, help="Kalibrera en redan tränad läsare i --out, utan att träna.")
@click.option("--work", type=click.Path(file_okay=False, path_type=Path),
              help="Var kalibreringens bibliotek byggs och sparas (standard: bench/results/tmp/libraries).")
def main(eval_dir: Path, out_dir: Path, layers: int, lora_rank: int, answerability_weight: float, mined_negatives: int, passage_chars: int, epochs: float, batch_size: int, learning_rate: float,
         limit: int | None, no_calibration: bool, calibrate_only: bool, work: Path | None) -> None:
    """Träna läsaren (svarsspann + 'inget svar') från standardmodellens vikter."""
    settings = Settings.from_env()
    base = settings.models_dir / DEFAULT_MODEL
    if not base.exists():
        raise click.ClickException(f"Standardmodellen saknas i {base}. Kör: python -m embedding.prepare")
    if not calibrate_only:
        extra = mined(settings, eval_dir, mined_negatives, limit, work or LIBRARIES) if mined_negatives else []
        train(base, eval_dir, out_dir, layers=layers, lora_rank=lora_rank,
              answerability_weight=answerability_weight, epochs=epochs, batch_size=batch_size,
              learning_rate=learning_rate, limit=limit, extra=extra, log=click.echo,
              passage_chars=passage_chars, overlap_sentences=settings.chunk_overlap_sentences)
    if not no_calibration:
        calibrate(settings, eval_dir, out_dir, limit=limit, log=click.echo, libraries=work or LIBRARIES)


def mined(settings: Settings, eval_dir: Path, per_question: int, limit: int | None, libraries: Path) -> list:
    """Negatives mined with the real search over a library of all SQuAD-sv paragraphs (the calibration's)."""
    from dataclasses import replace

    from embedding import load_embedder
    from evaluation.answers import library_settings, squad_texts
    from evaluation.reader_data import split_articles, squad_articles
    from evaluation.reader_negatives import article_of_documents, mined_negatives
    from index.search import Searcher

    texts, name = squad_texts(eval_dir), "squad-sv"
    if limit:  # a tiny run (tests): a library of a few training paragraphs
        article_of, training = article_of_documents(eval_dir), {a["title"] for a in split_articles(squad_articles(eval_dir))[0]}
        texts = dict(list((key, text) for key, text in texts.items() if article_of.get(key) in training)[:2 * limit])
        name = f"squad-sv-training-first-{limit}"
    library = library_settings(replace(settings, model=DEFAULT_MODEL), name, texts, log=click.echo, libraries=libraries)
    found = mined_negatives(Searcher(library, load_embedder(library)), eval_dir, per_question, limit=limit, log=click.echo)
    click.echo(f"{len(found)} negativ ur sökningen")
    return found


if __name__ == "__main__":
    main()
