"""The library store: opening, transactions, identity on upsert, mood precedence, caches."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from random import Random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sequencer.adapters.importers.records import ImportRecord
from sequencer.adapters.library import migrations
from sequencer.adapters.library.store import Store
from sequencer.core.track import Track
from sequencer.errors import LibraryError, TrackNotFoundError

NIGHTCALL_URI = "spotify:track:73bDvrmSBh2fr53tLDH9oA"


def _track(title: str, artist: str, duration: float = 200.0, **extra: object) -> Track:
    return Track(id="", title=title, artists=(artist,), duration_s=duration, **extra)  # type: ignore[arg-type]


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """A fresh library with two tracks."""
    with Store.open(tmp_path / "lib" / "library.db") as s:
        s.upsert_tracks(
            [
                _track("Nightcall", "Kavinsky", 257.3, album="OutRun", tempo=91.0, energy=0.6, uri=NIGHTCALL_URI),
                _track("Blush Response", "Vangelis", 340.0, album="Blade Runner", moods={"brooding": 0.5}),
            ]
        )
        yield s


def test_open_creates_folders_and_schema(tmp_path: Path) -> None:
    """Opening a path in a missing folder creates it, runs the migrations and records them."""
    path = tmp_path / "a" / "b" / "library.db"
    with Store.open(path) as s:
        assert s.count() == 0
    conn = sqlite3.connect(path)
    names = [r[0] for r in conn.execute("SELECT name FROM schema_migrations ORDER BY rowid")]
    assert names == [m.name for m in migrations.MIGRATIONS]
    assert names[:2] == ["0001_initial", "0002_lookup_indexes"]
    assert "0003_sound_evidence" in names
    assert "0004_sinks_recording_mbid" in names
    assert "0005_living_build_history" in names
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_corrupt_file_is_a_library_error_with_a_fix(tmp_path: Path) -> None:
    """A file that is not a database gives LibraryError naming it, pointing at --library and
    suggesting a backup."""
    path = tmp_path / "library.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(LibraryError, match="is not a moodseq library") as info:
        Store.open(path)
    assert info.value.hint is not None and "bak" in info.value.hint


def test_track_list_given_as_library_says_to_import_it(tmp_path: Path) -> None:
    """A CSV passed where the library belongs is recognised, and the hint is the import command."""
    path = tmp_path / "songs.csv"
    path.write_text("title,artist\nNightcall,Kavinsky\n" * 200)
    with pytest.raises(LibraryError, match="is a track list, not a moodseq library") as info:
        Store.open(path)
    assert info.value.hint is not None and f"moodseq import csv {path}" in info.value.hint
    assert path.read_text().startswith("title,artist")  # the user's file is untouched


def test_foreign_sqlite_file_is_refused(tmp_path: Path) -> None:
    """Another program's SQLite database is not silently turned into a library."""
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE things (x)")
    conn.commit()
    conn.close()
    with pytest.raises(LibraryError, match="not a moodseq library"):
        Store.open(path)


def test_transaction_rolls_back_on_error(store: Store) -> None:
    """An exception inside transaction() leaves no change behind."""
    before = store.count()
    with pytest.raises(RuntimeError), store.transaction() as conn:
        conn.execute("DELETE FROM tracks")
        raise RuntimeError("boom")
    assert store.count() == before


def test_identity_merges_duplicates_and_reimport_changes_nothing(store: Store) -> None:
    """Same Spotify URI or same artist+title within 3 s is one track; re-import is a no-op."""
    changes = store.changes()
    report = store.upsert_tracks(
        [
            _track("Nightcall", "Kavinsky", 257.3, album="OutRun", tempo=91.0, energy=0.6, uri=NIGHTCALL_URI),
        ]
    )
    assert (report.added, report.updated, report.unchanged) == (0, 0, 1)
    assert store.changes() == changes  # bookkeeping only: the feature cache stays valid
    report = store.upsert_tracks([_track("blush response", "VANGELIS", 341.5, isrc="GB-AAA-82-00001")])
    assert (report.added, report.updated) == (0, 1)
    assert store.count() == 2
    assert store.find("Vangelis - Blush Response").isrc == "GBAAA8200001"


