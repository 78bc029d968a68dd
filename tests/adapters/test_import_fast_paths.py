"""The import's fast paths (issue #11) give what the plain definitions give.

- a row's genres joined with its playlists' (memoised per pair) are the row's genres followed
  by the playlists' genres it lacks, computed afresh;
- a row without an optional column (ISRC, MusicBrainz id, energy level, explicit, artist URIs)
  gives the same record and warnings as the row with that column empty;
- :meth:`IdentityIndex.add` (which skips its duplicate scan when a key's first entry is the
  track) keeps one entry per track and key, in the order they came;
- :meth:`Track.with_values` (how each row's track is made) is :func:`dataclasses.replace`.
"""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sequencer.adapters.genre_data import load_genre_phrases
from sequencer.adapters.importers.values import RowContext, row_to_record
from sequencer.core.genre_names import genres_named_in
from sequencer.core.identity import IdentityIndex
from sequencer.core.moods import default_vocabulary
from sequencer.core.track import Track
from tests.strategies import tracks

PLAYLISTS = ["Night Drive Synthwave", "Dark Techno & Industrial", "Study", "Grunge, Alt-Rock", "Ambient Focus", ""]
GENRES = ["synthwave", "techno", "ambient", "grunge", "rock", "pop"]


def _fresh(genres: tuple[str, ...], playlists: tuple[str, ...]) -> tuple[str, ...]:
    """The row's genres, then each genre its playlists name that it lacks (no memo)."""
    named: dict[str, None] = {}
    for name in playlists:
        named.update(dict.fromkeys(genres_named_in(name, load_genre_phrases())))
    return (*genres, *(g for g in named if g not in genres))


@settings(max_examples=60, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.lists(st.sampled_from(GENRES), unique=True, max_size=3).map(tuple),
            st.lists(st.sampled_from(PLAYLISTS), unique=True, max_size=2).map(tuple),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_memoised_playlist_genres_equal_the_fresh_ones(
    rows: list[tuple[tuple[str, ...], tuple[str, ...]]],
) -> None:
    """The same context asked again and again (as an import does) answers as a fresh one."""
    ctx = RowContext(vocabulary=default_vocabulary())
    for genres, playlists in rows:
        assert ctx.with_playlist_genres(genres, playlists) == _fresh(genres, playlists)


def test_playlist_genres_are_added_after_the_row_genres() -> None:
    """A real case: the playlist's genres follow the row's, none twice."""
    ctx = RowContext(vocabulary=default_vocabulary())
    found = ctx.with_playlist_genres(("rock",), ("Grunge, Alt-Rock",))
    assert found[0] == "rock" and "grunge" in found and len(found) == len(set(found))


FIELDS = dataclasses.fields(Track)
BASE = {"title": "Nightcall", "artist": "Kavinsky", "album": "OutRun", "duration": "4:17", "energy": "0.6"}
OPTIONAL = ("isrc", "mbid", "energy_level", "explicit", "artist_uris")


@settings(max_examples=60, deadline=None)
@given(
    present=st.sets(st.sampled_from(OPTIONAL)),
    blank=st.sampled_from(["", "  ", "NA", "null"]),
    id_cell=st.sampled_from(["", "0VjIjW4GlUZAMYd2vXMi3b"]),
)
def test_an_absent_optional_column_reads_as_an_empty_one(present: set[str], blank: str, id_cell: str) -> None:
    """Leaving out optional columns changes nothing: the record and warnings are those of the
    row that has them, empty."""
    ctx = RowContext(vocabulary=default_vocabulary())
    without = {**BASE, "id": id_cell}
    with_empty = {**without, **dict.fromkeys(present, blank)}
    a, b = row_to_record(without, 3, ctx), row_to_record(with_empty, 3, ctx)
    assert a.record == b.record and a.warnings == b.warnings and a.skip == b.skip


def test_optional_columns_are_still_read_when_present() -> None:
    """The columns an input has are read (and their bad values warned about) as before."""
    ctx = RowContext(vocabulary=default_vocabulary())
    values = {**BASE, "isrc": "USRC17607839", "mbid": "bad", "energy_level": "10", "explicit": "yes"}
    result = row_to_record(values, 7, ctx)
    assert result.record is not None
    track = result.record.track
    assert track.isrc == "USRC17607839" and track.explicit is True and track.mbid is None
    assert track.energy == 0.6  # the energy column wins over the energy level
    assert [str(w) for w in result.warnings] == ["line 7: MusicBrainz id 'bad' is not valid; left out"]


def _plain_add(index: IdentityIndex, track_id: str, key: str, duration: float) -> None:
    """What ``add`` does with a match key, written out plainly."""
    entries = index.by_key.setdefault(key, [])
    if all(existing != track_id for existing, _ in entries):
        entries.append((track_id, duration))


@settings(max_examples=80, deadline=None)
@given(
    adds=st.lists(
        st.tuples(st.sampled_from(["a", "b", "c", "d"]), st.sampled_from(["k1", "k2", ""]), st.integers(0, 400)),
        max_size=30,
    )
)
def test_identity_index_keeps_one_entry_per_track_and_key(adds: list[tuple[str, str, int]]) -> None:
    """However often a track is added under a key, it is there once, in first-come order."""
    index, plain = IdentityIndex(), IdentityIndex()
    for track_id, key, duration in adds:
        index.add(track_id, None, None, key, float(duration))
        if key:
            _plain_add(plain, track_id, key, float(duration))
    assert index.by_key == plain.by_key
    assert index.ids == {track_id for track_id, _, _ in adds}


@settings(max_examples=60, deadline=None)
@given(base=tracks(), other=tracks(index=1), names=st.sets(st.sampled_from([f.name for f in FIELDS])))
def test_with_values_is_replace(base: Track, other: Track, names: set[str]) -> None:
    """Any fields taken from another track give the track ``replace`` gives, field for field
    and in repr (which the import's digest hashes); the original is left as it was."""
    before = repr(base)
    changes = {name: getattr(other, name) for name in names}
    made, replaced = base.with_values(changes), dataclasses.replace(base, **changes)
    assert made == replaced and repr(made) == repr(replaced) and vars(made) == vars(replaced)
    assert list(vars(made)) == [f.name for f in FIELDS]
    assert repr(base) == before


def test_with_values_refuses_a_name_that_is_not_a_field() -> None:
    """A misspelt field fails as ``replace`` does."""
    with pytest.raises(TypeError):
        Track(id="a", title="t", artists=("x",), duration_s=1.0).with_values({"tittle": "T"})
