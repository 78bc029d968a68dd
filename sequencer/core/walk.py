"""The walk: choose *and* order tracks for a playlist, minimising the real objective.

The problem (:class:`WalkProblem`) is stated on candidate indices ``0 … m−1`` with plain lists
(durations, energies, fits, artist/album/song ids, the transition-cost matrix, graph
neighbours), so this module knows nothing of Track objects or networkx.

Objective (lower is better), exactly :mod:`sequencer.core.scoring`'s::

    w_flow · flow_cost + w_arc · arc_error + w_fit · (1 − mood_fit) / 2  [+ w_journey · journey]

where *journey* (only for a journey from A to B) is the duration-weighted mean of
(1 − cosine(track's moods, the moods interpolated from A to B at the track's midpoint)) / 2.

Hard constraints are measured as a *violation*: minutes outside the duration window, plus one
per pair of tracks sharing an artist closer than the artist gap, per track over an artist or
album cap, per repeated song.  States are compared lexicographically: less violation first,
then lower objective, so the search first becomes valid and then good, and a valid state is
never traded for an invalid one.

Search
------
1. Construction: :data:`CHAINS` greedy chains built side by side with numpy, each from a
   different first track (the best-placed ones and random others; all from the fixed start
   when there is one): each repeatedly appends the unused candidate with the best step score
   (transition from the last track + distance to the arc's or journey's target + fit), skipping
   rule breakers, until the duration reaches the window; then the fixed end.
2. Scouts: :data:`SCOUTS` of the best chains that share at most half their tracks with each
   other (different regions of the library; a journey also tries the graph's path of small
   steps from A to B) each get a short annealing run and a descent; the best ``restarts`` of
   them go on.
3. Annealing on selection and order together, a fixed number of random moves: move a
   segment of 1–3 tracks (or-opt), reverse a stretch (2-opt), swap two tracks, replace a track
   by an unused candidate (in place or where it joins best; proposed from the graph neighbours
   of its neighbours or from tracks near the arc's target energy, preferring durations that keep
   the window), insert or remove a track (optionally together with a replacement, so the number
   of tracks can change inside the window).  Acceptance is simulated annealing with a cooling
   schedule (plus the profile's temperature as extra heat); the best state seen is what counts.
4. Descent: every unused graph neighbour of every position is tried systematically, then
   polish (2-opt and or-opt passes), the flow-optimal order of the chosen tracks
   (:func:`sequencer.core.optimise.solve_path`, polished on the full objective when an arc or
   journey depends on the order), and a last descent that also collects near-best alternatives.

Variety: at temperature 0 the search above runs on a fixed seed, so every seed reaches the
same best playlist and the same near-best alternatives (the best playlists lacking one of its
tracks, and others met on the way); the seed then picks (:func:`_pick`) one of the distinct
valid playlists whose objective is within :data:`SEED_TOLERANCE` of the best and whose flow
cost is within :data:`SEED_FLOW_TOLERANCE` of the best's — seed ``k`` the ``k mod count``-th,
so consecutive seeds give different playlists as long as that many exist, and none is much
worse than the best.  A small library may have only one or two such playlists: then seeds
repeat rather than get worse.  A temperature > 0 seeds the search itself, adds a small seeded per-track
cost (:func:`_variety_bias`) and widens both tolerances: more adventurous, more varied.

Determinism: all randomness comes from the ``random.Random`` passed in; work is counted in
moves, never timed.

Public: :class:`WalkProblem`, :class:`WalkResult`, :class:`Violations`, :func:`walk`,
:func:`violations`, :func:`default_iterations`.
"""

from __future__ import annotations

import bisect
import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import and_

import numpy as np
import numpy.typing as npt

from sequencer.core.arcs import target_at
from sequencer.core.optimise import solve_path

Order = list[int]
F64 = npt.NDArray[np.float64]
Value = tuple[float, float]
Progress = Callable[[int, int], None]

_LUT_STEPS = 1024
#: Annealing heat at the start, as a share of the first valid objective, and the share of that
#: left at the end.
ANNEAL_START = 0.03
#: Widest move (in positions) and most states evaluated by one polish.
POLISH_WINDOW = 16
POLISH_BUDGET = 8_000
#: Greedy chains built at once; the best ``restarts`` of them start the local search.
CHAINS = 128
#: Candidates tried per neighbouring track, and most states evaluated, by one descent.
DESCENT_WIDTH = 12
DESCENT_BUDGET = 1_200
SCOUT_DESCENT_BUDGET = 300
#: States evaluated by the quick polish of an alternative.
QUICK_POLISH = 150
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
#: Near-best alternatives kept at most; the fixed seed of the search at temperature 0.
POOL_SIZE = 2_000
SEARCH_SEED = 0x5EED
#: Diverse chains that get a short search each; the best ``restarts`` of them get a full one.
SCOUTS = 3
#: Seeded per-track bias (see :func:`_variety_bias`), relative to typical transition costs.
VARIETY = 0.1
ANNEAL_END = 0.001
_UNKNOWN_ENERGY_COST = 0.25
#: States whose value the evaluator remembers (then it starts afresh).
_MEMO_SIZE = 50_000


