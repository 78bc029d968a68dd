"""build_playlist / reorder_tracks / find_track: the engine's public entry points."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sequencer.core.build import build_playlist, check_sequence, find_track, reorder_tracks
from sequencer.core.costs import cost_matrix
from sequencer.core.optimise import path_cost
from sequencer.core.profile import Constraints, Profile, Variety
from sequencer.core.sequence import make_sequence
from sequencer.core.track import Track
from sequencer.errors import ImpossibleConstraintsError, TrackNotFoundError
from tests.strategies import synthetic_library

NIGHT = MappingProxyType({"night-driving": 1.0, "brooding": 0.4})

SMALL = [
    Track("v1", "Blush Response", ("Vangelis",), 345.0, moods={"atmospheric": 0.9}),
    Track(
        "k1",
        "Nightcall - 2011 Remaster",
        ("Kavinsky", "Lovefoxxx"),
        258.0,
        moods={"night-driving": 1.0},
        uri="spotify:track:0U0ldCRmgCqhVvD6ksG63j",
    ),
    Track("c1", "Paris, Texas", ("Ry Cooder",), 172.0, moods={"brooding": 0.8}),
]


def test_find_track_by_id_name_title_and_remaster_suffix() -> None:
    """An id, "Artist - Title" (any listed artist, any case), a bare title, the title without
    its remaster suffix, a Spotify URI or link all find the track."""
    assert find_track(SMALL, "k1") is SMALL[1]
    assert find_track(SMALL, "vangelis - blush response") is SMALL[0]
    assert find_track(SMALL, "Lovefoxxx - Nightcall - 2011 Remaster") is SMALL[1]
    assert find_track(SMALL, "Kavinsky - Nightcall") is SMALL[1]
    assert find_track(SMALL, "Paris Texas") is SMALL[2]
    assert find_track(SMALL, "spotify:track:0U0ldCRmgCqhVvD6ksG63j") is SMALL[1]
    assert find_track(SMALL, "https://open.spotify.com/track/0U0ldCRmgCqhVvD6ksG63j?si=x") is SMALL[1]


def test_find_track_by_the_name_moodseq_shows_with_every_artist() -> None:
    """The name a playlist shows ("Kavinsky, Lovefoxxx - Nightcall", every artist) finds its
    track, so a name copied from `history show` works with --keep; artists it does not have
    do not."""
    library = synthetic_library(30, seed=5)
    several = [t for t in library if len(t.artists) > 1]
    several = several or [dataclasses.replace(library[0], artists=("A One", "B Two"))]
    for track in several:
        pool = [track, *(t for t in library if t.id != track.id)]
        assert find_track(pool, track.name) is track
    assert find_track(SMALL, "Kavinsky, Lovefoxxx - Nightcall - 2011 Remaster") is SMALL[1]
    with pytest.raises(TrackNotFoundError):
        find_track(SMALL, "Kavinsky, Vangelis - Nightcall - 2011 Remaster")


def test_find_track_of_an_artist_name_suggests_their_tracks() -> None:
    """An artist's name alone ("Kavinsky") is not a track: the hint names that artist's tracks,
    not tracks whose titles merely look alike."""
    with pytest.raises(TrackNotFoundError, match="no track matches 'kavinsky'") as info:
        find_track(SMALL, "kavinsky")
    assert info.value.hint == (
        "'kavinsky' is an artist: name one of their tracks, e.g. 'Kavinsky, Lovefoxxx - Nightcall - 2011 Remaster'"
    )


def test_find_track_miss_suggests_the_closest_name() -> None:
    """A near miss raises TrackNotFoundError whose hint names the track the user meant."""
    with pytest.raises(TrackNotFoundError, match="no track matches 'Vangelis - Blush Respons'") as info:
        find_track(SMALL, "Vangelis - Blush Respons")
    assert info.value.hint == "did you mean 'Vangelis - Blush Response'?"
    with pytest.raises(TrackNotFoundError) as info:
        find_track(SMALL, "zzzz")
    assert info.value.hint is not None and "Artist - Title" in info.value.hint


def test_unknown_start_raises_track_not_found() -> None:
    """build_playlist with a start nobody has raises TrackNotFoundError, not a playlist."""
    library = synthetic_library(100, seed=1)
    with pytest.raises(TrackNotFoundError, match="Song 9999"):
        build_playlist(library, Profile(name="p", minutes=20.0), start="Artist 1 - Song 9999", seed=1)


def test_excluded_start_track_is_an_impossible_constraint() -> None:
    """A start track the profile excludes is named in an ImpossibleConstraintsError."""
    library = synthetic_library(100, seed=1)
    artist = library[0].artists[0]
    profile = Profile(name="p", minutes=20.0, constraints=Constraints(start=library[0].id, exclude_artists=(artist,)))
    with pytest.raises(ImpossibleConstraintsError, match=r"start track .* ruled out .*excluded artists"):
        build_playlist(library, profile, seed=1)


def test_start_equal_to_end_is_refused() -> None:
    """A journey from a song to itself would play it twice: refused with a clear message."""
    library = synthetic_library(50, seed=1)
    with pytest.raises(ImpossibleConstraintsError, match="same song"):
        build_playlist(library, Profile(name="p", minutes=20.0), start="s1", end="s1", seed=1)


def test_profile_start_is_kept_without_making_a_journey() -> None:
    """A start from the profile's constraints is the first track; the mode stays "build"."""
    library = synthetic_library(200, seed=2)
    start = f"{library[10].artists[0]} - Song 10"
    profile = Profile(name="p", minutes=30.0, moods=NIGHT, constraints=Constraints(start=start))
    sequence = build_playlist(library, profile, seed=4)
    assert sequence.tracks[0].id == "s10" and sequence.mode == "build"


