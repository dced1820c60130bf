"""The path of one question through the code: which of the project's modules `Assistant.ask` enters, in order.

    .venv/bin/python -m bench.question_path [LIBRARY_DATA_DIR] [--question TEXT]

Traces every call from one project module into another (sys.setprofile) while the assistant answers one
question over a library (the data folder named, else the sample library built in a temporary folder with the
real default model and reader) and prints: the steps (calls that enter another module), the modules
entered, and the returns to a module already left before (a path that climbs back into a module it has
visited). Writes bench/results/question_path.json."""
from __future__ import annotations

import sys
import tempfile
from dataclasses import replace
from pathlib import Path

import click

from bench.reporting import publish_result
from settings import PROJECT_ROOT, Settings

PACKAGES = ("text", "settings", "embedding", "corpus", "index", "ingest", "answer", "desk")


def project_module(filename: str) -> str | None:
    """The project module a code object's file belongs to (answer/reader/answering.py -> answer.reader.answering)."""
    try:
        relative = Path(filename).resolve().relative_to(PROJECT_ROOT)
    except ValueError:
        return None
    if relative.parts[0] not in PACKAGES:
        return None
    return ".".join(relative.with_suffix("").parts)


def traced_path(call) -> list[str]:
    """The modules entered, in order, while `call()` runs (a call within the same module is no step)."""
    path: list[str] = []

    def profile(frame, event, _arg):
        if event != "call":
            return
        module = project_module(frame.f_code.co_filename)
        if module is None:
            return
        caller = frame.f_back
        came_from = project_module(caller.f_code.co_filename) if caller is not None else None
        if module != came_from and (not path or path[-1] != module):
            path.append(module)

    sys.setprofile(profile)
    try:
        call()
    finally:
        sys.setprofile(None)
    return path


def path_figures(path: list[str]) -> dict:
    returns, seen = 0, set()
    for previous, module in zip([None, *path], path):
        if module in seen and module != previous:
            returns += 1
        seen.add(module)
    return {"steps": len(path), "modules_entered": len(seen), "returns_to_a_visited_module": returns,
            "modules": sorted(seen), "path": " -> ".join(path)}


def sample_library(folder: Path) -> Settings:
    from desk.sample import add_sample

    settings = replace(Settings.from_env(), data_dir=folder / "data")
    add_sample(settings)
    return settings


@click.command()
@click.argument("data_dir", required=False, type=click.Path(path_type=Path, file_okay=False))
@click.option("--question", default="Vad är ett it-system som behöver moderniseras?", show_default=True)
def main(data_dir: Path | None, question: str) -> None:
    from answer.assistant import Assistant

    with tempfile.TemporaryDirectory() as scratch:
        settings = replace(Settings.from_env(), data_dir=data_dir) if data_dir else sample_library(Path(scratch))
        assistant = Assistant(settings)
        assistant.ask(question)  # warm: models loaded, index mapped
        figures = path_figures(traced_path(lambda: assistant.ask(question)))
    publish_result({"question": question, "reader": assistant.reader is not None, **figures}, "question_path")


if __name__ == "__main__":
    main()
