"""`python -m index`: search the library, inspect or rebuild the published index."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from tqdm import tqdm

from corpus.catalogue import Catalogue
from corpus.filters import SearchFilters
from corpus.lock import writer_lock
from corpus.space import DiskFull
from embedding import load_embedder
from embedding.loader import ModelNotPrepared
from index.manifest import IndexMismatch
from index.replica import ReleaseError, export_release
from index.search import MODES, EmptyLibrary, Searcher
from index.store import DamagedIndex, load_current
from index.sync import store_missing_vectors, sync_index
from settings import SearchMode, Settings, settings_or_exit
from text.messages import message


@click.group()
def cli() -> None:
    """Sök i Källas bibliotek och underhåll sökindexet."""
    settings_or_exit()  # a bad KALLA_* setting stops every command here, with its message


@cli.command()
@click.argument("question")
@click.option("-k", type=click.IntRange(1, 1000), help=message("cli_search_k"))
@click.option("--mode", type=click.Choice(MODES), help=message("cli_search_mode"))
@click.option("--language", "languages", multiple=True, help=message("cli_search_language"))
@click.option("--series", multiple=True, help=message("cli_search_series"))
@click.option("--tag", "tags", multiple=True, help=message("cli_search_tag"))
@click.option("--from", "published_from", help=message("cli_search_from"))
@click.option("--to", "published_to", help=message("cli_search_to"))
def search(question: str, k: int | None, mode: str | None, languages: tuple[str, ...], series: tuple[str, ...],
           tags: tuple[str, ...], published_from: str | None, published_to: str | None) -> None:
    """Visa de passager som bäst svarar på QUESTION, med källhänvisningar.

    Filtren väljer vilka passager som får sökas, innan rangordningen. Flaggor kan upprepas.

    \b
    Exempel:
      python -m index search "Varför är gamla it-system ett problem för myndigheterna?"
      python -m index search "informationssäkerhet" --series SOU --from 2018 --language sv
    """
    settings = Settings.from_env()
    question = question.encode("utf-8", "surrogateescape").decode("utf-8", "replace")  # bytes that are not UTF-8
    searcher = Searcher(settings)
    with Catalogue(settings.catalogue_path) as catalogue:
        viewer = catalogue.users.acting_viewer(settings.user)
    filters = SearchFilters(languages, series, tags, published_from, published_to, viewer=viewer)
    try:
        if (mode or settings.search_mode) != SearchMode.BM25:
            _ = searcher.embedder  # load the model before the clock starts
        started = time.perf_counter()
        hits = searcher.search(question, k, filters, mode)
    except (EmptyLibrary, ModelNotPrepared, IndexMismatch, DamagedIndex) as exc:
        raise click.ClickException(str(exc)) from exc
    elapsed = time.perf_counter() - started
    if not hits:
        click.echo(message("cli_search_none"), err=True)
    for hit in hits:
        click.echo(format_hit(hit))
    click.echo(message("cli_search_took", count=len(hits), ms=elapsed * 1000), err=True)


def format_hit(hit) -> str:
    from corpus.citation import citation_line

    text = hit.passage.text
    excerpt = text if len(text) <= 400 else text[:400].rsplit(" ", 1)[0] + " …"
    scores = [message("cli_search_score", score=hit.score)]
    if hit.similarity is not None:
        scores.append(message("cli_search_similarity", similarity=hit.similarity))
    return f"[{hit.rank}] {citation_line(hit.document, hit.passage)}  ({', '.join(scores)})\n    {excerpt}\n"


@cli.command()
def info() -> None:
    """Visa det publicerade indexets manifest."""
    settings = Settings.from_env()
    try:
        published = load_current(settings.index_dir)
    except DamagedIndex as exc:
        raise click.ClickException(str(exc)) from exc
    if published is None:
        raise click.ClickException(message("cli_index_none"))
    click.echo(f"version: {published.version}")
    click.echo(published.manifest.to_json())


@cli.command()
def rebuild() -> None:
    """Bygg om indexet från katalogen med den inställda modellen.

    Passager som saknar vektorer för modellen bäddas in på nytt (kan ta tid).

    \b
    Exempel:
      KALLA_MODEL=intfloat/multilingual-e5-base python -m index rebuild
    """
    settings = Settings.from_env()
    try:
        embedder = load_embedder(settings)
    except ModelNotPrepared as exc:
        raise click.ClickException(str(exc)) from exc
    with writer_lock(settings.data_dir, on_wait=lambda message: click.echo(message, err=True)):
        with Catalogue(settings.catalogue_path) as catalogue:
            missing = catalogue.passages_missing_vectors(embedder.name)
            with tqdm(total=len(missing), unit="passage", desc=message("cli_embedding_progress"), file=sys.stderr,
                      disable=not missing) as bar:
                store_missing_vectors(catalogue, embedder, missing, bar.update)
            try:
                result = sync_index(catalogue, settings, embedder.name, embedder.dimension, rebuild=True)
            except DiskFull as exc:
                raise click.ClickException(str(exc)) from exc
    click.echo(message("cli_index_rebuilt", version=result.version, total=result.total, model=embedder.name))


@cli.command()
@click.argument("target", type=click.Path(path_type=Path))
def release(target: Path) -> None:
    """Skriv en utgåva av biblioteket till mappen TARGET, för en läsreplik.

    Utgåvan är en egen datamapp: en ögonblicksbild av katalogen, originalfilerna och det aktuella
    indexet. En app med KALLA_DATA_DIR=TARGET svarar på frågor ur den, på samma eller en annan
    maskin. Se docs/operations.md, avsnittet Read replicas.

    \b
    Exempel:
      python -m index release /srv/kalla/releases/2026-11-25
    """
    settings = Settings.from_env()
    try:
        version = export_release(settings, target, on_wait=lambda message: click.echo(message, err=True))
    except ReleaseError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(message("cli_release_written", target=target, version=version))
