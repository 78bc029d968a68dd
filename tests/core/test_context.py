"""Contexts defined by sound (issue #10): exemplars, genres, must-include, track length, and
saying what a playlist misses and why a track is not in it."""

from __future__ import annotations

import dataclasses
import math
from types import MappingProxyType

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sequencer.core.build import build_playlist, candidate_pool
from sequencer.core.candidates import exclusion_reason, select_candidates
from sequencer.core.context import (
    LIKE_FLOOR,
    SAME_ARTIST,
    context_fit,
    genre_key,
    genre_preference,
    like_from_cosine,
    like_from_cosines,
    like_similarity,
)
from sequencer.core.profile import Constraints, Genres, Profile, profile_from_mapping, profile_to_mapping
from sequencer.core.scoring import mood_fit
from sequencer.core.sequence import make_sequence
from sequencer.core.shortfall import context_warnings
from sequencer.core.track import Track
from sequencer.core.whynot import why_not
from sequencer.errors import ProfileError, TrackNotFoundError
from tests.strategies import synthetic_library

NIGHT = MappingProxyType({"night-driving": 1.0})


def _track(tid: str, artist: str, **kw: object) -> Track:
    base: dict[str, object] = {"moods": {"night-driving": 0.8}, "energy": 0.5, "tempo": 110.0}
    base.update(kw)
    return Track(tid, f"Song {tid}", (artist,), 240.0, **base)  # type: ignore[arg-type]


def test_genre_names_compare_ignoring_case_spaces_and_hyphens() -> None:
    """ "Synth-Pop", "synth pop" and "SYNTH_POP" are one genre."""
    assert genre_key("Synth-Pop") == genre_key("synth pop") == genre_key(" SYNTH_POP ") == "synth pop"


@pytest.mark.parametrize(
    ("genres", "expected"),
    [(("synthwave",), 1.0), (("reggaeton",), -1.0), (("synthwave", "reggaeton"), 0.0), (("jazz",), 0.0), ((), 0.0)],
)
def test_genre_preference(genres: tuple[str, ...], expected: float) -> None:
    """+1 for a preferred genre, −1 for an avoided one, 0 for both or neither."""
    prefs = Genres(prefer=("Synthwave",), avoid=("reggaeton",))
    assert genre_preference(_track("a", "A", genres=genres), prefs) == expected


def test_like_similarity_uses_sound_same_artist_and_identity() -> None:
    """The exemplar itself is 1; a track by its artist counts SAME_ARTIST × its mood fit; a
    track with a sound vector counts its cosine with the exemplar's above LIKE_FLOOR, rescaled;
    an unrelated one 0."""
    ex = _track("ex", "Kavinsky", sound=(1.0, 0.0))
    same = _track("same", "Kavinsky")
    near = _track("near", "College", sound=(0.9, math.sqrt(1 - 0.81)))
    vague = _track("vague", "Coldplay", sound=(0.6, 0.8))
    far = _track("far", "Daddy Yankee", sound=(0.0, 1.0))
    assert like_similarity(ex, [ex]) == 1.0
    assert like_similarity(same, [ex], fit=0.5) == pytest.approx(SAME_ARTIST * 0.5)
    assert like_similarity(same, [ex], fit=-0.2) == 0.0
    assert like_similarity(near, [ex]) == pytest.approx((0.9 - LIKE_FLOOR) / (1 - LIKE_FLOOR))
    assert like_similarity(vague, [ex]) == 0.0  # cosine 0.6: below the floor, not alike
    assert like_similarity(far, [ex]) == 0.0


@given(st.lists(st.floats(-1.0, 1.0), min_size=1, max_size=50))
def test_the_candidate_rankings_like_is_the_fits(cosines: list[float]) -> None:
    """like_from_cosines (numpy, the candidate ranking over the whole library) equals
    like_from_cosine (the walk's fit) on every cosine."""
    fast = like_from_cosines(np.asarray(cosines))
    assert fast.tolist() == pytest.approx([like_from_cosine(c) for c in cosines], abs=1e-12)


def test_context_fit_is_the_weighted_mean_of_moods_exemplars_and_genres() -> None:
    """fit = (mood fit + like_weight · like + genres.weight · preference) / (1 + like_weight +
    genres.weight)."""
    profile = Profile("p", moods=NIGHT, like_weight=0.5, genres=Genres(avoid=("big room",), weight=0.3))
    ex = _track("ex", "Kavinsky", moods={"night-driving": 0.2}, confidence=0.5, genres=("big room",))
    plain = _track("plain", "Other", genres=("big room",))
    assert context_fit(profile, plain, [ex]) == pytest.approx((mood_fit(NIGHT, plain) - 0.3) / 1.8)
    # an exemplar: its mood fit counts as 1 (its inferred 0.5 does not), like = 1, and its own
    # genres count as preferred (the user named it): the largest fit there is
    assert mood_fit(NIGHT, ex) == pytest.approx(0.5)
    assert context_fit(profile, ex, [ex]) == pytest.approx(1.0)
    assert context_fit(Profile("p", moods=NIGHT), plain) == mood_fit(NIGHT, plain)
    # no exemplar found: the like term is left out of the mean, not counted as 0
    assert context_fit(profile, plain) == pytest.approx((mood_fit(NIGHT, plain) - 0.3) / 1.3)


