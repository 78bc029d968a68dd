"""The library's load for a build: batched exemplar lookups and context rows decided per
distinct genre list give what a track-by-track reading gave (issue #11: a faster load)."""

from __future__ import annotations

import dataclasses
import random
from pathlib import Path

import numpy as np
import pytest

from sequencer.adapters.importers.tabular import import_table
from sequencer.adapters.library.build_input import context_rows
from sequencer.adapters.library.features import genre_cache_path
from sequencer.adapters.library.moods import read_genre_groups
from sequencer.adapters.library.rows import SEP
from sequencer.adapters.library.store import Store
from sequencer.adapters.profiles_toml import load_profile_file
from sequencer.core.candidates import table_fit
from sequencer.core.context import SAME_ARTIST, genre_keys
from sequencer.core.profile import Profile
from sequencer.errors import TrackNotFoundError

REPO = Path(__file__).resolve().parents[2]
GENRES = ["synthwave", "new wave", "edm", "house", "darkwave", "pop", "Synth-Pop", "hard rock", "ambient"]


def _library(path: Path, tmp: Path, seed: int = 5) -> Path:
    """A few hundred tracks: genre columns, tag moods and crowd tags, artists with many songs,
    the same title by several artists, tracks with no genre at all."""
    rng = random.Random(seed)
    lines = ["title,artist,duration,energy,valence,tempo,genre,tags"]
    for i in range(300):
        artist = rng.choice(["Kavinsky", "Daft Punk", "Vangelis", "Chromatics", *(f"Artist {k}" for k in range(40))])
        title = rng.choice(["Nightcall", "Derezzed", "Main Titles", f"Song {i}", f"Song {i} - Remix"])
        genre = ";".join(rng.sample(GENRES, rng.randrange(0, 3)))
        tags = "; ".join(rng.sample(["brooding", "night", "retrowave", "edm", "chill"], rng.randrange(0, 3)))
        lines.append(
            f'"{title}","{artist}",{rng.randrange(150, 400)},{rng.random():.3f},{rng.random():.3f},'
            f'{rng.randrange(70, 160)},"{genre}","{tags}"'
        )
    source = tmp / "tracks.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with Store.open(path) as store:
        import_table(store, source)
        ids = [t.id for t in store.tracks()]
        for track_id in rng.sample(ids, 40):  # crowd tags from an enrichment (no change counter bump)
            store.set_tags(track_id, {rng.choice(GENRES).lower(): 0.8}, source="lastfm", fetched_at="2026-01-01")
    return path


def _profile() -> Profile:
    """night-drive (exemplars, preferred and avoided genres) with an excluded genre."""
    profile = load_profile_file(REPO / "profiles" / "night-drive.toml")
    return dataclasses.replace(
        profile,
        like=(*profile.like, "Song 12", "Nobody - Nothing"),
        constraints=dataclasses.replace(profile.constraints, exclude_genres=("hard rock",)),
    )


def _reference(store: Store, profile: Profile, exemplars: list) -> tuple[np.ndarray, np.ndarray]:  # type: ignore[type-arg]
    """context_rows as it was computed before: every track's genres and tags, then its verdict;
    the primary artist of every track."""
    table = store.feature_table()
    n = len(table)
    boost, excluded = np.zeros(n), np.zeros(n, dtype=bool)
    with store.transaction(write=False) as conn:
        found: dict[str, set[str]] = {}
        for track_id, genres in conn.execute("SELECT id, genres FROM tracks WHERE genres != ''"):
            found.setdefault(track_id, set()).update(genres.split(SEP))
        for track_id, tag in conn.execute("SELECT t.id, g.tag FROM tags g JOIN tracks t ON t.tid = g.tid"):
            found.setdefault(track_id, set()).add(tag)
    genres = profile.genres
    prefer, avoid = genre_keys(genres.prefer), genre_keys(genres.avoid)
    banned = genre_keys(profile.constraints.exclude_genres)
    for row, track_id in enumerate(table.ids.tolist()):
        names = tuple(sorted(found.get(track_id, ())))
        if names:
            have = genre_keys(names)
            excluded[row] = bool(have & banned)
            boost[row] += genres.weight * (float(bool(have & prefer)) - float(bool(have & avoid)))
    artists = store.primary_artists()
    wanted = {artists.get(t.id, "") for t in exemplars} - {""}
    same = np.array([artists.get(i, "") in wanted for i in table.ids.tolist()], dtype=bool)
    fit = np.clip(table_fit(table, profile.moods) * table.confidences(), 0.0, 1.0)
    like = np.zeros(n)
    like[same] = SAME_ARTIST * fit[same]
    sound = table.sound
    if sound is not None and sound.shape[1] > 0:
        norms = np.linalg.norm(sound, axis=1)
        unit = sound / np.where(norms > 0, norms, 1.0)[:, None]
        for t in exemplars:
            row = int(np.flatnonzero(table.ids == t.id)[0])
            if norms[row] > 0:
                like = np.maximum(like, np.clip(unit @ unit[row], 0.0, 1.0))
    return boost + profile.like_weight * like, excluded


