"""Explanations read the sequence's own numbers and say the right things about them."""

from __future__ import annotations

import math

from hypothesis import given
from hypothesis import strategies as st

from sequencer.core.explain import ROUGH, SMOOTH, explain, explanation_lines
from sequencer.core.profile import Constraints, Profile, TransitionWeights
from sequencer.core.sequence import make_sequence
from sequencer.core.track import Track

PROFILE = Profile(
    name="night-drive",
    moods={"night-driving": 1.0, "brooding": 0.6, "angsty": -0.5},
    arc=((0.0, 0.45), (0.6, 0.7), (1.0, 0.4)),
    constraints=Constraints(start="Kavinsky - Nightcall", end="the cure - burn"),
)

NIGHTCALL = Track(
    "a",
    "Nightcall",
    ("Kavinsky",),
    258,
    moods={"night-driving": 0.9, "brooding": 0.5},
    tempo=92,
    key=10,
    mode=0,
    energy=0.6,
)
HERO = Track(
    "b",
    "A Real Hero",
    ("College", "Electric Youth"),
    267,
    moods={"night-driving": 0.8, "atmospheric": 0.4},
    tempo=94,
    key=10,
    mode=0,
    energy=0.55,
)
TEARS = Track(
    "c",
    "Tears in Rain",
    ("Vangelis",),
    160,
    moods={"atmospheric": 1.0, "angsty": 0.2},
    energy=0.2,
    energy_estimated=True,
)
BARE = Track("d", "Untitled", ("X",), 200)
BURN = Track("e", "Burn", ("The Cure",), 300, moods={"angsty": 0.9}, tempo=190, key=3, mode=1, energy=0.95)


def test_reasons_name_the_matching_and_avoided_moods() -> None:
    """Each track's reasons name the moods it shares with the profile, and the avoided ones."""
    expl = explain(make_sequence([NIGHTCALL, HERO, TEARS, BARE, BURN], PROFILE, seed=7))
    first, second, third, fourth, fifth = expl.tracks
    assert first.matching_moods == (("night-driving", 0.9), ("brooding", 0.5))
    assert any("night-driving 0.90, brooding 0.50 match the profile" in r for r in first.reasons)
    assert second.matching_moods == (("night-driving", 0.8),)
    assert any(r.endswith("night-driving 0.80 matches the profile") for r in second.reasons)
    assert not any("atmospheric" in r for r in second.reasons)
    assert third.avoided_moods == (("angsty", 0.2),)
    assert "carries moods the profile avoids: angsty 0.20" in third.reasons
    assert "none of its moods is one the profile asks for" in third.reasons[0]
    assert fourth.reasons[0] == "no moods known: mood fit counts as 0"
    assert fifth.avoided_moods == (("angsty", 0.9),)


def test_reasons_compare_energy_with_the_arc_target() -> None:
    """Energy reasons quote the step's own target and say above/below/on target/estimated."""
    seq = make_sequence([NIGHTCALL, HERO, TEARS, BARE, BURN], PROFILE, seed=7)
    expl = explain(seq)
    for track, step in zip(expl.tracks, seq.steps, strict=True):
        assert track.target_energy == step.target_energy
        assert track.fit == step.fit
    assert expl.tracks[0].reasons[-1] == "energy 0.60 vs arc target 0.50: 0.10 above"
    assert expl.tracks[1].reasons[-1].endswith(": on target")
    assert "(estimated from moods)" in expl.tracks[2].reasons[-1]
    assert expl.tracks[2].reasons[-1].endswith("below")
    assert expl.tracks[3].reasons[-1].startswith("energy unknown")
    assert "left out of the arc error" in expl.tracks[3].reasons[-1]


def test_fixed_ends_are_reported() -> None:
    """The start and end named by the constraints are reported as fixed; others are not."""
    expl = explain(make_sequence([NIGHTCALL, HERO, TEARS, BARE, BURN], PROFILE))
    assert expl.tracks[0].reasons[0] == "fixed start (constraints.start)"
    assert expl.tracks[-1].reasons[0] == "fixed end (constraints.end)"
    assert not any("fixed" in r for t in expl.tracks[1:-1] for r in t.reasons)
    reordered = explain(make_sequence([HERO, NIGHTCALL, BURN, BARE], PROFILE))
    assert not any("fixed" in r for t in reordered.tracks for r in t.reasons)


def test_journey_ends_are_reported_without_constraints() -> None:
    """In journey mode the first and last tracks are called the journey's start and end."""
    expl = explain(make_sequence([HERO, TEARS, BARE], Profile(name="p"), mode="journey"))
    assert expl.tracks[0].reasons[0] == "journey start"
    assert expl.tracks[-1].reasons[0] == "journey end"


