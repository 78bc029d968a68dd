"""Schema migrations: named, recorded, applied once, backed up before, atomic."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sequencer.adapters.library import migrations
from sequencer.adapters.library.migrations import Migration, applied, apply_pending
from sequencer.adapters.library.store import Store
from sequencer.core.track import Track
from sequencer.errors import LibraryError


def _connect(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, isolation_level=None)


def test_every_migration_is_recorded_once(tmp_path: Path) -> None:
    """A new library records every migration by name; opening again applies nothing."""
    path = tmp_path / "library.db"
    Store.open(path).close()
    conn = _connect(path)
    assert applied(conn) == [m.name for m in migrations.MIGRATIONS]
    assert apply_pending(conn, path) == []
    assert not list(tmp_path.glob("*.bak-*"))  # nothing to back up on a fresh library


def test_existing_library_is_backed_up_before_a_new_migration(tmp_path: Path) -> None:
    """When a library needs a new migration, a copy with its data is written first."""
    path = tmp_path / "library.db"
    with Store.open(path) as store:
        store.upsert_tracks([Track(id="", title="Nightcall", artists=("Kavinsky",), duration_s=257.0)])
    extra = Migration("0099_test_column", "ALTER TABLE tracks ADD COLUMN rating REAL")
    conn = _connect(path)
    names = apply_pending(conn, path, (*migrations.MIGRATIONS, extra))
    assert names == ["0099_test_column"]
    backup = tmp_path / "library.db.bak-0099_test_column"
    assert backup.is_file()
    copy = sqlite3.connect(backup)
    assert copy.execute("SELECT title FROM tracks").fetchall() == [("Nightcall",)]
    assert "rating" not in [r[1] for r in copy.execute("PRAGMA table_info(tracks)")]


def test_a_failing_migration_changes_nothing(tmp_path: Path) -> None:
    """A migration that fails halfway is rolled back and not recorded."""
    path = tmp_path / "library.db"
    Store.open(path).close()
    broken = Migration("0098_broken", "CREATE TABLE half (x); INSERT INTO nowhere VALUES (1)")
    conn = _connect(path)
    with pytest.raises(sqlite3.OperationalError):
        apply_pending(conn, path, (*migrations.MIGRATIONS, broken))
    assert "0098_broken" not in applied(conn)
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'half'").fetchone() is None


def test_library_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    """A library that recorded a migration this version does not know is not touched."""
    path = tmp_path / "library.db"
    Store.open(path).close()
    conn = _connect(path)
    conn.execute("INSERT INTO schema_migrations VALUES ('0500_future', '2030-01-01')")
    conn.close()
    with pytest.raises(LibraryError, match="newer moodseq"):
        Store.open(path)


def test_a_migration_another_process_applied_meanwhile_is_skipped(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two processes opening a new library at once both see every migration pending; the one
    that gets the write lock second finds them recorded and skips them (it used to fail with
    "table meta already exists")."""
    path = tmp_path / "library.db"
    first, second = _connect(path), _connect(path)
    stale = migrations.pending(second)  # what the second process saw before the first wrote
    assert apply_pending(first, path) == [m.name for m in migrations.MIGRATIONS]
    monkeypatch.setattr(migrations, "pending", lambda conn, ms=migrations.MIGRATIONS: stale)
    assert apply_pending(second, None) == []
    assert applied(second) == [m.name for m in migrations.MIGRATIONS]


def test_stores_opened_at_the_same_moment_all_open(tmp_path: Path) -> None:
    """Several threads opening one new library at the same moment all succeed: no "table
    already exists" from a migration applied twice, no "busy" from the switch to WAL (which
    SQLite may refuse at once, without waiting, while another connection is mid-switch).
    Repeated, since the race is a matter of timing."""
    import threading

    errors: list[BaseException] = []
    for attempt in range(25):
        path = tmp_path / f"new{attempt}.db"
        start = threading.Barrier(4)

        def open_it(path: Path = path, start: threading.Barrier = start) -> None:
            start.wait()
            try:
                Store.open(path).close()
            except BaseException as error:  # collected for the assertion
                errors.append(error)

        threads = [threading.Thread(target=open_it) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == []
