"""The final pick: diverse starts, near-best alternatives and the seed's choice among them.

Variety at temperature 0, or when no pushed playlist (:mod:`.variants`) is near the best: the
search runs on a fixed seed, so every seed reaches the same best playlist and the same
near-best alternatives (the best playlists lacking one of its tracks, and
others met on the way); the seed then picks (:func:`pick`) one of the distinct valid playlists
whose objective is within :data:`SEED_TOLERANCE` of the best and whose flow cost is within
:data:`SEED_FLOW_TOLERANCE` of the best's — seed ``k`` the ``k mod count``-th, so consecutive
seeds give different playlists as long as that many exist, and none is much worse than the best.

Public: :func:`diverse_starts`, :func:`alternatives`, :func:`pick`, :func:`flow_near`.
"""

from __future__ import annotations

import random

from sequencer.core.walk.descent import Pool, descend, polish
from sequencer.core.walk.moves import Search
from sequencer.core.walk.problem import Order, Value, WalkProblem

#: The seed picks among distinct playlists whose objective is within this share of the best
#: found and whose flow cost is within SEED_FLOW_TOLERANCE of the best's; the profile's
#: temperature widens both by SEED_TOLERANCE_PER_HEAT per unit.
SEED_TOLERANCE = 0.04
SEED_FLOW_TOLERANCE = 0.03
SEED_TOLERANCE_PER_HEAT = 0.2
#: Best playlists without one of the best's tracks searched for, and the descent budget of each.
ALTERNATIVES = 5
ALTERNATIVE_BUDGET = 300
#: Alternatives polished and considered by the seed's pick.
SEED_OPTIONS = 6
#: States evaluated by the quick polish of an alternative.
QUICK_POLISH = 150


def diverse_starts(search: Search, chains: list[Order], count: int) -> list[Order]:
    """Up to ``count`` of the best chains, each sharing at most half its tracks with every
    chain taken before it (then the next best, if too few differ): starts in different
    regions of the library, since annealing rarely crosses from one well-matched group of
    tracks to another."""
    ranked = sorted(chains, key=search.ev)
    taken: list[Order] = []
    sets: list[set[int]] = []
    for candidate in ranked:
        tracks = set(candidate)
        if all(len(tracks & other) * 2 <= min(len(tracks), len(other)) for other in sets):
            taken.append(candidate)
            sets.append(tracks)
            if len(taken) == count:
                return taken
    for candidate in ranked:
        if len(taken) >= count:
            break
        if all(candidate is not t for t in taken):
            taken.append(candidate)
    return taken


def alternatives(search: Search, best: tuple[Order, Value], pool: Pool) -> None:
    """Add to ``pool`` the best playlists found *without* one of the best playlist's tracks
    (up to :data:`ALTERNATIVES` of them): from the best pool entry lacking the track, a
    descent that may not bring it back, then a polish.  These are the natural near-best
    alternatives, each optimised rather than a mere one-track change."""
    movable = [i for i in best[0] if i not in search.fixed]
    for track in search.rng.sample(movable, min(ALTERNATIVES, len(movable))):
        starts = [state for key, state in pool.items() if track not in key and state[1][0] <= best[1][0] + 1e-9]
        if not starts:
            continue
        start = min(starts, key=lambda state: state[1][1])
        state = descend(search, *start, budget=ALTERNATIVE_BUDGET, pool=pool, banned=frozenset((track,)))
        state = polish(search, *state, max_passes=1, budget=QUICK_POLISH)
        key = frozenset(state[0])
        if key not in pool or state[1][1] < pool[key][1][1]:
            pool[key] = state


def _flow(problem: WalkProblem, order: Order) -> float:
    """Mean transition cost of ``order`` (the flow cost of flow.md)."""
    if len(order) < 2:
        return 0.0
    return float(problem.cost[order[:-1], order[1:]].mean())


def flow_near(problem: WalkProblem, order: Order, best: Order) -> bool:
    """Whether ``order``'s flow cost is within the seed's flow tolerance of ``best``'s."""
    tolerance = SEED_FLOW_TOLERANCE + problem.temperature * SEED_TOLERANCE_PER_HEAT
    best_flow = _flow(problem, best)
    return abs(_flow(problem, order) - best_flow) <= tolerance * best_flow + 1e-12


def pick(
    search: Search,
    best: tuple[Order, Value],
    pool: Pool,
    rng: random.Random,
    choice: int | None,
) -> tuple[Order, Value]:
    """The seed's playlist: one of the distinct valid playlists found whose objective is within
    :data:`SEED_TOLERANCE` (widened by the temperature) of the best and whose flow cost differs
    from the best's by at most :data:`SEED_FLOW_TOLERANCE` either way (an alternative may flow
    better and fit worse).  They are ranked best first; ``choice`` (the build's seed) takes
    number ``choice mod count``, so consecutive seeds run through different playlists (without
    ``choice``, ``rng`` picks uniformly).

    The most promising alternatives (up to :data:`SEED_OPTIONS`, within twice the tolerance)
    have their order polished first: many were found as one-track changes of a good playlist
    and flow better once reordered.
    """
    problem = search.p
    if best[1][0] > 1e-9:
        return best  # not valid: the caller explains what binds; no alternatives to offer
    heat = problem.temperature
    tolerance = SEED_TOLERANCE + heat * SEED_TOLERANCE_PER_HEAT
    flow_tolerance = SEED_FLOW_TOLERANCE + heat * SEED_TOLERANCE_PER_HEAT
    best_order, best_value = best
    best_flow = _flow(problem, best_order)
    best_key = frozenset(best_order)

    def near(value: Value, factor: float) -> bool:
        return value[1] <= best_value[1] + factor * tolerance * abs(best_value[1]) + 1e-12

    ranked = sorted(
        (
            state
            for key, state in pool.items()
            if key != best_key and state[1][0] <= best_value[0] + 1e-9 and near(state[1], 2.0)
        ),
        key=lambda state: state[1][1],
    )
    options = [best]
    for order, value in ranked[:SEED_OPTIONS]:
        order, value = polish(search, order, value, max_passes=1, budget=QUICK_POLISH)
        if near(value, 1.0) and abs(_flow(problem, order) - best_flow) <= flow_tolerance * best_flow + 1e-12:
            options.append((order, value))
    options[1:] = sorted(options[1:], key=lambda state: state[1][1])
    index = choice % len(options) if choice is not None else rng.randrange(len(options))
    return options[index]
