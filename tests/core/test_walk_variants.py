"""Pushes and the seeds' playlists (sequencer.core.walk.variants).

The promise: the search itself does not depend on the build's seed, the pushes never make the
best worse, and every seed's playlist is valid and within ``variant_tolerance`` of the one best
(seed 0 plays it), while different seeds share as few tracks as the near-best playlists allow.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
import statistics

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from sequencer.core.build import _problem, build_playlist
from sequencer.core.candidates import select_candidates
from sequencer.core.profile import Genres, Profile, Variety
from sequencer.core.scoring import score_tracks
from sequencer.core.track import Track
from sequencer.core.walk.descent import descend
from sequencer.core.walk.evaluation import Evaluator
from sequencer.core.walk.moves import Search
from sequencer.core.walk.problem import better
from sequencer.core.walk.variants import push_search, pushed, reported, seed_playlists, variant_tolerance
from tests.core.test_walk_evaluation import problem_for
from tests.strategies import libraries, profiles, synthetic_library

NIGHT = {"night-driving": 1.0, "brooding": 0.4}


def _jaccard(a: frozenset[object], b: frozenset[object]) -> float:
    return len(a & b) / len(a | b)


@settings(max_examples=20, deadline=None)
@given(libraries(min_size=4, max_size=30), profiles(), st.randoms(use_true_random=False))
def test_pushes_never_make_the_best_worse(library: list[Track], profile: Profile, rnd: random.Random) -> None:
    """push_search returns a state at least as good as the one it starts from, whose value is
    the evaluator's value of its order; every playlist it offers the seeds is valid."""
    problem = problem_for(library, dataclasses.replace(profile, variety=Variety(temperature=0.2)))
    search = Search(problem, random.Random(0))
    order = rnd.sample(range(problem.size), rnd.randint(1, problem.size))
    start = descend(search, order, search.ev(order))
    best, met = push_search(search, start)
    assert not better(start[1], best[1])
    assert search.ev(best[0]) == best[1]
    for state in met:
        assert state[1][0] <= 1e-9
        assert search.ev(state[0]) == state[1]


@settings(max_examples=20, deadline=None)
@given(libraries(min_size=4, max_size=30), profiles(), st.randoms(use_true_random=False))
def test_seed_playlists_stay_near_the_best_and_differ(
    library: list[Track], profile: Profile, rnd: random.Random
) -> None:
    """The ranking starts with the best of all it is given; every other entry is valid, a
    different set of tracks, and within the tolerance of that best."""
    problem = problem_for(library, dataclasses.replace(profile, variety=Variety(temperature=0.15)))
    search = Search(problem, random.Random(0))
    order = rnd.sample(range(problem.size), rnd.randint(1, problem.size))
    best = descend(search, order, search.ev(order))
    if best[1][0] > 1e-9:
        return
    pushes = [pushed(search, best, 0.5, 0.3, random.Random(k)) for k in range(4)]
    met = [m for m in pushes if m is not None and m[1][0] <= 1e-9]
    ranked = seed_playlists(search, best, met)
    assert ranked[0] == min([best, *met], key=lambda s: s[1][1])
    limit = ranked[0][1][1] * (1 + variant_tolerance(problem)) + 1e-9
    keys = [frozenset(o) for o, _ in ranked]
    assert len(set(keys)) == len(keys)
    for _, value in ranked[1:]:
        assert value[0] <= 1e-9 and value[1] <= limit


def test_every_seed_is_near_the_best_and_seeds_differ() -> None:
    """Six seeds on a 1,000-track library at temperature 0.15: every playlist valid and within
    the tolerance (4.5 %) of seed 0's, which is the best; at least four different selections;
    two seeds share less than at temperature 0 (where the seeds pick among one-track changes)."""
    library = synthetic_library(1000, seed=3)
    warm = Profile(name="warm", minutes=60.0, moods=NIGHT, variety=Variety(temperature=0.15))
    cold = dataclasses.replace(warm, variety=Variety(temperature=0.0))
    runs = [build_playlist(library, warm, seed=s) for s in range(6)]
    best = runs[0].score.total
    assert all(r.score.total <= best * 1.045 + 1e-9 for r in runs)
    assert all(r.score.total >= best - 1e-9 for r in runs)
    sets = [frozenset(t.id for t in r.tracks) for r in runs]
    assert len(set(sets)) >= 4
    cold_sets = [frozenset(t.id for t in build_playlist(library, cold, seed=s).tracks) for s in range(6)]
    warm_overlap = statistics.mean(_jaccard(a, b) for a, b in itertools.combinations(sets, 2))
    cold_overlap = statistics.mean(_jaccard(a, b) for a, b in itertools.combinations(cold_sets, 2))
    assert warm_overlap < cold_overlap


