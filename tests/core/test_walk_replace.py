"""Exhaustive one-track replacement (sequencer.core.walk.replace).

The promise: the numpy estimate ranks every unused candidate for a place as the exact objective
would when durations are equal (then it *is* the exact objective), the descent never makes a
playlist worse, never brings in a banned track, and stops where no single in-place replacement
among all candidates helps.
"""

from __future__ import annotations

import dataclasses
import random

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sequencer.core.profile import Constraints, Profile
from sequencer.core.track import Track
from sequencer.core.walk.moves import Search
from sequencer.core.walk.problem import better
from sequencer.core.walk.replace import _Arrays, rank_replacements, replace_descent
from tests.core.test_walk_evaluation import problem_for
from tests.strategies import libraries, profiles

FREE = Constraints(artist_gap=0, max_per_artist=None, max_per_album=None)


def _equal_lengths(library: list[Track]) -> list[Track]:
    return [dataclasses.replace(t, duration_s=200.0) for t in library]


@settings(max_examples=40, deadline=None)
@given(libraries(min_size=5, max_size=30), profiles(), st.randoms(use_true_random=False))
def test_the_estimate_is_the_exact_objective_when_durations_are_equal(
    library: list[Track], profile: Profile, rnd: random.Random
) -> None:
    problem = problem_for(_equal_lengths(library), dataclasses.replace(profile, constraints=FREE))
    search = Search(problem, random.Random(0))
    order = rnd.sample(range(problem.size), rnd.randint(2, problem.size - 1))
    state = search.ev.state(order)
    lo, hi = search.bounds(order)
    if hi <= lo:
        return
    pos = rnd.randrange(lo, hi)
    blocked = np.zeros(problem.size, dtype=bool)
    blocked[order] = True
    ranked = rank_replacements(search, state, pos, _Arrays(search), blocked, problem.size)
    unused = [u for u in search.free if u not in set(order)]
    span = search.span(state, pos)
    if span is not None:
        unused = [u for u in unused if span[0] <= search.ev.dur[u] <= span[1]]
    assert sorted(ranked) == sorted(unused)
    exact = [search.ev.delta(state, pos, pos + 1, [u])[1] for u in ranked]
    assert exact == pytest.approx(sorted(exact), abs=1e-9), "ranked in the exact objective's order"


@settings(max_examples=30, deadline=None)
@given(libraries(min_size=5, max_size=25), profiles(), st.randoms(use_true_random=False))
def test_replace_descent_never_worsens_and_keeps_banned_tracks_out(
    library: list[Track], profile: Profile, rnd: random.Random
) -> None:
    problem = problem_for(library, profile)
    search = Search(problem, random.Random(0))
    order = rnd.sample(range(problem.size), rnd.randint(1, problem.size))
    value = search.ev(order)
    banned = frozenset(
        rnd.sample([i for i in range(problem.size) if i not in order], k=min(2, problem.size - len(order)))
    )
    new, new_value = replace_descent(search, order, value, banned=banned)
    assert not better(value, new_value)
    assert new_value == search.ev(new)
    assert not (banned & (set(new) - set(order)))


@settings(max_examples=30, deadline=None)
@given(libraries(min_size=5, max_size=25), profiles(), st.randoms(use_true_random=False))
def test_replace_descent_ends_where_no_single_replacement_helps(
    library: list[Track], profile: Profile, rnd: random.Random
) -> None:
    """Equal durations (the estimate is exact) and no artist rules: after the descent no unused
    candidate improves the playlist in any free place (checked against every candidate)."""
    problem = problem_for(_equal_lengths(library), dataclasses.replace(profile, constraints=FREE))
    search = Search(problem, random.Random(0))
    order = rnd.sample(range(problem.size), rnd.randint(2, problem.size - 1))
    value = search.ev(order)
    if value[0] > 1e-9:
        return
    new, new_value = replace_descent(search, order, value, passes=50)
    lo, hi = search.bounds(new)
    for pos in range(lo, hi):
        for u in search.free:
            if u not in new:
                candidate = [*new[:pos], u, *new[pos + 1 :]]
                assert not better(search.ev(candidate), new_value)
