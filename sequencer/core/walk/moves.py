"""The search's context and its random moves, each a move ``(i, j, window)``.

Moves: move a segment of 1–3 tracks (or-opt), reverse a stretch (2-opt), swap two tracks,
replace a track by an unused candidate (in place or where it joins best; proposed from the graph
neighbours of its neighbours or from tracks near the arc's target energy, preferring durations
that keep the window), insert or remove a track (optionally together with a replacement, so the
number of tracks can change inside the window).

Public: :class:`Search`.
"""

from __future__ import annotations

import bisect
import copy
import random
from functools import lru_cache
from operator import add, itemgetter, sub
from typing import Any

import numpy as np
import numpy.typing as npt

from sequencer.core.walk.evaluation import Evaluator, State
from sequencer.core.walk.problem import Move, Order, WalkProblem, diff_move

#: Farthest (in positions) a random reorder moves a track: long-range order is the job of the
#: flow-optimal order at the end (:func:`~sequencer.core.walk.descent.solve_order`), and a
#: move this local is valued in time independent of the playlist's length.
REORDER_REACH = 16
#: Playlists from this many tracks find a track's cheapest insertion with numpy.
_NUMPY_INSERTION = 40
#: An order's transition costs: a list, or from :data:`_NUMPY_INSERTION` tracks its indices
#: and costs as numpy arrays.
Edges = list[float] | tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]


@lru_cache(maxsize=64)
def _getters_of(order: tuple[int, ...]) -> tuple[itemgetter[Any], itemgetter[Any]]:
    """Getters of a row's entries at ``order[:-1]`` and at ``order[1:]`` (3+ tracks)."""
    return itemgetter(*order[:-1]), itemgetter(*order[1:])


def _getters(order: Order) -> tuple[itemgetter[Any], itemgetter[Any]]:
    """:func:`_getters_of` of a list."""
    return _getters_of(tuple(order))


