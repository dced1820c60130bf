"""What the tests share besides fixtures: where ../shared is, and small real files made in the test
(PDFs with page labels, scanned pages), the consistency a killed writer must leave, and killing a writing
command mid-action (counted). Imported as `helpers` (tests/ is on pytest's path)."""
from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import pytest

from settings import PROJECT_ROOT

SHARED = PROJECT_ROOT.parent / "shared"
SHARED_CORPUS = SHARED / "corpus"


def requires_shared_corpus():
    return pytest.mark.skipif(not SHARED_CORPUS.is_dir(),
                              reason=f"{SHARED_CORPUS} finns inte (en ny klon har ingen ../shared)")


def make_pdf(path: Path, pages: list[str], labels: list[tuple[int, str, int]] | None = None,
             title: str | None = None, author: str | None = None) -> Path:
    """Write a real text PDF, one string per page; `labels` = (first page index, style, start) ranges."""
    from fpdf import FPDF
    from pypdf import PdfReader, PdfWriter

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    if title:
        pdf.set_title(title)
    if author:
        pdf.set_author(author)
    for text in pages:
        pdf.add_page()
        pdf.multi_cell(0, 6, text)
    raw = bytes(pdf.output())
    if labels:
        writer = PdfWriter(clone_from=PdfReader(io.BytesIO(raw)))
        bounds = [first for first, _, _ in labels] + [len(pages)]
        for (first, style, start), end in zip(labels, bounds[1:]):
            writer.set_page_label(first, end - 1, style=style, start=start)
        buffer = io.BytesIO()
        writer.write(buffer)
        raw = buffer.getvalue()
    path.write_bytes(raw)
    return path


SWEDISH_PAGES = [
    "Förord. Denna rapport handlar om hur myndigheter förvaltar sina gamla it-system. "
    "Den riktar sig till beslutsfattare i staten.",
    "Sammanfattning. Många myndigheter har föråldrade it-system som är dyra att underhålla. "
    "Systemen försvårar digitaliseringen och medför risker för informationssäkerheten.",
    "Förslag. Myndigheterna bör inventera sina system och ta fram planer för att ersätta dem. "
    "Regeringen bör följa upp arbetet varje år.",
]


def make_scanned_pdf(path: Path, pages: list[str]) -> Path:
    """A PDF whose pages are only pictures of text (as from a scanner): no text layer at all."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw, ImageFont

    font_path = next((p for p in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                                  "/usr/share/fonts/dejavu/DejaVuSans.ttf") if Path(p).is_file()), None)
    font = ImageFont.truetype(font_path, 44) if font_path else ImageFont.load_default(size=44)
    pdf = FPDF()
    for number, text in enumerate(pages):
        image = Image.new("L", (2480, 3508), 255)  # A4 at 300 dpi
        draw = ImageDraw.Draw(image)
        words, line, y = text.split(), "", 200
        for word in words:
            if draw.textlength(f"{line} {word}", font=font) > 2080:
                draw.text((200, y), line, fill=0, font=font)
                line, y = word, y + 70
            else:
                line = f"{line} {word}".strip()
        draw.text((200, y), line, fill=0, font=font)
        picture = path.with_name(f".{path.stem}-{number}.png")
        image.save(picture)
        pdf.add_page()
        pdf.image(str(picture), x=0, y=0, w=210, h=297)
        picture.unlink()
    path.write_bytes(bytes(pdf.output()))
    return path


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, server, seconds: float = 90) -> None:
    """Poll `url` until it answers 200; fail with the server's output if it dies or takes too long."""
    import time
    import urllib.request

    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline or server.poll() is not None:
                server.terminate()
                raise RuntimeError(f"servern startade inte: {server.stdout.read().decode()[-2000:]}") from None
            time.sleep(0.5)


