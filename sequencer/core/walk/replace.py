"""Exhaustive one-track replacement: every unused candidate valued at a position in one pass.

The descent (:func:`~sequencer.core.walk.descent.descend`) tries the graph neighbours of the
tracks around a position: tracks that *join* well.  A track that joins no better but fits the
context much better (closer to the profile's moods and exemplars, nearer the arc's energy) is
rarely among them, and annealing proposes it only by chance.  :func:`rank_replacements` values
replacing ``order[pos]`` by *every* unused candidate at once with numpy — the flow change from
the two edges, the fit from the duration-weighted sums, the arc from the track's own midpoint
(the other tracks' midpoints move a little when the durations differ; that is ignored here) —
and :func:`replace_descent` values the most promising of them exactly and takes the best.

Public: :func:`rank_replacements`, :func:`replace_descent`.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from sequencer.core.walk.evaluation import State
from sequencer.core.walk.moves import Search
from sequencer.core.walk.problem import Order, Value, better

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

#: Candidates valued exactly per position (the best by the estimate).
EXACT_PER_POSITION = 4
#: Most passes over the playlist's positions.
REPLACE_PASSES = 4


class _Arrays:
    """The per-candidate arrays one descent shares (the evaluator's, as numpy)."""

    def __init__(self, search: Search) -> None:
        ev = search.ev
        self.dur = ev.dur_np
        self.dur_fit = np.asarray(ev.dur_fit, dtype=np.float64)
        self.energy = ev.energy_np
        self.weight = np.where(ev.known_np, ev.dur_np, 0.0)
        self.free = np.asarray(search.free, dtype=np.int64)


def rank_replacements(
    search: Search, s: State, pos: int, arrays: _Arrays, blocked: npt.NDArray[np.bool_], count: int
) -> list[int]:
    """The ``count`` candidates not ``blocked`` (a mask over all candidates: the playlist's own
    tracks and any banned) whose replacing ``s.order[pos]``
    in place is estimated to give the lowest objective, best first."""
    ev, p, o = search.ev, search.p, s.order
    n, x = len(o), o[pos]
    cand = arrays.free
    cand = cand[~blocked[cand]]
    span = search.span(s, pos)
    if span is not None:
        d = arrays.dur[cand]
        cand = cand[(d >= span[0]) & (d <= span[1])]
    if cand.size == 0:
        return []
    cost = ev.cost_np
    old_edges = 0.0
    new_edges: F64 = np.zeros(cand.size)
    if pos > 0:
        old_edges += ev.cost[o[pos - 1]][x]
        new_edges = new_edges + cost[o[pos - 1], cand]
    if pos < n - 1:
        old_edges += ev.cost[x][o[pos + 1]]
        new_edges = new_edges + cost[cand, o[pos + 1]]
    d = arrays.dur[cand]
    total = s.total - ev.dur[x] + d
    inv = np.where(total > 0, 1.0 / np.where(total > 0, total, 1.0), 0.0)
    flow = (s.flow_pre[-1] - old_edges + new_edges) / (n - 1) if n > 1 else np.zeros(cand.size)
    fit = (s.fit_pre[-1] - ev.dur_fit[x] + arrays.dur_fit[cand]) * inv
    value = p.w_flow * flow + 0.5 * p.w_fit - fit
    if ev.arc_x is not None:
        tau = (s.dur_pre[pos] + 0.5 * d) * inv
        diff = arrays.energy[cand] - np.interp(tau, ev.arc_x, ev.arc_y)
        num = s.arc_pre[-1] - (s.arc_pre[pos + 1] - s.arc_pre[pos]) + arrays.weight[cand] * diff * diff
        den = s.den_pre[-1] - (s.den_pre[pos + 1] - s.den_pre[pos]) + arrays.weight[cand]
        arc = np.sqrt(np.maximum(num, 0.0) / np.where(den > 0, den, 1.0))
        value = value + p.w_arc * np.where(den > 0, arc, 0.0)
    take = min(count, cand.size)
    best = np.argpartition(value, take - 1)[:take]
    return [int(i) for i in cand[best[np.argsort(value[best])]]]


def replace_descent(
    search: Search, order: Order, value: Value, banned: frozenset[int] = frozenset(), passes: int = REPLACE_PASSES
) -> tuple[Order, Value]:
    """Best-improvement descent over one-track replacements: at each position, the
    :data:`EXACT_PER_POSITION` most promising candidates (:func:`rank_replacements`) are valued
    exactly in place, and the best move that improves is taken;
    passes repeat until one finds nothing (at most ``passes``).  Tracks in ``banned`` are
    never brought in.  Returns the state valued in full."""
    ev = search.ev
    if value[0] > 1e-9 or len(order) < 2:
        return order, value
    arrays = _Arrays(search)
    state = ev.state(order)
    blocked = np.zeros(search.p.size, dtype=bool)
    blocked[list(banned)] = True
    blocked[state.order] = True
    for _ in range(passes):
        improved = False
        lo, hi = search.bounds(state.order)
        for pos in range(lo, hi):
            best_move, best_val = None, state.value
            for u in rank_replacements(search, state, pos, arrays, blocked, EXACT_PER_POSITION):
                move = (pos, pos + 1, [u])
                val = ev.delta(state, *move)
                if better(val, best_val):
                    best_move, best_val = move, val
            if best_move is not None:
                leaving = state.order[pos]
                state = search.step(state, best_move)
                blocked[leaving] = leaving in banned
                blocked[best_move[2][0]] = True
                improved = True
        if not improved:
            break
    return state.order, ev(state.order)
