"""Local search: annealing on selection and order, systematic descent, polish, best order.

Every step values its moves incrementally (:meth:`Evaluator.delta`) against the current
:class:`State` and updates the state only for a move it takes (:meth:`Evaluator.step`); what
a step returns is valued in full, so a value handed on is exactly the evaluator's.

Public: :func:`improve`, :func:`descend`, :func:`polish`, :func:`solve_order`.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from sequencer.core.optimise import solve_path
from sequencer.core.walk.moves import Search
from sequencer.core.walk.problem import Order, Value, apply_move, better

#: Annealing heat at the start, as a share of the first valid objective, and the share of that
#: left at the end.
ANNEAL_START = 0.03
ANNEAL_END = 0.001
#: Widest move (in positions) and most states evaluated by one polish.
POLISH_WINDOW = 16
POLISH_BUDGET = 8_000
#: Candidates tried per neighbouring track, and most states evaluated, by one descent.
DESCENT_WIDTH = 12
DESCENT_BUDGET = 1_200
#: Near-best alternatives kept at most.
POOL_SIZE = 2_000

Pool = dict[frozenset[int], tuple[Order, Value]]


def improve(search: Search, order: Order, iterations: int, tick: Callable[[int], None]) -> tuple[Order, Value]:
    """Simulated annealing over the random moves; returns the best state seen.

    The heat starts at :data:`ANNEAL_START` of the first valid objective and cools
    geometrically to almost nothing, so early moves may climb out of a poor selection and
    late ones only descend.  The profile's temperature adds a floor of extra heat (more
    adventurous, more varied playlists).  Violation is never traded: a move that adds
    violation is refused, one that removes it is always taken.
    """
    ev, rng = search.ev, search.rng
    state = ev.state(order)
    cur_val = state.value
    best, best_val = state.order, cur_val
    floor = 0.02 * search.p.temperature
    start_heat: float | None = None
    cooling = ANNEAL_END ** (1.0 / max(1, iterations))
    factor = 1.0
    for it in range(iterations):
        if it % 250 == 0:
            tick(it)
        factor *= cooling
        move = search.propose(state)
        if move is None:
            continue
        val = ev.delta(state, *move)
        accept = better(val, cur_val)
        if not accept and abs(val[0] - cur_val[0]) <= 1e-9:
            if start_heat is None and cur_val[0] <= 1e-9:
                start_heat = ANNEAL_START * cur_val[1]
            heat = floor + (start_heat or 0.0) * factor
            if heat > 0:
                accept = rng.random() < math.exp(-(val[1] - cur_val[1]) / heat)
        if accept:
            state = search.step(state, move)
            cur_val = state.value
            if better(cur_val, best_val):
                best, best_val = state.order, cur_val
    return best, ev(best)  # the full value (a stepped state's sums may differ in the last bits)


def descend(
    search: Search,
    order: Order,
    value: Value,
    budget: int = DESCENT_BUDGET,
    pool: Pool | None = None,
    banned: frozenset[int] = frozenset(),
) -> tuple[Order, Value]:
    """Systematic selection descent: for every position, try each unused graph neighbour of
    the tracks around it (in the same place and where it joins best), take the first that
    improves, until a full pass finds none or ``budget`` states were evaluated.

    With ``pool``, every state tried that is as valid as the current one is kept there
    (distinct track sets): the near-best alternatives a seed may pick from.  Tracks in
    ``banned`` are never brought in.

    Annealing proposes one random neighbour at a time and misses most of these; trying them
    all is what lets different starts end at near-equal playlists.
    """
    p, ev = search.p, search.ev
    if not p.neighbours:
        return order, value
    state = ev.state(order)
    improved = True
    while improved and budget > 0:
        improved = False
        order = state.order
        lo, hi = search.bounds(order)
        positions = list(range(lo, hi))
        search.rng.shuffle(positions)
        in_use = set(order)
        for pos in positions:
            if budget <= 0:
                break
            span = search.span(state, pos)
            seen: set[int] = set()
            for u in (
                u
                for k in (pos - 1, pos, pos + 1)
                if 0 <= k < len(order)
                for u in p.neighbours[order[k]][:DESCENT_WIDTH]
            ):
                if u in in_use or u in seen or u in banned:
                    continue
                if span is not None and not span[0] <= ev.dur[u] <= span[1]:
                    continue
                seen.add(u)
                trials = [(pos, pos + 1, [u])]
                best_place = search.replace_where_best(order, pos, u)
                if best_place[0] != pos or best_place[1] != pos + 1:
                    trials.append(best_place)
                for move in trials:
                    val = ev.delta(state, *move)
                    budget -= 1
                    if pool is not None and val[0] <= state.value[0] + 1e-9 and len(pool) < POOL_SIZE:
                        new = apply_move(order, move)
                        key = frozenset(new)
                        if key not in pool or val[1] < pool[key][1][1]:
                            pool[key] = (new, val)
                    if better(val, state.value):
                        state = search.step(state, move)
                        improved = True
                        break
                if improved:
                    break
            if improved:
                break
    return state.order, ev(state.order)


def polish(
    search: Search, order: Order, value: Value, max_passes: int = 6, budget: int = POLISH_BUDGET
) -> tuple[Order, Value]:
    """2-opt and or-opt passes (first improvement) until none helps.

    Moves span at most :data:`POLISH_WINDOW` positions and a call evaluates at most ``budget``
    states, so long playlists (hours) stay fast; a one-hour playlist gets full passes.
    """
    ev = search.ev
    w = POLISH_WINDOW
    state = ev.state(order)
    for _ in range(max_passes):
        improved = False
        lo, hi = search.bounds(state.order)
        for i in range(lo, hi - 1):
            if budget <= 0:
                break
            for j in range(i + 1, min(hi, i + w + 1)):
                o = state.order
                move = (i, j + 1, o[i : j + 1][::-1])
                val = ev.delta(state, *move)
                budget -= 1
                if better(val, state.value):
                    state, improved = search.step(state, move), True
        for length in (1, 2, 3):
            for i in range(lo, hi - length + 1):
                if budget <= 0:
                    break
                for j in range(max(lo, i - w), min(hi - length + 1, i + w + 1)):
                    if j == i:
                        continue
                    o = state.order
                    segment = o[i : i + length]
                    move = (
                        (j, i + length, segment + o[j:i])
                        if j < i
                        else (i, j + length, o[i + length : j + length] + segment)
                    )
                    val = ev.delta(state, *move)
                    budget -= 1
                    if better(val, state.value):
                        state, improved = search.step(state, move), True
                        break
        if not improved or budget <= 0:
            break
    return state.order, ev(state.order)


def solve_order(search: Search, order: Order, value: Value, seed: int, kicks: int | None = None) -> tuple[Order, Value]:
    """Try the flow-optimal order of the chosen tracks (polished on the full objective when
    the arc or a journey also depends on the order); keep it if it is better.  ``kicks``
    bounds the order search (None: its default)."""
    if len(order) < 4:
        return order, value
    p = search.p
    sub = p.cost[np.ix_(order, order)]
    start = 0 if p.start is not None else None
    end = len(order) - 1 if p.end is not None else None
    solved = [order[k] for k in solve_path(sub, start=start, end=end, seed=seed, kicks=kicks)]
    val = search.ev(solved)
    if not p.order_only_flow():
        solved, val = polish(search, solved, val, max_passes=3)
    if better(val, value):
        return polish(search, solved, val, max_passes=2)
    return order, value
