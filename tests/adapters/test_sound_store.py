"""Evidence of sound on import (playlists, year) and sound vectors in the library."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sequencer.adapters.importers.tabular import import_table
from sequencer.adapters.library.store import Store
from sequencer.adapters.sound_space import explain_sound, library_map, update_sound
from sequencer.core.sound import SOUND_DIMS

HEADER = "track_name,track_artist,track_album_release_date,playlist_name,playlist_genre,playlist_subgenre\n"
ROWS = [
    "Nightcall,Kavinsky,2010-03-14,Night Drive,pop,electropop",
    "Midnight City,M83,2011-10-17,Night Drive,pop,electropop",
    "Sunset,The Midnight,2016,Night Drive,pop,synthwave",
    "Gasolina,Daddy Yankee,2004-07-13,Fiesta,latin,reggaeton",
    "Despacito,Luis Fonsi,2017-01-12,Fiesta,latin,latin pop",
    "Outshined,Soundgarden,1991,Storms,rock,grunge",
    "Dead Souls,Nine Inch Nails,1994-01-01,Storms,rock,industrial rock",
    "Nightcall,Kavinsky,2010-03-14,Synth Classics,pop,electropop",
]


@pytest.fixture
def store(tmp_path: Path) -> Store:
    s = Store.open(tmp_path / "library.db")
    path = tmp_path / "catalog.csv"
    path.write_text(HEADER + "\n".join(ROWS) + "\n", encoding="utf-8")
    import_table(s, path)
    return s


def test_import_records_playlists_and_year(store: Store) -> None:
    """The playlist column and the release date land on the track; a track in two playlists
    (two rows) is in both."""
    night = store.find("Kavinsky - Nightcall")
    assert set(night.playlists) == {"Night Drive", "Synth Classics"}
    assert night.year == 2010
    assert store.find("The Midnight - Sunset").year == 2016
    assert store.find("Soundgarden - Outshined").playlists == ("Storms",)


def test_a_second_file_adds_playlists_and_keeps_the_year(store: Store, tmp_path: Path) -> None:
    """Membership from another file is added to what the library knows, never replacing it."""
    other = tmp_path / "more.csv"
    other.write_text("title,artist,playlist\nNightcall,Kavinsky,Late\n", encoding="utf-8")
    import_table(store, other)
    night = store.find("Kavinsky - Nightcall")
    assert set(night.playlists) == {"Night Drive", "Synth Classics", "Late"}
    assert night.year == 2010


def test_map_names_the_playlist_column(tmp_path: Path) -> None:
    with Store.open(tmp_path / "l.db") as s:
        path = tmp_path / "x.csv"
        path.write_text("title,artist,list,released\nA,B,My Mix,1999-05-01\n", encoding="utf-8")
        import_table(s, path, overrides={"playlist": "list", "year": "released"})
        track = s.find("B - A")
        assert track.playlists == ("My Mix",) and track.year == 1999


def test_exportify_file_name_is_the_playlist(tmp_path: Path) -> None:
    """An Exportify export is one playlist: its tracks are recorded in it, by the file's name."""
    path = tmp_path / "Night_Drive.csv"
    path.write_text(
        '"Track URI","Track Name","Artist Name(s)","Release Date","Duration (ms)"\n'
        '"spotify:track:0000000000000000000001","Nightcall","Kavinsky","2010-03-14","258000"\n',
        encoding="utf-8",
    )
    with Store.open(tmp_path / "l.db") as s:
        import_table(s, path)
        track = s.find("Kavinsky - Nightcall")
        assert track.playlists == ("Night Drive",) and track.year == 2010


def test_update_sound_stores_vectors_loaded_into_tracks_and_feature_table(store: Store) -> None:
    """Before: no vectors (FeatureTable.sound has 0 columns).  After: every track has one,
    Track.sound and FeatureTable.sound agree."""
    assert store.feature_table().sound.shape == (store.count(), 0)
    summary = update_sound(store)
    assert summary.with_vector == summary.tracks == store.count() == 7
    table = store.feature_table()
    assert table.sound.shape == (7, SOUND_DIMS) and table.sound.dtype == np.float32
    for track in store.tracks():
        assert track.sound is not None and len(track.sound) == SOUND_DIMS
        row = list(table.ids).index(track.id)
        assert np.allclose(table.sound[row], track.sound)


def test_second_update_writes_nothing_and_keeps_the_feature_cache(store: Store) -> None:
    update_sound(store)
    store.feature_table()
    before = store.changes()
    again = update_sound(store)
    assert again.written == 0
    assert store.changes() == before


def test_a_new_track_rewrites_only_what_changed(store: Store, tmp_path: Path) -> None:
    """Adding a track with genres but no playlist computes it; the others' vectors stay."""
    update_sound(store)
    path = tmp_path / "one.csv"
    path.write_text("title,artist,genre\nSmells Like Teen Spirit,Nirvana,grunge\n", encoding="utf-8")
    import_table(store, path)
    assert store.find("Nirvana - Smells Like Teen Spirit").sound is None
    assert update_sound(store).written == 1
    assert store.find("Nirvana - Smells Like Teen Spirit").sound is not None


