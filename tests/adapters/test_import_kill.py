"""An import killed with SIGKILL in the middle of a batch leaves a consistent library, and
running it again completes it without duplicates."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from sequencer.adapters.importers.tabular import read_table
from sequencer.adapters.library.store import Store

REPO = Path(__file__).resolve().parents[2]
ROWS = 3000
BATCH = 500

# The child imports in batches of 500 and, inside the third batch's transaction (rows written,
# not committed), announces itself and sleeps: the parent kills it right there.
CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from sequencer.adapters.library import import_writer as writer
    from sequencer.adapters.importers.tabular import read_table
    from sequencer.adapters.library.store import Store

    original = writer.write_batch
    calls = 0
    def slow_write(conn, batch, known):
        global calls
        original(conn, batch, known)
        calls += 1
        print(f"wrote {calls}", flush=True)
        if calls >= 3:
            time.sleep(30)
    writer.write_batch = slow_write

    store = Store.open(Path(sys.argv[1]))
    read = read_table(Path(sys.argv[2]))
    store.upsert_records(read.records, report=read.report, batch_size=int(sys.argv[3]))
""")


def _write_csv(path: Path) -> None:
    """A catalog of distinct tracks with genres and attributes (every child table used)."""
    lines = ["title,artist,album,duration_ms,tempo,energy,genre,tags"]
    for i in range(ROWS):
        lines.append(
            f"Song {i},Artist {i % 97},Album {i % 211},{180000 + i},{90 + i % 60},0.{i % 10},genre{i % 5},brooding"
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_killed_import_is_consistent_and_resumable(tmp_path: Path) -> None:
    """SIGKILL inside a batch: the committed batches stay whole, the open one vanishes, the
    database is intact, and a rerun adds exactly the rest."""
    library, source = tmp_path / "library.db", tmp_path / "catalog.csv"
    _write_csv(source)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    with subprocess.Popen(
        [sys.executable, "-c", CHILD, str(library), str(source), str(BATCH)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=tmp_path,
    ) as child:
        assert child.stdout is not None
        for line in child.stdout:
            if line.strip() == "wrote 3":
                break
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL

    conn = sqlite3.connect(library)
    assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("SELECT count(*) FROM tracks").fetchone() == (2 * BATCH,)
    orphans = conn.execute(
        "SELECT count(*) FROM tracks t WHERE NOT EXISTS (SELECT 1 FROM track_artists a WHERE a.tid = t.tid) "
        "OR NOT EXISTS (SELECT 1 FROM attributes a WHERE a.tid = t.tid) "
        "OR NOT EXISTS (SELECT 1 FROM moods m WHERE m.tid = t.tid)"
    ).fetchone()
    assert orphans == (0,)
    assert conn.execute("SELECT status, rows_done FROM imports").fetchall() == [("running", 2 * BATCH)]
    conn.close()

    with Store.open(library) as store:
        assert store.stats()["interrupted_imports"][0]["rows_done"] == 2 * BATCH
        read = read_table(source)
        report = store.upsert_records(read.records, report=read.report)
        assert (report.added, report.unchanged, report.updated) == (ROWS - 2 * BATCH, 2 * BATCH, 0)
        assert store.count() == ROWS
        ids = [t.id for t in store.tracks()]
        assert len(set(ids)) == ROWS
        again = store.upsert_records(read_table(source).records)
        assert (again.added, again.updated, again.unchanged) == (0, 0, ROWS)
        assert store.stats()["interrupted_imports"] == []