def test_journey_moves_steadily_from_start_to_end() -> None:
    """--from a calm track --to an intense one: ends fixed, mode "journey", energy rises along
    the way (strong positive correlation with position) and the arc is the straight line."""
    library = synthetic_library(600, seed=3)
    calm = min(library, key=lambda t: t.energy or 1.0)
    loud = max(library, key=lambda t: t.energy or 0.0)
    profile = Profile(name="p", minutes=40.0, arc=((0.0, 0.45), (0.6, 0.7), (1.0, 0.4)))
    sequence = build_playlist(library, profile, seed=1, start=calm.id, end=loud.id)
    assert sequence.mode == "journey"
    assert sequence.tracks[0].id == calm.id and sequence.tracks[-1].id == loud.id
    energies = [float(t.energy or 0.0) for t in sequence.tracks]
    assert np.corrcoef(np.arange(len(energies)), np.array(energies))[0, 1] > 0.9
    assert sequence.profile.arc == ((0.0, calm.energy), (1.0, loud.energy))
    assert any("journey" in w for w in sequence.warnings)
    assert check_sequence(sequence).total == 0


def test_estimated_energies_are_marked_and_reported() -> None:
    """Tracks without energy get one from their moods (marked) and the build says how many."""
    library = [dataclasses.replace(t, energy=None) for t in synthetic_library(200, seed=4)]
    profile = Profile(name="p", minutes=30.0, moods=NIGHT, arc=((0.0, 0.3), (1.0, 0.6)))
    sequence = build_playlist(library, profile, seed=2)
    assert all(t.energy_estimated and t.energy is not None for t in sequence.tracks)
    assert any("energy estimated from moods" in w for w in sequence.warnings)


def test_temperature_changes_the_playlist_but_keeps_it_valid() -> None:
    """A hot profile gives a different (still valid) playlist from a cold one with the same seed."""
    library = synthetic_library(300, seed=5)
    cold = Profile(name="p", minutes=40.0, moods=NIGHT)
    hot = dataclasses.replace(cold, variety=Variety(temperature=1.0))
    a, b = build_playlist(library, cold, seed=9), build_playlist(library, hot, seed=9)
    assert [t.id for t in a.tracks] != [t.id for t in b.tracks]
    assert check_sequence(b).total == 0


def test_profile_seed_is_used_and_recorded() -> None:
    """Without a seed argument the profile's seed decides, and the sequence records it."""
    library = synthetic_library(150, seed=6)
    profile = Profile(name="p", minutes=20.0, variety=Variety(seed=42))
    a, b = build_playlist(library, profile), build_playlist(library, profile, seed=42)
    assert a.seed == 42 and [t.id for t in a.tracks] == [t.id for t in b.tracks]


def test_reorder_keeps_the_tracks_and_lowers_the_flow_cost() -> None:
    """reorder_tracks returns the same tracks (mode "reorder") in an order no worse than given,
    and with keep_ends the first and last stay put."""
    tracks = synthetic_library(200, seed=7)[:18]
    profile = Profile(name="p")
    before = path_cost(range(18), cost_matrix(tracks)) / 17
    result = reorder_tracks(tracks, profile, keep_ends=True, seed=3)
    assert sorted(t.id for t in result.tracks) == sorted(t.id for t in tracks)
    assert result.mode == "reorder" and result.score.flow_cost < before
    assert result.tracks[0] is tracks[0] and result.tracks[-1] is tracks[-1]
    free = reorder_tracks(tracks, profile)
    assert free.score.flow_cost <= result.score.flow_cost + 1e-12


