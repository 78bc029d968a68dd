"""Properties of the walk: every playlist it returns keeps every hard constraint of flow.md.

Each example builds a playlist from a random small library and profile.  Either the build
succeeds and the result is valid in every respect, or it raises ImpossibleConstraintsError —
never a short or broken playlist presented as success.
"""

from __future__ import annotations

import dataclasses
import random
from types import MappingProxyType

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sequencer.core.build import build_playlist
from sequencer.core.candidates import exclusion_reason
from sequencer.core.profile import Constraints, Profile, Variety
from sequencer.core.sequence import Sequence
from sequencer.core.track import Track, normalise_text, song_key
from sequencer.core.walk import WalkProblem, violations, walk
from sequencer.core.walk.variants import REPORTED_TOLERANCE
from sequencer.errors import ImpossibleConstraintsError
from tests.strategies import libraries, profiles, synthetic_library


def assert_valid(sequence: Sequence, profile: Profile, library: list[Track]) -> None:
    """Check every hard constraint of flow.md on a built sequence, independently of the walk."""
    tracks = sequence.tracks
    low, high = profile.window_s
    assert low - 1e-6 <= sequence.duration_s <= high + 1e-6
    ids = [t.id for t in tracks]
    assert len(ids) == len(set(ids)), "a track plays twice"
    songs = [song_key(t.artists, t.title) for t in tracks]
    assert len(songs) == len(set(songs)), "a song plays twice"
    c = profile.constraints
    last: dict[str, int] = {}
    per_artist: dict[str, int] = {}
    per_album: dict[str, int] = {}
    for pos, track in enumerate(tracks):
        for artist in track.artists:
            key = normalise_text(artist)
            if key in last:
                assert pos - last[key] > c.artist_gap, f"{artist} back within {c.artist_gap}"
            last[key] = pos
            per_artist[key] = per_artist.get(key, 0) + 1
        if track.album:
            album = normalise_text(track.album)
            per_album[album] = per_album.get(album, 0) + 1
        if pos not in (0, len(tracks) - 1) or not (c.start or c.end):
            assert exclusion_reason(track, c, high) is None, f"{track.name} is excluded"
    if c.max_per_artist is not None:
        assert max(per_artist.values()) <= c.max_per_artist
    if c.max_per_album is not None and per_album:
        assert max(per_album.values()) <= c.max_per_album
    library_ids = {t.id for t in library}
    assert set(ids) <= library_ids


@settings(max_examples=80, deadline=None)
@given(library=libraries(max_size=40), profile=profiles(max_minutes=40), seed=st.integers(0, 1000))
def test_built_playlists_keep_every_hard_constraint(library: list[Track], profile: Profile, seed: int) -> None:
    """Any random library and profile: a valid playlist in the duration window, or an
    ImpossibleConstraintsError naming what binds; never a broken playlist."""
    try:
        sequence = build_playlist(library, profile, seed=seed)
    except ImpossibleConstraintsError as error:
        assert any(word in error.message for word in ("minutes", "artist_gap", "max_per", "song"))
        assert error.hint
        return
    assert_valid(sequence, profile, library)
    assert sequence.seed == seed and sequence.mode == "build"


@settings(max_examples=15, deadline=None)
@given(library=libraries(min_size=12, max_size=40), profile=profiles(max_minutes=30), seed=st.integers(0, 1000))
def test_same_seed_same_playlist(library: list[Track], profile: Profile, seed: int) -> None:
    """Building twice with the same seed and inputs gives the same playlist (or the same error)."""

    def ids() -> list[str] | str:
        try:
            return [t.id for t in build_playlist(library, profile, seed=seed).tracks]
        except ImpossibleConstraintsError as error:
            return error.message

    assert ids() == ids()


@settings(max_examples=30, deadline=None)
@given(library=libraries(min_size=15, max_size=40), seed=st.integers(0, 1000), data=st.data())
def test_fixed_ends_stay_at_the_ends(library: list[Track], seed: int, data: st.DataObject) -> None:
    """A journey (start and end track) under random constraints begins and ends with them and
    keeps every rule, or fails clearly (e.g. an end excluded by the profile)."""
    first, last = data.draw(st.sampled_from(library)), data.draw(st.sampled_from(library))
    profile = data.draw(profiles(max_minutes=30))
    try:
        sequence = build_playlist(library, profile, seed=seed, start=first.id, end=last.id)
    except ImpossibleConstraintsError as error:
        assert error.hint
        return
    assert sequence.tracks[0].id == first.id and sequence.tracks[-1].id == last.id
    assert sequence.mode == "journey"
    assert_valid(sequence, sequence.profile, library)


NIGHT = MappingProxyType({"night-driving": 1.0, "brooding": 0.4})
NIGHT_ARC = ((0.0, 0.45), (0.6, 0.7), (1.0, 0.4))


