"""Shared Hypothesis strategies and seeded generators: tracks, mood maps, profiles, libraries.

Strategies (for property tests):
    mood_maps(), tracks(), libraries(), profiles()
Plain generators (for quality tests that need realistic, reproducible data):
    synthetic_track(rng, i), synthetic_library(n, seed)

Libraries use a small pool of artists and albums so that artist-gap and per-artist rules are
actually exercised, and leave some attributes unknown so the "missing term" paths run too.
"""

from __future__ import annotations

import random
from types import MappingProxyType

from hypothesis import strategies as st

from sequencer.core.moods import BUILTIN_MOODS
from sequencer.core.profile import Constraints, ObjectiveWeights, Profile, Variety
from sequencer.core.track import Track

_weight = st.floats(min_value=0.0, max_value=1.0, allow_nan=False).map(lambda x: round(x, 3))


def mood_maps(min_size: int = 0) -> st.SearchStrategy[dict[str, float]]:
    """Track mood weights: a subset of the built-in moods, each in [0, 1]."""
    return st.dictionaries(st.sampled_from(BUILTIN_MOODS), _weight, min_size=min_size, max_size=5)


def profile_moods() -> st.SearchStrategy[dict[str, float]]:
    """Profile mood weights in [−1, 1] (negative = avoid)."""
    value = st.floats(min_value=-1.0, max_value=1.0, allow_nan=False).map(lambda x: round(x, 2))
    return st.dictionaries(st.sampled_from(BUILTIN_MOODS), value, max_size=3)


@st.composite
def tracks(draw: st.DrawFn, index: int = 0, artists: int = 6) -> Track:
    """One track with id ``t<index>``; artists from a small pool; some attributes unknown."""
    artist = f"Artist {draw(st.integers(0, artists - 1))}"
    optional = st.none() | _weight
    title = draw(st.sampled_from(["Blue", "Night", "Rain", "Drive", "Glass", "Echo"]))
    return Track(
        id=f"t{index}",
        title=f"{title} {index}" if draw(st.booleans()) or index % 7 else f"{title} (Remastered)",
        artists=(artist,),
        duration_s=float(draw(st.integers(60, 600))),
        album=draw(st.sampled_from(["", "A", "B", "C"])),
        moods=MappingProxyType(draw(mood_maps())),
        energy=draw(optional),
        tempo=draw(st.none() | st.floats(60, 180).map(lambda x: round(x, 1))),
        key=draw(st.none() | st.integers(0, 11)),
        mode=draw(st.sampled_from([0, 1])),
        explicit=draw(st.sampled_from([None, False, True])),
        sound=draw(st.none() | st.tuples(*(st.floats(-1, 1, allow_subnormal=False) for _ in range(4)))),
        confidence=draw(st.sampled_from([1.0, 0.8, 0.3])),
    )


@st.composite
def libraries(draw: st.DrawFn, min_size: int = 3, max_size: int = 40, artists: int = 6) -> list[Track]:
    """A list of tracks with unique ids (titles may repeat as remasters of one song)."""
    size = draw(st.integers(min_size, max_size))
    return [draw(tracks(index=i, artists=artists)) for i in range(size)]


@st.composite
def profiles(draw: st.DrawFn, max_minutes: int = 40) -> Profile:
    """A profile with a short target, optional arc and a random mix of constraints."""
    minutes = float(draw(st.integers(5, max_minutes)))
    arc = draw(st.sampled_from([None, ((0.0, 0.45), (0.6, 0.7), (1.0, 0.4)), ((0.0, 0.3), (1.0, 0.8))]))
    constraints = Constraints(
        artist_gap=draw(st.integers(0, 3)),
        max_per_artist=draw(st.none() | st.integers(1, 5)),
        max_per_album=draw(st.none() | st.integers(2, 6)),
        exclude_explicit=draw(st.booleans()),
        exclude_moods=draw(st.sampled_from([(), ("angsty",)])),
        exclude_artists=draw(st.sampled_from([(), ("Artist 0",)])),
        min_track_seconds=draw(st.none() | st.just(90.0)),
        max_track_seconds=draw(st.none() | st.just(500.0)),
    )
    return Profile(
        name="prop",
        minutes=minutes,
        tolerance_minutes=draw(st.none() | st.sampled_from([1.0, 3.0])),
        moods=MappingProxyType(draw(profile_moods())),
        arc=arc,
        weights=ObjectiveWeights(flow=1.0, fit=draw(st.sampled_from([0.0, 0.5])), arc=1.0),
        constraints=constraints,
        variety=Variety(temperature=draw(st.sampled_from([0.0, 0.5]))),
    )


# --- seeded generators (not strategies) --------------------------------------------------------


def synthetic_track(rng: random.Random, i: int, artists: int = 60) -> Track:
    """A plausible track: correlated moods and energy, tempo, key, 2.5–7 minutes."""
    energy = min(1.0, max(0.0, rng.gauss(0.55, 0.22)))
    moods = {
        "atmospheric": max(0.0, min(1.0, 1.0 - energy + rng.gauss(0, 0.2))),
        "brooding": max(0.0, min(1.0, rng.random())),
        "angsty": max(0.0, min(1.0, energy - 0.3 + rng.gauss(0, 0.2))),
        "night-driving": max(0.0, min(1.0, 1.0 - abs(energy - 0.65) * 2 + rng.gauss(0, 0.2))),
        "study": max(0.0, min(1.0, 0.8 - energy + rng.gauss(0, 0.2))),
    }
    return Track(
        id=f"s{i}",
        title=f"Song {i}",
        artists=(f"Artist {rng.randrange(artists)}",),
        duration_s=round(rng.uniform(150, 420), 1),
        album=f"Album {rng.randrange(artists * 2)}",
        moods=MappingProxyType({m: round(w, 3) for m, w in moods.items() if w > 0.05}),
        energy=round(energy, 3),
        tempo=round(rng.uniform(70, 170), 1),
        key=rng.randrange(12),
        mode=rng.randrange(2),
    )


def synthetic_library(n: int, seed: int = 0, artists: int = 60) -> list[Track]:
    """``n`` synthetic tracks, reproducible from ``seed``."""
    rng = random.Random(seed)
    return [synthetic_track(rng, i, artists) for i in range(n)]