def test_reorder_leaves_an_order_it_cannot_improve_alone() -> None:
    """An already smoothest order comes back unchanged — not reversed or reshuffled at the same
    cost, which would look like a change for +0.0 %."""
    tracks = [Track(f"t{i}", f"Song {i}", (f"Artist {i}",), 200.0, energy=0.1 * i) for i in range(1, 8)]
    assert [t.id for t in reorder_tracks(tracks, Profile(name="p")).tracks] == [t.id for t in tracks]
    mirrored = list(reversed(tracks))
    assert [t.id for t in reorder_tracks(mirrored, Profile(name="p")).tracks] == [t.id for t in mirrored]
    three = list(reversed(tracks[:3]))
    assert [t.id for t in reorder_tracks(three, Profile(name="p")).tracks] == ["t3", "t2", "t1"]


def test_reorder_warns_about_artist_repeats_it_could_not_avoid() -> None:
    """Reordering three tracks by one artist cannot keep a gap: a warning names the artist."""
    tracks = [dataclasses.replace(t, artists=("Same",)) for t in synthetic_library(10, seed=8)[:4]]
    result = reorder_tracks(tracks, Profile(name="p"))
    assert "Same plays twice within 3 tracks" in result.warnings


def _energy_ladder(n: int = 40) -> list[Track]:
    """Tracks of 5 minutes with energies spread evenly over 0.1–0.9, one artist each."""
    return [
        Track(
            f"e{i}",
            f"Level {i}",
            (f"Artist {i}",),
            300.0,
            moods={"study": 1.0},
            energy=round(0.1 + 0.8 * i / (n - 1), 3),
        )
        for i in range(n)
    ]


def test_loose_arc_warning_names_a_fixed_start_far_from_the_arc() -> None:
    """A fixed start far above a low flat arc: the warning names the start track, not the library."""
    tracks = _energy_ladder()
    profile = Profile(name="p", minutes=10, tolerance_minutes=1, moods={"study": 1.0}, arc=((0.0, 0.15), (1.0, 0.15)))
    result = build_playlist(tracks, profile, seed=1, start="Artist 39 - Level 39")
    loose = [w for w in result.warnings if "followed only loosely" in w]
    assert loose, (result.score.arc_error, result.warnings)
    assert "the fixed start track's energy 0.90 is far from the arc's" in loose[0]


def test_reorder_keeps_the_profiles_promise_by_default() -> None:
    """With an arc, reorder minimises the whole objective: never worse than the given order or
    than the flow-only order on it; --flow-only gives the smoothest flow of the two."""
    arc = ((0.0, 0.3), (0.5, 0.8), (1.0, 0.3))
    profile = Profile(name="peak", minutes=60.0, arc=arc)
    tracks = synthetic_library(200, seed=5)[:16]
    given = make_sequence(tracks, profile)
    full = reorder_tracks(tracks, profile, seed=1)
    flow = reorder_tracks(tracks, profile, seed=1, flow_only=True)
    assert sorted(t.id for t in full.tracks) == sorted(t.id for t in tracks)
    assert full.score.total <= given.score.total + 1e-12
    assert full.score.total <= flow.score.total + 1e-12
    assert flow.score.flow_cost <= full.score.flow_cost + 1e-12
    assert full.score.arc_error < flow.score.arc_error


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(4, 12), st.data())
def test_reorder_keeps_every_track_of_unknown_length(seed: int, size: int, data: st.DataObject) -> None:
    """The order search left out tracks of unknown length (0 s, under a profile's shortest
    track), so a reorder of a player's M3U without #EXTINF came back shorter, or empty:
    every track comes back, those it could not place named in a warning; with keep_ends the
    first and last stay put."""
    tracks = synthetic_library(60, seed=seed)[:size]
    unknown = data.draw(st.sets(st.integers(1, size - 2), min_size=1, max_size=size - 2))
    # unknown to the library: no length, no moods, nothing else
    tracks = [Track(t.id, t.title, t.artists, 0.0) if i in unknown else t for i, t in enumerate(tracks)]
    profile = Profile(name="p", moods=MappingProxyType({"brooding": 1.0}), arc=((0.0, 0.45), (0.6, 0.7), (1.0, 0.4)))
    for keep_ends in (False, True):
        result = reorder_tracks(tracks, profile, seed=seed, keep_ends=keep_ends)
        assert sorted(t.id for t in result.tracks) == sorted(t.id for t in tracks)
        if keep_ends:
            assert result.tracks[0] is tracks[0] and result.tracks[-1] is tracks[-1]
        unplaced = [w for w in result.warnings if "of unknown length kept" in w]
        assert len(unplaced) <= 1