@given(
    st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(0.0, 1.0), st.floats(0.0, 1.0),
    st.floats(0.0, 2.0), st.floats(0.0, 1.0),
)  # fmt: skip
def test_context_fit_stays_in_range_and_tells_sound_apart(
    night_a: float, night_b: float, cos_a: float, cos_b: float, like_weight: float, genre_weight: float
) -> None:
    """In [−1, 1] whatever the weights; with equal moods, the track nearer the exemplar fits
    better by like_weight × its extra likeness over the total weight — never flattened to a tie
    at the top (a clip at 1.0 did that, then a tanh nearly did)."""
    genres = Genres(prefer=("new wave",), weight=genre_weight)
    profile = Profile("p", moods=NIGHT, like_weight=like_weight, genres=genres)
    ex = _track("ex", "Kavinsky", sound=(1.0, 0.0))
    a = _track("a", "A", moods={"night-driving": night_a}, sound=(cos_a, math.sqrt(1 - cos_a**2)))
    b = _track("b", "B", moods={"night-driving": night_a}, sound=(cos_b, math.sqrt(1 - cos_b**2)))
    c = _track("c", "C", moods={"night-driving": night_b}, genres=("new wave",))
    for t in (a, b, c, ex):
        assert -1.0 - 1e-12 <= context_fit(profile, t, [ex]) <= 1.0 + 1e-12
    assert context_fit(profile, ex, [ex]) == pytest.approx(1.0)
    gap = like_weight * (like_similarity(a, [ex]) - like_similarity(b, [ex])) / (1 + like_weight + genre_weight)
    assert context_fit(profile, a, [ex]) - context_fit(profile, b, [ex]) == pytest.approx(gap, abs=1e-9)


def test_mood_fit_is_scaled_by_confidence() -> None:
    """flow.md v2: a mood resting on little evidence fits less."""
    sure = _track("a", "A", confidence=1.0)
    guess = _track("b", "B", confidence=0.4)
    assert mood_fit(NIGHT, guess) == pytest.approx(0.4 * mood_fit(NIGHT, sure))


def test_profile_keys_validate_with_lines_and_round_trip() -> None:
    """like, like_weight, [genres], exclude_genres, must_include and max_track_minutes are read,
    checked (every problem with its line) and written back unchanged."""
    data = {
        "like": ["Kavinsky - Nightcall"],
        "like_weight": 0.8,
        "genres": {"prefer": ["synthwave"], "avoid": ["edm"], "weight": 0.4},
        "constraints": {"exclude_genres": ["reggaeton"], "must_include": ["A - B"], "max_track_minutes": 12},
    }
    profile = profile_from_mapping(data)
    assert profile.like == ("Kavinsky - Nightcall",)
    assert profile.genres == Genres(prefer=("synthwave",), avoid=("edm",), weight=0.4)
    assert profile.constraints.max_track_seconds == 720.0
    assert profile_from_mapping(profile_to_mapping(profile)) == profile
    both = profile_from_mapping({"constraints": {"max_track_minutes": 12, "max_track_seconds": 300}})
    assert both.constraints.max_track_seconds == 300.0
    lines = {("like",): 3, ("genres", "weight"): 7, ("genres", "colour"): 8}
    bad = {"like": "Kavinsky - Nightcall", "genres": {"weight": 2, "colour": ["x"]}}
    with pytest.raises(ProfileError) as info:
        profile_from_mapping(bad, "my.toml", locate=lines.get)
    text = "\n".join(str(p) for p in info.value.problems)
    assert "my.toml:3: like = 'Kavinsky - Nightcall' must be a list of strings" in text
    assert "my.toml:7: genres.weight = 2 must be in [0, 1]" in text
    assert "my.toml:8: unknown key 'colour' in [genres]" in text