def test_the_search_does_not_depend_on_the_seed() -> None:
    """Seeds k and k + (number of ranked playlists) can only repeat a playlist, never find a
    better best: every seed's objective is at least seed 0's."""
    library = synthetic_library(400, seed=5)
    profile = Profile(name="warm", minutes=40.0, moods=NIGHT, variety=Variety(temperature=0.2))
    totals = [build_playlist(library, profile, seed=s).score.total for s in (0, 7, 19, 101)]
    assert min(totals) == totals[0]


@pytest.mark.parametrize("library_seed", [3, 8])
def test_seeds_are_within_the_tolerance_of_each_other_on_the_reported_objective(library_seed: int) -> None:
    """With genre preferences the walk's fit and flow.md's differ, so the walk's best can be
    the worst on the reported objective; every seed's reported total is still within 5 % of
    every other seed's (a seed playing the walk's best was 6.4 % worse on night-drive 30)."""
    rnd = random.Random(library_seed)
    labels: list[tuple[str, ...]] = [("synthwave",), ("pop",), ("ambient", "pop"), ()]
    library = [dataclasses.replace(t, genres=rnd.choice(labels)) for t in synthetic_library(600, seed=library_seed)]
    genres = Genres(prefer=("synthwave",), avoid=("pop",), weight=1.0)
    profile = Profile(name="warm", minutes=30.0, moods=NIGHT, genres=genres, variety=Variety(temperature=0.2))
    totals = [build_playlist(library, profile, seed=s).score.total for s in range(6)]
    assert max(totals) <= 1.05 * min(totals) + 1e-9


@settings(max_examples=20, deadline=None)
@given(libraries(min_size=3, max_size=25), profiles(), st.randoms(use_true_random=False))
def test_reported_objective_is_the_scores(library: list[Track], profile: Profile, rnd: random.Random) -> None:
    """With genre preferences in the walk's fits, ``reported`` of an order is what the
    playlist's score (flow.md, mood fit only) says, to 1e-9."""
    profile = dataclasses.replace(profile, genres=Genres(prefer=("synthwave", "ambient"), avoid=("pop",), weight=0.4))
    labels: list[tuple[str, ...]] = [("synthwave",), ("pop",), ("ambient", "pop"), ()]
    library = [dataclasses.replace(t, genres=rnd.choice(labels)) for t in library]
    cands = select_candidates(library, profile)
    assume(len(cands.tracks) > 0)  # the profile's exclusions may leave nothing
    problem = _problem(cands, profile, None, None, journey=False)
    order = rnd.sample(range(problem.size), rnd.randint(1, problem.size))
    value = Evaluator(problem)(order)
    expected = score_tracks([cands.tracks[i] for i in order], profile).total
    assert abs(reported(problem, (order, value)) - expected) <= 1e-9


@settings(max_examples=30, deadline=None)
@given(st.lists(st.frozensets(st.integers(0, 12), min_size=1, max_size=8), min_size=1, max_size=12))
def test_apart_keeps_the_first_and_only_playlists_apart_from_all_before(keys: list[frozenset[int]]) -> None:
    """_apart: the first ranked playlist, then each one sharing at most SPREAD_SHARED of its
    tracks (Jaccard) with every one already taken; none that qualifies is skipped."""
    from sequencer.core.walk.variants import SPREAD_SHARED, _apart

    ranked = [(sorted(k), (0.0, float(i))) for i, k in enumerate(keys)]
    taken = _apart(ranked)
    assert taken[0] == ranked[0]
    sets = [frozenset(order) for order, _ in taken]
    for i, a in enumerate(sets):
        for b in sets[:i]:
            assert _jaccard(a, b) <= SPREAD_SHARED
    left_out = [frozenset(order) for order, _ in ranked if (order, _) not in taken]
    for key in left_out:
        assert any(_jaccard(key, b) > SPREAD_SHARED for b in sets)


