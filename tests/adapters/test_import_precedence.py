"""Two inputs that share tracks settle after one round: re-importing them in turn changes nothing
(issue #12: "2,031 updated" on every re-import, Nightcall's album and energy flipping)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from sequencer.adapters.importers.tabular import import_table
from sequencer.adapters.library import import_writer, migrations
from sequencer.adapters.library.rows import ATTRIBUTE_SOURCES, MOOD_SOURCES
from sequencer.adapters.library.store import Store

URI = "spotify:track:73bDvrmSBh2fr53tLDH9oA"


def _write(path: Path, album: str, energy: float, extra: str = "") -> Path:
    path.write_text(
        "track_id,track_name,track_artist,track_album_name,duration_ms,energy\n"
        f"{URI},Nightcall,Kavinsky,{album},257000,{energy}\n"
        f"spotify:track:{'0' * 21}{path.stem},Only here {path.stem},Someone,X,200000,0.5\n{extra}",
        encoding="utf-8",
    )
    return path


def _state(store: Store) -> tuple[str, float | None]:
    track = store.find("Kavinsky - Nightcall")
    return track.album, track.energy


def test_two_sources_in_turn_settle_after_one_round(tmp_path: Path) -> None:
    """A, B, A, B: the second round finds everything unchanged and the values stay put."""
    a = _write(tmp_path / "a.csv", "OutRun", 0.856)
    b = _write(tmp_path / "b.csv", "Nightcall", 0.874)
    with Store.open(tmp_path / "library.db") as store:
        import_table(store, a)
        assert _state(store) == ("OutRun", 0.856)
        first_b = import_table(store, b)
        assert first_b.updated == 1
        assert _state(store) == ("Nightcall", 0.874)
        for _ in range(2):
            again_a, again_b = import_table(store, a), import_table(store, b)
            assert (again_a.updated, again_a.unchanged) == (0, 2)
            assert (again_b.updated, again_b.unchanged) == (0, 2)
            assert _state(store) == ("Nightcall", 0.874)


def test_a_source_that_changed_wins(tmp_path: Path) -> None:
    """When one input really changes a track, that change is written (once)."""
    a = _write(tmp_path / "a.csv", "OutRun", 0.856)
    b = _write(tmp_path / "b.csv", "Nightcall", 0.874)
    with Store.open(tmp_path / "library.db") as store:
        import_table(store, a)
        import_table(store, b)
        _write(a, "OutRun (Deluxe)", 0.8)
        assert import_table(store, a).updated == 1
        assert _state(store) == ("OutRun (Deluxe)", 0.8)
        assert import_table(store, b).updated == 0
        assert import_table(store, a).updated == 0
        assert _state(store) == ("OutRun (Deluxe)", 0.8)


def test_a_library_from_before_the_digests_settles_too(tmp_path: Path) -> None:
    """Without recorded digests (a library made before migration 0003), the first round
    records them and the second changes nothing."""
    a = _write(tmp_path / "a.csv", "OutRun", 0.856)
    b = _write(tmp_path / "b.csv", "Nightcall", 0.874)
    path = tmp_path / "library.db"
    with Store.open(path) as store:
        import_table(store, a)
        import_table(store, b)
    conn = sqlite3.connect(path)
    conn.execute("DELETE FROM track_source_digests")
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        assert import_table(store, b).updated == 0  # what was written last: recorded, unchanged
        assert import_table(store, a).updated == 1  # A has no digest yet: one last write
        for _ in range(2):
            assert (import_table(store, b).updated, import_table(store, a).updated) == (0, 0)
        assert _state(store) == ("OutRun", 0.856)


def test_precedence_is_declared_once() -> None:
    """The writer ranks moods and attributes by rows.MOOD_SOURCES / ATTRIBUTE_SOURCES only."""
    assert not hasattr(import_writer, "MOOD_RANKS")
    assert not hasattr(import_writer, "IMPORT_ATTRIBUTE_RANK")
    assert MOOD_SOURCES[0] == ATTRIBUTE_SOURCES[0] == "hand"
    assert "0006_source_digests" in [m.name for m in migrations.MIGRATIONS]


@pytest.mark.slow
def test_the_two_shared_catalogs_in_turn_twice(tmp_path: Path, shared_dir: Path) -> None:
    """The 28k TidyTuesday catalog and the 10k playlist share 2,031 tracks: the second round
    of importing both changes nothing."""
    a = shared_dir / "data" / "spotify_songs_tidytuesday" / "spotify_songs.csv.gz"
    b = shared_dir / "data" / "spotify_10k_playlist" / "spotify_songs.csv"
    with Store.open(tmp_path / "library.db") as store:
        import_table(store, a)
        second = import_table(store, b)
        # the shared tracks: updated where the 10k file brings something new, else unchanged
        assert second.updated + second.unchanged == 2031 and 0 < second.updated < 2031
        settled = _state(store)
        again_a, again_b = import_table(store, a), import_table(store, b)
        assert (again_a.added, again_a.updated) == (0, 0)
        assert (again_b.added, again_b.updated) == (0, 0)
        assert _state(store) == settled
