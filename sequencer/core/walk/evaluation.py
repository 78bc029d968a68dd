"""The one objective of the walk, evaluated in full or incrementally.

Objective (lower is better), exactly :func:`sequencer.core.scoring.score_tracks`'s ``total``
(a Hypothesis test pins the two to 1e-9)::

    w_flow · flow_cost + w_arc · arc_error + w_fit · (1 − mood_fit) / 2  [+ journey]

where *journey* (only for a journey from A to B) is ``weight`` × the duration-weighted mean of
(1 − cosine(track's moods, the moods interpolated from A to B at the track's midpoint)) / 2, and
a temperature above 0 adds a small seeded per-track cost (variety).

Hard constraints are measured as a *violation*: minutes outside the duration window, plus one
per pair of tracks sharing an artist closer than the artist gap, per track over an artist or
album cap, per repeated song, per required (must-include) track missing.

A :class:`State` keeps prefix sums of an order (duration, fit, transition costs, arc and journey
terms) and the artist/album/song counts, so :meth:`Evaluator.delta` values a move
``(i, j, window)`` without rebuilding the order: the flow change from the edges at the window's
borders (O(len(window))), duration and fit from prefix sums, the arc and journey terms from
prefix sums when the total duration is unchanged (a reorder) and over the whole order only when
it changes, the artist gap over the window and ``gap`` positions either side, the caps and song
repeats from the tracks that enter or leave.

Public: :class:`Evaluator`, :class:`State`, :func:`violations`.
"""

from __future__ import annotations

import copy
import math
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import accumulate, chain
from operator import and_
from typing import Any

import numpy as np
import numpy.typing as npt

from sequencer.core.arcs import target_at
from sequencer.core.walk.problem import Order, Value, Violations, WalkProblem

F64 = npt.NDArray[np.float64]


def _compiled_interp() -> Callable[[F64, F64, F64], F64]:
    """The C function :func:`numpy.interp` calls for real values (the same numbers without the
    wrapper's checks, which cost more than interpolating a playlist)."""
    try:
        from numpy._core import multiarray
    except ImportError:  # numpy < 2
        return np.interp
    found: Callable[[F64, F64, F64], F64] = getattr(multiarray, "interp", np.interp)
    return found


_interp = _compiled_interp()
_SAME_TOTAL = 1e-9
#: Tracks from which the arc and journey terms are summed with numpy rather than in Python.
_NUMPY_FROM = 48


class _Rows(dict[int, list[float]]):
    """A matrix's rows as lists, each converted when first used (a walk touches a fraction
    of its candidates, and converting a 1,500² matrix costs 0.2 s)."""

    def __init__(self, matrix: F64) -> None:
        super().__init__()
        self.matrix = matrix

    def __missing__(self, i: int) -> list[float]:
        row: list[float] = self.matrix[i].tolist()
        self[i] = row
        return row


@dataclass(frozen=True)
class State:
    """An order with the prefix sums and counts that value a move without rebuilding it."""

    order: Order
    value: Value
    total: float
    dur_pre: list[float]
    fit_pre: list[float]
    flow_pre: list[float]
    """``flow_pre[k]``: summed cost of the first k transitions."""
    arc_pre: list[float]
    den_pre: list[float]
    jour_pre: list[float]
    gap: int
    masks: list[int]
    """The artist bit mask of each position."""
    pair_pre: list[list[int]]
    """:func:`_pair_prefix` of ``masks``."""
    artists: Counter[int]
    albums: Counter[int]
    songs: Counter[int]
    over_artist: int
    over_album: int
    repeats: int
    missing: int = 0
    arrays: dict[str, F64] = field(default_factory=dict, compare=False)
    """Per-position numpy arrays (arc midpoints, weights, energies), made when first needed."""
    deltas: dict[tuple[Any, ...], Value] = field(default_factory=dict, compare=False)
    """Moves already valued against this state, by (evaluator, i, j, window): a search often
    proposes the same move again before it leaves a state."""


def _pair_prefix(masks: Sequence[int], gap: int) -> list[list[int]]:
    """For each distance d in 1…gap, ``pre[d-1][k]`` = positions p < k whose track shares an
    artist with the track d positions later."""
    out = []
    for d in range(1, gap + 1):
        out.append([0, *accumulate(map(bool, map(and_, masks, masks[d:])))])
    return out