def test_transitions_carry_the_walks_own_costs() -> None:
    """Each transition's total and raw terms are exactly those of the step's TransitionCost."""
    seq = make_sequence([NIGHTCALL, HERO, TEARS, BARE, BURN], PROFILE)
    expl = explain(seq)
    assert [t.position for t in expl.transitions] == [2, 3, 4, 5]
    for transition, step in zip(expl.transitions, seq.steps[1:], strict=True):
        assert step.transition is not None
        assert transition.total == step.transition.total
        assert {t.term: t.value for t in transition.terms} == dict(step.transition.terms)
        known = [t.share for t in transition.terms if t.share is not None]
        if known:
            assert math.isclose(sum(known), transition.total, abs_tol=1e-12)


def test_verdicts_describe_the_terms() -> None:
    """A same-key, close-tempo hop is smooth-ish and says so; unknowns are said to be unknown."""
    expl = explain(make_sequence([NIGHTCALL, HERO, TEARS, BARE, BURN], PROFILE))
    first = expl.transitions[0]
    assert "same key" in first.verdict and "2 BPM apart" in first.verdict
    assert first.verdict.startswith("smooth" if first.total < SMOOTH else "fair")
    second = expl.transitions[1]
    assert second.total >= ROUGH and second.verdict.startswith("rough")
    assert "energy jump 0.35" in second.verdict
    unknown = expl.transitions[2]
    assert unknown.verdict == "rough: nothing comparable known about the two tracks"
    assert all(t.value is None and t.share is None for t in unknown.terms)


def test_half_time_and_key_clash_are_named() -> None:
    """Half/double time is recognised and a far key is called a clash with Camelot codes."""
    a = Track("x", "X", ("A",), 200, tempo=80, key=0, mode=1)
    b = Track("y", "Y", ("B",), 200, tempo=161, key=6, mode=1)
    expl = explain(make_sequence([a, b], Profile(name="p")))
    verdict = expl.transitions[0].verdict
    assert "half/double time (80 → 161 BPM)" in verdict
    assert "key clash (8B → 2B)" in verdict


def test_summary_reads_the_score() -> None:
    """The summary repeats the Score and its items and names the costliest transition."""
    seq = make_sequence([NIGHTCALL, HERO, TEARS, BURN], PROFILE, seed=3)
    expl = explain(seq)
    s = expl.summary
    assert (s.flow_cost, s.arc_error, s.mood_fit, s.total) == (
        seq.score.flow_cost,
        seq.score.arc_error,
        seq.score.mood_fit,
        seq.score.total,
    )
    assert s.items == tuple(seq.score.items())
    assert s.tracks == 4 and math.isclose(s.minutes, (258 + 267 + 160 + 300) / 60)
    assert s.weakest is not None
    assert s.weakest.total == max(t.total for t in expl.transitions)
    assert s.seed == 3 and s.profile == "night-drive"


def test_explanation_lines_contain_everything() -> None:
    """The plain text names every track, every verdict, the summary and the weakest transition."""
    seq = make_sequence([NIGHTCALL, HERO, TEARS], PROFILE, seed=7, warnings=["library is small"])
    expl = explain(seq)
    lines = explanation_lines(expl)
    text = "\n".join(lines)
    assert lines[0] == "Why these tracks — profile night-drive (build, seed 7)"
    for track in (NIGHTCALL, HERO, TEARS):
        assert track.name in text
    for transition in expl.transitions:
        assert transition.verdict in text
    assert any(line.startswith("Summary: 3 tracks, 11.4 min; flow cost ") for line in lines)
    assert any(line.startswith("Weakest transition: 2→3 ") for line in lines)
    assert lines[-1] == "Warning: library is small"
    assert all(line == line.rstrip() for line in lines)


def test_single_track_has_no_transitions() -> None:
    """One track: no transitions, no weakest one, and the lines still render."""
    expl = explain(make_sequence([NIGHTCALL], PROFILE))
    assert expl.transitions == () and expl.summary.weakest is None
    assert not any(line.startswith("Weakest") for line in explanation_lines(expl))


_moods = st.dictionaries(
    st.sampled_from(["atmospheric", "brooding", "angsty", "night-driving", "study"]),
    st.floats(0, 1),
    max_size=3,
)
_opt = st.none() | st.floats(0, 1)


@st.composite
def _tracks(draw: st.DrawFn) -> list[Track]:
    """1–6 tracks with random moods and optional energy, tempo, key and mode."""
    n = draw(st.integers(1, 6))
    return [
        Track(
            f"t{i}",
            f"T{i}",
            (f"A{i}",),
            draw(st.floats(30, 600)),
            moods=draw(_moods),
            energy=draw(_opt),
            tempo=draw(st.none() | st.floats(60, 200)),
            key=draw(st.none() | st.integers(0, 11)),
            mode=draw(st.none() | st.integers(0, 1)),
        )
        for i in range(n)
    ]