def test_remaster_is_a_new_recording_of_the_same_song(store: Store) -> None:
    """A '- 2011 Remaster' title is a separate track (different recording)."""
    store.upsert_tracks([_track("Blush Response - 2011 Remaster", "Vangelis", 340.0)])
    assert store.count() == 3


def test_far_durations_are_different_recordings(store: Store) -> None:
    """Same name but a duration 30 s away is another recording (e.g. a live take)."""
    store.upsert_tracks([_track("Blush Response", "Vangelis", 370.0)])
    assert store.count() == 3


def test_hand_moods_win_and_survive_reimport(store: Store) -> None:
    """A hand weight overrides other sources per mood, and a re-import never erases it."""
    track_id = store.find("Vangelis - Blush Response").id
    store.set_moods(track_id, {"brooding": 0.9, "atmospheric": 1.0}, source="hand")
    store.set_moods(track_id, {"brooding": 0.1, "study": 0.4}, source="inferred")
    store.upsert_tracks([_track("Blush Response", "Vangelis", 340.0, moods={"brooding": 0.2})])
    track = store.find(track_id)
    assert dict(track.moods) == {"brooding": 0.9, "atmospheric": 1.0, "study": 0.4}
    assert store.mood_sources(track_id)["brooding"] == [("hand", 0.9), ("inferred", 0.1), ("import", 0.2)]


def test_hand_zero_hides_a_mood(store: Store) -> None:
    """A hand weight of 0 removes a mood another source gave."""
    track_id = store.find("Vangelis - Blush Response").id
    store.set_moods(track_id, {"brooding": 0.0}, source="hand")
    assert "brooding" not in store.find(track_id).moods


def test_attribute_precedence(store: Store) -> None:
    """Analysis values override imported ones, hand values override analysis."""
    store.set_attributes(store.find("Kavinsky - Nightcall").id, {"tempo": 92.0}, source="analysis")
    assert store.find("Kavinsky - Nightcall").tempo == 92.0
    store.set_attributes(store.find("Kavinsky - Nightcall").id, {"tempo": 90.0}, source="hand")
    assert store.find("Kavinsky - Nightcall").tempo == 90.0
    assert store.find("Kavinsky - Nightcall").energy == 0.6


def test_find_by_uri_id_and_name_and_suggestions(store: Store) -> None:
    """find() accepts ids, URIs, links and names; a miss suggests the closest names."""
    assert store.find(NIGHTCALL_URI).title == "Nightcall"
    assert store.find("https://open.spotify.com/track/73bDvrmSBh2fr53tLDH9oA").title == "Nightcall"
    assert store.find("kavinsky - NIGHTCALL").title == "Nightcall"
    assert store.find("Blush Response").artists == ("Vangelis",)
    with pytest.raises(TrackNotFoundError, match="Blush Responze") as info:
        store.find("Vangelis - Blush Responze")
    assert "Vangelis - Blush Response" in (info.value.hint or "")


def test_tracks_by_ids_keeps_order(store: Store) -> None:
    """tracks_by_ids returns the tracks in the order asked; an unknown id is an error."""
    ids = [t.id for t in store.tracks()]
    assert [t.id for t in store.tracks_by_ids(ids[::-1])] == ids[::-1]
    with pytest.raises(TrackNotFoundError):
        store.tracks_by_ids(["nope"])


def test_search_filters(store: Store) -> None:
    """search() filters by merged mood, artist substring and text."""
    assert [t.title for t in store.search(mood="brooding")] == ["Blush Response"]
    assert [t.title for t in store.search(artist="kavin")] == ["Nightcall"]
    assert [t.title for t in store.search(text="blush")] == ["Blush Response"]
    assert [t.title for t in store.search(text="Kavinsky - Night")] == ["Nightcall"]
    assert store.search(mood="brooding", artist="kavinsky") == []
    assert len(store.search(limit=1)) == 1