@dataclass(frozen=True)
class JourneyTarget:
    """Where a journey goes in mood space: each candidate's cosine with A's and B's moods."""

    dot_a: Sequence[float]
    dot_b: Sequence[float]
    dot_ab: float
    weight: float


@dataclass(frozen=True)
class WalkProblem:
    """Everything the walk needs, on candidate indices (see the module docstring)."""

    durations: Sequence[float]
    energies: Sequence[float]
    """NaN = unknown."""
    fits: Sequence[float]
    cost: npt.NDArray[np.float64]
    artists: Sequence[tuple[int, ...]]
    albums: Sequence[int]
    """-1 = no album (never capped)."""
    songs: Sequence[int]
    window: tuple[float, float]
    target_s: float
    start: int | None = None
    end: int | None = None
    artist_gap: int = 3
    max_per_artist: int | None = None
    max_per_album: int | None = None
    w_flow: float = 1.0
    w_arc: float = 1.0
    w_fit: float = 0.5
    arc: tuple[tuple[float, float], ...] | None = None
    journey: JourneyTarget | None = None
    neighbours: Sequence[Sequence[int]] = field(default_factory=list)
    temperature: float = 0.0
    backbone: Sequence[int] | None = None
    """A journey's path of small steps, tried as a start."""
    required: frozenset[int] = frozenset()
    """Candidates every playlist must contain (a profile's ``must_include``)."""

    @property
    def size(self) -> int:
        """Number of candidates."""
        return len(self.durations)

    def order_only_flow(self) -> bool:
        """Whether reordering changes only the flow cost (no arc effect, no journey)."""
        if self.journey is not None:
            return False
        if self.arc is None or self.w_arc == 0:
            return True
        return len({v for _, v in self.arc}) == 1


@dataclass(frozen=True)
class Violations:
    """How a state breaks the hard constraints (all zero = valid)."""

    short_s: float = 0.0
    over_s: float = 0.0
    artist_gap: int = 0
    per_artist: int = 0
    per_album: int = 0
    songs: int = 0
    missing: int = 0
    """Required (must-include) tracks not in the playlist."""

    @property
    def total(self) -> float:
        """One number: minutes outside the window plus one per broken rule."""
        return (
            (self.short_s + self.over_s) / 60.0
            + self.artist_gap
            + self.per_artist
            + self.per_album
            + self.songs
            + self.missing
        )


@dataclass(frozen=True)
class WalkResult:
    """The best order found, its objective and what (if anything) it still breaks."""

    order: Order
    objective: float
    violations: Violations
    duration_s: float


def default_iterations(problem: WalkProblem) -> int:
    """Random moves per restart: more for longer playlists, bounded total work."""
    slots = max(1.0, problem.target_s / max(1.0, float(np.median(problem.durations))))
    return int(min(3000, max(600, 60 * slots)))