def test_tracks_without_evidence_have_no_vector(tmp_path: Path) -> None:
    with Store.open(tmp_path / "l.db") as s:
        path = tmp_path / "x.csv"
        path.write_text("title,artist,year\nA,B,1999\nC,D,2001\n", encoding="utf-8")
        import_table(s, path)
        summary = update_sound(s)
        assert summary.with_vector == 0 and summary.written == 0
        assert all(t.sound is None for t in s.tracks())
        assert s.feature_table().sound.shape == (2, 0)


def test_explain_sound_lists_genres_and_neighbours(store: Store) -> None:
    """Nightcall's nearest tracks are its night-drive and synth company, not the fiesta."""
    update_sound(store)
    near = explain_sound(store, store.find("Kavinsky - Nightcall"), neighbours=3)
    names = [t.name for t, _ in near.tracks]
    assert "Kavinsky - Nightcall" not in names
    assert set(names[:2]) == {"M83 - Midnight City", "The Midnight - Sunset"}
    assert near.genres and all(-1.0 <= c <= 1.0001 for _, c in near.genres)
    assert [c for _, c in near.tracks] == sorted((c for _, c in near.tracks), reverse=True)


def test_library_map_places_a_playlist_inside_its_library(store: Store) -> None:
    update_sound(store)
    tracks = [store.find("Kavinsky - Nightcall"), store.find("Soundgarden - Outshined")]
    found = library_map([*tracks, tracks[0].evolve(sound=None)], store.feature_table().sound)
    assert found.background.shape == (7, 2)
    assert found.playlist[2] is None
    first, second = found.playlist[0], found.playlist[1]
    assert first is not None and second is not None and first != second


def test_changed_evidence_is_seen_even_within_the_same_second(store: Store, tmp_path: Path) -> None:
    """A re-import that only adds a playlist to a known track, or new crowd tags, places the
    library again (the skip for an unchanged library must not hide them)."""
    update_sound(store)
    before = store.find("Soundgarden - Outshined").sound
    path = tmp_path / "more.csv"
    path.write_text("title,artist,playlist\nOutshined,Soundgarden,Night Drive\n", encoding="utf-8")
    import_table(store, path)
    assert update_sound(store).written > 0
    assert store.find("Soundgarden - Outshined").sound != before
    store.set_tags(store.find("M83 - Midnight City").id, {"shoegaze": 1.0}, source="lastfm", fetched_at="2026-01-01")
    assert update_sound(store).written > 0
    assert update_sound(store).written == 0


def test_stats_and_show_tell_the_sound_evidence(store: Store) -> None:
    """`library stats` counts vectors, playlist members and years; `library show` lists them."""
    from sequencer.cli.library_text import stats_text, track_details

    update_sound(store)
    data = {**store.stats(), "library": "lib.db"}
    assert (data["with_sound"], data["in_playlists"], data["with_year"]) == (7, 7, 7)
    text = stats_text(data)
    assert "sound       7 (100%) with a sound vector" in text
    assert all(len(line) <= 80 for line in text.splitlines())
    track = store.find("Kavinsky - Nightcall")
    shown = "\n".join(track_details(track, {}))
    assert "playlists Night Drive, Synth Classics" in shown and "year 2010" in shown and "a sound vector" in shown


def test_an_empty_library_is_placed_without_error(tmp_path: Path) -> None:
    with Store.open(tmp_path / "empty.db") as s:
        summary = update_sound(s)
        assert (summary.tracks, summary.with_vector, summary.written) == (0, 0, 0)
        assert s.feature_table().sound.shape == (0, 0)


def test_the_genres_a_playlist_name_names_are_the_tracks_genres(tmp_path: Path) -> None:
    """A catalog's playlist column and an Exportify file's name add the genres they name (for
    genre rules and the sound vector); the row's own genres stay first; nothing is made a crowd
    tag (mood inference reads playlist names itself)."""
    with Store.open(tmp_path / "l.db") as s:
        path = tmp_path / "catalog.csv"
        path.write_text(
            "track_name,track_artist,playlist_name,playlist_genre\n"
            "Sucédeme,Jotdog,ELECTROPOP EN ESPAÑOL,pop\n"
            '"The Sparrows",Wolfsheim,"Maxi Pop GOLD (New Wave, Electropop, Synth Pop...)",pop\n'
            "Untitled,Nobody,Music&Other Drugs,pop\n",
            encoding="utf-8",
        )
        import_table(s, path)
        assert s.find("Jotdog - Sucédeme").genres == ("pop", "electropop", "latin")
        assert s.find("Wolfsheim - The Sparrows").genres == ("pop", "new wave", "electropop", "synth pop")
        assert s.find("Nobody - Untitled").genres == ("pop",)
        assert "latin" not in s.tags_bulk().get(s.find("Jotdog - Sucédeme").id, {})
        exportify = tmp_path / "Synthwave_Nights.csv"
        exportify.write_text(
            '"Track URI","Track Name","Artist Name(s)","Duration (ms)"\n'
            '"spotify:track:0000000000000000000002","Tech Noir","Gunship","290000"\n',
            encoding="utf-8",
        )
        import_table(s, exportify)
        assert s.find("Gunship - Tech Noir").genres == ("synthwave",)