def test_search_by_mood_puts_the_surest_first(tmp_path: Path) -> None:
    """A mood read off audio attributes alone (weight 1.0, confidence 0.55) comes after one the
    crowd's tags agree with (0.9 at 0.85), and a hand tag (confidence 1) leads; the limit cuts
    that order, and every track with the mood is listed."""
    with Store.open(tmp_path / "l.db") as s:
        s.upsert_tracks([_track("Guess", "Country Band"), _track("Tagged", "Grunge Band"), _track("Mine", "Me")])
        ids = {t.title: t.id for t in s.tracks()}
        s.set_moods_bulk([(ids["Guess"], {"angsty": 1.0}), (ids["Tagged"], {"angsty": 0.9})], source="inferred")
        s.set_confidence_bulk([(ids["Guess"], 0.55), (ids["Tagged"], 0.85)])
        s.set_moods(ids["Mine"], {"angsty": 0.7}, source="hand")
        assert [t.title for t in s.search(mood="angsty")] == ["Tagged", "Mine", "Guess"]
        s.set_moods(ids["Mine"], {"angsty": 0.8}, source="hand")  # 0.8 × 1.0 beats 0.9 × 0.85
        assert [t.title for t in s.search(mood="angsty")] == ["Mine", "Tagged", "Guess"]
        assert [t.title for t in s.search(mood="angsty", limit=1)] == ["Mine"]
        assert [t.title for t in s.search(mood="angsty", artist="band")] == ["Tagged", "Guess"]


def test_feature_table_is_cached_and_invalidated(store: Store) -> None:
    """The feature table matches the tracks, is cached on disk, and a change rebuilds it."""
    table = store.feature_table()
    assert store.feature_cache_path.is_file()
    assert list(table.ids) == [t.id for t in store.tracks()]
    assert table.column("tempo")[0] == pytest.approx(91.0)
    assert np.isnan(table.column("tempo")[1])
    track_id = store.find("Vangelis - Blush Response").id
    store.set_moods(track_id, {"study": 0.7}, source="hand")
    fresh = store.feature_table()
    assert fresh.moods[1, fresh.mood_names.index("study")] == pytest.approx(0.7)


def test_meta_tags_links_resolutions(store: Store) -> None:
    """The small stores other parts use round-trip their values."""
    track_id = store.find("Kavinsky - Nightcall").id
    store.set_meta("spotify_user", {"id": "me"})
    assert store.get_meta("spotify_user") == {"id": "me"}
    assert store.get_meta("missing") is None
    store.set_tags(track_id, {"synthwave": 1.0, "night": 0.5}, source="lastfm", fetched_at="2026-11-22")
    assert store.tags_bulk(source="lastfm") == {track_id: {"synthwave": 1.0, "night": 0.5}}
    assert store.tag_fetched_at(track_id, "lastfm") == "2026-11-22"
    assert store.tag_fetched_at(track_id, "file") is None
    store.set_playlist_link("night-drive", playlist_id="p1", name="Night drive", snapshot_id=None)
    assert store.playlist_link("night-drive") == {
        "playlist_id": "p1",
        "name": "Night drive",
        "snapshot_id": None,
        "updated_at": store.playlist_link("night-drive")["updated_at"],  # type: ignore[index]
    }
    store.delete_playlist_link("night-drive")
    assert store.playlist_link("night-drive") is None
    store.set_resolution(track_id, None, 0.0, "kavinsky nightcall")
    assert store.resolution(track_id) == (None, 0.0)


def test_set_moods_bulk_skips_unknown_ids(store: Store) -> None:
    """set_moods_bulk writes known ids and reports how many it set."""
    ids = [t.id for t in store.tracks()]
    count = store.set_moods_bulk([(ids[0], {"night-driving": 0.8}), ("nope", {"study": 1.0})], source="inferred")
    assert count == 1
    assert store.find(ids[0]).moods == {"night-driving": 0.8}


def test_invalid_mood_weights_and_sources_are_refused(store: Store) -> None:
    """Weights outside [0, 1] and unknown mood sources are programming errors."""
    track_id = store.tracks()[0].id
    with pytest.raises(ValueError, match=r"must be in \[0, 1\]"):
        store.set_moods(track_id, {"brooding": 1.5}, source="hand")
    with pytest.raises(ValueError, match="mood source"):
        store.set_moods(track_id, {"brooding": 0.5}, source="guess")


_durations = st.lists(st.floats(min_value=60, max_value=75).map(lambda d: round(d, 1)), min_size=1, max_size=8)