class Search:
    """What every step of one walk shares: the problem, the seeded random source, the evaluator
    and indexes of the candidates."""

    def __init__(self, p: WalkProblem, rng: random.Random) -> None:
        self.p = p
        self.rng = rng
        self.ev = Evaluator(p)
        self.fixed = {i for i in (p.start, p.end) if i is not None}
        self.free = [i for i in range(p.size) if i not in self.fixed]
        self.by_energy = sorted((e, i) for i, e in enumerate(self.ev.energy) if e == e and i not in self.fixed)
        self.energy_keys = [e for e, _ in self.by_energy]
        self.typical = float(np.median(p.durations)) if p.size else 240.0
        self._rest: tuple[Order, int, Order, Order, Edges] | None = None
        """The last order and position :meth:`replace_where_best` met: the order, a copy (it
        is reused only while equal), the order without that position and its edges."""

    def rebiased(self, bias: list[float], rng: random.Random) -> Search:
        """This search valuing tracks with ``bias`` and drawing from ``rng`` (indexes shared)."""
        other = copy.copy(self)
        other.ev = self.ev.rebiased(bias)
        other.rng = rng
        return other

    def bounds(self, order: Order) -> tuple[int, int]:
        """Positions that may change: [lo, hi)."""
        lo = 1 if self.p.start is not None else 0
        hi = len(order) - (1 if self.p.end is not None else 0)
        return lo, hi

    def span(self, s: State, pos: int | None) -> tuple[float, float] | None:
        """The durations a track replacing ``s.order[pos]`` (None: added) may have so that the
        playlist stays in the duration window (None when it is not in the window now)."""
        if pos is None:
            low, high = self.p.window
            return (low - s.total, high - s.total)
        return self._span(s.total, self.ev.dur[s.order[pos]])

    def _span(self, total: float, leaving: float) -> tuple[float, float] | None:
        """Durations that replace a track of ``leaving`` seconds in a playlist of ``total``
        seconds and keep it in the window (None when it is not in the window)."""
        low, high = self.p.window
        if not low <= total <= high:
            return None
        base = total - leaving
        return (low - base, high - base)

    def propose_track(
        self, s: State, pos: int, in_use: set[int], span: tuple[float, float] | None = None
    ) -> int | None:
        """An unused candidate that could sit at ``pos``: a graph neighbour, an arc match or any;
        with ``span``, only one whose duration lies in it (a move that stays in the window)."""
        rng, p, dur, order = self.rng, self.p, self.ev.dur, s.order

        def ok(i: int) -> bool:
            return i not in in_use and (span is None or span[0] <= dur[i] <= span[1])

        if p.required and rng.random() < 0.5:  # a must-include track still missing, first
            wanted = [i for i in p.required if ok(i)]
            if wanted:
                return rng.choice(sorted(wanted))
        width = 10 if span is None else 30
        roll = rng.random()
        if roll < 0.5 and p.neighbours:
            anchors = [order[k] for k in (pos - 1, pos, pos + 1) if 0 <= k < len(order)]
            if anchors:
                options = [v for v in p.neighbours[rng.choice(anchors)][:width] if ok(v)]
                if options:
                    return rng.choice(options)
        if roll < 0.8 and self.ev.arc_x is not None and self.by_energy:
            total = s.total or p.target_s
            target = self.ev.target(min(1.0, (s.dur_pre[min(pos, len(order))] + self.typical / 2) / total))
            assert target is not None
            k = bisect.bisect_left(self.energy_keys, target)
            lo, hi = max(0, k - width // 2 - 1), min(len(self.by_energy), k + width // 2 + 1)
            options = [i for _, i in self.by_energy[lo:hi] if ok(i)]
            if options:
                return rng.choice(options)
        tries = 4 if span is None else 16
        options = [i for i in (rng.choice(self.free) for _ in range(tries)) if ok(i)] if self.free else []
        return options[0] if options else None

    def propose(self, s: State) -> Move | None:
        """One random move of the local search (None when it does not apply)."""
        rng, order = self.rng, s.order
        lo, hi = self.bounds(order)
        n_free = hi - lo
        roll = rng.random()
        reach = REORDER_REACH
        if roll < 0.22 and n_free >= 2:  # or-opt: move a segment
            length = rng.randint(1, min(3, n_free - 1))
            i = rng.randrange(lo, hi - length + 1)
            segment = order[i : i + length]
            j = rng.randrange(max(lo, i - reach), min(hi - length, i + reach) + 1)
            if j == i:
                return None
            if rng.random() < 0.3:
                segment.reverse()
            if j < i:
                return (j, i + length, segment + order[j:i])
            return (i, j + length, order[i + length : j + length] + segment)
        if roll < 0.48 and n_free >= 2:  # 2-opt: reverse a stretch, or swap two tracks
            i = rng.randrange(lo, hi - 1)
            j = rng.randrange(i + 1, min(hi - 1, i + reach) + 1)
            if roll < 0.36:
                return (i, j + 1, order[i : j + 1][::-1])
            return (i, j + 1, [order[j], *order[i + 1 : j], order[i]])
        in_use = set(order)
        if roll < 0.82 and n_free >= 1:  # replace a track by an unused one
            pos = rng.randrange(lo, hi)
            u = self.propose_track(s, pos, in_use, self.span(s, pos) if rng.random() < 0.7 else None)
            if u is None:
                return None
            if rng.random() < 0.5:  # ... where it joins best, not necessarily in the same place
                return self.replace_where_best(order, pos, u)
            return (pos, pos + 1, [u])
        if roll < 0.91:  # insert an unused track (half the time also replacing another)
            pos = rng.randrange(lo, hi + 1)
            u = self.propose_track(s, pos, in_use)
            if u is None:
                return None
            if rng.random() < 0.5:
                return self._and_replace(s, [*order[:pos], u, *order[pos:]], (lo, hi + 1), in_use | {u}, pos)
            return (pos, pos, [u])
        if n_free >= 1:  # remove a track (half the time also replacing another)
            pos = rng.randrange(lo, hi)
            if rng.random() < 0.5 and n_free >= 2:
                return self._and_replace(s, order[:pos] + order[pos + 1 :], (lo, hi - 1), in_use, None)
            return (pos, pos + 1, [])
        return None

    def replace_where_best(self, order: Order, pos: int, u: int) -> Move:
        """``order[pos]`` removed and ``u`` inserted where it adds the least transition cost."""
        lo, hi = self.bounds(order)
        known = self._rest
        if known is None or known[0] is not order or known[1] != pos or known[2] != order:
            # the order without ``pos`` and its edges: a descent tries many tracks in one place
            rest = order[:pos] + order[pos + 1 :]
            known = self._rest = (order, pos, list(order), rest, self._edges(rest))
        where = self._cheapest(known[3], known[4], u, (lo, hi - 1))
        if where <= pos:
            return (where, pos + 1, [u, *order[where:pos]])
        return (pos, where + 1, [*order[pos + 1 : where + 1], u])

    def cheapest_insertion(self, order: Order, u: int, bounds: tuple[int, int]) -> int:
        """The position in ``[lo, hi]`` where inserting ``u`` adds the least transition cost."""
        return self._cheapest(order, self._edges(order), u, bounds)

    def _edges(self, order: Order) -> Edges:
        """The transition costs along ``order``, as :meth:`_cheapest` reads them."""
        if len(order) >= _NUMPY_INSERTION:
            idx = np.asarray(order)
            return idx, self.ev.cost_np[idx[:-1], idx[1:]]
        return list(map(list.__getitem__, map(self.ev.cost.__getitem__, order[:-1]), order[1:]))

    def _cheapest(self, order: Order, edges: Edges, u: int, bounds: tuple[int, int]) -> int:
        """:meth:`cheapest_insertion` given ``order``'s :meth:`_edges`."""
        lo, hi = bounds
        if not order:
            return lo
        if isinstance(edges, tuple):
            idx, along = edges
            cost = self.ev.cost_np
            inserted = np.empty(idx.size + 1)
            inserted[0] = cost[u, idx[0]]
            inserted[-1] = cost[idx[-1], u]
            inserted[1:-1] = (cost[idx[:-1], u] + cost[u, idx[1:]]) - along
            part = inserted[lo : hi + 1]
            return lo + int(np.argmin(part)) if part.size else lo
        into, out = self.ev.cost_t[u], self.ev.cost[u]  # x → u, u → x
        if len(order) >= 3:  # one C call per row (itemgetter of 2+ items gives a tuple)
            heads, tails = _getters(order)
            middle = map(sub, map(add, heads(into), tails(out)), edges)
        else:
            middle = map(sub, map(add, map(into.__getitem__, order[:-1]), map(out.__getitem__, order[1:])), edges)
        added = [out[order[0]], *middle, into[order[-1]]]
        window = added[lo : hi + 1]
        return lo + window.index(min(window)) if window else lo

    def _and_replace(
        self, s: State, new: Order, bounds: tuple[int, int], in_use: set[int], skip: int | None
    ) -> Move | None:
        """``new`` (an insert or a remove) with one more track (not at ``skip``) replaced by an
        unused candidate: a move that changes the number of tracks while the duration stays in
        the window (e.g. two short tracks become one long one)."""
        lo, hi = bounds
        positions = [k for k in range(lo, hi) if k != skip]
        if not positions:
            return None
        pos = self.rng.choice(positions)
        total = sum(map(self.ev.dur.__getitem__, new))
        u = self.propose_track(s, min(pos, len(s.order)), in_use, self._span(total, self.ev.dur[new[pos]]))
        if u is None:
            return None
        new[pos] = u
        return diff_move(s.order, new)

    def step(self, s: State, move: Move) -> State:
        """The state after ``move`` (updated incrementally, :meth:`Evaluator.step`)."""
        return self.ev.step(s, *move)