@pytest.mark.parametrize("temperature", [0.2, 0.01])
def test_spread_pushes_add_only_valid_playlists_near_the_best(temperature: float) -> None:
    """From the walk's best on a 600-track library, what _spread adds is valid, within the
    seeds' tolerance of the best (3.1 % at temperature 0.01: some playlists it settles are
    further than that there and must be left out; mutation-checked) and away from the best (at
    0.2: some share at most 60 % of its tracks)."""
    from sequencer.core.walk import walk
    from sequencer.core.walk.variants import _spread

    library = synthetic_library(600, seed=1)
    profile = Profile(name="spread", minutes=40.0, moods=NIGHT, variety=Variety(temperature=temperature))
    problem = problem_for(library, profile)
    result = walk(problem, random.Random(0), choice=0)
    search = Search(problem, random.Random(0))
    best = (result.order, search.ev(result.order))
    assert best[1][0] <= 1e-9
    met: list[tuple[list[int], tuple[float, float]]] = []
    _spread(search, best, met)
    limit = best[1][1] * (1 + variant_tolerance(problem)) + 1e-9
    for state in met:
        assert state[1][0] <= 1e-9 and state[1][1] <= limit
        assert search.ev(state[0]) == state[1]
    if temperature >= 0.2:
        assert any(_jaccard(frozenset(state[0]), frozenset(best[0])) <= 0.6 for state in met)


@given(st.lists(st.integers(0, 40), min_size=5, max_size=20, unique=True), st.randoms(use_true_random=False))
def test_turned_is_a_playlist_played_backwards(order: list[int], rnd: random.Random) -> None:
    """_turned: an order against itself backwards (five tracks or more shared) is turned, against
    itself it is not; sharing fewer than TURNED_SHARED tracks is never turned; extra tracks on
    either side change nothing."""
    from sequencer.core.walk.variants import TURNED_SHARED, _turned

    assert _turned(order, order[::-1])
    assert not _turned(order, order)
    others = [i for i in range(41, 60) if rnd.random() < 0.5]
    assert _turned([*others[:3], *order, *others[3:]], order[::-1])
    few = order[: TURNED_SHARED - 1]
    assert not _turned(few, few[::-1])


def test_a_near_best_playlist_that_plays_the_best_backwards_is_not_ranked() -> None:
    """Of two near-best playlists, the one playing ten of the best's tracks in the opposite
    order (one track swapped) is left out even though it is as good; one sharing few tracks in
    any order is kept (night-drive's seeds 2 and 3 shared their songs at Spearman −1.00)."""
    from sequencer.core.walk.variants import _turned

    profile = Profile(name="warm", minutes=40.0, moods=NIGHT, variety=Variety(temperature=0.3))
    problem = problem_for(synthetic_library(60, seed=4), profile)
    search = Search(problem, random.Random(0))
    assert problem.size >= 30
    best_order = list(range(11))
    backwards = [20, *best_order[::-1][1:]]  # ten of the best's tracks backwards, one swapped
    apart = [*best_order[:3][::-1], 21, 22, 23, 24, 25, 26, 27, 28]  # three shared: never turned
    value = 0.5
    best = (best_order, (0.0, value))
    met = [(backwards, (0.0, value * 1.001)), (apart, (0.0, value * 1.002))]
    assert _turned(backwards, best_order) and not _turned(apart, best_order)
    ranked = [order for order, _ in seed_playlists(search, best, met)]
    assert ranked == [best_order, apart]