@given(
    _tracks(),
    st.builds(
        TransitionWeights, mood=st.floats(0, 1), energy=st.floats(0, 1), tempo=st.floats(0, 1), key=st.floats(0, 1)
    ),
)
def test_explanation_is_consistent_for_any_sequence(tracks: list[Track], weights: TransitionWeights) -> None:
    """For any tracks and weights: one entry per track, n−1 transitions, shares sum to totals."""
    profile = Profile(
        name="p", moods={"brooding": 1.0, "angsty": -0.4}, transition=weights, arc=((0.0, 0.2), (1.0, 0.8))
    )
    seq = make_sequence(tracks, profile)
    expl = explain(seq)
    assert [t.position for t in expl.tracks] == list(range(1, len(tracks) + 1))
    assert len(expl.transitions) == len(tracks) - 1
    for transition, step in zip(expl.transitions, seq.steps[1:], strict=True):
        assert step.transition is not None and transition.total == step.transition.total
        shares = [t.share for t in transition.terms if t.share is not None]
        if any(t.value is not None and t.weight > 0 for t in transition.terms):
            assert math.isclose(sum(shares), transition.total, abs_tol=1e-9)
        assert transition.verdict.split(":")[0] in ("smooth", "fair", "rough")
    assert all(t.reasons for t in expl.tracks)
    assert explanation_lines(expl)


def test_without_an_arc_energy_is_only_reported() -> None:
    """Without an arc there is no target: the reason states the energy (and if it is estimated)."""
    profile = Profile(name="flat", moods={"study": 1.0})
    known = Track("k", "K", ("A",), 100, moods={"study": 1.0}, energy=0.3)
    guessed = Track("g", "G", ("B",), 100, moods={"study": 1.0}, energy=0.3, energy_estimated=True)
    expl = explain(make_sequence([known, guessed], profile))
    assert expl.tracks[0].reasons[-1] == "energy 0.30, no arc to follow"
    assert expl.tracks[1].reasons[-1] == "energy 0.30 (estimated from moods), no arc to follow"
    assert expl.tracks[0].target_energy is None


def test_summary_of_one_track_is_singular() -> None:
    """The summary line of a one-track sequence says "1 track", not "1 tracks"."""
    lines = explanation_lines(explain(make_sequence([NIGHTCALL], PROFILE)))
    assert lines[-1].startswith("Summary: 1 track, ")


def test_fit_reason_fits_profiles_that_only_avoid_or_want_nothing() -> None:
    """A profile with only negative moods: a track clear of them is "clear of the moods the
    profile avoids" (not "none of its moods is one the profile asks for"); a profile without
    moods says it asks for none."""
    avoid_only = Profile(name="calm", moods={"angsty": -1.0, "brooding": -0.5})
    first, second = explain(make_sequence([HERO, TEARS], avoid_only)).tracks
    assert first.reasons[0] == "mood fit 0.00: clear of the moods the profile avoids (angsty, brooding)"
    assert "carries moods the profile avoids: angsty 0.20" in second.reasons
    assert "asks for" not in second.reasons[0]
    no_moods = explain(make_sequence([HERO], Profile(name="any"))).tracks[0]
    assert no_moods.reasons[0] == "mood fit 0.00: the profile asks for no moods"


def test_sound_is_named_in_verdicts_with_the_genres_it_changes() -> None:
    """A hop between unrelated sounds says so with both genres; a shared sound is 'same sound'."""
    synth = Track("s", "S", ("A",), 200, genres=("synthwave",), sound=(1.0, 0.0, 0.0))
    twin = Track("t", "T", ("B",), 200, genres=("synthwave",), sound=(0.99, 0.05, 0.0))
    salsa = Track("u", "U", ("C",), 200, genres=("salsa",), sound=(0.0, 1.0, 0.0))
    expl = explain(make_sequence([synth, twin, salsa], Profile(name="p")))
    assert expl.transitions[0].verdict == "smooth: same sound"
    assert expl.transitions[1].verdict == "rough: sound change 0.95 (synthwave → salsa)"


def test_equal_tempos_read_same_tempo_not_zero_bpm_apart() -> None:
    from sequencer.core.explain import _tempo_phrase

    a = Track("a", "A", ("X",), 200.0, tempo=120.0)
    b = Track("b", "B", ("Y",), 200.0, tempo=120.3)
    c = Track("c", "C", ("Z",), 200.0, tempo=122.0)
    assert _tempo_phrase(0.0, a, b) == "same tempo"
    assert _tempo_phrase(0.05, a, c) == "2 BPM apart"
