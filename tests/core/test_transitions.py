"""The transition cost is flow.md's reference objective, term by term."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sequencer.core.mood_similarity import MoodSimilarity
from sequencer.core.profile import TransitionWeights
from sequencer.core.track import Track
from sequencer.core.transitions import (
    UNKNOWN_COST,
    camelot,
    term_key,
    term_mood,
    term_sound,
    term_tempo,
    transition_cost,
)


def track(**attrs: object) -> Track:
    return Track(id=str(attrs.pop("id", "t")), title="T", artists=("A",), duration_s=200, **attrs)  # type: ignore[arg-type]


def test_camelot_anchors_from_flow_md() -> None:
    """C major = 8B, A minor = 8A, G major = 9B, E minor = 9A; every key has a unique place."""
    assert camelot(0, 1) == (8, "B")
    assert camelot(9, 0) == (8, "A")
    assert camelot(7, 1) == (9, "B")
    assert camelot(4, 0) == (9, "A")
    places = {camelot(k, m) for k in range(12) for m in (0, 1)}
    assert len(places) == 24


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ((0, 1), (0, 1), 0.0),  # same key
        ((0, 1), (7, 1), 0.25),  # a fifth up: ±1 same letter
        ((0, 1), (5, 1), 0.25),  # a fifth down
        ((0, 1), (9, 0), 0.25),  # relative minor
        ((0, 1), (2, 1), 0.6),  # ±2 same letter
        ((0, 1), (4, 0), 1.0),  # 8B → 9A: other letter, other number
        ((0, 1), (6, 1), 1.0),  # tritone
    ],
)
def test_key_term_relations(a: tuple[int, int], b: tuple[int, int], expected: float) -> None:
    """The Camelot relations cost what flow.md says."""
    assert term_key(a[0], a[1], b[0], b[1]) == expected


def test_tempo_allows_half_and_double_time() -> None:
    """Double time is free; a 25 % jump costs the full 1; missing tempo is unknown."""
    assert term_tempo(100, 200) == 0.0
    assert term_tempo(100, 50) == 0.0
    assert term_tempo(100, 125) == pytest.approx(1.0)
    assert term_tempo(100, 110) == pytest.approx(math.log2(1.1) / math.log2(1.25))
    assert term_tempo(None, 120) is None


def test_missing_terms_are_dropped_and_weights_renormalised() -> None:
    """With only energy known the cost is the energy step, not a diluted one."""
    cost = transition_cost(track(energy=0.2), track(energy=0.6))
    assert cost.total == pytest.approx(0.4)
    assert cost.terms["tempo"] is None


def test_nothing_known_costs_one_half() -> None:
    """When no term is known the cost is 0.5, so unknown never looks better than known."""
    assert transition_cost(track(), track()).total == UNKNOWN_COST


def test_full_example() -> None:
    """All five terms combine with flow.md v2's default weights 0.30/0.25/0.20/0.15/0.10."""
    a = track(moods={"brooding": 1.0}, sound=(1.0, 0.0), energy=0.5, tempo=100, key=0, mode=1)
    b = track(moods={"brooding": 1.0, "study": 1.0}, sound=(1.0, 1.0), energy=0.7, tempo=100, key=7, mode=1)
    mood = 1 - 1 / math.sqrt(2)
    sound = 1 - 1 / math.sqrt(2)
    expected = 0.30 * mood + 0.25 * sound + 0.20 * 0.2 + 0.15 * 0 + 0.10 * 0.25
    assert transition_cost(a, b).total == pytest.approx(expected)


def test_sound_term_is_one_minus_positive_cosine_and_unknown_without_vectors() -> None:
    """Opposite sounds cost the full 1 (not 2); a missing or all-zero vector drops the term."""
    assert term_sound((1.0, 0.0), (-1.0, 0.0)) == 1.0
    assert term_sound((1.0, 0.0), (0.0, 1.0)) == pytest.approx(1.0)
    assert term_sound((0.3, 0.4), (0.6, 0.8)) == pytest.approx(0.0)
    assert term_sound(None, (1.0,)) is None
    assert term_sound((0.0, 0.0), (1.0, 0.0)) is None
    only_sound = transition_cost(track(sound=(1.0, 0.0)), track(sound=(1.0, 1.0)))
    assert only_sound.total == pytest.approx(1 - 1 / math.sqrt(2))


def test_mood_similarity_makes_neighbouring_moods_near() -> None:
    """With S[angsty, brooding] = 0.5 a storm next to brooding calm costs half the mood jump;
    the identity is version 1's cosine (the largest jump)."""
    storm, calm = {"angsty": 1.0}, {"brooding": 1.0}
    similar = MoodSimilarity.from_pairs([("angsty", "brooding", 0.5)])
    assert term_mood(storm, calm) == 1.0
    assert term_mood(storm, calm, similar) == pytest.approx(0.5)
    assert term_mood(storm, storm, similar) == pytest.approx(0.0)
    mixed = {"angsty": 0.6, "brooding": 0.8}
    expected = 1 - (0.6 + 0.5 * 0.8) / math.sqrt(0.36 + 0.64 + 2 * 0.5 * 0.48)
    assert term_mood(storm, mixed, similar) == pytest.approx(expected)


attr = st.one_of(st.none(), st.floats(0, 1))
tracks = st.builds(
    lambda e, t, k, m, moods: track(energy=e, tempo=t, key=k, mode=m if k is not None else None, moods=moods),
    attr,
    st.one_of(st.none(), st.floats(40, 220)),
    st.one_of(st.none(), st.integers(0, 11)),
    st.integers(0, 1),
    st.dictionaries(st.sampled_from(["atmospheric", "brooding", "angsty"]), st.floats(0, 1)),
)


@given(tracks, tracks, st.builds(TransitionWeights, *(st.floats(0.01, 1) for _ in range(5))))
def test_cost_is_bounded_and_symmetric(a: Track, b: Track, w: TransitionWeights) -> None:
    """Every cost lies in [0, 1], and the reference cost is symmetric."""
    ab = transition_cost(a, b, w).total
    assert 0.0 <= ab <= 1.0
    assert ab == pytest.approx(transition_cost(b, a, w).total)