def test_excluded_genres_and_long_tracks_are_never_candidates() -> None:
    """exclude_genres and max_track_minutes are hard rules at candidate selection."""
    cons = Constraints(exclude_genres=("Reggaeton",), max_track_seconds=600.0)
    assert exclusion_reason(_track("a", "A", genres=("reggaeton",)), cons, 3600) == "genre reggaeton"
    long = dataclasses.replace(_track("b", "B"), duration_s=2400.0)
    assert exclusion_reason(long, cons, 3600) == "too long"
    profile = Profile("p", minutes=20, moods=NIGHT, constraints=cons)
    pool = [_track(str(i), f"A{i}", genres=("reggaeton",) if i % 2 else ()) for i in range(12)] + [long]
    cands = select_candidates(pool, profile)
    assert all(not t.genres for t in cands.tracks) and long not in cands.tracks
    assert cands.excluded == {"genre reggaeton": 6, "too long": 1}


def _library() -> list[Track]:
    return synthetic_library(120, seed=3)


def test_must_include_tracks_are_in_every_playlist() -> None:
    """A must-include track the walk would not choose on its own is in every seed's playlist;
    one missing from the library is an error naming it."""
    library = _library()
    profile = Profile("p", minutes=30, moods=MappingProxyType({"brooding": 1.0}))
    outsider = min(library, key=lambda t: mood_fit(profile.moods, t))
    wanted = dataclasses.replace(profile, constraints=Constraints(must_include=(outsider.name,)))
    for seed in (1, 2, 3):
        assert outsider.id not in {t.id for t in build_playlist(library, profile, seed=seed).tracks}
        built = build_playlist(library, wanted, seed=seed)
        assert outsider.id in {t.id for t in built.tracks}
    missing = dataclasses.replace(profile, constraints=Constraints(must_include=("Nobody - Nothing",)))
    with pytest.raises(TrackNotFoundError, match="must_include names 1 track"):
        build_playlist(library, missing, seed=1)


