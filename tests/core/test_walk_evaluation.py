"""The walk's evaluator is the objective of sequencer.core.scoring, in full and move by move.

One definition of "better": the fast objective the walk optimises equals
``score_tracks(...).total`` to 1e-9 on random libraries, profiles and orders, and the value of a
move computed incrementally (:meth:`Evaluator.delta`) equals a full evaluation of the order the
move produces — objective and violation alike.
"""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sequencer.core.build import _problem
from sequencer.core.candidates import CandidateSet
from sequencer.core.profile import Profile
from sequencer.core.scoring import mood_fit, score_tracks
from sequencer.core.track import Track
from sequencer.core.walk.evaluation import Evaluator, State
from sequencer.core.walk.problem import Move, WalkProblem, apply_move
from tests.strategies import libraries, profiles


def problem_for(library: list[Track], profile: Profile, required: list[Track] | None = None) -> WalkProblem:
    """The walk's problem on the whole library, fits from scoring.mood_fit (``required``: a
    profile's must-include tracks)."""
    cands = CandidateSet(tracks=library, fits=[mood_fit(profile.moods, t) for t in library])
    return _problem(cands, profile, None, None, journey=False, required=required or [])


@settings(max_examples=25, deadline=None)
@given(libraries(min_size=2, max_size=30), profiles(), st.randoms(use_true_random=False))
def test_objective_is_scoring(library: list[Track], profile: Profile, rnd: random.Random) -> None:
    """Evaluator(order) == score_tracks(tracks in that order, profile).total to 1e-9."""
    problem = problem_for(library, profile)
    order = rnd.sample(range(len(library)), rnd.randint(1, len(library)))
    _, objective = Evaluator(problem)(order)
    reference = score_tracks([library[i] for i in order], profile).total
    assert abs(objective - reference) <= 1e-9


def random_move(order: list[int], size: int, rnd: random.Random) -> Move:
    """Any window of ``order`` replaced by a reordering of it, or by other tracks, or nothing."""
    n = len(order)
    i = rnd.randint(0, n)
    j = rnd.randint(i, n)
    inside = order[i:j]
    kind = rnd.choice(["reverse", "shuffle", "replace", "insert", "rotate", "one"])
    if kind == "reverse":
        return (i, j, inside[::-1])
    if kind == "shuffle":
        return (i, j, rnd.sample(inside, len(inside)))
    unused = [t for t in range(size) if t not in order]
    rnd.shuffle(unused)
    if kind == "one" and unused and n:  # one track replaced in place (the search's commonest move)
        pos = rnd.randrange(n)
        return (pos, pos + 1, [unused[0]])
    if kind == "rotate" and inside:  # a track leaves one end, another (or itself) joins the other
        front = rnd.random() < 0.5
        enters = unused[0] if unused and rnd.random() < 0.5 else inside[-1] if front else inside[0]
        return (i, j, [enters, *inside[:-1]] if front else [*inside[1:], enters])
    if kind == "replace":
        keep = rnd.sample(inside, rnd.randint(0, len(inside)))
        new = keep + unused[: rnd.randint(0, 3)]
        rnd.shuffle(new)
        return (i, j, new)
    return (i, i, unused[: rnd.randint(0, 2)])


@settings(max_examples=30, deadline=None)
@given(libraries(min_size=3, max_size=40), profiles(), st.randoms(use_true_random=False))
def test_delta_is_full_evaluation(library: list[Track], profile: Profile, rnd: random.Random) -> None:
    """A move valued incrementally equals the full value of the order it makes (both parts),
    with must-include tracks counted as missing when a move takes them out."""
    problem = problem_for(library, profile, rnd.sample(library, rnd.randint(0, 3)))
    ev = Evaluator(problem)
    order = rnd.sample(range(len(library)), rnd.randint(1, len(library)))
    state = ev.state(order)
    for _ in range(10):
        move = random_move(state.order, len(library), rnd)
        new = apply_move(state.order, move)
        violation, objective = ev.delta(state, *move)
        full = ev.state(new).value
        assert abs(violation - full[0]) <= 1e-9, move
        assert abs(objective - full[1]) <= 1e-9, move
        if new:
            state = ev.state(new)


def assert_same_state(got: State, want: State) -> None:
    """Every field of two states equal (sums to 1e-9)."""
    assert got.order == want.order
    assert abs(got.value[0] - want.value[0]) <= 1e-9
    assert abs(got.value[1] - want.value[1]) <= 1e-9
    for name in ("dur_pre", "fit_pre", "flow_pre", "arc_pre", "den_pre", "jour_pre"):
        a, b = getattr(got, name), getattr(want, name)
        assert len(a) == len(b), name
        assert all(abs(x - y) <= 1e-7 for x, y in zip(a, b, strict=True)), name
    assert got.masks == want.masks
    assert got.pair_pre == want.pair_pre
    assert (got.gap, got.artists, got.albums, got.songs) == (want.gap, want.artists, want.albums, want.songs)
    assert (got.over_artist, got.over_album, got.repeats, got.missing) == (
        want.over_artist,
        want.over_album,
        want.repeats,
        want.missing,
    )


@settings(max_examples=40, deadline=None)
@given(libraries(min_size=3, max_size=40), profiles(), st.randoms(use_true_random=False))
def test_step_is_full_state(library: list[Track], profile: Profile, rnd: random.Random) -> None:
    """A state updated move by move (:meth:`Evaluator.step`, what the search does for every move
    it takes) equals the state rebuilt from scratch, field by field, over a chain of moves."""
    problem = problem_for(library, profile, rnd.sample(library, rnd.randint(0, 3)))
    ev = Evaluator(problem)
    order = rnd.sample(range(len(library)), rnd.randint(1, len(library)))
    state = ev.state(order)
    for _ in range(15):
        move = random_move(state.order, len(library), rnd)
        new = apply_move(state.order, move)
        if not new:
            continue
        stepped = ev.step(state, *move)
        assert_same_state(stepped, ev.state(new))
        assert ev.delta(state, *move) == pytest.approx(stepped.value, abs=1e-9)
        state = stepped


@settings(max_examples=8, deadline=None)
@given(libraries(min_size=50, max_size=70), profiles(), st.randoms(use_true_random=False))
def test_delta_and_step_on_long_orders(library: list[Track], profile: Profile, rnd: random.Random) -> None:
    """Long orders take the numpy paths (the arc after a move that changes the duration, from
    the state's midpoints): still the full evaluation, move by move."""
    problem = problem_for(library, profile)
    ev = Evaluator(problem)
    state = ev.state(rnd.sample(range(len(library)), rnd.randint(48, len(library))))
    for _ in range(12):
        move = random_move(state.order, len(library), rnd)
        new = apply_move(state.order, move)
        if not new:
            continue
        full = ev.state(new)
        assert ev.delta(state, *move) == pytest.approx(full.value, abs=1e-9)
        state = ev.step(state, *move)
        assert_same_state(state, full)