def _run_pairs(pre: list[list[int]], a: int, b: int) -> int:
    """Gap-breaking pairs inside positions [a, b) of the state's order (from the prefixes)."""
    count = 0
    for d, prefix in enumerate(pre, start=1):
        if b - d > a:
            count += prefix[b - d] - prefix[a]
    return count


def _cross(tail: Sequence[int], head: Sequence[int], gap: int) -> int:
    """Pairs (x in ``tail``, y in ``head``) within ``gap`` positions when ``head`` follows."""
    count = 0
    for back in range(1, min(gap, len(tail)) + 1):
        x = tail[-back]
        for y in head[: gap - back + 1]:
            if x & y:
                count += 1
    return count


def _pairs(masks: Sequence[int], gap: int) -> int:
    """Pairs within ``gap`` positions of each other that share an artist (bit masks)."""
    count = 0
    for d in range(1, min(gap, len(masks) - 1) + 1):
        shared = list(map(and_, masks, masks[d:]))
        count += len(shared) - shared.count(0)
    return count


def _over(counts: Counter[int], cap: int | None) -> int:
    """Items over ``cap`` (0 without a cap)."""
    if cap is None:
        return 0
    return sum(c - cap for c in counts.values() if c > cap)


class Evaluator:
    """Values orders of one :class:`WalkProblem` (see the module docstring)."""

    def __init__(self, p: WalkProblem, bias: Sequence[float] | None = None) -> None:
        self.p = p
        self.dur = [float(d) for d in p.durations]
        self.energy = [float(e) for e in p.energies]
        self.fit = [float(f) for f in p.fits]
        # the fit part and the seeded per-track bias (variety) in one duration-weighted sum:
        # w_fit·(1 − fit)/2 + bias  ==  w_fit/2 − (w_fit/2·fit − bias)
        self.bias = [float(b) for b in bias] if bias is not None else [0.0] * len(self.dur)
        self.dur_fit = [d * (0.5 * p.w_fit * f - b) for d, f, b in zip(self.dur, self.fit, self.bias, strict=True)]
        self.cost_np = np.asarray(p.cost, dtype=np.float64)
        self.cost = _Rows(self.cost_np)
        """``cost[i][j]`` as Python floats, row by row as the search meets them."""
        self.cost_t = _Rows(self.cost_np.T)
        self.artists = [tuple(a) for a in p.artists]
        self.masks = [sum(1 << a for a in set(arts)) for arts in p.artists]
        self.albums = list(p.albums)
        self.songs = list(p.songs)
        self.dur_np = np.asarray(self.dur, dtype=np.float64)
        energy = np.asarray(self.energy, dtype=np.float64)
        self.known_np = ~np.isnan(energy)
        self.energy_np = np.where(self.known_np, energy, 0.0)
        self.arc_x: F64 | None = None
        self.arc_y: F64 = np.zeros(0)
        if p.arc is not None and p.w_arc > 0:
            self.arc_x = np.asarray([x for x, _ in p.arc], dtype=np.float64)
            self.arc_y = np.asarray([y for _, y in p.arc], dtype=np.float64)
            self.arc_xs = [float(x) for x, _ in p.arc]
            self.arc_ys = [float(y) for _, y in p.arc]
            self.arc_slopes = [
                (y1 - y0) / (x1 - x0) if x1 > x0 else 0.0 for (x0, y0), (x1, y1) in zip(p.arc, p.arc[1:], strict=False)
            ]
            # segment k (1 … len−1) of the arc: where it starts and its slope
            self.arc_segments = [(0.0, 0.0, 0.0)] + [
                (self.arc_xs[k - 1], self.arc_ys[k - 1], self.arc_slopes[k - 1]) for k in range(1, len(self.arc_xs))
            ]
        # (duration, half the duration, energy) of each candidate
        self.timing = [(d, 0.5 * d, e) for d, e in zip(self.dur, self.energy, strict=True)]
        self.journey = p.journey
        if p.journey is not None:
            self.dot_a = np.asarray(p.journey.dot_a, dtype=np.float64)
            self.dot_b = np.asarray(p.journey.dot_b, dtype=np.float64)
        self.timed = self.arc_x is not None or self.journey is not None
        # each candidate's arc weight (its duration, 0 when its energy is unknown) and energy
        # (0 when unknown), as :meth:`_arc_moved` reads them one at a time
        self.weight_of = np.where(self.known_np, self.dur_np, 0.0).tolist()
        self.energy_of = self.energy_np.tolist()
        self.memo: dict[tuple[int, ...], Value] = {}

    def rebiased(self, bias: Sequence[float]) -> Evaluator:
        """This evaluator with another per-track bias (everything else shared, nothing copied
        but the per-track fit sums): how a seed's variant values tracks it should avoid."""
        other = copy.copy(self)
        other.bias = [float(b) for b in bias]
        half = 0.5 * self.p.w_fit
        other.dur_fit = [d * (half * f - b) for d, f, b in zip(self.dur, self.fit, other.bias, strict=True)]
        other.memo = {}
        return other

    # --- pieces ---------------------------------------------------------------------------

    def target(self, tau: float) -> float | None:
        """The arc's target at relative time ``tau`` (None without an arc)."""
        if self.arc_x is None or self.p.arc is None:
            return None
        return target_at(self.p.arc, tau)

    def _timed_sums(self, tracks: Sequence[int], start: float, total: float) -> tuple[float, float, float]:
        """Summed arc numerator, arc denominator and journey terms of ``tracks`` played from
        ``start`` seconds in a playlist of ``total`` seconds (plain Python below
        :data:`_NUMPY_FROM` tracks, where numpy's per-call cost dominates)."""
        if len(tracks) >= _NUMPY_FROM or self.journey is not None:
            parts = self._timed(tracks, start, total)
            return float(parts[0].sum()), float(parts[1].sum()), float(parts[2].sum())
        # the plain terms summed left to right: the same additions as the state's sums (an
        # unknown energy's 0.0 terms change no sum)
        nums, dens = self._plain_terms(tracks, start, total)
        return sum(nums, 0.0), sum(dens, 0.0), 0.0

    def _timed(self, tracks: Sequence[int], start: float, total: float) -> tuple[F64, F64, F64]:
        """Per-track arc numerator, arc denominator and journey terms of ``tracks`` played from
        ``start`` seconds in a playlist of ``total`` seconds."""
        idx = np.asarray(tracks, dtype=np.int64)
        d = self.dur_np[idx]
        tau = (start + np.cumsum(d) - 0.5 * d) * (1.0 / total if total > 0 else 0.0)
        zero = np.zeros(idx.size)
        arc_num, arc_den, jour = zero, zero, zero
        if self.arc_x is not None:
            known = self.known_np[idx]
            diff = self.energy_np[idx] - _interp(tau, self.arc_x, self.arc_y)
            arc_num = np.where(known, d * diff * diff, 0.0)
            arc_den = np.where(known, d, 0.0)
        if self.journey is not None:
            j = self.journey
            norm = np.sqrt((1 - tau) ** 2 + tau * tau + 2 * tau * (1 - tau) * j.dot_ab)
            norm = np.where(norm > 0, norm, 1.0)
            cos = ((1 - tau) * self.dot_a[idx] + tau * self.dot_b[idx]) / norm
            jour = d * (1.0 - cos) * 0.5
        return arc_num, arc_den, jour

    def _timed_terms(self, tracks: Sequence[int], start: float, total: float) -> tuple[list[float], ...]:
        """Per-track arc numerator, arc denominator and journey terms (as :meth:`_timed`) of
        ``tracks`` played from ``start`` seconds in a playlist of ``total`` seconds, as lists."""
        if len(tracks) >= _NUMPY_FROM or self.journey is not None:
            return tuple(part.tolist() for part in self._timed(tracks, start, total))
        nums, dens = self._plain_terms(tracks, start, total)
        return nums, dens, [0.0] * len(nums)

    def _plain_terms(self, tracks: Sequence[int], start: float, total: float) -> tuple[list[float], list[float]]:
        """Per-track arc numerator and denominator of ``tracks`` (as :meth:`_timed`, without a
        journey) in plain Python: 0.0 for a track of unknown energy."""
        inv = 1.0 / total if total > 0 else 0.0
        xs, segments, first, final = self.arc_xs, self.arc_segments, self.arc_ys[0], self.arc_ys[-1]
        last = len(xs)
        elapsed = start
        nums: list[float] = []
        dens: list[float] = []
        for d, half, e in map(self.timing.__getitem__, tracks):
            tau = (elapsed + half) * inv
            elapsed += d
            if e == e:
                k = bisect_left(xs, tau)
                if k == 0:
                    t = first
                elif k == last:
                    t = final
                else:
                    x0, y0, slope = segments[k]
                    t = y0 + (tau - x0) * slope
                nums.append(d * (e - t) * (e - t))
                dens.append(d)
            else:
                nums.append(0.0)
                dens.append(0.0)
        return nums, dens

    def _timed_prefix(self, order: Sequence[int], total: float) -> tuple[list[float], list[float], list[float]]:
        """Prefix sums of the arc numerator, denominator and journey terms of ``order``."""
        if len(order) >= _NUMPY_FROM or self.journey is not None:
            parts = self._timed(order, 0.0, total)
            arc, den, jour = ([0.0, *np.cumsum(part).tolist()] for part in parts)
            return arc, den, jour
        nums, dens, jours = self._timed_terms(order, 0.0, total)
        return [0.0, *accumulate(nums)], [0.0, *accumulate(dens)], [0.0, *accumulate(jours)]

    def _objective(
        self, n: int, total: float, flow: float, fit: float, arc_num: float, arc_den: float, jour: float
    ) -> float:
        """The weighted objective from an order's sums."""
        p = self.p
        inv = 1.0 / total if total > 0 else 0.0
        value = p.w_flow * (flow / (n - 1) if n > 1 else 0.0) + 0.5 * p.w_fit - fit * inv
        if self.arc_x is not None and arc_den > 0:
            value += p.w_arc * math.sqrt(max(0.0, arc_num) / arc_den)
        if self.journey is not None:
            value += self.journey.weight * jour * inv
        return value

    def _violation(
        self, total: float, gap: int, over_artist: int, over_album: int, repeats: int, missing: int = 0
    ) -> float:
        low, high = self.p.window
        rules = gap + over_artist + over_album + repeats + missing
        return (max(0.0, low - total) + max(0.0, total - high)) / 60.0 + rules

    # --- full evaluation --------------------------------------------------------------------

    def state(self, order: Order) -> State:
        """The state of ``order`` with all its prefix sums (O(n))."""
        p = self.p
        order = list(order)
        n = len(order)
        dur_pre = [0.0, *accumulate(map(self.dur.__getitem__, order))]
        fit_pre = [0.0, *accumulate(map(self.dur_fit.__getitem__, order))]
        edges = map(list.__getitem__, map(self.cost.__getitem__, order[:-1]), order[1:])
        flow_pre = [0.0, *accumulate(edges)]
        total = dur_pre[-1]
        arc_pre = den_pre = jour_pre = [0.0] * (n + 1)
        if self.timed and n:
            arc_pre, den_pre, jour_pre = self._timed_prefix(order, total)
        masks = list(map(self.masks.__getitem__, order))
        pair_pre = _pair_prefix(masks, p.artist_gap) if p.artist_gap > 0 else []
        gap = sum(prefix[-1] for prefix in pair_pre)
        artists = Counter(chain.from_iterable(map(self.artists.__getitem__, order)))
        albums = Counter(a for a in map(self.albums.__getitem__, order) if a >= 0)
        songs = Counter(map(self.songs.__getitem__, order))
        over_artist = _over(artists, p.max_per_artist)
        over_album = _over(albums, p.max_per_album)
        repeats = n - len(songs)
        missing = len(p.required.difference(order)) if p.required else 0
        if n == 0:
            value: Value = (p.window[0] / 60.0 + missing, 1e9)
        else:
            objective = self._objective(n, total, flow_pre[-1], fit_pre[-1], arc_pre[-1], den_pre[-1], jour_pre[-1])
            value = (self._violation(total, gap, over_artist, over_album, repeats, missing), objective)
        return State(
            order, value, total, dur_pre, fit_pre, flow_pre, arc_pre, den_pre, jour_pre, gap, masks, pair_pre,
            artists, albums, songs, over_artist, over_album, repeats, missing,
        )  # fmt: skip

    def violations(self, order: Order) -> Violations:
        """What ``order`` breaks."""
        s = self.state(order)
        low, high = self.p.window
        return Violations(
            short_s=max(0.0, low - s.total),
            over_s=max(0.0, s.total - high),
            artist_gap=s.gap,
            per_artist=s.over_artist,
            per_album=s.over_album,
            songs=s.repeats,
            missing=s.missing,
        )

    def __call__(self, order: Order) -> Value:
        """(violation, objective) of ``order``, remembered (the search meets many states twice)."""
        key = tuple(order)
        known = self.memo.get(key)
        if known is None:
            if len(self.memo) >= 50_000:
                self.memo.clear()
            known = self.memo[key] = self.state(order).value
        return known

    # --- incremental evaluation -------------------------------------------------------------

    def step(self, s: State, i: int, j: int, window: list[int]) -> State:
        """The state of ``s.order`` with ``order[i:j]`` replaced by ``window``, updated rather
        than rebuilt: prefix sums are kept before the window, recomputed over it and shifted
        after it; the arc and journey terms likewise when the total duration is unchanged (else
        recomputed); the counts change by the tracks that enter and leave.  Equal to
        :meth:`state` of the new order (pinned by a test)."""
        p, o = self.p, s.order
        n, k = len(o), len(window)
        new = o[:i] + window + o[j:]
        size = len(new)
        g = p.artist_gap
        if size <= g + 1 or n <= g + 1 or size < 2:
            return self.state(new)
        shift = k - (j - i)
        dur_pre = _splice(s.dur_pre, i, j, map(self.dur.__getitem__, window))
        fit_pre = _splice(s.fit_pre, i, j, map(self.dur_fit.__getitem__, window))
        a = max(i - 1, 0)
        b = min(i + k, size - 1)
        cost = self.cost
        edges = map(list.__getitem__, map(cost.__getitem__, new[a:b]), new[a + 1 : b + 1])
        flow_pre = _splice(s.flow_pre, a, j - (i + k - b), edges, n - 1)
        total = dur_pre[-1]
        if not self.timed:
            arc_pre = den_pre = jour_pre = s.arc_pre if shift == 0 else [0.0] * (size + 1)
        elif abs(total - s.total) <= _SAME_TOTAL * max(1.0, s.total):
            arc_t, den_t, jour_t = self._timed_terms(window, s.dur_pre[i], total)
            arc_pre = _splice(s.arc_pre, i, j, arc_t)
            den_pre = _splice(s.den_pre, i, j, den_t)
            jour_pre = _splice(s.jour_pre, i, j, jour_t)
        else:
            arc_pre, den_pre, jour_pre = self._timed_prefix(new, total)
        wmasks = list(map(self.masks.__getitem__, window))
        masks = s.masks[:i] + wmasks + s.masks[j:]
        pair_pre = []
        for d, pre in enumerate(s.pair_pre, start=1):
            lo, hi = max(0, i - d), min(i + k, size - d)
            pairs = map(bool, map(and_, masks[lo:hi], masks[lo + d : hi + d]))
            pair_pre.append(_splice(pre, lo, j - (i + k - hi), pairs, n - d))
        gap = sum(prefix[-1] for prefix in pair_pre)
        old_window = o[i:j]
        artists, albums, songs = s.artists, s.albums, s.songs
        over_artist, over_album, repeats, missing = s.over_artist, s.over_album, s.repeats, s.missing
        if shift or set(old_window) != set(window):
            inside, entering = set(old_window), set(window)
            leaving = [x for x in old_window if x not in entering]
            coming = [x for x in window if x not in inside]
            out_a = [a for x in leaving for a in self.artists[x]]
            in_a = [a for x in coming for a in self.artists[x]]
            out_b = [self.albums[x] for x in leaving if self.albums[x] >= 0]
            in_b = [self.albums[x] for x in coming if self.albums[x] >= 0]
            out_s = [self.songs[x] for x in leaving]
            in_s = [self.songs[x] for x in coming]
            if p.max_per_artist is not None:
                over_artist += _cap_change(artists, out_a, in_a, p.max_per_artist)
            if p.max_per_album is not None:
                over_album += _cap_change(albums, out_b, in_b, p.max_per_album)
            repeats += _cap_change(songs, out_s, in_s, 1)
            artists = _recount(artists, out_a, in_a)
            albums = _recount(albums, out_b, in_b)
            songs = _recount(songs, out_s, in_s)
            if p.required:
                missing += len(p.required.intersection(leaving)) - len(p.required.intersection(coming))
        objective = self._objective(size, total, flow_pre[-1], fit_pre[-1], arc_pre[-1], den_pre[-1], jour_pre[-1])
        value = (self._violation(total, gap, over_artist, over_album, repeats, missing), objective)
        return State(
            new, value, total, dur_pre, fit_pre, flow_pre, arc_pre, den_pre, jour_pre, gap, masks, pair_pre,
            artists, albums, songs, over_artist, over_album, repeats, missing,
        )  # fmt: skip

    def delta(self, s: State, i: int, j: int, window: list[int]) -> Value:
        """(violation, objective) of ``s.order`` with ``order[i:j]`` replaced by ``window``."""
        key = (self, i, j, *window)
        known = s.deltas.get(key)
        if known is None:
            known = s.deltas[key] = self._delta(s, i, j, window)
        return known

    def _delta(self, s: State, i: int, j: int, window: list[int]) -> Value:
        """:meth:`delta`, computed."""
        p, o = self.p, s.order
        n = len(o)
        size = n - (j - i) + len(window)
        if size == 0:
            return (p.window[0] / 60.0 + len(p.required), 1e9)
        dur_pre, flow_pre = s.dur_pre, s.flow_pre
        if len(window) == 1:  # the sums below of one term (0.0 + x, as sum() adds)
            u = window[0]
            total = s.total - (dur_pre[j] - dur_pre[i]) + (0.0 + self.dur[u])
            fit = s.fit_pre[-1] - (s.fit_pre[j] - s.fit_pre[i]) + (0.0 + self.dur_fit[u])
        else:
            total = s.total - (dur_pre[j] - dur_pre[i]) + sum(map(self.dur.__getitem__, window))
            fit = s.fit_pre[-1] - (s.fit_pre[j] - s.fit_pre[i]) + sum(map(self.dur_fit.__getitem__, window))
        lo, hi = max(i - 1, 0), min(j, n - 1)
        removed = flow_pre[hi] - flow_pre[lo] if hi > lo else 0.0
        seam = o[i - 1 : i] + window + o[j : j + 1] if i > 0 else window + o[j : j + 1]
        added = sum(map(list.__getitem__, map(self.cost.__getitem__, seam[:-1]), seam[1:]))
        flow = flow_pre[-1] - removed + added
        arc_num = arc_den = jour = 0.0
        if self.timed:
            if abs(total - s.total) <= _SAME_TOTAL * max(1.0, s.total):
                num, den, jo = self._timed_sums(window, s.dur_pre[i], total) if window else (0.0, 0.0, 0.0)
                arc_num = s.arc_pre[-1] - (s.arc_pre[j] - s.arc_pre[i]) + num
                arc_den = s.den_pre[-1] - (s.den_pre[j] - s.den_pre[i]) + den
                jour = s.jour_pre[-1] - (s.jour_pre[j] - s.jour_pre[i]) + jo
            elif self.journey is None and n >= _NUMPY_FROM:
                arc_num, arc_den = self._arc_moved(s, i, j, window, total)
            else:
                arc_num, arc_den, jour = self._timed_sums(o[:i] + window + o[j:], 0.0, total)
        objective = self._objective(size, total, flow, fit, arc_num, arc_den, jour)
        return self._delta_violation(s, i, j, window, total), objective

    def _arc_moved(self, s: State, i: int, j: int, window: list[int], total: float) -> tuple[float, float]:
        """The arc's numerator and denominator after a move that changes the total duration:
        every track's relative time changes, but the old order's midpoints (kept per state)
        only shift after the window."""
        arrays = s.arrays
        if not arrays:
            idx = np.asarray(s.order, dtype=np.int64)
            d = self.dur_np[idx]
            arrays["mid"] = np.asarray(s.dur_pre[:-1]) + 0.5 * d
            arrays["weight"] = np.where(self.known_np[idx], d, 0.0)
            arrays["energy"] = self.energy_np[idx]
        mid, weight, energy = arrays["mid"], arrays["weight"], arrays["energy"]
        shift = total - s.total
        inv = 1.0 / total if total > 0 else 0.0
        if len(window) == 1 and j == i + 1:  # the commonest move (a replace), same arithmetic
            u = window[0]
            d_u = self.dur[u]
            tau = mid + shift
            tau[:i] = mid[:i]
            tau[i] = s.dur_pre[i] + d_u - 0.5 * d_u
            w = weight.copy()
            w[i] = self.weight_of[u]
            e = energy.copy()
            e[i] = self.energy_of[u]
        else:
            win = np.asarray(window, dtype=np.int64)
            d = self.dur_np[win]
            tau = np.concatenate((mid[:i], s.dur_pre[i] + d.cumsum() - 0.5 * d, mid[j:] + shift))
            w = np.concatenate((weight[:i], np.where(self.known_np[win], d, 0.0), weight[j:]))
            e = np.concatenate((energy[:i], self.energy_np[win], energy[j:]))
        tau *= inv
        assert self.arc_x is not None
        diff = _interp(tau, self.arc_x, self.arc_y)
        np.subtract(e, diff, out=diff)
        np.multiply(diff, diff, out=diff)
        return float(np.dot(w, diff)), float(np.add.reduce(w))

    def _window_pairs(self, s: State, i: int, j: int, window: list[int], a: int, b: int) -> int:
        """Gap-breaking pairs in ``order[a:i] + window + order[j:b]``, counted piece by piece:
        runs of the old order from the state's prefixes, the pairs across each seam directly."""
        g, masks, o = self.p.artist_gap, s.masks, s.order
        k = len(window)
        if k <= 2 * g + 4:  # a short window: count the pairs of the new stretch directly
            return _pairs(masks[a:i] + list(map(self.masks.__getitem__, window)) + masks[j:b], g)
        # the window as pieces: (old run start, stop, reversed) or new masks
        pieces: list[tuple[int, int, bool] | list[int]]
        if k != j - i:
            pieces = [list(map(self.masks.__getitem__, window))]
        elif k == j - i and window == o[i:j][::-1]:
            pieces = [(i, j, True)]
        elif k == j - i and window[1:] == o[i : j - 1]:
            pieces = [[self.masks[window[0]]], (i, j - 1, False)]
        elif k == j - i and window[:-1] == o[i + 1 : j]:
            pieces = [(i + 1, j, False), [self.masks[window[-1]]]]
        else:
            pieces = [list(map(self.masks.__getitem__, window))]
        count = _run_pairs(s.pair_pre, a, i)
        tail = masks[max(a, i - g) : i]
        for piece in [*pieces, (j, b, False)]:
            if isinstance(piece, list):
                count += _pairs(piece, g) + _cross(tail, piece, g)
                tail = (tail + piece)[-g:]
                continue
            start, stop, reverse = piece
            if stop <= start:
                continue
            count += _run_pairs(s.pair_pre, start, stop)
            head = masks[max(start, stop - g) : stop][::-1] if reverse else masks[start : start + g]
            count += _cross(tail, head, g)
            last = masks[start : start + g][::-1] if reverse else masks[max(start, stop - g) : stop]
            tail = (tail + last)[-g:]
        return count

    def _replace_violation(self, s: State, i: int, x: int, u: int, total: float) -> float:
        """:meth:`_delta_violation` of the commonest move, ``x`` at position ``i`` replaced by
        ``u`` (not in the order): only the pairs with position ``i`` change, and the counts of
        ``x``'s and ``u``'s artists, album and song."""
        p, masks = self.p, s.masks
        gap = s.gap
        g = p.artist_gap
        if g > 0:
            mx, mu = masks[i], self.masks[u]
            for m in chain(masks[max(0, i - g) : i], masks[i + 1 : i + g + 1]):
                if mu & m:
                    gap += 1
                if mx & m:
                    gap -= 1
        over_artist, over_album = s.over_artist, s.over_album
        if p.max_per_artist is not None:
            over_artist += _cap_change(s.artists, self.artists[x], self.artists[u], p.max_per_artist)
        if p.max_per_album is not None:
            bx, bu = self.albums[x], self.albums[u]
            over_album += _cap_change(s.albums, [bx] if bx >= 0 else [], [bu] if bu >= 0 else [], p.max_per_album)
        repeats = s.repeats
        sx, su = self.songs[x], self.songs[u]
        if sx != su:
            repeats += (1 if s.songs.get(su, 0) >= 1 else 0) - (1 if s.songs[sx] >= 2 else 0)
        missing = s.missing
        if p.required:
            missing += (x in p.required) - (u in p.required)
        return self._violation(total, gap, over_artist, over_album, repeats, missing)

    def _delta_violation(self, s: State, i: int, j: int, window: list[int], total: float) -> float:
        """The violation after the move: the gap near the window, caps and repeats from the
        tracks that enter and leave."""
        p, o = self.p, s.order
        if j - i == 1 and len(window) == 1 and window[0] != o[i]:
            return self._replace_violation(s, i, o[i], window[0], total)
        gap = s.gap
        g = p.artist_gap
        if g > 0:
            a = max(0, i - g)
            b = min(len(o), j + g)
            gap += self._window_pairs(s, i, j, window, a, b) - _run_pairs(s.pair_pre, a, b)
        old_window = o[i:j]
        if len(old_window) == len(window) and set(old_window) == set(window):
            return self._violation(total, gap, s.over_artist, s.over_album, s.repeats, s.missing)
        inside, entering = set(old_window), set(window)
        leaving = [x for x in old_window if x not in entering]
        coming = [x for x in window if x not in inside]
        over_artist, over_album, repeats = s.over_artist, s.over_album, s.repeats
        if p.max_per_artist is not None:
            out = [a for x in leaving for a in self.artists[x]]
            over_artist += _cap_change(s.artists, out, [a for x in coming for a in self.artists[x]], p.max_per_artist)
        if p.max_per_album is not None:
            albums = self.albums
            out = [albums[x] for x in leaving if albums[x] >= 0]
            over_album += _cap_change(s.albums, out, [albums[x] for x in coming if albums[x] >= 0], p.max_per_album)
        songs = self.songs
        repeats += _cap_change(s.songs, [songs[x] for x in leaving], [songs[x] for x in coming], 1)
        missing = s.missing
        if p.required:  # a track is in an order at most once
            missing += sum(1 for x in set(leaving) if x in p.required) - sum(1 for x in set(coming) if x in p.required)
        return self._violation(total, gap, over_artist, over_album, repeats, missing)