def test_missing_exemplars_are_a_warning_and_present_ones_are_preferred() -> None:
    """Exemplars not in the library are named in a warning (never an error); the first one that
    is there plays in every seed's playlist even though its moods alone would not bring it in."""
    library = _library()
    profile = Profile("p", minutes=30, moods=MappingProxyType({"brooding": 1.0}))
    chosen = {t.id for t in build_playlist(library, profile, seed=1).tracks}
    left_out = sorted((t for t in library if t.id not in chosen), key=lambda t: -mood_fit(profile.moods, t))
    outsider = left_out[len(left_out) // 4]
    liked = dataclasses.replace(profile, like=(outsider.name, "Kavinsky - Nightcall"), like_weight=2.0)
    for seed in (1, 2):
        built = build_playlist(library, liked, seed=seed)
        assert outsider.id in {t.id for t in built.tracks}
        assert any("Kavinsky - Nightcall" in w and "not in your library" in w for w in built.warnings)


def test_one_touchstone_per_half_hour_plays_in_every_seed() -> None:
    """An hour's playlist plays its first two playable exemplars in every seed (A Real Hero and
    Nightcall in a night drive), half an hour its first; an exemplar the rules rule out is
    skipped, and a fixed exemplar counts among them."""
    from sequencer.core.build import touchstones

    library = _library()
    profile = Profile("p", minutes=60, moods=MappingProxyType({"brooding": 1.0}))
    chosen = {t.id for t in build_playlist(library, profile, seed=1).tracks}
    left_out = sorted((t for t in library if t.id not in chosen), key=lambda t: -mood_fit(profile.moods, t))
    first, second, third = left_out[len(left_out) // 4], left_out[len(left_out) // 3], left_out[len(left_out) // 2]
    liked = dataclasses.replace(profile, like=(first.name, second.name, third.name))
    for seed in (1, 2):
        played = {t.id for t in build_playlist(library, liked, seed=seed).tracks}
        assert {first.id, second.id} <= played
    exemplars = [first, second, third]
    assert touchstones(exemplars, liked, []) == [first, second]
    assert touchstones(exemplars, dataclasses.replace(liked, minutes=30), []) == [first]
    assert touchstones(exemplars, dataclasses.replace(liked, minutes=20), []) == [first]
    assert touchstones(exemplars, dataclasses.replace(liked, minutes=180), []) == exemplars
    assert touchstones(exemplars, liked, [second]) == [first]
    banned = dataclasses.replace(liked, constraints=Constraints(exclude_tracks=(first.name,)))
    assert touchstones(exemplars, banned, []) == [second, third]


def test_a_catharsis_without_storms_or_its_mood_says_what_is_missing() -> None:
    """A playlist whose arc asks for storms but whose loudest track is calm, and whose tracks
    lack the core mood, gets warnings naming the mood, what to tag and the missing exemplars."""
    calm = [_track(str(i), f"A{i}", moods={"brooding": 0.9}, energy=0.4) for i in range(5)]
    profile = Profile(
        "catharsis",
        moods=MappingProxyType({"angsty": 1.0, "brooding": 0.7}),
        arc=((0.0, 0.5), (0.3, 0.9), (1.0, 0.3)),
        like=("Nine Inch Nails - Dead Souls",),
    )
    sequence = make_sequence(calm, profile)
    warnings = context_warnings(sequence, calm)
    assert any(w.startswith("the playlist misses its core mood: 0 of 5 tracks") and "angsty" in w for w in warnings)
    storm = [w for w in warnings if w.startswith("no storm")]
    assert storm and "0.40" in storm[0] and "0.90" in storm[0] and "Dead Souls" in storm[0]
    stormy = [*calm[:4], _track("s", "S", moods={"angsty": 0.9}, energy=0.92)]
    assert not any(w.startswith("no storm") for w in context_warnings(make_sequence(stormy, profile), stormy))


def test_why_not_names_the_rule_the_mood_the_cut_or_the_objective() -> None:
    """Each verdict of moodseq explain --why-not, on one small library."""
    library = _library()
    profile = Profile(
        "p", minutes=30, moods=MappingProxyType({"brooding": 1.0}), constraints=Constraints(exclude_genres=("polka",))
    )
    sequence = build_playlist(library, profile, seed=1)
    cands, exemplars = candidate_pool(library, profile)
    inside = sequence.tracks[0]
    assert why_not(inside, sequence, cands.tracks).verdict == "in the playlist"
    polka = dataclasses.replace(library[0], id="polka", genres=("Polka",))
    result = why_not(polka, sequence, cands.tracks)
    assert result.verdict == "a rule" and "genre Polka" in result.reasons[0]
    moodless = dataclasses.replace(library[0], id="none", moods={"study": 0.9})
    assert why_not(moodless, sequence, cands.tracks).verdict == "mood"
    chosen = {t.id for t in sequence.tracks}
    left_out = [t for t in cands.tracks if t.id not in chosen and t.moods.get("brooding", 0.0) >= 0.4]
    result = why_not(left_out[0], sequence, cands.tracks, exemplars)
    assert result.verdict in ("objective", "a rule")
    if result.verdict == "objective":
        assert "scores" in result.reasons[0] and "%" in result.reasons[0]


def test_an_exemplar_the_library_holds_under_a_longer_title_is_not_called_missing() -> None:
    """ "Daft Punk - Solar Sailer" is in a library that has "Solar Sailer - From "TRON: Legacy"/Score"
    (the build plays it): no warning says the library lacks it; one it really lacks is named."""
    tron = Track("t", 'Solar Sailer - From "TRON: Legacy"/Score', ("Daft Punk",), 162.0, moods={"study": 0.2})
    calm = [tron, *(_track(str(i), f"A{i}", moods={"brooding": 0.9}, energy=0.4) for i in range(5))]
    profile = Profile(
        "study",
        moods=MappingProxyType({"study": 1.0}),
        like=("Daft Punk - Solar Sailer", "Brian Eno - An Ending (Ascent)"),
    )
    warnings = context_warnings(make_sequence(calm, profile), calm)
    assert any("lacks Brian Eno - An Ending (Ascent)" in w for w in warnings)
    assert not any("Solar Sailer" in w for w in warnings)


def test_why_not_never_offers_to_replace_a_track_every_build_plays() -> None:
    """The touchstones (the first exemplars in the playlist) and must-include tracks are never the
    track a why-not playlist replaces: no build could play that playlist."""
    from sequencer.core.whynot import _kept, _variants

    tracks = [_track(str(i), f"Artist {i}") for i in range(6)]
    profile = Profile(
        "p",
        moods=NIGHT,
        like=("Artist 1 - Song 1",),
        constraints=Constraints(must_include=("Artist 3 - Song 3",)),
    )
    kept = _kept(tracks[:5], profile, [tracks[1]])
    assert kept == {"1", "3"}
    labels = [label for label, _ in _variants(tracks[:5], tracks[5], profile, kept)]
    replaced = [label.split(" ", 2)[2] for label in labels if label.startswith("replacing")]
    assert replaced == ["Artist 0 - Song 0", "Artist 2 - Song 2", "Artist 4 - Song 4"]


def test_why_not_does_not_call_a_candidates_missing_mood_a_minimum() -> None:
    """A track below the core mood's minimum that was a candidate all the same (an exemplar, or
    its fit) is not told the minimum kept it out; one that was not a candidate is."""
    from sequencer.core.whynot import _mood_reasons

    track = _track("x", "The Midnight", moods={"brooding": 0.6})
    night = Profile("p", moods=NIGHT)
    as_candidate = " ".join(_mood_reasons(track, night, 1.0, candidate=True))
    left_out = " ".join(_mood_reasons(track, night, 0.2))
    assert "yet its fit made it a candidate" in as_candidate and "minimum" not in as_candidate
    assert "is below the minimum 0.4" in left_out and "candidate" not in left_out
