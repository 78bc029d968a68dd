"""History steering a build: --fresh parsing, fresh/like biases, kept tracks staying in place."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sequencer.adapters.demo import load_demo_tracks
from sequencer.core.build import build_playlist, check_sequence
from sequencer.core.keep import build_keeping, segments
from sequencer.core.living import (
    FRESH_PENALTY,
    FRESH_PENALTY_MAX,
    TrackBias,
    combine,
    fresh_bias,
    like_bias,
    parse_fresh,
)
from sequencer.core.profile import Profile
from sequencer.core.sequence import Sequence
from sequencer.core.track import Track, song_key
from sequencer.errors import ImpossibleConstraintsError, InputFileError

UNITS = {"h": 3600, "d": 86400, "w": 604800}


@given(st.integers(1, 10_000), st.sampled_from(sorted(UNITS)), st.none() | st.integers(0, 99), st.booleans())
def test_parse_fresh_reads_every_window(count: int, unit: str, allow: int | None, upper: bool) -> None:
    text = f"{count}{unit.upper() if upper else unit}" + ("" if allow is None else f":{allow}")
    rule = parse_fresh(text)
    assert rule.window_s == count * UNITS[unit]
    assert rule.allow == allow and rule.hard == (allow is not None)


@pytest.mark.parametrize("text", ["", "14", "d", "14x", "0d", "14d:", "14d:-1", "14d:a", "-3d", "14 days"])
def test_parse_fresh_refuses_anything_else(text: str) -> None:
    with pytest.raises(InputFileError, match="is not a time window"):
        parse_fresh(text)


@given(st.dictionaries(st.sampled_from("abcdefghijklmnop"), st.integers(0, 9)), st.integers(0, 5))
@settings(max_examples=50)
def test_fresh_bias_soft_and_hard(plays: dict[str, int], allow: int) -> None:
    soft = fresh_bias(plays, parse_fresh("14d"))
    assert set(soft.fit_delta) == {s for s, n in plays.items() if n > 0} and not soft.avoid
    for song, value in soft.fit_delta.items():
        assert -FRESH_PENALTY_MAX <= value <= -FRESH_PENALTY + 1e-12
        for other, other_value in soft.fit_delta.items():
            if plays[other] > plays[song]:
                assert other_value <= value  # more plays, no smaller penalty
    hard = fresh_bias(plays, parse_fresh(f"14d:{allow}"))
    assert hard.avoid == {s for s, n in plays.items() if n > allow} and not hard.fit_delta


def test_combine_adds_deltas_and_joins_avoided_songs() -> None:
    both = combine(TrackBias(avoid=frozenset({"a"}), fit_delta={"x": -0.2}), like_bias(["x", "y"], bonus=0.5))
    assert both.avoid == {"a"}
    assert both.delta("x") == pytest.approx(0.3) and both.delta("y") == 0.5 and both.delta("z") == 0.0
    assert both.close and not combine(TrackBias(avoid=frozenset({"a"}))).close  # --like-previous stays near


def test_a_close_bias_plays_the_best_whatever_the_seed() -> None:
    """A bias that stays close (--like-previous) makes every seed play the walk's best (seed 0's
    playlist), where plain seeds at a temperature pick near-best playlists apart from it."""
    from sequencer.core.profile import Variety
    from tests.strategies import synthetic_library

    library = synthetic_library(600, seed=3)
    profile = dataclasses.replace(PROFILE, variety=Variety(temperature=0.2))
    plain = {tuple(songs(build_playlist(library, profile, seed=s))) for s in (0, 2, 3, 5)}
    close = TrackBias(notes=("stay close",), close=True)
    near = {tuple(songs(build_playlist(library, profile, seed=s, bias=close))) for s in (0, 2, 3, 5)}
    assert len(plain) > 1
    assert near == {tuple(songs(build_playlist(library, profile, seed=0)))}
    assert like_bias(["x"]).close


@pytest.fixture(scope="module")
def demo() -> list[Track]:
    return load_demo_tracks()


def songs(sequence: Sequence) -> list[str]:
    return [song_key(t.artists, t.title) for t in sequence.tracks]


PROFILE = Profile(name="night", minutes=30, moods={"night-driving": 1.0, "brooding": 0.6}, arc=((0, 0.4), (1, 0.7)))


def test_hard_fresh_leaves_every_played_song_out(demo: list[Track]) -> None:
    first = build_playlist(demo, PROFILE, seed=1)
    again = build_playlist(demo, PROFILE, seed=1, bias=fresh_bias(dict.fromkeys(songs(first), 1), parse_fresh("1d:0")))
    assert not set(songs(first)) & set(songs(again))
    assert check_sequence(again).total == 0


@pytest.mark.slow
def test_soft_fresh_repeats_less_and_like_previous_repeats_more(demo: list[Track]) -> None:
    """Measured over three seeds: the next build repeats fewer of the last build's songs with
    soft freshness, more with --like-previous, than with a new seed alone."""
    from pathlib import Path

    from sequencer.adapters.profiles_toml import load_profile

    profile = load_profile("night-drive", Path("no-user-profiles"))
    plain = fresh = like = 0
    for seed in (1, 2):
        first = songs(build_playlist(demo, profile, seed=seed))
        played = dict.fromkeys(first, 1)

        def overlap(bias: TrackBias | None, first: list[str] = first, seed: int = seed) -> int:
            return len(set(first) & set(songs(build_playlist(demo, profile, seed=seed + 10, bias=bias))))

        plain += overlap(None)
        fresh += overlap(fresh_bias(played, parse_fresh("14d")))
        like += overlap(like_bias(first))
    assert fresh < plain < like


def test_segments_cover_every_unkept_position() -> None:
    assert segments(5, []) == [(None, None, 0, 4)]
    assert segments(5, [0, 4]) == [(0, 4, 1, 3)]
    assert segments(5, [0, 1, 2, 3, 4]) == []


@given(st.integers(1, 30), st.sets(st.integers(0, 29), max_size=30))
@settings(max_examples=60)
def test_segments_property(count: int, kept: set[int]) -> None:
    kept = {k for k in kept if k < count}
    covered = [i for _, _, lo, hi in segments(count, kept) for i in range(lo, hi + 1)]
    assert covered == sorted(set(range(count)) - kept)
    for first, last, lo, hi in segments(count, kept):
        assert first == (lo - 1 if lo > 0 else None) and last == (hi + 1 if hi < count - 1 else None)


@pytest.mark.parametrize("kept", [{0}, {3, 4}, {0, 5, 9}, {2, 6}])
def test_kept_tracks_stay_in_place_and_the_rest_is_rerolled(demo: list[Track], kept: set[int]) -> None:
    first = build_playlist(demo, PROFILE, seed=4)
    kept = {k for k in kept if k < len(first.tracks)}
    second = build_keeping(demo, PROFILE, first.tracks, kept, seed=5)
    assert check_sequence(second).total == 0
    low, high = PROFILE.window_s
    assert low <= second.duration_s <= high
    old, new = first.tracks, second.tracks
    # each kept track is preceded by the same number of tracks give or take the refilled gaps
    positions = [next(i for i, t in enumerate(new) if t.id == old[k].id) for k in sorted(kept)]
    assert positions == sorted(positions)
    for k, pos in zip(sorted(kept), positions, strict=True):
        assert abs(second.steps[pos].start_s - first.steps[k].start_s) <= PROFILE.tolerance_s + 60
    rerolled = {t.id for t in new} - {old[k].id for k in kept}
    assert len(rerolled - {t.id for t in old}) >= len(rerolled) // 2  # mostly new tracks


def test_keep_out_of_range_and_impossible_gaps_are_user_errors(demo: list[Track]) -> None:
    first = build_playlist(demo, PROFILE, seed=4)
    with pytest.raises(InputFileError, match=f"has {len(first.tracks)} tracks"):
        build_keeping(demo, PROFILE, first.tracks, {len(first.tracks)}, seed=1)
    few = first.tracks[:3]
    with pytest.raises(ImpossibleConstraintsError, match="cannot refill positions"):
        build_keeping(few, PROFILE, first.tracks, {0}, seed=1)


@pytest.mark.slow
@given(st.data())
@settings(max_examples=4, deadline=None)
def test_keep_keeps_every_rule_across_gaps(data: st.DataObject) -> None:
    """Any kept positions, on profiles with artist and album caps and a narrow window: the result
    keeps every hard rule and the window (gaps make up for each other), or says which gap failed."""
    from pathlib import Path

    from sequencer.adapters.profiles_toml import load_profile

    name = data.draw(st.sampled_from(["catharsis", "study", "night-drive"]))
    profile = load_profile(name, Path("no-user-profiles"))
    demo = load_demo_tracks()
    first = build_playlist(demo, profile, seed=3)
    count = len(first.tracks)
    kept = data.draw(st.sets(st.integers(0, count - 1), min_size=1, max_size=count - 1))
    try:
        second = build_keeping(demo, profile, first.tracks, kept, seed=data.draw(st.integers(1, 99)))
    except ImpossibleConstraintsError as error:
        assert "cannot refill positions" in error.message
        return
    assert check_sequence(second).total == 0
    assert [t.id for t in second.tracks if t.id in {first.tracks[k].id for k in kept}] == [
        first.tracks[k].id for k in sorted(kept)
    ]


def test_a_shorter_refill_that_brings_kept_tracks_of_one_artist_too_close_names_its_gap() -> None:
    """Boards of Canada kept at positions 2 and 6 keep artist_gap 3 with two tracks refilled
    between them; refilled with one, they would be three apart: the gap's positions are named
    (the whole playlist's check said only "breaks the profile's rules"). Two tracks pass."""
    from sequencer.core.keep import _check_refill
    from sequencer.core.profile import Constraints

    def song(i: int, artist: str) -> Track:
        return Track(f"t{i}", f"Song {i}", (artist,), 240.0)

    profile = Profile("p", minutes=30, constraints=Constraints(artist_gap=3))
    before = [song(1, "Daft Punk"), song(2, "Boards of Canada"), song(3, "Tangerine Dream")]
    gap = [song(4, "Cliff Martinez"), song(5, "Air")]
    after = [song(6, "Boards of Canada"), song(7, "Bonobo")]
    with pytest.raises(ImpossibleConstraintsError, match=r"cannot refill positions 4–5 .* 1 track found"):
        _check_refill(profile, before, gap, [song(8, "Brian Eno")], after, (3, 4))
    _check_refill(profile, before, gap, [song(8, "Brian Eno"), song(9, "Jon Hopkins")], after, (3, 4))