class _Evaluator:
    """Computes (violation, objective) of an order in O(n); the walk's inner loop."""

    def __init__(self, p: WalkProblem, bias: Sequence[float] | None = None) -> None:
        self.p = p
        self.dur = list(p.durations)
        self.energy = [float(e) for e in p.energies]
        self.fit = list(p.fits)
        # the fit part and the seeded per-track bias (variety) in one duration-weighted sum:
        # w_fit·(1 − fit)/2 + bias  ==  w_fit/2 − (w_fit/2·fit − bias)
        self.bias = list(bias) if bias is not None else [0.0] * len(self.dur)
        self.dur_fit = [d * (0.5 * p.w_fit * f - b) for d, f, b in zip(self.dur, self.fit, self.bias, strict=True)]
        self.cost = p.cost.tolist()
        self.artists = list(p.artists)
        self.masks = [sum(1 << a for a in set(arts)) for arts in p.artists]
        self.albums = list(p.albums)
        self.songs = list(p.songs)
        self.lut: list[float] | None = None
        if p.arc is not None and p.w_arc > 0:
            self.lut = [target_at(p.arc, k / _LUT_STEPS) for k in range(_LUT_STEPS + 1)]
        self.journey = p.journey
        self.memo: dict[tuple[int, ...], Value] = {}

    def target(self, tau: float) -> float | None:
        """The arc's target at relative time ``tau`` (None without an arc)."""
        if self.lut is None:
            return None
        return self.lut[min(_LUT_STEPS, max(0, int(tau * _LUT_STEPS + 0.5)))]

    def objective(self, order: Order, total: float) -> float:
        """The weighted objective of a non-empty order."""
        p = self.p
        n = len(order)
        flow = 0.0
        if n > 1:
            rows = map(self.cost.__getitem__, order[:-1])
            flow = sum(map(list.__getitem__, rows, order[1:])) / (n - 1)
        inv = 1.0 / total if total > 0 else 0.0
        fit_sum = sum(map(self.dur_fit.__getitem__, order))
        value = p.w_flow * flow + 0.5 * p.w_fit - fit_sum * inv
        lut, journey = self.lut, self.journey
        if lut is None and journey is None:
            return value
        dur, energy = self.dur, self.energy
        elapsed = arc_num = arc_den = jour = 0.0
        scale = inv * _LUT_STEPS
        for i in order:
            d = dur[i]
            mid = elapsed + 0.5 * d
            elapsed += d
            if lut is not None:
                e = energy[i]
                if e == e:
                    t = lut[int(mid * scale + 0.5)]
                    arc_num += d * (e - t) * (e - t)
                    arc_den += d
            if journey is not None:
                tau = mid * inv
                norm = math.sqrt((1 - tau) ** 2 + tau * tau + 2 * tau * (1 - tau) * journey.dot_ab) or 1.0
                cos = ((1 - tau) * journey.dot_a[i] + tau * journey.dot_b[i]) / norm
                jour += d * (1.0 - cos) * 0.5
        if arc_den > 0:
            value += p.w_arc * math.sqrt(arc_num / arc_den)
        if journey is not None:
            value += journey.weight * jour * inv
        return value

    def violations(self, order: Order, total: float) -> Violations:
        """What ``order`` breaks (fast path: artist sets as bit masks, caps only when set)."""
        p = self.p
        low, high = p.window
        masks = [self.masks[i] for i in order]
        gap_breaks = 0
        for d in range(1, min(p.artist_gap, len(masks) - 1) + 1):
            pairs = list(map(and_, masks, masks[d:]))
            gap_breaks += len(pairs) - pairs.count(0)
        over_artist = over_album = 0
        cap = p.max_per_artist
        if cap is not None and len(order) > cap:
            counts = Counter(chain.from_iterable(map(self.artists.__getitem__, order)))
            if max(counts.values()) > cap:
                over_artist = sum(c - cap for c in counts.values() if c > cap)
        cap = p.max_per_album
        if cap is not None and len(order) > cap:
            albums = Counter(map(self.albums.__getitem__, order))
            albums.pop(-1, None)
            if albums and max(albums.values()) > cap:
                over_album = sum(c - cap for c in albums.values() if c > cap)
        songs = len(order) - len({self.songs[i] for i in order})
        missing = len(p.required.difference(order)) if p.required else 0
        return Violations(
            short_s=max(0.0, low - total),
            over_s=max(0.0, total - high),
            artist_gap=gap_breaks,
            per_artist=over_artist,
            per_album=over_album,
            songs=songs,
            missing=missing,
        )

    def __call__(self, order: Order) -> Value:
        """(violation, objective) of ``order``, remembered (the search meets many states twice)."""
        if not order:
            return (self.p.window[0] / 60.0, 1e9)
        key = tuple(order)
        known = self.memo.get(key)
        if known is not None:
            return known
        if len(self.memo) >= _MEMO_SIZE:
            self.memo.clear()
        total = sum(map(self.dur.__getitem__, order))
        value = (self.violations(order, total).total, self.objective(order, total))
        self.memo[key] = value
        return value


def _variety_bias(p: WalkProblem, rng: random.Random) -> list[float]:
    """A small seeded cost per candidate, so that another seed prefers other near-equal tracks.

    Uniform in [0, scale) with scale = (:data:`VARIETY` + temperature) × the median cost of a
    candidate's cheapest transitions: large enough to tip ties between near-equivalent
    playlists, small against real differences in flow.
    """
    if p.size < 2:
        return [0.0] * p.size
    k = min(5, p.size - 1)
    masked = p.cost + np.diag(np.full(p.size, np.inf))
    if p.temperature <= 0:
        return [0.0] * p.size
    scale = (VARIETY + p.temperature) * float(np.median(np.partition(masked, k - 1, axis=1)[:, :k]))
    return [scale * rng.random() for _ in range(p.size)]


def _better(a: Value, b: Value) -> bool:
    """Whether ``a`` beats ``b``: less violation, or as little and a lower objective."""
    if a[0] < b[0] - 1e-9:
        return True
    return abs(a[0] - b[0]) <= 1e-9 and a[1] < b[1] - 1e-12