def test_a_soundtrack_albums_scores_are_filed_under_soundtrack(tmp_path: Path) -> None:
    """A row whose album (or title) declares a soundtrack and that is instrumental gets the
    genre soundtrack, after the row's own genres; a song from a film, other albums, nothing;
    it is not a crowd tag."""
    with Store.open(tmp_path / "l.db") as s:
        path = tmp_path / "songs.csv"
        path.write_text(
            "song,artist,album,genre,instrumentalness\n"
            "No Time for Caution,Hans Zimmer,Interstellar: Original Motion Picture Soundtrack,,0.9\n"
            "Flashlight - From Pitch Perfect 2 Soundtrack,Jessie J,Flashlight,pop,0.9\n"
            "Burn,The Cure,The Crow OST,,0.001\n"
            "Ready or Not,Fugees,The Score (Expanded Edition),,0.9\n",
            encoding="utf-8",
        )
        import_table(s, path)
        assert s.find("Hans Zimmer - No Time for Caution").genres == ("soundtrack",)
        assert s.find("Jessie J - Flashlight - From Pitch Perfect 2 Soundtrack").genres == ("pop", "soundtrack")
        assert s.find("Fugees - Ready or Not").genres == ()
        assert s.find("The Cure - Burn").genres == ()
        assert "soundtrack" not in s.tags_bulk().get(s.find("Hans Zimmer - No Time for Caution").id, {})


def test_nature_sounds_and_spa_music_are_filed_under_their_genres(tmp_path: Path) -> None:
    """A recording whose artist or album declares nature sounds, noise or spa music gets the
    genre environmental or meditation after its own; a song whose title or album uses the
    words does not."""
    with Store.open(tmp_path / "l.db") as s:
        path = tmp_path / "songs.csv"
        path.write_text(
            "song,artist,album,genre\n"
            "Gale Force Wind,Nature Sounds,10 Hours of Nature,\n"
            '"Ultimate Spa Relaxtion","Kundalini: Yoga, Meditation, Relaxation",Kundalini,new age\n'
            "Yoga,Janelle Monáe,Yoga,pop\n"
            "Relax,Frankie Goes To Hollywood,Welcome To The Pleasuredome,\n",
            encoding="utf-8",
        )
        import_table(s, path)
        assert s.find("Nature Sounds - Gale Force Wind").genres == ("environmental",)
        assert s.find("Ultimate Spa Relaxtion").genres == ("new age", "meditation")
        assert s.find("Janelle Monáe - Yoga").genres == ("pop",)
        assert s.find("Frankie Goes To Hollywood - Relax").genres == ()


def test_a_song_moodseq_knows_is_placed_by_the_genres_it_knows(tmp_path: Path) -> None:
    """A library's "Burn" and "Solar Sailer" without genres, tags or playlists (the 10k
    catalog's copies) take the genres of the built-in demo library: Burn sits near gothic rock,
    Solar Sailer near electronic and soundtrack.  A song moodseq does not know stays without a
    vector, as does one credited to another first artist (the demo's "A Real Hero" is College's,
    the 10k catalog's Electric Youth's: another song key); a known song with genres of its own
    keeps them."""
    with Store.open(tmp_path / "l.db") as s:
        path = tmp_path / "x.csv"
        path.write_text(
            "title,artist,year,genre\nBurn,The Cure,1994,\nSolar Sailer,Daft Punk,2010,\n"
            "A Real Hero,Electric Youth,2014,\n"
            "Unknown Song,Nobody,2001,\nNightcall,Kavinsky,2010,reggaeton\n",
            encoding="utf-8",
        )
        import_table(s, path)
        update_sound(s)
        burn, sailer, hero, unknown, night = (
            s.find(n)
            for n in (
                "The Cure - Burn",
                "Daft Punk - Solar Sailer",
                "Electric Youth - A Real Hero",
                "Nobody - Unknown Song",
                "Kavinsky - Nightcall",
            )
        )
        assert unknown.sound is None and hero.sound is None
        assert burn.sound is not None and sailer.sound is not None
        near_burn = [g for g, _ in explain_sound(s, burn, genres=5).genres]
        near_sailer = [g for g, _ in explain_sound(s, sailer, genres=8).genres]
        assert any(g in ("gothic rock", "post-punk") for g in near_burn), near_burn
        assert any(g in ("electronic", "soundtrack", "orchestral") for g in near_sailer), near_sailer
        near_night = [g for g, _ in explain_sound(s, night, genres=5).genres]
        assert not any("synth" in g for g in near_night), near_night  # its own genre, not the demo's
