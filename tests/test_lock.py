"""One writer at a time: a second ingest waits for the first, or says clearly that one is running."""
import subprocess
import sys
import threading

import pytest
from click.testing import CliRunner

from corpus.lock import LibraryBusy, writer_lock
from ingest.cli import cli
from ingest.pipeline import Ingester
from settings import Settings

HOLD = """
import sys, time
sys.path.insert(0, {root!r})
from corpus.lock import writer_lock
with writer_lock({data!r}):
    print("held", flush=True)
    time.sleep(float(sys.argv[1]))
"""


def hold_lock_in_another_process(data_dir, seconds: float) -> subprocess.Popen:
    from settings import PROJECT_ROOT

    holder = subprocess.Popen([sys.executable, "-c", HOLD.format(root=str(PROJECT_ROOT), data=str(data_dir)),
                               str(seconds)], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def test_second_ingest_with_no_wait_says_one_is_running(hashing_env, tmp_path):
    (tmp_path / "a.txt").write_text("Föråldrade it-system hos myndigheter.", encoding="utf-8")
    holder = hold_lock_in_another_process(Settings.from_env().data_dir, 30)
    try:
        result = CliRunner().invoke(cli, ["add", str(tmp_path / "a.txt"), "--no-wait"])
        assert result.exit_code == 1
        assert "En annan inläsning pågår redan" in result.output and f"pid {holder.pid}" in result.output
    finally:
        holder.kill()
        holder.wait()
    # the lock dies with its holder (even killed): the next ingest runs
    again = CliRunner().invoke(cli, ["add", str(tmp_path / "a.txt"), "--no-wait"])
    assert again.exit_code == 0, again.output


def test_second_ingest_waits_for_the_first(settings, tmp_path):
    (tmp_path / "a.txt").write_text("Föråldrade it-system hos myndigheter.", encoding="utf-8")
    held, release, events = threading.Event(), threading.Event(), []

    def first_writer():
        with writer_lock(settings.data_dir):
            held.set()
            release.wait(30)  # until the second writer says it waits (or the test has failed)
            events.append("first writer done")

    def waiting(message: str) -> None:
        events.append(message)
        release.set()

    thread = threading.Thread(target=first_writer)
    thread.start()
    assert held.wait(30)
    report = Ingester(settings).add([tmp_path], on_wait=waiting,
                                    on_file=lambda path, outcome: events.append("second writer wrote"))
    thread.join()
    assert report.outcomes[0].outcome == "added"
    assert len(events) == 3 and "Väntar" in events[0], events
    assert events[1:] == ["first writer done", "second writer wrote"]
    with pytest.raises(LibraryBusy):
        with writer_lock(settings.data_dir):
            with writer_lock(settings.data_dir, wait=False):
                pass