class _Search:
    """One walk: construction, random-move local search and polish, sharing the evaluator."""

    def __init__(self, p: WalkProblem, rng: random.Random) -> None:
        self.p = p
        self.rng = rng
        self.ev = _Evaluator(p, _variety_bias(p, rng))
        self.fixed = {i for i in (p.start, p.end) if i is not None}
        self.free = [i for i in range(p.size) if i not in self.fixed]
        self.by_energy = sorted((e, i) for i, e in enumerate(self.ev.energy) if e == e and i not in self.fixed)
        self.energy_keys = [e for e, _ in self.by_energy]
        self.typical = float(np.median(p.durations)) if p.size else 240.0

    # --- construction -------------------------------------------------------------------

    def construct(self) -> Order:
        """A first valid-as-possible playlist following the arc (see the module docstring)."""
        p, ev = self.p, self.ev
        order: Order = [] if p.start is None else [p.start]
        reserve = 0.0 if p.end is None else ev.dur[p.end]
        elapsed = sum(ev.dur[i] for i in order)
        low, high = p.window
        used = set(self.fixed)
        songs = {ev.songs[i] for i in self.fixed}
        artist_count: dict[int, int] = {}
        album_count: dict[int, int] = {}
        for i in self.fixed:
            for a in ev.artists[i]:
                artist_count[a] = artist_count.get(a, 0) + 1
            if ev.albums[i] >= 0:
                album_count[ev.albums[i]] = album_count.get(ev.albums[i], 0) + 1
        choices = 2 + round(6 * p.temperature)
        while elapsed + reserve < low or elapsed + reserve < p.target_s - self.typical / 2:
            recent = {a for i in order[-p.artist_gap :] for a in ev.artists[i]} if p.artist_gap else set()
            tau = (elapsed + self.typical / 2) / max(1.0, p.target_s)
            ranked = []
            for i in self.free:
                if i in used or ev.songs[i] in songs or elapsed + reserve + ev.dur[i] > high:
                    continue
                arts = ev.artists[i]
                if any(a in recent for a in arts):
                    continue
                if p.max_per_artist is not None and any(artist_count.get(a, 0) >= p.max_per_artist for a in arts):
                    continue
                album = ev.albums[i]
                if p.max_per_album is not None and album >= 0 and album_count.get(album, 0) >= p.max_per_album:
                    continue
                ranked.append((self._step_score(order, i, tau), i))
            if not ranked:
                break
            ranked.sort()
            pick = ranked[min(len(ranked) - 1, int(self.rng.random() ** 2 * choices))][1]
            order.append(pick)
            used.add(pick)
            songs.add(ev.songs[pick])
            elapsed += ev.dur[pick]
            for a in ev.artists[pick]:
                artist_count[a] = artist_count.get(a, 0) + 1
            if ev.albums[pick] >= 0:
                album_count[ev.albums[pick]] = album_count.get(ev.albums[pick], 0) + 1
        if p.end is not None:
            order.append(p.end)
        return order

    def construct_batch(self, chains: int) -> list[Order]:
        """Many greedy chains at once (numpy), each from a different first track.

        Every chain repeatedly appends the unused candidate with the best step score
        (transition from the last track, distance to the arc's target, journey target, fit),
        skipping tracks that would break a rule (song repeat, artist within the gap — primary
        artists only —, caps, the window's upper bound), until the duration reaches the window.
        With a fixed start all chains begin there and differ by a little seeded noise.
        Returns the chains, each ending with the fixed end if any.
        """
        p, ev = self.p, self.ev
        m = p.size
        free = np.asarray(self.free, dtype=np.int64)
        if free.size == 0:
            return [self.construct()]
        gen = np.random.default_rng(self.rng.randrange(2**32))
        cost = p.cost
        dur = np.asarray(ev.dur, dtype=np.float64)
        energy = np.asarray(ev.energy, dtype=np.float64)
        static = p.w_fit * (1.0 - np.asarray(ev.fit, dtype=np.float64)) * 0.5 + np.asarray(ev.bias)
        primary = np.asarray([a[0] if a else -1 - i for i, a in enumerate(ev.artists)], dtype=np.int64)
        songs = np.asarray(ev.songs, dtype=np.int64)
        albums = np.asarray(ev.albums, dtype=np.int64)
        reserve = 0.0 if p.end is None else ev.dur[p.end]
        low, high = p.window
        goal = max(low, p.target_s - self.typical / 2)
        if p.start is not None:
            firsts = np.full(chains, p.start, dtype=np.int64)
        else:
            tau0 = min(1.0, self.typical / 2 / max(1.0, p.target_s))
            first_score = static[free] + self._target_cost(tau0, free)
            ranked = free[np.argsort(first_score, kind="stable")]
            top = ranked[: max(1, chains // 2)]
            rest = gen.choice(ranked, size=min(ranked.size, chains - top.size), replace=False)
            firsts = np.concatenate((top, rest))
        b = firsts.size
        rows = np.arange(b)
        used = np.zeros((b, m), dtype=bool)
        used[:, list(self.fixed)] = True
        used[rows, firsts] = True
        song_used = np.zeros((b, int(songs.max()) + 1), dtype=bool)
        for i in self.fixed:
            song_used[:, songs[i]] = True
        song_used[rows, songs[firsts]] = True
        n_art = int(primary.max()) + 1 if (primary >= 0).any() else 1
        art_count = np.zeros((b, max(1, n_art)), dtype=np.int64)
        alb_count = np.zeros((b, int(albums.max()) + 1 if albums.size and albums.max() >= 0 else 1), dtype=np.int64)
        chains_list: list[list[int]] = [[int(f)] for f in firsts]
        for k, f in enumerate(firsts.tolist()):
            for i in [f] + ([p.end] if p.end is not None else []):
                if primary[i] >= 0:
                    art_count[k, primary[i]] += 1
                if albums[i] >= 0:
                    alb_count[k, albums[i]] += 1
        elapsed = dur[firsts].copy()
        active = elapsed + reserve < goal
        noise = 1e-3 + 0.02 * p.temperature
        recent: list[npt.NDArray[np.int64]] = [primary[firsts]]
        while active.any():
            last = np.asarray([c[-1] for c in chains_list], dtype=np.int64)
            tau = np.minimum(1.0, (elapsed + self.typical / 2) / max(1.0, p.target_s))
            score = p.w_flow * cost[last] + static[None, :]
            score = score + self._target_cost_batch(energy, tau)
            score += noise * gen.random(score.shape)
            bad = used | song_used[:, songs] | (elapsed[:, None] + reserve + dur[None, :] > high)
            for prev in recent[-p.artist_gap :] if p.artist_gap else []:
                bad |= primary[None, :] == prev[:, None]
            if p.max_per_artist is not None:
                bad |= (primary[None, :] >= 0) & (art_count[:, np.maximum(primary, 0)] >= p.max_per_artist)
            if p.max_per_album is not None:
                bad |= (albums[None, :] >= 0) & (alb_count[:, np.maximum(albums, 0)] >= p.max_per_album)
            score[bad] = np.inf
            pick = np.argmin(score, axis=1)
            ok = active & np.isfinite(score[rows, pick])
            if not ok.any():
                break
            for k in np.flatnonzero(ok).tolist():
                i = int(pick[k])
                chains_list[k].append(i)
                used[k, i] = True
                song_used[k, songs[i]] = True
                if primary[i] >= 0:
                    art_count[k, primary[i]] += 1
                if albums[i] >= 0:
                    alb_count[k, albums[i]] += 1
                elapsed[k] += dur[i]
            recent.append(np.where(ok, primary[pick], -(10**9)))
            active = ok & (elapsed + reserve < goal)
        if p.end is not None:
            for c in chains_list:
                c.append(p.end)
        return chains_list

    def _target_cost(self, tau: float, idx: npt.NDArray[np.int64]) -> F64:
        """Arc and journey part of the step score for candidates ``idx`` at one ``tau``."""
        row: F64 = self._target_cost_batch(np.asarray(self.ev.energy), np.asarray([tau]))[0, idx]
        return row

    def _target_cost_batch(self, energy: F64, tau: F64) -> F64:
        """Arc and journey part of the step score: one row per chain (its ``tau``)."""
        p, ev = self.p, self.ev
        out = np.zeros((tau.size, energy.size), dtype=np.float64)
        if ev.lut is not None:
            lut = np.asarray(ev.lut)
            target = lut[np.minimum(_LUT_STEPS, (tau * _LUT_STEPS + 0.5).astype(np.int64))]
            gap = np.abs(energy[None, :] - target[:, None])
            out += p.w_arc * np.where(np.isnan(gap), _UNKNOWN_ENERGY_COST, gap)
        if p.journey is not None:
            j = p.journey
            t = tau[:, None]
            norm = np.sqrt((1 - t) ** 2 + t * t + 2 * t * (1 - t) * j.dot_ab)
            norm = np.where(norm > 0, norm, 1.0)
            cos = ((1 - t) * np.asarray(j.dot_a)[None, :] + t * np.asarray(j.dot_b)[None, :]) / norm
            out += j.weight * (1.0 - cos) * 0.5
        return out

    def _step_score(self, order: Order, i: int, tau: float) -> float:
        """How good ``i`` looks as the next track at relative time ``tau`` (lower = better)."""
        p, ev = self.p, self.ev
        score = p.w_fit * (1.0 - ev.fit[i]) * 0.5 + ev.bias[i]
        if order:
            score += p.w_flow * ev.cost[order[-1]][i]
        target = ev.target(min(1.0, tau))
        if target is not None:
            e = ev.energy[i]
            score += p.w_arc * (abs(e - target) if e == e else _UNKNOWN_ENERGY_COST)
        if p.journey is not None:
            j = p.journey
            t = min(1.0, tau)
            norm = math.sqrt((1 - t) ** 2 + t * t + 2 * t * (1 - t) * j.dot_ab) or 1.0
            score += j.weight * (1.0 - ((1 - t) * j.dot_a[i] + t * j.dot_b[i]) / norm) * 0.5
        return score

    def from_backbone(self, backbone: Sequence[int]) -> Order:
        """A start made of a journey's graph path (the search then fixes its duration)."""
        middle = [i for i in backbone if i not in self.fixed]
        order: Order = [] if self.p.start is None else [self.p.start]
        order.extend(middle)
        if self.p.end is not None:
            order.append(self.p.end)
        return order

    # --- moves ----------------------------------------------------------------------------

    def _bounds(self, order: Order) -> tuple[int, int]:
        """Positions that may change: [lo, hi)."""
        lo = 1 if self.p.start is not None else 0
        hi = len(order) - (1 if self.p.end is not None else 0)
        return lo, hi

    def _span(self, order: Order, pos: int | None) -> tuple[float, float] | None:
        """The durations a track replacing ``order[pos]`` (None: added) may have so that the
        playlist stays in the duration window (None when it is not in the window now)."""
        dur = self.ev.dur
        low, high = self.p.window
        total = sum(map(dur.__getitem__, order))
        if pos is None:
            return (low - total, high - total)
        if not low <= total <= high:
            return None
        base = total - dur[order[pos]]
        return (low - base, high - base)

    def _propose_track(
        self, order: Order, pos: int, in_use: set[int], span: tuple[float, float] | None = None
    ) -> int | None:
        """An unused candidate that could sit at ``pos``: a graph neighbour, an arc match or any;
        with ``span``, only one whose duration lies in it (a move that stays in the window)."""
        rng, p, dur = self.rng, self.p, self.ev.dur

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
        if roll < 0.8 and self.ev.lut is not None and self.by_energy:
            total = sum(self.ev.dur[i] for i in order) or p.target_s
            elapsed = sum(self.ev.dur[i] for i in order[:pos])
            target = self.ev.target(min(1.0, (elapsed + self.typical / 2) / total))
            assert target is not None
            k = bisect.bisect_left(self.energy_keys, target)
            lo, hi = max(0, k - width // 2 - 1), min(len(self.by_energy), k + width // 2 + 1)
            options = [i for _, i in self.by_energy[lo:hi] if ok(i)]
            if options:
                return rng.choice(options)
        tries = 4 if span is None else 16
        options = [i for i in (rng.choice(self.free) for _ in range(tries)) if ok(i)] if self.free else []
        return options[0] if options else None

    def propose(self, order: Order) -> Order | None:
        """One random move of the local search (None when it does not apply)."""
        rng = self.rng
        lo, hi = self._bounds(order)
        n_free = hi - lo
        roll = rng.random()
        if roll < 0.22 and n_free >= 2:  # or-opt: move a segment
            length = rng.randint(1, min(3, n_free - 1))
            i = rng.randrange(lo, hi - length + 1)
            segment = order[i : i + length]
            rest = order[:i] + order[i + length :]
            j = rng.randrange(lo, hi - length + 1)
            if j == i:
                return None
            if rng.random() < 0.3:
                segment.reverse()
            return rest[:j] + segment + rest[j:]
        if roll < 0.36 and n_free >= 2:  # 2-opt: reverse a stretch
            i, j = sorted(rng.sample(range(lo, hi), 2))
            return order[:i] + order[i : j + 1][::-1] + order[j + 1 :]
        if roll < 0.48 and n_free >= 2:  # swap two tracks
            i, j = rng.sample(range(lo, hi), 2)
            new = order[:]
            new[i], new[j] = new[j], new[i]
            return new
        in_use = set(order)
        if roll < 0.82 and n_free >= 1:  # replace a track by an unused one
            pos = rng.randrange(lo, hi)
            u = self._propose_track(order, pos, in_use, self._span(order, pos) if rng.random() < 0.7 else None)
            if u is None:
                return None
            if rng.random() < 0.5:  # ... where it joins best, not necessarily in the same place
                rest = order[:pos] + order[pos + 1 :]
                where = self._cheapest_insertion(rest, u, (lo, hi - 1))
                return [*rest[:where], u, *rest[where:]]
            new = order[:]
            new[pos] = u
            return new
        if roll < 0.91:  # insert an unused track (half the time also replacing another)
            pos = rng.randrange(lo, hi + 1)
            u = self._propose_track(order, pos, in_use)
            if u is None:
                return None
            new = [*order[:pos], u, *order[pos:]]
            return self._and_replace(new, (lo, hi + 1), in_use | {u}, skip=pos) if rng.random() < 0.5 else new
        if n_free >= 1:  # remove a track (half the time also replacing another)
            pos = rng.randrange(lo, hi)
            new = order[:pos] + order[pos + 1 :]
            if rng.random() < 0.5 and n_free >= 2:
                return self._and_replace(new, (lo, hi - 1), in_use, skip=None)
            return new
        return None

    def _cheapest_insertion(self, order: Order, u: int, bounds: tuple[int, int]) -> int:
        """The position in ``[lo, hi]`` where inserting ``u`` adds the least transition cost."""
        cost = self.ev.cost
        best_pos, best = bounds[0], math.inf
        for k in range(bounds[0], bounds[1] + 1):
            added = (cost[order[k - 1]][u] if k > 0 else 0.0) + (cost[u][order[k]] if k < len(order) else 0.0)
            if 0 < k < len(order):
                added -= cost[order[k - 1]][order[k]]
            if added < best:
                best_pos, best = k, added
        return best_pos

    def _and_replace(self, order: Order, bounds: tuple[int, int], in_use: set[int], skip: int | None) -> Order | None:
        """``order`` with one more track (not at ``skip``) replaced by an unused candidate: with
        an insert or a remove, a move that changes the number of tracks while the duration
        stays in the window (e.g. two short tracks become one long one)."""
        lo, hi = bounds
        positions = [k for k in range(lo, hi) if k != skip]
        if not positions:
            return None
        pos = self.rng.choice(positions)
        u = self._propose_track(order, pos, in_use, self._span(order, pos))
        if u is None:
            return None
        new = order[:]
        new[pos] = u
        return new

    # --- search ---------------------------------------------------------------------------

    def improve(self, order: Order, iterations: int, tick: Callable[[int], None]) -> tuple[Order, Value]:
        """Simulated annealing over the random moves; returns the best state seen.

        The heat starts at :data:`ANNEAL_START` of the first valid objective and cools
        geometrically to almost nothing, so early moves may climb out of a poor selection and
        late ones only descend.  The profile's temperature adds a floor of extra heat (more
        adventurous, more varied playlists).  Violation is never traded: a move that adds
        violation is refused, one that removes it is always taken.
        """
        ev, rng = self.ev, self.rng
        current, cur_val = order, ev(order)
        best, best_val = current, cur_val
        floor = 0.02 * self.p.temperature
        start_heat: float | None = None
        cooling = ANNEAL_END ** (1.0 / max(1, iterations))
        factor = 1.0
        for it in range(iterations):
            if it % 250 == 0:
                tick(it)
            factor *= cooling
            new = self.propose(current)
            if new is None:
                continue
            val = ev(new)
            accept = _better(val, cur_val)
            if not accept and abs(val[0] - cur_val[0]) <= 1e-9:
                if start_heat is None and cur_val[0] <= 1e-9:
                    start_heat = ANNEAL_START * cur_val[1]
                heat = floor + (start_heat or 0.0) * factor
                if heat > 0:
                    accept = rng.random() < math.exp(-(val[1] - cur_val[1]) / heat)
            if accept:
                current, cur_val = new, val
                if _better(val, best_val):
                    best, best_val = new, val
        return best, best_val

    def descend(
        self,
        order: Order,
        value: Value,
        budget: int = DESCENT_BUDGET,
        pool: dict[frozenset[int], tuple[Order, Value]] | None = None,
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
        p, ev = self.p, self.ev
        if not p.neighbours:
            return order, value
        improved = True
        while improved and budget > 0:
            improved = False
            lo, hi = self._bounds(order)
            positions = list(range(lo, hi))
            self.rng.shuffle(positions)
            for pos in positions:
                if budget <= 0 or pos >= self._bounds(order)[1]:
                    break
                in_use = set(order)
                span = self._span(order, pos)
                seen: set[int] = set()
                for k in (pos - 1, pos, pos + 1):
                    if not 0 <= k < len(order):
                        continue
                    for u in p.neighbours[order[k]][:DESCENT_WIDTH]:
                        if u in in_use or u in seen or u in banned:
                            continue
                        if span is not None and not span[0] <= ev.dur[u] <= span[1]:
                            continue
                        seen.add(u)
                        rest = order[:pos] + order[pos + 1 :]
                        where = self._cheapest_insertion(rest, u, (lo, hi - 1))
                        trials = [[*order[:pos], u, *order[pos + 1 :]]]
                        if where != pos:
                            trials.append([*rest[:where], u, *rest[where:]])
                        for new in trials:
                            val = ev(new)
                            budget -= 1
                            if pool is not None and val[0] <= value[0] + 1e-9 and len(pool) < POOL_SIZE:
                                key = frozenset(new)
                                if key not in pool or val[1] < pool[key][1][1]:
                                    pool[key] = (new, val)
                            if _better(val, value):
                                order, value, improved = new, val, True
                                break
                        if improved:
                            break
                    if improved:
                        break
                if improved:
                    break
        return order, value

    def polish(
        self, order: Order, value: Value, max_passes: int = 6, budget: int = POLISH_BUDGET
    ) -> tuple[Order, Value]:
        """2-opt and or-opt passes (first improvement) until none helps.

        Moves span at most :data:`POLISH_WINDOW` positions and a call evaluates at most
        ``budget`` (default :data:`POLISH_BUDGET`) states, so long playlists (hours) stay fast; a one-hour playlist
        gets full passes.
        """
        ev = self.ev
        w = POLISH_WINDOW
        for _ in range(max_passes):
            improved = False
            lo, hi = self._bounds(order)
            for i in range(lo, hi - 1):
                if budget <= 0:
                    break
                for j in range(i + 1, min(hi, i + w + 1)):
                    new = order[:i] + order[i : j + 1][::-1] + order[j + 1 :]
                    val = ev(new)
                    budget -= 1
                    if _better(val, value):
                        order, value, improved = new, val, True
            for length in (1, 2, 3):
                for i in range(lo, hi - length + 1):
                    if budget <= 0:
                        break
                    segment = order[i : i + length]
                    rest = order[:i] + order[i + length :]
                    for j in range(max(lo, i - w), min(hi - length + 1, i + w + 1)):
                        if j == i:
                            continue
                        new = rest[:j] + segment + rest[j:]
                        val = ev(new)
                        budget -= 1
                        if _better(val, value):
                            order, value, improved = new, val, True
                            break
            if not improved or budget <= 0:
                break
        return order, value

    def solve_order(self, order: Order, value: Value, seed: int, kicks: int | None = None) -> tuple[Order, Value]:
        """Try the flow-optimal order of the chosen tracks (polished on the full objective when
        the arc or a journey also depends on the order); keep it if it is better.  ``kicks``
        bounds the order search (None: its default)."""
        if len(order) < 4:
            return order, value
        sub = self.p.cost[np.ix_(order, order)]
        start = 0 if self.p.start is not None else None
        end = len(order) - 1 if self.p.end is not None else None
        solved = [order[k] for k in solve_path(sub, start=start, end=end, seed=seed, kicks=kicks)]
        val = self.ev(solved)
        if not self.p.order_only_flow():
            solved, val = self.polish(solved, val, max_passes=3)
        if _better(val, value):
            return self.polish(solved, val, max_passes=2)
        return order, value


def violations(problem: WalkProblem, order: Sequence[int]) -> Violations:
    """What ``order`` breaks (for checks and error messages)."""
    ev = _Evaluator(problem)
    return ev.violations(list(order), sum(ev.dur[i] for i in order))


def _diverse_starts(search: _Search, chains: list[Order], count: int) -> list[Order]:
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


def _alternatives(search: _Search, best: tuple[Order, Value], pool: dict[frozenset[int], tuple[Order, Value]]) -> None:
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
        state = search.descend(*start, budget=ALTERNATIVE_BUDGET, pool=pool, banned=frozenset((track,)))
        state = search.polish(*state, max_passes=1, budget=QUICK_POLISH)
        key = frozenset(state[0])
        if key not in pool or state[1][1] < pool[key][1][1]:
            pool[key] = state


def _flow(problem: WalkProblem, order: Order) -> float:
    """Mean transition cost of ``order`` (the flow cost of flow.md)."""
    if len(order) < 2:
        return 0.0
    return float(problem.cost[order[:-1], order[1:]].mean())


def _pick(
    search: _Search,
    best: tuple[Order, Value],
    pool: dict[frozenset[int], tuple[Order, Value]],
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
        order, value = search.polish(order, value, max_passes=1, budget=QUICK_POLISH)
        if near(value, 1.0) and abs(_flow(problem, order) - best_flow) <= flow_tolerance * best_flow + 1e-12:
            options.append((order, value))
    options[1:] = sorted(options[1:], key=lambda state: state[1][1])
    index = choice % len(options) if choice is not None else rng.randrange(len(options))
    return options[index]


def walk(
    problem: WalkProblem,
    rng: random.Random,
    *,
    iterations: int | None = None,
    restarts: int = 2,
    progress: Progress | None = None,
    choice: int | None = None,
) -> WalkResult:
    """Search for the best valid playlist of ``problem`` (see the module docstring).

    At temperature 0 the search itself does not depend on ``rng`` (every seed finds the same
    best playlist and the same near-best alternatives); ``choice`` (or else ``rng``) then picks
    one of them (:func:`_pick`).  With a temperature the search is seeded too and wanders more.

    Returns the best state found even when it is invalid: the caller checks
    ``result.violations.total`` and explains what binds.
    """
    seeded = problem.temperature > 0
    search = _Search(problem, rng if seeded else random.Random(SEARCH_SEED))
    srng = search.rng
    per_run = iterations if iterations is not None else default_iterations(problem)
    chains = search.construct_batch(CHAINS)
    starts = _diverse_starts(search, chains, SCOUTS)
    if problem.backbone is not None:
        starts.append(search.from_backbone(problem.backbone))
    scout_work = max(100, per_run // 5)
    finalists = max(1, min(restarts, len(starts)))
    total_work = scout_work * len(starts) + per_run * finalists
    done = 0

    def tick_from(offset: int) -> Callable[[int], None]:
        def tick(step: int) -> None:
            if progress is not None:
                progress(offset + step, total_work)

        return tick

    pool: dict[frozenset[int], tuple[Order, Value]] = {}
    scouted: list[tuple[Order, Value]] = []
    for start in starts:
        state = search.improve(start, scout_work, tick_from(done))
        state = search.descend(*state, budget=SCOUT_DESCENT_BUDGET, pool=pool)
        done += scout_work
        scouted.append(state)
        pool[frozenset(state[0])] = state
    scouted.sort(key=lambda state: state[1])
    best: tuple[Order, Value] | None = None
    for order, _ in scouted[:finalists]:
        state = search.descend(*search.improve(order, per_run, tick_from(done)), pool=pool)
        done += per_run
        pool[frozenset(state[0])] = state
        if best is None or _better(state[1], best[1]):
            best = state
    assert best is not None
    if not problem.order_only_flow():  # else the flow-optimal order below makes polishing moot
        best = search.polish(*best)
    best = search.solve_order(*best, seed=srng.randrange(2**31))
    best = search.descend(*best, pool=pool)
    pool[frozenset(best[0])] = best
    _alternatives(search, best, pool)
    order, value = _pick(search, best, pool, rng, choice)
    if order is not best[0]:  # an alternative: as well ordered as the best was
        order, value = search.solve_order(order, value, seed=srng.randrange(2**31))
    if progress is not None:
        progress(total_work, total_work)
    total = sum(problem.durations[i] for i in order)
    return WalkResult(order=order, objective=value[1], violations=violations(problem, order), duration_s=total)