@settings(max_examples=25, deadline=None)
@given(libraries(min_size=8, max_size=30), profiles(), st.randoms(use_true_random=False))
def test_no_two_seed_playlists_are_one_turned_round(library: list[Track], profile: Profile, rnd: random.Random) -> None:
    """Given the best played backwards (and pushes) as near-best playlists, the ranking never
    holds two playlists of which one plays five or more of the other's tracks in nearly the
    opposite order (night-drive's seeds 2 and 3 did: Spearman −1.00 on their shared songs)."""
    from sequencer.core.walk.variants import _turned

    problem = problem_for(library, dataclasses.replace(profile, variety=Variety(temperature=0.3)))
    search = Search(problem, random.Random(0))
    order = rnd.sample(range(problem.size), rnd.randint(1, problem.size))
    best = descend(search, order, search.ev(order))
    if best[1][0] > 1e-9:
        return
    backwards = best[0][::-1]
    pushes = [pushed(search, best, 0.5, 0.3, random.Random(k)) for k in range(3)]
    met = [(backwards, search.ev(backwards)), *(m for m in pushes if m is not None)]
    met += [(m[0][::-1], search.ev(m[0][::-1])) for m in met[1:]]
    ranked = seed_playlists(search, best, [m for m in met if m[1][0] <= 1e-9])
    for a, b in itertools.combinations(ranked, 2):
        assert not _turned(a[0], b[0])


def test_a_seed_playing_the_best_backwards_is_turned_to_face_it() -> None:
    """facing: with no arc (flow costs are symmetric, so both ways are worth the same) a seed's
    order that plays the best's tracks backwards is turned round; a valid order facing the best
    is left alone; so is a backwards one that would be more than FACING_TOLERANCE worse turned."""
    import copy

    from sequencer.core.walk.variants import FACING_TOLERANCE, _turned, facing

    profile = Profile(name="flat", minutes=40.0, moods=NIGHT, variety=Variety(temperature=0.3))
    assert profile.arc is None
    problem = problem_for(synthetic_library(60, seed=4), profile)
    search = Search(problem, random.Random(0))
    best_order = list(range(10))
    best = (best_order, search.ev(best_order))
    seed_order = [12, *best_order[::-1][1:]]
    state = (seed_order, search.ev(seed_order))
    turned = facing(search, state, best)
    assert turned[0] == seed_order[::-1] and not _turned(turned[0], best_order)
    assert abs(turned[1][1] - state[1][1]) <= FACING_TOLERANCE * abs(state[1][1])
    assert facing(search, best, best) == best
    worse = copy.copy(search)
    worse.ev = lambda order: (0.0, 10.0) if order == seed_order[::-1] else search.ev(order)  # type: ignore[assignment]
    assert facing(worse, state, best) == state


@settings(max_examples=20, deadline=None)
@given(libraries(min_size=6, max_size=30), profiles(), st.randoms(use_true_random=False))
def test_floored_options_stay_within_the_tolerance_of_their_solved_floor(
    library: list[Track], profile: Profile, rnd: random.Random
) -> None:
    """floored: the lowest offered playlist (unless it is the best, here the first) comes back with its
    order solved — never worse, valued by the evaluator — and every option kept is within
    REPORTED_TOLERANCE of it on the reported objective; the best, first, is kept whenever it is
    within that tolerance."""
    from sequencer.core.walk.variants import REPORTED_TOLERANCE, floored

    problem = problem_for(library, dataclasses.replace(profile, variety=Variety(temperature=0.3)))
    search = Search(problem, random.Random(0))
    states = []
    for _ in range(4):
        order = rnd.sample(range(problem.size), rnd.randint(1, problem.size))
        states.append(descend(search, order, search.ev(order)))
    options = [s for s in states if s[1][0] <= 1e-9]
    assume(len(options) >= 2)
    low = min(reported(problem, s) for s in options)
    kept, floor = floored(search, options, options[0])
    if floor is not None:
        assert search.ev(floor[0]) == floor[1]
        assert reported(problem, floor) <= low + 1e-12
        assert any(s is floor for s in kept)
        low = reported(problem, floor)
    for state in kept:
        assert reported(problem, state) <= (1 + REPORTED_TOLERANCE) * low + 1e-9
    if reported(problem, options[0]) <= (1 + REPORTED_TOLERANCE) * low:
        assert kept[0] is options[0]