def assert_structurally_consistent(settings) -> None:
    """What must hold at any instant, even right after a writer was killed: no document without all its
    passages and vectors, FAISS and BM25 hold the same passages, and every indexed passage exists in the
    catalogue."""
    from contextlib import closing

    import numpy as np

    from index.store import load_current

    with closing(below_the_catalogue(settings.catalogue_path)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        empty = db.execute("SELECT COUNT(*) FROM documents d WHERE NOT EXISTS "
                           "(SELECT 1 FROM passages p WHERE p.document_id = d.id)").fetchone()[0]
        unembedded = db.execute("SELECT COUNT(*) FROM passages p WHERE NOT EXISTS "
                                "(SELECT 1 FROM embeddings e WHERE e.passage_id = p.id)").fetchone()[0]
        assert empty == 0 and unembedded == 0
        published = load_current(settings.index_dir)
        if published is not None:
            faiss_ids = np.sort(published.ids())
            assert np.array_equal(faiss_ids, np.sort(published.keywords.ids))
            known = {row[0] for row in db.execute("SELECT id FROM passages")}
            assert set(faiss_ids.tolist()) <= known
            assert published.manifest.passages == len(faiss_ids)


@dataclass(frozen=True)
class Kill:
    """One SIGKILL of a writing command. It landed mid-action when the command held the library's writer
    lock at that instant: every writing action takes the lock before it writes and lets it go when done."""
    began: bool       # the command had taken the lock (its pid was in the lock file)
    mid_action: bool  # ... and still held it when it was frozen and killed


def kill_mid_action(arguments: list[str], env: dict, after_begun: float, seconds: float = 300) -> Kill:
    """Run `python -m ARGUMENTS` on the library in env's KALLA_DATA_DIR; once it has taken the writer lock,
    wait `after_begun` seconds, freeze its process group (SIGSTOP), note whether it still holds the lock,
    and SIGKILL the group (the command and any worker it started)."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from corpus.lock import LOCK_FILE

    lock = Path(env["KALLA_DATA_DIR"]) / LOCK_FILE
    if lock.exists():
        lock.write_text("", encoding="utf-8")  # a former holder's pid must not read as this one's
    process = subprocess.Popen([sys.executable, "-m", *arguments], env=env, cwd=PROJECT_ROOT,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    began = _holds_lock_soon(lock, process, seconds)
    if began:
        time.sleep(after_begun)
    mid_action = False
    try:
        os.killpg(process.pid, signal.SIGSTOP)  # frozen: whether it holds the lock cannot change now
        mid_action = began and process.poll() is None and _lock_is_held(lock)
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:  # the whole group had already exited
        pass
    process.wait(timeout=seconds)
    return Kill(began, mid_action)


def _holds_lock_soon(lock: Path, process, seconds: float) -> bool:
    """Poll (every millisecond) until the process has written its pid into the lock file, has exited, or
    `seconds` have passed."""
    import time

    deadline = time.monotonic() + seconds
    while process.poll() is None and time.monotonic() < deadline:
        try:
            if lock.read_text(encoding="utf-8").strip() == f"pid {process.pid}":
                return True
        except FileNotFoundError:
            pass
        time.sleep(0.001)
    return False


def _lock_is_held(lock: Path) -> bool:
    """Whether another process holds the writer lock (probed without waiting; only while the holder is frozen)."""
    import fcntl

    with open(lock, "a", encoding="utf-8") as probe:
        try:
            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
    return False  # closing the probe let the lock go again


def moments_after_begun(seed: int | str, count: int, shortest: float, longest: float) -> list[float]:
    """`count` seeded moments (seconds after the action took the writer lock), one in each of `count` equal
    steps on a log scale from `shortest` to `longest`: the first kill comes early enough for a short action
    and the last late enough for a long one, on a fast machine or a slow one."""
    import math
    import random

    draw, low, high = random.Random(seed), math.log(shortest), math.log(longest)
    step = (high - low) / count
    return [math.exp(draw.uniform(low + i * step, low + (i + 1) * step)) for i in range(count)]


KILL_COUNTS = PROJECT_ROOT / "test-artifacts" / "kills"


def record_kills(name: str, kills: list[Kill]) -> None:
    """Write how many kills landed mid-action to test-artifacts/kills/NAME.txt and print it (`pytest -rA`
    shows it); fail when none did, for then the test tested nothing."""
    landed = sum(kill.mid_action for kill in kills)
    before = sum(not kill.began for kill in kills)
    after = sum(kill.began and not kill.mid_action for kill in kills)
    line = (f"{name}: {landed} of {len(kills)} kills landed mid-action (the action held the writer lock); "
            f"{before} before it began, {after} after it was done")
    KILL_COUNTS.mkdir(parents=True, exist_ok=True)
    (KILL_COUNTS / f"{name}.txt").write_text(line + "\n", encoding="utf-8")
    print(line)
    assert landed, line


def below_the_catalogue(path: Path):
    """The one way a test reaches the catalogue's file without corpus.catalogue.Catalogue: a connection of its
    own (autocommit, as the catalogue's), as an outside tool would open it. Only for what lies on disk (a
    password's hash, consistency after a killed writer) and damage done behind the catalogue's back;
    tests/test_one_door.py names the tests that use it."""
    from corpus.db import connect

    return connect(path)