@settings(max_examples=40)
@given(_durations, st.randoms(use_true_random=False))
def test_reimport_is_a_no_op_whatever_the_duration_chains(durations: list[float], rng: Random) -> None:
    """However near-duplicate durations chain together (61, 63.5, 66 …), importing the same rows
    twice, in any order the second time, adds and changes nothing."""
    import tempfile

    rows = [_track("Song", "Artist", d, album=f"Album {i}") for i, d in enumerate(durations)]
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "lib.db") as s:
        first = s.upsert_tracks(rows)
        assert first.added == s.count()
        before = s.tracks()
        again = s.upsert_tracks(rows)
        assert (again.added, again.updated) == (0, 0)
        assert s.tracks() == before
        shuffled = rows[:]
        rng.shuffle(shuffled)
        assert s.upsert_tracks(shuffled).added == 0


def test_busy_library_is_a_library_error(tmp_path: Path) -> None:
    """While another process holds the write lock, a write fails with 'busy' and a hint."""
    path = tmp_path / "library.db"
    Store.open(path).close()
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")
    try:
        with Store.open(path, timeout=0.05) as s, pytest.raises(LibraryError, match="is busy") as info:
            s.set_meta("x", 1)
        assert "wait for the other import" in (info.value.hint or "")
    finally:
        other.execute("ROLLBACK")
        other.close()


def test_folder_as_library_path_is_refused(tmp_path: Path) -> None:
    """A folder given as the library path is a clear error."""
    with pytest.raises(LibraryError, match="is a folder"):
        Store.open(tmp_path)


def test_a_query_bug_is_not_disguised_as_a_user_error(store: Store) -> None:
    """A broken query inside a transaction stays a sqlite3 error (a bug shows its traceback)."""
    with pytest.raises(sqlite3.OperationalError, match="no such table"), store.transaction() as conn:
        conn.execute("SELECT * FROM no_such_table")


def test_concurrent_import_of_the_same_tracks_completes_without_duplicates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When another process added the same tracks between planning and writing, the import
    plans again against the library as it now is: no error, no duplicate, all unchanged."""
    from sequencer.adapters.library import import_writer as writer

    path = tmp_path / "library.db"
    rows = [_track(f"Song {i}", "Artist", 200.0 + i) for i in range(3)]
    with Store.open(path) as first, Store.open(path) as second:
        original = writer.plan

        def plan_then_other_import(*args: object, **kwargs: object) -> writer.Plan:
            planned = original(*args, **kwargs)  # type: ignore[arg-type]
            monkeypatch.setattr(writer, "plan", original)
            first.upsert_tracks(rows)  # the "other process" writes the same tracks now
            return planned

        monkeypatch.setattr(writer, "plan", plan_then_other_import)
        report = second.upsert_tracks(rows)
        assert (report.added, report.updated, report.unchanged) == (0, 0, 3)
        assert second.count() == 3
        assert second.upsert_tracks(rows).unchanged == 3


def test_count_without_moods_agrees_with_stats(store: Store) -> None:
    """count_without_moods counts tracks with no mood weight above 0 from any source: a hand 0
    alone leaves a track moodless, a hand mood gives it one; it always equals
    stats' tracks − with_moods."""

    def check(expected: int) -> None:
        data = store.stats()
        assert store.count_without_moods() == expected == data["tracks"] - data["with_moods"]

    nightcall = store.find("Kavinsky - Nightcall").id
    check(1)
    store.set_moods(nightcall, {"dark": 0.0}, source="hand")
    check(1)
    store.set_moods(nightcall, {"dark": 0.7}, source="hand")
    check(0)
    store.upsert_tracks([_track("Teardrop", "Massive Attack", 330.0)])
    check(1)


def test_tracks_by_uris_matches_exact_uris_only(store: Store) -> None:
    """Known URIs map to their library tracks (with stored attributes); unknown ones are absent."""
    unknown = "spotify:track:0000000000000000000000"
    found = store.tracks_by_uris([NIGHTCALL_URI, unknown, NIGHTCALL_URI])
    assert list(found) == [NIGHTCALL_URI]
    assert found[NIGHTCALL_URI].title == "Nightcall"
    assert found[NIGHTCALL_URI].tempo == 91.0
    assert store.tracks_by_uris([]) == {}


