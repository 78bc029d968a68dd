"""Sound vectors (flow.md v2): from genres, crowd tags, playlists, year and audio; None without evidence."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sequencer.adapters.genre_data import load_genre_space
from sequencer.core.genres import GENRE_DIMS, GenreSpace
from sequencer.core.sound import (
    AUDIO,
    SOUND_DIMS,
    SoundEvidence,
    map_2d,
    nearest_rows,
    place,
    sound_vectors,
)


@pytest.fixture(scope="module")
def space() -> GenreSpace:
    return load_genre_space()


def evidence(
    tags: Sequence[Mapping[str, float]],
    playlists: Sequence[Sequence[str]] | None = None,
    years: Sequence[float] | None = None,
    audio: Mapping[str, Sequence[float]] | None = None,
) -> SoundEvidence:
    n = len(tags)
    return SoundEvidence(
        tags=list(tags),
        playlists=list(playlists) if playlists is not None else [()] * n,
        years=np.array(years if years is not None else [np.nan] * n, dtype=np.float64),
        audio={k: np.array(v, dtype=np.float64) for k, v in (audio or {}).items()},
    )


def cos(vectors: np.ndarray, a: int, b: int, others: np.ndarray | None = None) -> float:
    """Cosine of row ``a`` of ``vectors`` with row ``b`` of ``others`` (default: ``vectors``)."""
    return float(vectors[a] @ (vectors if others is None else others)[b])


def test_three_tracks_know_synthwave_is_near_electropop_not_reggaeton(space: GenreSpace) -> None:
    """Even a library of three tracks places related genres near each other."""
    v = sound_vectors(space, evidence([{"synthwave": 1.0}, {"electropop": 1.0}, {"reggaeton": 1.0}]))
    assert v.shape == (3, SOUND_DIMS) and v.dtype == np.float32
    assert cos(v, 0, 1) > 0.8
    assert cos(v, 0, 2) < 0.2


def test_no_evidence_no_vector_and_year_alone_is_not_evidence(space: GenreSpace) -> None:
    """A track without genres, playlists or audio gets a zero row (None), even with a year;
    a tag that names no genre is no evidence either."""
    v = sound_vectors(space, evidence([{}, {"seen live": 1.0}, {"grunge": 1.0}], years=[1994, 1994, 1994]))
    assert not v[0].any() and not v[1].any()
    assert np.isclose(np.linalg.norm(v[2]), 1.0)


def test_shared_playlists_bring_genreless_tracks_together(space: GenreSpace) -> None:
    """Tracks with no genres at all, only playlists: co-members are near, others far."""
    playlists = [("drive",), ("drive",), ("drive", "late"), ("gym",), ("gym",), ("gym", "run")]
    v = sound_vectors(space, evidence([{}] * 6, playlists))
    assert all(np.isclose(np.linalg.norm(row), 1.0) for row in v)
    assert cos(v, 0, 1) > 0.9 and cos(v, 0, 2) > 0.5
    assert cos(v, 0, 3) < 0.2


def test_a_genreless_track_borrows_its_playlists_genres(space: GenreSpace) -> None:
    """A track with no genre in a playlist of synthwave tracks sounds like synthwave."""
    tags = [{"synthwave": 1.0}, {"synthwave": 1.0}, {}, {"reggaeton": 1.0}, {"reggaeton": 1.0}]
    playlists = [("night",), ("night",), ("night",), ("fiesta",), ("fiesta",)]
    placed = place(space, evidence(tags, playlists))
    v = placed.vectors
    assert placed.from_playlists[2] and not placed.from_genres[2]
    assert cos(v, 2, 0) > cos(v, 2, 3) + 0.5
    assert v[2, :GENRE_DIMS].any()


def test_a_genreless_track_borrows_its_artists_genres(space: GenreSpace) -> None:
    """A genre-less track in no playlist, by an artist whose other tracks are synthwave, sounds
    like synthwave (and not like the reggaeton artist's); a track by an unknown artist, or an
    artist with no genre anywhere, still has no vector; own genres lead (blended with the
    artist's, never replaced)."""
    tags = [{"synthwave": 1.0}, {"outrun": 1.0}, {}, {"reggaeton": 1.0}, {}, {}, {"salsa": 1.0}]
    artists = ["kavinsky", "kavinsky", "kavinsky", "bad bunny", "", "nobody", "kavinsky"]
    base = evidence(tags)
    placed = place(space, SoundEvidence(base.tags, base.playlists, base.years, base.audio, artists=artists))
    v = placed.vectors
    assert v[2].any() and not placed.from_genres[2]
    assert cos(v, 2, 0) > cos(v, 2, 3) + 0.5
    assert not v[4].any() and not v[5].any()
    alone = place(space, evidence(tags)).vectors
    assert cos(v, 6, 6, alone) > cos(v, 6, 0, alone)
    assert not alone[2].any()


def test_own_genres_are_blended_with_the_artists_other_tracks(space: GenreSpace) -> None:
    """A catalog files one of an R&B singer's tracks under electropop (the playlist it was
    found in): blended with the artist's four R&B tracks it moves towards R&B and away from
    synthwave, yet stays nearer its own genre than the artist's; an artist whose tracks agree,
    and a one-track artist, keep their direction; the four R&B tracks barely move."""
    tags = [{"r&b": 1.0}] * 4 + [{"electropop": 1.0}, {"synthwave": 1.0}, {"synthwave": 1.0}, {"electropop": 1.0}]
    artists = ["john legend"] * 5 + ["gunship", "gunship", "solo"]
    base = evidence(tags)
    v = place(space, SoundEvidence(base.tags, base.playlists, base.years, base.audio, artists=artists)).vectors
    alone = place(space, base).vectors
    assert cos(v, 4, 0, alone) > cos(alone, 4, 0) + 0.05
    assert cos(v, 4, 5, alone) < cos(alone, 4, 5) - 0.05
    assert cos(v, 4, 4, alone) > cos(v, 4, 0, alone)
    for row in (5, 6, 7):
        assert cos(v, row, row, alone) > 0.999
    assert cos(v, 0, 0, alone) > 0.99  # one odd track of five barely moves the others


def test_genre_block_does_not_depend_on_the_rest_of_the_library(space: GenreSpace) -> None:
    """Adding tracks without playlists leaves a track's vector exactly as it was."""
    one = sound_vectors(space, evidence([{"hard rock": 1.0}], years=[1979]))
    many = sound_vectors(
        space, evidence([{"hard rock": 1.0}, {"salsa": 1.0}, {"ambient": 0.5}], years=[1979, 1990, 2001])
    )
    assert np.array_equal(one[0], many[0])


def test_same_evidence_same_bytes(space: GenreSpace) -> None:
    """Deterministic: the same evidence gives bit-for-bit the same vectors."""
    ev = evidence(
        [{"grunge": 1.0}, {}, {"synthpop": 0.6, "new wave": 1.0}, {}],
        [("a",), ("a", "b"), ("b",), ("b",)],
        [1991, 2003, 1984, np.nan],
        {"acousticness": [0.1, 0.9, 0.2, np.nan], "danceability": [0.3, 0.2, 0.8, 0.5]},
    )
    assert sound_vectors(space, ev).tobytes() == sound_vectors(space, ev).tobytes()


def test_era_and_audio_separate_tracks_of_one_genre(space: GenreSpace) -> None:
    """Within a genre, the year and the audio attributes move tracks apart."""
    v = sound_vectors(
        space,
        evidence(
            [{"rock": 1.0}] * 3,
            years=[1970, 1972, 2015],
            audio={
                "acousticness": [0.8, 0.8, 0.01],
                "instrumentalness": [0.0, 0.0, 0.0],
                "danceability": [0.4, 0.4, 0.7],
            },
        ),
    )
    assert cos(v, 0, 1) > cos(v, 0, 2)


def test_audio_refines_a_placed_track_but_never_places_one_alone(space: GenreSpace) -> None:
    """Audio attributes (two at least) move a track with genres; alone they give no vector."""
    audio = {"acousticness": [0.9, 0.9, 0.9, 0.9], "danceability": [0.2, np.nan, 0.2, 0.2]}
    placed = place(space, evidence([{}, {}, {"folk": 1.0}, {"folk": 1.0}], audio=audio, years=[1990] * 4))
    v = placed.vectors
    assert not v[0].any() and not v[1].any()
    assert list(placed.from_audio) == [False, False, True, True]
    bare = sound_vectors(space, evidence([{"folk": 1.0}], years=[1990]))
    assert not np.allclose(v[2], bare[0])


def test_nearest_rows_skips_itself_and_tracks_without_vectors() -> None:
    matrix = np.array([[1, 0], [0.9, 0.1], [0, 0], [0, 1]], dtype=np.float32)
    matrix[1] /= np.linalg.norm(matrix[1])
    assert [r for r, _ in nearest_rows(matrix, matrix[0], 5, exclude=0)] == [1, 3]
    assert nearest_rows(matrix, np.zeros(2), 3) == []
    assert nearest_rows(np.zeros((0, 0), dtype=np.float32), [1.0, 0.0], 3) == []


def test_map_2d_places_rows_and_puts_vectorless_rows_at_the_centre(space: GenreSpace) -> None:
    v = sound_vectors(space, evidence([{"grunge": 1.0}, {"salsa": 1.0}, {}, {"synthwave": 1.0}]))
    coords = map_2d(v)
    assert coords.shape == (4, 2) and np.all(np.isfinite(coords))
    assert np.allclose(coords[2], 0.0)
    assert np.linalg.norm(coords[0] - coords[1]) > 0


GENRES = ["synthwave", "grunge", "reggaeton", "ambient", "dance pop", "seen live", "hip-hop", "melodic techno"]


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.dictionaries(st.sampled_from(GENRES), st.floats(0, 1), max_size=3),
            st.lists(st.sampled_from(["p", "q", "r"]), max_size=2),
            st.one_of(st.just(float("nan")), st.integers(1900, 2030).map(float)),
            st.lists(st.one_of(st.just(float("nan")), st.floats(0, 1)), min_size=len(AUDIO), max_size=len(AUDIO)),
        ),
        max_size=12,
    )
)
def test_every_vector_is_unit_or_zero(rows: list[tuple[dict[str, float], list[str], float, list[float]]]) -> None:
    """Whatever the evidence, rows are finite and of unit length or all zero."""
    space = load_genre_space()
    ev = evidence(
        [r[0] for r in rows],
        [tuple(r[1]) for r in rows],
        [r[2] for r in rows],
        {name: [r[3][i] for r in rows] for i, name in enumerate(AUDIO)},
    )
    v = sound_vectors(space, ev)
    assert v.shape == (len(rows), SOUND_DIMS) and np.all(np.isfinite(v))
    norms = np.linalg.norm(v, axis=1)
    assert np.all(np.isclose(norms, 1.0, atol=1e-5) | (norms == 0.0))


def test_an_empty_library_and_mismatched_widths_give_nothing(space: GenreSpace) -> None:
    assert sound_vectors(space, evidence([])).shape == (0, SOUND_DIMS)
    matrix = np.eye(3, dtype=np.float32)
    assert nearest_rows(matrix, [1.0, 0.0], 2) == []
