"""Construction: first playlists for the search to improve.

- :func:`construct_batch`: many greedy chains built side by side with numpy, each from a
  different first track (the best-placed ones and random others; all from the fixed start when
  there is one): each repeatedly appends the unused candidate with the best step score
  (transition from the last track + distance to the arc's or journey's target + fit), skipping
  rule breakers, until the duration reaches the window; then the fixed end.
- :func:`beam`: position-by-position beam search on the same step score, keeping the best
  partial playlists by their summed score — a better choice of tracks than a greedy chain.
- :func:`construct`: one greedy chain in plain Python (the fallback without free candidates).
- :func:`from_backbone`: a journey's graph path of small steps as a start.

Public: :func:`construct`, :func:`construct_batch`, :func:`beam`, :func:`from_backbone`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from sequencer.core.walk.moves import Search
from sequencer.core.walk.problem import Order, WalkProblem

F64 = npt.NDArray[np.float64]
_UNKNOWN_ENERGY_COST = 0.25
#: Partial playlists the beam keeps, and next tracks tried for each.
BEAM_WIDTH = 48
BEAM_EXPAND = 8


def construct(self: Search) -> Order:
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
            ranked.append((_step_score(self, order, i, tau), i))
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


def construct_batch(self: Search, chains: int) -> list[Order]:
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
        return [construct(self)]
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
        first_score = static[free] + _target_cost(self, tau0, free)
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
    # what each chain may no longer take (used, its song played, its artist or album at the
    # cap), kept up to date pick by pick rather than recomputed at every step
    blocked = _blocked_at_start(p, used | song_used[:, songs], primary, albums, art_count, alb_count)
    by_song, by_artist, by_album = _Groups(songs), _Groups(primary), _Groups(albums)
    elapsed = dur[firsts].copy()
    active = elapsed + reserve < goal
    noise = 1e-3 + 0.02 * p.temperature
    recent: list[npt.NDArray[np.int64]] = [primary[firsts]]
    while active.any():
        last = np.asarray([c[-1] for c in chains_list], dtype=np.int64)
        tau = np.minimum(1.0, (elapsed + self.typical / 2) / max(1.0, p.target_s))
        score = cost[last]
        score *= p.w_flow
        score += static[None, :]
        score += _target_cost_batch(self, energy, tau)
        jitter = gen.random(score.shape)
        jitter *= noise
        score += jitter
        bad = elapsed[:, None] + reserve + dur[None, :] > high
        bad |= blocked
        for prev in recent[-p.artist_gap :] if p.artist_gap else []:
            # a primary artist below 0 is a track's own (already used) or none
            bad[by_artist.expand(rows, prev)] = True
        score[bad] = np.inf
        pick = np.argmin(score, axis=1)
        ok = active & np.isfinite(score[rows, pick])
        if not ok.any():
            break
        takers = np.flatnonzero(ok)
        picks = pick[takers]
        for k, i in zip(takers.tolist(), picks.tolist(), strict=True):
            chains_list[k].append(i)
        caps = ((art_count, primary, by_artist, p.max_per_artist), (alb_count, albums, by_album, p.max_per_album))
        _mark_taken(blocked, takers, picks, songs[picks], by_song, caps)
        elapsed[takers] += dur[picks]
        recent.append(np.where(ok, primary[pick], -(10**9)))
        active = ok & (elapsed + reserve < goal)
    if p.end is not None:
        for c in chains_list:
            c.append(p.end)
    return chains_list


def beam(self: Search, width: int = BEAM_WIDTH, expand: int = BEAM_EXPAND) -> list[Order]:
    """Position-by-position beam search on the greedy step score; the finished playlists.

    Every partial playlist of the beam is extended by its ``expand`` best next tracks (the
    rules of :func:`construct_batch`), and the ``width`` extensions with the lowest summed step
    score stay: fit and arc terms weighted by duration, transitions by their expected number, as
    in the objective (finished playlists are ranked by that sum).  A partial
    playlist that reaches the window is finished (with the fixed end) and leaves the beam.
    Where a greedy chain commits to its cheapest next step, the beam keeps the choices that
    pay off later: better selections, which annealing alone rarely reaches.
    """
    p, ev = self.p, self.ev
    m = p.size
    if not self.free:
        return []
    dur = np.asarray(ev.dur, dtype=np.float64)
    energy = np.asarray(ev.energy, dtype=np.float64)
    static = p.w_fit * (1.0 - np.asarray(ev.fit, dtype=np.float64)) * 0.5 + np.asarray(ev.bias)
    primary = np.asarray([a[0] if a else -1 - i for i, a in enumerate(ev.artists)], dtype=np.int64)
    songs = np.asarray(ev.songs, dtype=np.int64)
    albums = np.asarray(ev.albums, dtype=np.int64)
    reserve = 0.0 if p.end is None else ev.dur[p.end]
    high = p.window[1]
    goal = max(p.window[0], p.target_s - self.typical / 2)
    fixed = list(self.fixed)
    chains: list[list[int]] = [[] if p.start is None else [p.start]]
    used = np.zeros((1, m), dtype=bool)
    used[:, fixed] = True
    song_used = np.zeros((1, int(songs.max()) + 1), dtype=bool)
    song_used[:, songs[fixed]] = True
    art_count = np.zeros((1, int(max(0, primary.max())) + 1), dtype=np.int64)
    alb_count = np.zeros((1, int(max(0, albums.max())) + 1), dtype=np.int64)
    for i in fixed:
        if primary[i] >= 0:
            art_count[0, primary[i]] += 1
        if albums[i] >= 0:
            alb_count[0, albums[i]] += 1
    # what each partial playlist may no longer take (as in construct_batch), kept up to date
    blocked = _blocked_at_start(p, used | song_used[:, songs], primary, albums, art_count, alb_count)
    by_song, by_artist, by_album = _Groups(songs), _Groups(primary), _Groups(albums)
    elapsed = np.asarray([sum(ev.dur[i] for i in chains[0])], dtype=np.float64)
    summed = np.zeros(1)
    target = max(1.0, p.target_s)
    transitions = max(1.0, target / max(1.0, self.typical) - 1.0)
    share = dur[None, :] / target
    finished: list[tuple[float, Order]] = []
    while chains and len(finished) < width:
        rows = len(chains)
        tau = np.minimum(1.0, (elapsed + self.typical / 2) / max(1.0, p.target_s))
        # the objective's shape: fit and arc weighted by duration, flow by transition
        score = _target_cost_batch(self, energy, tau)
        score += static[None, :]
        score *= share
        lasts = [c[-1] if c else -1 for c in chains]
        if all(x >= 0 for x in lasts):
            flow = p.cost[lasts]
            flow *= p.w_flow
            flow /= transitions
            score += flow
        score += summed[:, None]
        bad = elapsed[:, None] + reserve + dur[None, :] > high
        bad |= blocked
        every = np.arange(rows)
        for back in range(1, p.artist_gap + 1):
            prev = np.asarray([primary[c[-back]] if len(c) >= back else -(10**9) for c in chains], dtype=np.int64)
            bad[by_artist.expand(every, prev)] = True  # below 0: a track's own artist (used) or none
        score[bad] = np.inf
        k = min(expand, m)
        best = np.argpartition(score, k - 1, axis=1)[:, :k]
        flat = score[np.arange(rows)[:, None], best].ravel()
        keep = np.argsort(flat, kind="stable")[:width]
        keep = keep[np.isfinite(flat[keep])]
        if keep.size == 0:
            break
        parents = keep // k
        picks = best.ravel()[keep]
        chains = [[*chains[r], int(i)] for r, i in zip(parents.tolist(), picks.tolist(), strict=True)]
        summed = flat[keep]
        elapsed = elapsed[parents] + dur[picks]
        every = np.arange(keep.size)
        blocked = blocked[parents]
        art_count, alb_count = art_count[parents], alb_count[parents]
        caps = ((art_count, primary, by_artist, p.max_per_artist), (alb_count, albums, by_album, p.max_per_album))
        _mark_taken(blocked, every, picks, songs[picks], by_song, caps)
        done = elapsed + reserve >= goal
        tail = [p.end] if p.end is not None else []
        finished.extend((float(summed[r]), chains[r] + tail) for r in np.flatnonzero(done).tolist())
        if done.any():
            live = np.flatnonzero(~done)
            chains = [chains[r] for r in live.tolist()]
            summed, elapsed, blocked = summed[live], elapsed[live], blocked[live]
            art_count, alb_count = art_count[live], alb_count[live]
    finished.sort(key=lambda item: item[0])
    return [order for _, order in finished]


class _Groups:
    """The candidates sharing each key (a song, primary artist or album; keys below 0 are
    in no group), to mark a whole group at once."""

    def __init__(self, keys: npt.NDArray[np.int64]) -> None:
        valid = np.flatnonzero(keys >= 0)
        self.members = valid[np.argsort(keys[valid], kind="stable")]
        counts = np.bincount(keys[valid], minlength=int(keys.max(initial=-1)) + 1)
        self.starts = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)

    def expand(
        self, rows: npt.NDArray[np.int64], keys: npt.NDArray[np.int64]
    ) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
        """(row, candidate) index pairs: for each ``rows[r]``, every member of ``keys[r]``'s
        group (none for a key below 0)."""
        valid = keys >= 0
        rows, keys = rows[valid], keys[valid]
        first = self.starts[keys]
        sizes = self.starts[keys + 1] - first
        ends = np.cumsum(sizes)
        offsets = np.arange(int(ends[-1]) if ends.size else 0) - np.repeat(ends - sizes, sizes)
        return np.repeat(rows, sizes), self.members[np.repeat(first, sizes) + offsets]


def _blocked_at_start(
    p: WalkProblem,
    taken: npt.NDArray[np.bool_],
    primary: npt.NDArray[np.int64],
    albums: npt.NDArray[np.int64],
    art_count: npt.NDArray[np.int64],
    alb_count: npt.NDArray[np.int64],
) -> npt.NDArray[np.bool_]:
    """What each chain may no longer take: ``taken`` (its tracks and their songs; extended in
    place and returned) and every track of an artist or album its counts have at the cap;
    :func:`_mark_taken` keeps it up to date pick by pick."""
    blocked = taken
    if p.max_per_artist is not None:
        blocked |= (primary[None, :] >= 0) & (art_count[:, np.maximum(primary, 0)] >= p.max_per_artist)
    if p.max_per_album is not None:
        blocked |= (albums[None, :] >= 0) & (alb_count[:, np.maximum(albums, 0)] >= p.max_per_album)
    return blocked


def _mark_taken(
    blocked: npt.NDArray[np.bool_],
    rows: npt.NDArray[np.int64],
    picks: npt.NDArray[np.int64],
    picked_songs: npt.NDArray[np.int64],
    by_song: _Groups,
    caps: tuple[tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], _Groups, int | None], ...],
) -> None:
    """Chains ``rows`` took tracks ``picks``: block those tracks and their songs for them, count
    each pick's artist and album (``caps``: per-chain counts, per-track keys, their groups, the
    cap) and block every track of an artist or album that reached its cap."""
    blocked[rows, picks] = True
    blocked[by_song.expand(rows, picked_songs)] = True
    for count, table, groups, cap in caps:
        keys = table[picks]
        some = keys >= 0
        who, what = rows[some], keys[some]
        count[who, what] += 1
        if cap is not None:
            full = count[who, what] >= cap
            blocked[groups.expand(who[full], what[full])] = True


def _target_cost(self: Search, tau: float, idx: npt.NDArray[np.int64]) -> F64:
    """Arc and journey part of the step score for candidates ``idx`` at one ``tau``."""
    row: F64 = _target_cost_batch(self, np.asarray(self.ev.energy), np.asarray([tau]))[0, idx]
    return row


def _target_cost_batch(self: Search, energy: F64, tau: F64) -> F64:
    """Arc and journey part of the step score: one row per chain (its ``tau``)."""
    p, ev = self.p, self.ev
    if ev.arc_x is not None:
        target = np.interp(tau, ev.arc_x, ev.arc_y)
        out = np.subtract(energy[None, :], target[:, None])
        np.abs(out, out=out)
        out[:, np.isnan(energy)] = _UNKNOWN_ENERGY_COST
        out *= p.w_arc
        out += 0.0  # as added to zeros
    else:
        out = np.zeros((tau.size, energy.size), dtype=np.float64)
    if p.journey is not None:
        j = p.journey
        t = tau[:, None]
        norm = np.sqrt((1 - t) ** 2 + t * t + 2 * t * (1 - t) * j.dot_ab)
        norm = np.where(norm > 0, norm, 1.0)
        cos = ((1 - t) * np.asarray(j.dot_a)[None, :] + t * np.asarray(j.dot_b)[None, :]) / norm
        out += j.weight * (1.0 - cos) * 0.5
    return out


def _step_score(self: Search, order: Order, i: int, tau: float) -> float:
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


def from_backbone(self: Search, backbone: Sequence[int]) -> Order:
    """A start made of a journey's graph path (the search then fixes its duration)."""
    middle = [i for i in backbone if i not in self.fixed]
    order: Order = [] if self.p.start is None else [self.p.start]
    order.extend(middle)
    if self.p.end is not None:
        order.append(self.p.end)
    return order