def test_a_title_shared_by_several_tracks_is_ambiguous(store: Store) -> None:
    """A bare title that several tracks share is an error naming them (never a silent pick of
    one), while the title with its artist, or a unique title, still finds its track."""
    store.upsert_tracks([_track("Nightcall", "London Grammar", 250.0)])
    with pytest.raises(TrackNotFoundError) as raised:
        store.find("nightcall")
    assert "2 tracks" in raised.value.message
    assert "'Kavinsky - Nightcall'" in str(raised.value.hint)
    assert "'London Grammar - Nightcall'" in str(raised.value.hint)
    assert store.find("London Grammar - Nightcall").artists == ("London Grammar",)
    assert store.find("Blush Response").artists == ("Vangelis",)


def test_a_bare_title_of_one_song_in_two_recordings_still_finds_it(store: Store) -> None:
    """Two recordings of one artist's song (a live take) are not ambiguous by title: the bare
    title finds the first, as 'Artist - Title' does."""
    store.upsert_tracks([_track("Blush Response", "Vangelis", 370.0)])
    assert store.find("Blush Response").id == store.find("Vangelis - Blush Response").id


def test_an_import_running_beside_another_does_not_duplicate_its_tracks(tmp_path: Path) -> None:
    """Two imports at once (two processes, here two connections): tracks the other import
    wrote after this one planned are matched, not added a second time, and the report counts
    them as updates."""
    path = tmp_path / "both.db"
    mine = [_track("Alpha", "A", 200.0), _track("Beta", "B", 210.0), _track("Gamma", "C", 220.0)]
    with Store.open(path) as first, Store.open(path) as other:
        calls: list[int] = []

        def other_import_meanwhile(done: int, total: int) -> None:
            """After this import's first batch, another process imports Beta and Gamma."""
            calls.append(done)
            if len(calls) == 1:
                other.upsert_tracks([_track("Beta", "B", 211.0, uri=NIGHTCALL_URI), _track("Gamma", "C", 219.0)])

        report = first.upsert_records(
            [ImportRecord(t, line=i + 1) for i, t in enumerate(mine)],
            batch_size=1,
            progress=other_import_meanwhile,
        )
        assert first.count() == 3
        assert report.added == 1 and report.updated + report.unchanged == 2
        assert first.find("B - Beta").uri == NIGHTCALL_URI


def test_search_text_is_literal_and_never_empty_matches_all(tmp_path: Path) -> None:
    """`library list --text/--artist` match what was typed: SQL LIKE wildcards (% and _) are
    plain characters, and a filter of punctuation only ("!!!", "%") matches names holding it
    rather than every track."""
    with Store.open(tmp_path / "lib.db") as store:
        store.upsert_tracks(
            [
                _track("Heart of Hearts", "!!!"),
                _track("Back In Black", "AC/DC"),
                _track("Baz", "Foo_Bar"),
                _track("100% Pure", "Band"),
                _track("100 Years", "Band"),
            ]
        )

        def titles(*, text: str | None = None, artist: str | None = None) -> list[str]:
            return sorted(t.title for t in store.search(text=text, artist=artist))

        assert titles(text="_") == ["Baz"]
        assert titles(text="%") == ["100% Pure"]
        assert titles(artist="!!!") == ["Heart of Hearts"]
        assert titles(artist="ac/dc") == ["Back In Black"]
        assert titles(text="100") == ["100 Years", "100% Pure"]
        assert titles(text="?!?") == []


def test_a_misspelt_track_is_suggested_without_comparing_every_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A misspelt artist (so no artist match narrows the search) still gets the right "did you
    mean", and difflib compares only names sharing a word's start with it, not the whole
    library (2.5 s → 1 s for `library show` on 36k tracks)."""
    import difflib

    seen: list[int] = []
    real = difflib.get_close_matches

    def counting(word: str, possibilities: list[str], n: int = 3, cutoff: float = 0.6) -> list[str]:
        seen.append(len(possibilities))
        return real(word, possibilities, n=n, cutoff=cutoff)

    monkeypatch.setattr(difflib, "get_close_matches", counting)
    with Store.open(tmp_path / "lib.db") as store:
        store.upsert_tracks(
            [Track(id="", title=f"Song {n}", artists=(f"Band {n}",), duration_s=200.0) for n in range(2000)]
            + [Track(id="", title="Nightcall", artists=("Kavinsky",), duration_s=257.0)]
        )
        with pytest.raises(TrackNotFoundError) as info:
            store.find("Kavinksy - Nightcall")
    assert info.value.hint is not None and "'Kavinsky - Nightcall'" in info.value.hint
    assert seen and max(seen) < 10