def test_context_rows_are_what_a_track_by_track_reading_gives(tmp_path: Path) -> None:
    """Boosts and exclusions equal the per-track computation, exemplars found by name."""
    library = _library(tmp_path / "lib.db", tmp_path)
    profile = _profile()
    with Store.open(library, read_only=True) as store:
        exemplars = [t for t in store.lookup_many(profile.like) if t is not None]
        assert {t.artists[0] for t in exemplars} >= {"Kavinsky", "Daft Punk"}
        boost, excluded = context_rows(store, store.feature_table(), profile, exemplars)
        want_boost, want_excluded = _reference(store, profile, exemplars)
    assert excluded.any() and (boost > 0).any() and (boost < 0).any()
    np.testing.assert_array_equal(excluded, want_excluded)
    np.testing.assert_allclose(boost, want_boost, rtol=0, atol=1e-12)


def test_lookup_many_is_lookup_of_each(tmp_path: Path) -> None:
    """Ids, "Artist - Title", bare titles and unknown names: the same tracks as one lookup
    each, in order; a bare title several artists share is the same error."""
    library = _library(tmp_path / "lib.db", tmp_path)
    with Store.open(library, read_only=True) as store:
        first = store.tracks()[0]
        refs = [first.id, "Kavinsky - Nightcall", "Nobody - Nothing", "Song 7", "Vangelis - Main Titles", "zzz"]
        assert store.lookup_many(refs) == [store.lookup(ref) for ref in refs]
        with pytest.raises(TrackNotFoundError) as one:
            store.lookup("Nightcall")
        with pytest.raises(TrackNotFoundError) as many:
            store.lookup_many(["Kavinsky - Nightcall", "Nightcall"])
        assert str(many.value) == str(one.value)


def test_same_artist_ids_are_the_tracks_of_the_primary_artists(tmp_path: Path) -> None:
    """The song-key index range gives exactly the tracks whose first artist is wanted."""
    library = _library(tmp_path / "lib.db", tmp_path)
    with Store.open(library, read_only=True) as store:
        tracks = store.tracks()
        artists = store.primary_artists()
        chosen = [tracks[0].id, tracks[5].id, "not-an-id"]
        wanted = {artists[i] for i in chosen if i in artists}
        expected = sorted(i for i, a in artists.items() if a in wanted)
        assert sorted(store.same_artist_ids(chosen)) == expected


def test_genre_lists_are_cached_and_follow_new_tags(tmp_path: Path) -> None:
    """The genre lists come from the cache beside the library while nothing changed, and an
    enrichment's new crowd tags (which keep the feature table) are seen at once."""
    library = _library(tmp_path / "lib.db", tmp_path)
    with Store.open(library) as store:
        with store.transaction(write=False) as conn:
            fresh = read_genre_groups(conn)
        assert store.genre_groups() == fresh
        assert genre_cache_path(library).is_file()
        assert store.genre_groups() == fresh  # from the cache
        track = store.tracks()[3]
        store.set_tags(track.id, {"outrun": 1.0}, source="lastfm", fetched_at="2026-01-02")
        changed = store.genre_groups()
    assert changed != fresh
    assert any("outrun" in names and track.id in ids for names, ids in changed.items())
    with Store.open(library, read_only=True) as store:
        assert store.genre_groups() == changed
