"""Profiles validate into frozen dataclasses and round-trip through their plain form."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sequencer.core.arcs import arc_points, target_at
from sequencer.core.profile import (
    Profile,
    default_tolerance_minutes,
    profile_from_mapping,
    profile_to_mapping,
    with_minutes,
)
from sequencer.errors import ProfileError

weights = st.floats(min_value=-1, max_value=1, allow_nan=False).map(lambda x: round(x, 3))
moods = st.dictionaries(st.sampled_from(["atmospheric", "brooding", "angsty", "night-driving", "study"]), weights)


@st.composite
def arcs(draw: st.DrawFn) -> list[list[float]]:
    taus = sorted(draw(st.sets(st.integers(0, 100), min_size=2, max_size=6)))
    return [[t / 100, draw(st.integers(0, 100)) / 100] for t in taus]


@st.composite
def profile_dicts(draw: st.DrawFn) -> dict[str, object]:
    data: dict[str, object] = {
        "name": draw(
            st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=20).filter(str.strip)
        ),
        "minutes": draw(st.integers(5, 300)) * 1.0,
        "moods": draw(moods),
        "constraints": {
            "artist_gap": draw(st.integers(0, 10)),
            "exclude_artists": draw(st.lists(st.text(max_size=10), max_size=3)),
            "exclude_explicit": draw(st.booleans()),
            "exclude_live": draw(st.booleans()),
        },
        "variety": {"temperature": draw(st.integers(0, 10)) / 10},
    }
    if draw(st.booleans()):
        data["arc"] = {"points": draw(arcs())}
    return data


@given(profile_dicts())
def test_profile_round_trips_through_mapping(data: dict[str, object]) -> None:
    """profile → dict → profile gives the same profile."""
    profile = profile_from_mapping(data)
    assert profile_from_mapping(profile_to_mapping(profile)) == profile


def test_defaults_follow_flow_md() -> None:
    """An empty profile gets flow.md v2's transition weights, artist gap 3 and ±max(3 %, 2 min)."""
    profile = profile_from_mapping({})
    assert isinstance(profile, Profile)
    assert profile.transition.as_dict() == {"mood": 0.30, "sound": 0.25, "energy": 0.20, "tempo": 0.15, "key": 0.10}
    assert profile.constraints.artist_gap == 3
    assert profile.tolerance_s == 120.0
    assert profile_from_mapping({"minutes": 200}).tolerance_s == 0.03 * 200 * 60


def test_named_shapes_are_arcs() -> None:
    """A named arc shape produces the documented points and interpolates linearly."""
    profile = profile_from_mapping({"arc": {"shape": "peak", "low": 0.2, "high": 0.8}})
    assert profile.arc == arc_points("peak", 0.2, 0.8)
    assert target_at(profile.arc, 0.3) == 0.5
    assert target_at(profile.arc, 1.5) == 0.2


def test_name_and_description_must_be_one_printable_line() -> None:
    """An empty name or a name/description with a line break or control character is a problem
    (it broke the heading, the table and the exports), reported with the fix."""
    import pytest

    from sequencer.errors import ProfileError

    for data, expected in (
        ({"name": ""}, "name = '' must not be empty"),
        ({"name": "   "}, "name = '   ' must not be empty"),
        ({"name": "a\nb"}, "name = 'a\\nb' must be one line of text"),
        ({"description": "x\ty\x07"}, "description = 'x\\ty\\x07' must be one line of text"),
    ):
        with pytest.raises(ProfileError) as info:
            profile_from_mapping(data, "p.toml")
        assert expected in str(info.value.problems[0]), str(info.value.problems[0])
    assert profile_from_mapping({"name": "夜 drive — café"}, "p.toml").name == "夜 drive — café"


def test_a_tolerance_of_the_whole_length_or_more_is_a_problem_at_its_line() -> None:
    """tolerance_minutes = 200 with minutes = 60 let a playlist be 0 to 260 minutes long and
    passed the check; it is a problem at the tolerance's line, with a tolerance that fits."""
    lines: dict[tuple[str, ...], int] = {("tolerance_minutes",): 3}

    def locate(path: tuple[str, ...]) -> int | None:
        return lines.get(path)

    with pytest.raises(ProfileError) as caught:
        profile_from_mapping({"minutes": 60, "tolerance_minutes": 200}, "x.toml", locate=locate)
    (problem,) = caught.value.problems
    assert problem.source == "x.toml:3"
    assert "tolerance_minutes = 200 is not below minutes = 60" in problem.message
    assert problem.hint is not None and "tolerance_minutes = 2" in problem.hint
    with pytest.raises(ProfileError) as caught:
        profile_from_mapping({"tolerance_minutes": 60})
    assert "not below the default minutes = 60" in caught.value.problems[0].message
    assert profile_from_mapping({"minutes": 60, "tolerance_minutes": 59}).tolerance_s == 59 * 60
    # a build's saved profile (--minutes shorter than its tolerance) still reads back
    saved = profile_from_mapping({"minutes": 1, "tolerance_minutes": 2}, own_window=False)
    assert saved.window_s == (0.0, 180.0)


@given(
    st.floats(1, 1440),
    st.one_of(st.none(), st.floats(0, 600)),
    st.floats(1, 1440),
)
def test_with_minutes_scales_a_tolerance_down_never_below_the_default(
    minutes: float, tolerance: float | None, new: float
) -> None:
    """`--minutes` shorter than the profile's scales its tolerance in proportion, never below
    the default for the new length (`build night-drive --minutes 5` keeps ±2 minutes) nor above
    what the profile allowed; a longer target keeps it; the result reads back as saved."""
    profile = Profile(name="p", minutes=minutes, tolerance_minutes=tolerance)
    changed = with_minutes(profile, new)
    assert changed.minutes == new
    if tolerance is None:
        assert changed.tolerance_minutes is None
        return
    assert changed.tolerance_minutes is not None
    assert changed.tolerance_minutes <= tolerance
    if new >= minutes:
        assert changed.tolerance_minutes == tolerance
    else:
        assert changed.tolerance_minutes >= min(tolerance, default_tolerance_minutes(new)) - 1e-9
        if tolerance < minutes and default_tolerance_minutes(new) < new:  # a valid file, a length over 2 min
            assert changed.tolerance_minutes < new
    again = profile_from_mapping(profile_to_mapping(changed), own_window=False)
    assert again.tolerance_minutes == changed.tolerance_minutes


def test_an_out_of_range_value_is_shown_as_written_and_a_seed_has_no_huge_limit() -> None:
    """`tolerance_minutes = -1` was echoed as -1.0 and `seed = -3` was told to be in
    [0, 9223372036854775807]: the value as written, and a seed is "0 or more"."""
    with pytest.raises(ProfileError) as caught:
        profile_from_mapping({"tolerance_minutes": -1, "variety": {"seed": -3}})
    messages = [p.message for p in caught.value.problems]
    assert "tolerance_minutes = -1 must be in [0, 600]" in messages
    assert "variety.seed = -3 must be 0 or more" in messages