@pytest.mark.parametrize("arc", [None, NIGHT_ARC], ids=["flat", "arc"])
def test_different_seeds_give_different_near_best_playlists(arc: tuple[tuple[float, float], ...] | None) -> None:
    """Five seeds on a 1,000-track library: at least three different valid playlists, with
    reported objectives within 5 % of the best seed's and flow costs within 6.5 %.

    Bounds from the design (SEED_TOLERANCE 4 %, flow ±3 % of the best's, so at most
    1.03 / 0.97 − 1 ≈ 6.2 % between two seeds); measured over 5 seeds on 18 synthetic cases
    (300/600/1,000 tracks × 3 libraries × flat/arc): at most +3.6 % objective and +5.0 % flow
    (before: +8–12 % objective, +12–48 % flow in the benchmark).  Seeds give ≥ 3 different
    playlists in 14 of those 18 cases; small libraries may have only one or two near-best
    playlists, and then seeds repeat rather than get worse.  This library gives 5 (flat) and 3 (arc).
    """
    library = synthetic_library(1000, seed=1)
    profile = Profile(name="seeds", minutes=60.0, moods=NIGHT, arc=arc)
    results = [build_playlist(library, profile, seed=s) for s in range(5)]
    assert len({tuple(t.id for t in r.tracks) for r in results}) >= 3
    assert len({frozenset(t.id for t in r.tracks) for r in results}) >= 3, "only the order differs"
    for r in results:
        assert_valid(r, profile, library)
    totals = [r.score.total for r in results]
    flows = [r.score.flow_cost for r in results]
    # the walk's objective is held to the seed tolerance (≤ 4 % here), the reported one to
    # REPORTED_TOLERANCE (5 %): the totals are reported ones
    assert max(totals) <= (1 + REPORTED_TOLERANCE) * min(totals) + 1e-9
    assert max(flows) <= 1.065 * min(flows) + 1e-9


def test_temperature_widens_variety() -> None:
    """A temperature of 0.5 gives a different valid playlist for every seed, at least as many
    distinct playlists as temperature 0 gives."""
    library = synthetic_library(300, seed=1)
    cold = Profile(name="cold", minutes=60.0, moods=NIGHT)
    warm = dataclasses.replace(cold, variety=Variety(temperature=0.5))
    cold_runs = {tuple(t.id for t in build_playlist(library, cold, seed=s).tracks) for s in range(3)}
    warm_results = [build_playlist(library, warm, seed=s) for s in range(3)]
    warm_runs = {tuple(t.id for t in r.tracks) for r in warm_results}
    assert len(warm_runs) == 3
    assert len(warm_runs) >= len(cold_runs)
    for r in warm_results:
        assert_valid(r, warm, library)


def test_library_too_small_names_minutes_and_how_close() -> None:
    """Six 4-minute tracks cannot fill an hour: the error says how many minutes were possible."""
    library = synthetic_library(6, seed=1)
    library = [dataclasses.replace(t, duration_s=240.0) for t in library]
    with pytest.raises(ImpossibleConstraintsError, match=r"only 24 of 60 minutes") as info:
        build_playlist(library, Profile(name="x", minutes=60.0), seed=1)
    assert "6 candidates" in info.value.message


def test_no_track_at_all_is_never_an_empty_success() -> None:
    """A 1-minute profile (window starts at 0) over tracks that are all too long: an error, not
    an empty playlist."""
    library = [dataclasses.replace(t, duration_s=600.0) for t in synthetic_library(5, seed=1)]
    with pytest.raises(ImpossibleConstraintsError, match=r"0 candidates after excluding 5"):
        build_playlist(library, Profile(name="x", minutes=1.0), seed=1)


def test_exclusions_that_empty_the_library_are_counted_in_the_error() -> None:
    """When exclusions remove the music, the error says which exclusion removed how many."""
    library = [dataclasses.replace(t, explicit=True) for t in synthetic_library(40, seed=2)]
    profile = Profile(name="x", minutes=30.0, constraints=Constraints(exclude_explicit=True))
    with pytest.raises(ImpossibleConstraintsError, match=r"explicit 40"):
        build_playlist(library, profile, seed=1)


def test_artist_gap_that_cannot_be_kept_is_named() -> None:
    """Two artists cannot keep a gap of 3 over a long playlist: the error names artist_gap."""
    rng = random.Random(3)
    library = [dataclasses.replace(t, artists=(f"Duo {rng.randrange(2)}",)) for t in synthetic_library(60, seed=3)]
    profile = Profile(name="x", minutes=40.0, constraints=Constraints(artist_gap=3))
    with pytest.raises(ImpossibleConstraintsError, match=r"artist_gap = 3"):
        build_playlist(library, profile, seed=1)


def test_max_per_artist_that_binds_is_named() -> None:
    """One artist capped at two tracks cannot fill 30 minutes: the error names max_per_artist."""
    library = [dataclasses.replace(t, artists=("Solo",)) for t in synthetic_library(30, seed=5)]
    profile = Profile(name="x", minutes=30.0, constraints=Constraints(artist_gap=0, max_per_artist=2))
    with pytest.raises(ImpossibleConstraintsError, match=r"max_per_artist = 2"):
        build_playlist(library, profile, seed=1)


def test_window_that_no_combination_hits_is_named() -> None:
    """Only 25-minute tracks and a 40 ± 1 minute window: no choice lands in it; error says so."""
    library = [dataclasses.replace(t, duration_s=1500.0) for t in synthetic_library(10, seed=6)]
    profile = Profile(name="x", minutes=40.0, tolerance_minutes=1.0)
    with pytest.raises(ImpossibleConstraintsError, match=r"39–41 minutes"):
        build_playlist(library, profile, seed=1)


def test_walk_reports_violations_instead_of_hiding_them() -> None:
    """The walk returns its best state with the violations it could not remove."""
    problem = WalkProblem(
        durations=[100.0, 100.0],
        energies=[0.5, 0.5],
        fits=[1.0, 1.0],
        cost=__import__("numpy").zeros((2, 2)),
        artists=[(0,), (1,)],
        albums=[-1, -1],
        songs=[0, 1],
        window=(500.0, 600.0),
        target_s=550.0,
    )
    result = walk(problem, random.Random(0), iterations=50)
    assert result.violations.short_s == pytest.approx(300.0)
    assert violations(problem, result.order).total == pytest.approx(5.0)
