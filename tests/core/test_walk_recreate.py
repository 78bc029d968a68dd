"""Ruin and recreate (:mod:`sequencer.core.walk.recreate`): rebuilds leave out the tracks they
drew and offer only valid playlists valued as the evaluator values them; with them every
seed stays near the best and seeds share fewer tracks."""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sequencer.core.profile import Profile, Variety
from sequencer.core.track import Track
from sequencer.core.walk import descent, recreate
from sequencer.core.walk.descent import descend
from sequencer.core.walk.moves import Search
from sequencer.core.walk.problem import Order, Value, better
from sequencer.core.walk.recreate import recreate_search, recreated
from tests.core.test_walk_evaluation import problem_for
from tests.core.test_walk_variants import NIGHT
from tests.strategies import libraries, profiles, synthetic_library


@settings(max_examples=20, deadline=None)
@given(libraries(min_size=4, max_size=30), profiles(), st.randoms(use_true_random=False))
def test_rebuilds_are_valid_playlists_valued_as_the_evaluator_values_them(
    library: list[Track], profile: Profile, rnd: random.Random
) -> None:
    problem = problem_for(library, dataclasses.replace(profile, variety=Variety(temperature=0.2)))
    search = Search(problem, random.Random(0))
    order = rnd.sample(range(problem.size), rnd.randint(1, problem.size))
    start = descend(search, order, search.ev(order))
    ticks: list[int] = []
    met = recreate_search(search, start, 50, ticks.append)
    for state in met:
        assert state[1][0] <= 1e-9
        assert search.ev(state[0]) == state[1]
    if start[1][0] > 1e-9:  # an invalid best is left to the caller
        assert met == []
    assert ticks == sorted(ticks)
    assert len(met) <= recreate.RECREATE_STARTS


def test_a_rebuild_starts_without_the_tracks_it_left_out(monkeypatch: pytest.MonkeyPatch) -> None:
    """The annealing of a rebuild starts from a chain holding none of the tracks drawn out of
    the best (their cost is prohibitive): a share of the best's free tracks, all of them the
    best's. Settling may bring some back only where that is better."""
    library = synthetic_library(300, seed=4)
    profile = Profile(name="warm", minutes=40.0, moods=NIGHT, variety=Variety(temperature=0.2))
    search = Search(problem_for(library, profile), random.Random(0))
    order = list(range(10))
    first = descend(search, order, search.ev(order))
    seen: list[frozenset[int]] = []
    real_improve = descent.improve

    def spy(other: Search, start: Order, work: int, tick: Callable[[int], None]) -> tuple[Order, Value]:
        left_out = frozenset(i for i, b in enumerate(other.ev.bias) if b > 0)
        assert not left_out & set(start)
        seen.append(left_out)
        return real_improve(other, start, work, tick)

    monkeypatch.setattr(recreate, "improve", spy)
    state = recreated(search, first, random.Random(1), 100, lambda _: None)
    assert state is not None and state[1][0] <= 1e-9
    free = [i for i in first[0] if i not in search.fixed]
    assert len(seen) == 1
    assert len(seen[0]) == max(1, round(len(free) * recreate.RECREATE_SHARE))
    assert seen[0] <= set(first[0])


def test_rebuilds_are_asked_for_only_when_the_seeds_lack_playlists_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    """apart_enough: the best alone (or copies of it) is not enough for the seeds; the best
    with SPREAD_WANTED - 1 near-best playlists sharing none of its tracks is (the seeds'
    tolerance widened so that all count as near), and one fewer is not."""
    from sequencer.core.walk import variants
    from sequencer.core.walk.variants import SPREAD_WANTED, apart_enough

    library = synthetic_library(300, seed=2)
    profile = Profile(name="warm", minutes=20.0, moods=NIGHT, variety=Variety(temperature=0.2))
    search = Search(problem_for(library, profile), random.Random(0))
    states: list[tuple[Order, Value]] = []
    for _ in range(SPREAD_WANTED):  # disjoint playlists, each settled without the others' tracks
        used = frozenset(i for order, _value in states for i in order)
        free = [i for i in range(search.p.size) if i not in used]
        states.append(descend(search, free[:6], search.ev(free[:6]), banned=used))
    valid = [s for s in states if s[1][0] <= 1e-9]
    assert len(valid) == SPREAD_WANTED
    best = min(valid, key=lambda s: s[1])
    assert not apart_enough(search, best, [best, best])
    monkeypatch.setattr(variants, "VARIANT_TOLERANCE_MAX", 100.0)
    monkeypatch.setattr(variants, "VARIANT_TOLERANCE_BASE", 100.0)
    monkeypatch.setattr(variants, "REPORTED_TOLERANCE", 100.0)
    assert apart_enough(search, best, valid)
    assert not apart_enough(search, best, [s for s in valid if s is not best][: SPREAD_WANTED - 2])


def test_widening_keeps_only_rebuilds_that_do_not_lead_the_seeds() -> None:
    """A rebuild better than the best (or below the lowest reported objective the seeds have)
    would lead their ranking and narrow the window: widening leaves it out and keeps the others."""
    from sequencer.core.walk.recreate import widening
    from sequencer.core.walk.variants import reported

    library = synthetic_library(300, seed=6)
    profile = Profile(name="warm", minutes=20.0, moods=NIGHT, variety=Variety(temperature=0.2))
    search = Search(problem_for(library, profile), random.Random(0))
    states: list[tuple[Order, Value]] = []
    for start in range(0, 60, 6):
        order = list(range(start, start + 6))
        states.append(descend(search, order, search.ev(order)))
    valid = sorted((s for s in states if s[1][0] <= 1e-9), key=lambda s: s[1][1])
    assert len(valid) >= 3
    best, rest = valid[1], [valid[0], *valid[2:]]
    kept = widening(search, best, [best], rest)
    assert valid[0] not in kept  # better than the best
    assert all(not better(s[1], best[1]) for s in kept)
    floor = reported(search.p, best)
    assert kept == [s for s in rest if not better(s[1], best[1]) and reported(search.p, s) >= floor]
    assert kept  # the worse ones widen the choice


@pytest.mark.parametrize("apart", [True, False])
def test_rebuild_rounds_run_only_while_the_seeds_lack_playlists_apart(
    monkeypatch: pytest.MonkeyPatch, apart: bool
) -> None:
    """rebuilt_options runs no round when the seeds have playlists apart, else every round (at
    most RECREATE_ROUNDS), each drawing other tracks, and returns only widening rebuilds."""
    library = synthetic_library(300, seed=2)
    profile = Profile(name="warm", minutes=20.0, moods=NIGHT, variety=Variety(temperature=0.2))
    search = Search(problem_for(library, profile), random.Random(0))
    order = list(range(6))
    best = descend(search, order, search.ev(order))
    rounds: list[int] = []
    real = recreate.recreate_search

    def counted(
        s: Search, b: tuple[Order, Value], work: int, tick: Callable[[int], None] | None = None, round_: int = 0
    ) -> list[tuple[Order, Value]]:
        rounds.append(round_)
        return real(s, b, work, tick, round_)

    monkeypatch.setattr(recreate, "recreate_search", counted)
    monkeypatch.setattr(recreate, "apart_enough", lambda *_: apart)
    added = recreate.rebuilt_options(search, best, [best], 50)
    assert rounds == ([] if apart else list(range(recreate.RECREATE_ROUNDS)))
    assert all(not better(s[1], best[1]) and s[1][0] <= 1e-9 for s in added)