def _cap_change(counts: Counter[int], leaving: Sequence[int], coming: Sequence[int], cap: int) -> int:
    """How many more items are over ``cap`` in ``counts`` once the ``leaving`` items are
    taken out and the ``coming`` ones put in."""
    if len(leaving) == 1 and len(coming) == 1:  # one item for another (a replace)
        out_key, in_key = leaving[0], coming[0]
        if out_key == in_key:
            return 0
        return (1 if counts.get(in_key, 0) >= cap else 0) - (1 if counts.get(out_key, 0) > cap else 0)
    change: dict[int, int] = {}
    for key in leaving:
        change[key] = change.get(key, 0) - 1
    for key in coming:
        change[key] = change.get(key, 0) + 1
    out = 0
    for key, step in change.items():
        if step:
            before = counts.get(key, 0)
            out += max(0, before + step - cap) - max(0, before - cap)
    return out


def _splice(pre: list[float] | list[int], a: int, j: int, values: Iterable[Any], last: int | None = None) -> list[Any]:
    """A prefix-sum list with the terms from index ``a`` on replaced by ``values`` up to where
    the old list's index ``j`` resumes: ``pre[:a+1]``, then the running sum over ``values``,
    then ``pre[j+1 : last+1]`` shifted so that it continues from there (``last``: the old
    list's final index, default its end)."""
    head = pre[: a + 1]
    mid = list(accumulate(values, initial=head[-1]))
    out: list[Any] = head + mid[1:]
    tail = pre[j + 1 :] if last is None else pre[j + 1 : last + 1]
    if tail:
        offset = mid[-1] - pre[j]
        out.extend(tail if offset == 0 else [x + offset for x in tail])
    return out


def _recount(counts: Counter[int], leaving: Sequence[int], coming: Sequence[int]) -> Counter[int]:
    """A copy of ``counts`` with ``leaving`` taken out (keys that reach 0 removed) and
    ``coming`` put in; ``counts`` itself when nothing changes."""
    if not leaving and not coming:
        return counts
    out = counts.copy()
    for key in leaving:
        if out[key] <= 1:
            del out[key]
        else:
            out[key] -= 1
    for key in coming:
        out[key] += 1
    return out


def violations(problem: WalkProblem, order: Sequence[int]) -> Violations:
    """What ``order`` breaks (for checks and error messages)."""
    return Evaluator(problem).violations(list(order))
