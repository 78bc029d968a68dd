"""The walk's fast paths give exactly (bit for bit) what the plain formulation gives.

A build is deterministic: every playlist, its order and its objective depend on the last bit of
every sum the search compares.  The speed-ups below must therefore not change a single bit, and
each is pinned here to the straightforward formulation it replaced: the arc's sums in one loop,
the one-for-one cap change, the arc after a one-track replace, the memo of moves per state, the
cached edges of :meth:`Search.replace_where_best`, numpy.interp without its wrapper, the cost
matrix combined in place (the key term by table), the chains' and beam's groups and step scores.
"""

from __future__ import annotations

import random
from bisect import bisect_left
from collections import Counter
from functools import reduce
from operator import add

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sequencer.core.costs import _key_term, cost_matrix
from sequencer.core.profile import Constraints, Profile
from sequencer.core.track import Track
from sequencer.core.transitions import UNKNOWN_COST, camelot
from sequencer.core.walk.construction import _UNKNOWN_ENERGY_COST, _Groups, _target_cost_batch, beam, construct_batch
from sequencer.core.walk.evaluation import Evaluator, _cap_change, _interp
from sequencer.core.walk.moves import Search
from tests.core.test_walk_evaluation import problem_for, random_move
from tests.strategies import libraries, profiles, synthetic_library


def reference_terms(ev: Evaluator, tracks: list[int], start: float, total: float) -> tuple[list[float], list[float]]:
    """The arc's per-track numerator and denominator terms, as first written."""
    inv = 1.0 / total if total > 0 else 0.0
    xs, ys, slopes, last = ev.arc_xs, ev.arc_ys, ev.arc_slopes, len(ev.arc_xs)
    elapsed = start
    nums: list[float] = []
    dens: list[float] = []
    for i in tracks:
        d = ev.dur[i]
        tau = (elapsed + 0.5 * d) * inv
        elapsed += d
        e = ev.energy[i]
        if e == e:
            k = bisect_left(xs, tau)
            t = ys[0] if k == 0 else ys[-1] if k == last else ys[k - 1] + (tau - xs[k - 1]) * slopes[k - 1]
            nums.append(d * (e - t) * (e - t))
            dens.append(d)
        else:
            nums.append(0.0)
            dens.append(0.0)
    return nums, dens


@settings(max_examples=25, deadline=None)
@given(libraries(min_size=2, max_size=40), profiles(), st.randoms(use_true_random=False))
def test_arc_sums_in_one_loop_are_the_summed_terms(library: list[Track], profile: Profile, rnd: random.Random) -> None:
    """``_timed_sums`` (one loop, summing as it goes) and ``_timed_terms`` equal the terms as
    first written, summed in order from 0.0, to the last bit."""
    ev = Evaluator(problem_for(library, profile))
    if ev.arc_x is None or ev.journey is not None:
        return
    tracks = rnd.sample(range(len(library)), rnd.randint(1, min(len(library), 47)))
    start = rnd.choice([0.0, rnd.uniform(0.0, 3000.0)])
    total = start + sum(ev.dur[i] for i in tracks) + rnd.choice([0.0, rnd.uniform(0.0, 600.0)])
    nums, dens = reference_terms(ev, tracks, start, total)
    assert ev._timed_sums(tracks, start, total) == (reduce(add, nums, 0.0), reduce(add, dens, 0.0), 0.0)
    assert ev._timed_terms(tracks, start, total) == (nums, dens, [0.0] * len(nums))


def reference_cap_change(counts: Counter[int], leaving: list[int], coming: list[int], cap: int) -> int:
    """How many more items are over ``cap`` after the change, counted item by item."""
    after = counts.copy()
    after.subtract(leaving)
    after.update(coming)
    return sum(max(0, c - cap) for c in after.values()) - sum(max(0, c - cap) for c in counts.values())


@given(
    st.dictionaries(st.integers(0, 5), st.integers(1, 4)),
    st.integers(0, 6),
    st.integers(0, 6),
    st.integers(1, 3),
)
def test_one_for_one_cap_change_is_the_general_count(counts: dict[int, int], out: int, into: int, cap: int) -> None:
    """Replacing one item by another changes the count over the cap as the general rule says."""
    present = Counter(counts)
    if present[out] == 0:
        present[out] = 1
    assert _cap_change(present, [out], [into], cap) == reference_cap_change(present, [out], [into], cap)


@settings(max_examples=8, deadline=None)
@given(libraries(min_size=50, max_size=70), profiles(), st.randoms(use_true_random=False))
def test_arc_after_a_one_track_replace_is_the_general_formula(
    library: list[Track], profile: Profile, rnd: random.Random
) -> None:
    """On long orders, the arc after a one-track replace that changes the duration is, bit for
    bit, the general numpy formula over the old midpoints."""
    ev = Evaluator(problem_for(library, profile))
    if ev.arc_x is None:
        return
    order = rnd.sample(range(len(library)), 48)
    s = ev.state(order)
    unused = [t for t in range(len(library)) if t not in order]
    i = rnd.randrange(len(order))
    u = rnd.choice(unused)
    total = s.total - ev.dur[order[i]] + ev.dur[u]
    got = ev._arc_moved(s, i, i + 1, [u], total)
    idx = np.asarray(order)
    d_all = ev.dur_np[idx]
    mid = np.asarray(s.dur_pre[:-1]) + 0.5 * d_all
    weight = np.where(ev.known_np[idx], d_all, 0.0)
    win = np.asarray([u])
    d = ev.dur_np[win]
    inv = 1.0 / total if total > 0 else 0.0
    shift = total - s.total
    tau = np.concatenate((mid[:i], s.dur_pre[i] + np.cumsum(d) - 0.5 * d, mid[i + 1 :] + shift)) * inv
    w = np.concatenate((weight[:i], np.where(ev.known_np[win], d, 0.0), weight[i + 1 :]))
    energy = np.concatenate((ev.energy_np[idx][:i], ev.energy_np[win], ev.energy_np[idx][i + 1 :]))
    diff = energy - np.interp(tau, ev.arc_x, ev.arc_y)
    assert got == (float(np.dot(w, diff * diff)), float(w.sum()))


@settings(max_examples=15, deadline=None)
@given(libraries(min_size=3, max_size=30), profiles(), st.randoms(use_true_random=False))
def test_a_move_valued_again_is_looked_up_per_evaluator(
    library: list[Track], profile: Profile, rnd: random.Random
) -> None:
    """A move valued twice against one state gives the value computed afresh (looked up the
    second time), and another evaluator (another bias) never gets the first one's value."""
    ev = Evaluator(problem_for(library, profile))
    other = ev.rebiased([rnd.uniform(0.0, 0.1) for _ in library])
    state = ev.state(rnd.sample(range(len(library)), rnd.randint(1, len(library))))
    for _ in range(5):
        move = random_move(state.order, len(library), rnd)
        first = ev.delta(state, *move)
        assert ev.delta(state, *move) == first == ev._delta(state, *move)
        assert other.delta(state, *move) == other._delta(state, *move)


def test_replace_where_best_is_cheapest_insertion_into_the_rest() -> None:
    """The cached order without the position gives the move a fresh computation gives, also
    after the same list was changed in place, on short (lists) and long (numpy) orders."""
    library = synthetic_library(120, seed=5, artists=30)
    profile = Profile(name="t", minutes=60.0, arc=((0.0, 0.3), (1.0, 0.8)))
    search = Search(problem_for(library, profile), random.Random(2))
    rnd = random.Random(7)
    for length in (12, 60):
        order = rnd.sample(range(len(library)), length)
        unused = [t for t in range(len(library)) if t not in order]
        for _ in range(3):
            pos = rnd.randrange(length)
            for u in rnd.sample(unused, 6):
                lo, hi = search.bounds(order)
                rest = order[:pos] + order[pos + 1 :]
                where = search.cheapest_insertion(rest, u, (lo, hi - 1))
                want = (where, pos + 1, [u, *order[where:pos]]) if where <= pos else None
                want = want or (pos, where + 1, [*order[pos + 1 : where + 1], u])
                assert search.replace_where_best(order, pos, u) == want
            rnd.shuffle(order)  # the same list, changed in place


def reference_cost_matrix(tracks: list[Track]) -> np.ndarray:
    """The cost matrix as first written: each term masked with np.where, the key term with
    np.select (only the combination and the key term changed)."""
    from sequencer.core.costs import _energy_term, _mood_term, _sound_term, _tempo_term
    from sequencer.core.profile import TransitionWeights

    chosen = TransitionWeights()
    w = chosen.as_dict()
    n = len(tracks)
    numbers = np.zeros(n, dtype=np.int64)
    letters = np.zeros(n, dtype=np.int64)
    known = np.zeros(n, dtype=bool)
    for row, track in enumerate(tracks):
        if track.key is not None and track.mode is not None and track.key >= 0:
            number, letter = camelot(int(track.key), int(track.mode))
            numbers[row], letters[row], known[row] = number, letter == "B", True
    forward = (numbers[:, None] - numbers[None, :]) % 12
    step = np.minimum(forward, (12 - forward) % 12)
    same_letter = letters[:, None] == letters[None, :]
    by_step = np.select([step == 0, step == 1, step == 2], [0.0, 0.25, 0.6], default=1.0)
    key = (np.where(same_letter, by_step, np.where(step == 0, 0.25, 1.0)), known[:, None] & known[None, :])
    terms = {
        "mood": _mood_term(tracks, chosen.similarity),
        "sound": _sound_term(tracks),
        "energy": _energy_term(tracks),
        "tempo": _tempo_term(tracks),
        "key": key,
    }
    num = np.zeros((n, n))
    den = np.zeros((n, n))
    for name, (value, mask) in terms.items():
        if w[name] > 0:
            num += np.where(mask, w[name] * value, 0.0)
            den += np.where(mask, w[name], 0.0)
    out = np.where(den > 0, num / np.where(den > 0, den, 1.0), UNKNOWN_COST)
    np.fill_diagonal(out, 0.0)
    return out


@settings(max_examples=20, deadline=None)
@given(libraries(min_size=2, max_size=30))
def test_cost_matrix_in_place_is_the_plain_formulation(library: list[Track]) -> None:
    """The cost matrix combined in place, the key term by table, equals the plain one bit for bit."""
    got = cost_matrix(library)
    assert got.tobytes() == reference_cost_matrix(library).tobytes()
    keys, _ = _key_term(library)
    assert keys.shape == (len(library), len(library))


@given(st.lists(st.integers(-3, 6), max_size=30), st.lists(st.integers(-3, 8), max_size=12))
def test_groups_expand_to_every_member(keys: list[int], wanted: list[int]) -> None:
    """(row, member) pairs for every row's key: exactly the candidates with that key."""
    groups = _Groups(np.asarray(keys, dtype=np.int64))
    wanted = [k for k in wanted if k < max(keys, default=-1) + 1]
    rows, cols = groups.expand(np.arange(len(wanted)), np.asarray(wanted, dtype=np.int64))
    got = sorted(zip(rows.tolist(), cols.tolist(), strict=True))
    want = sorted((r, c) for r, k in enumerate(wanted) if k >= 0 for c, key in enumerate(keys) if key == k)
    assert got == want


def test_target_cost_in_place_is_the_plain_formula() -> None:
    """The chains' arc cost computed in place equals the plain formula bit for bit."""
    library = synthetic_library(80, seed=4, artists=20)
    profile = Profile(name="t", minutes=40.0, arc=((0.0, 0.3), (0.5, 0.8), (1.0, 0.4)))
    search = Search(problem_for(library, profile), random.Random(1))
    energy = np.asarray(search.ev.energy)
    energy[::7] = np.nan
    tau = np.linspace(0.0, 1.0, 9)
    assert search.ev.arc_x is not None
    gap = np.abs(energy[None, :] - np.interp(tau, search.ev.arc_x, search.ev.arc_y)[:, None])
    want = np.zeros((tau.size, energy.size))
    want += search.p.w_arc * np.where(np.isnan(gap), _UNKNOWN_ENERGY_COST, gap)
    assert _target_cost_batch(search, energy, tau).tobytes() == want.tobytes()


def test_chains_and_beam_keep_songs_artists_and_albums_apart() -> None:
    """Every greedy chain and beam playlist holds no song twice, no primary artist twice within
    the gap, no artist or album over its cap (what the chains' groups block)."""
    library = synthetic_library(160, seed=8, artists=12)
    profile = Profile(
        name="t",
        minutes=50.0,
        arc=((0.0, 0.3), (1.0, 0.8)),
        constraints=Constraints(artist_gap=3, max_per_artist=2, max_per_album=1),
    )
    search = Search(problem_for(library, profile), random.Random(3))
    p, ev = search.p, search.ev
    for order in construct_batch(search, 24) + beam(search):
        primary = [ev.artists[i][0] for i in order]
        assert len({ev.songs[i] for i in order}) == len(order)
        assert all(primary[k] != primary[k - d] for k in range(len(order)) for d in range(1, 4) if k >= d)
        assert max(Counter(primary).values()) <= 2
        albums = Counter(ev.albums[i] for i in order if ev.albums[i] >= 0)
        assert not albums or max(albums.values()) <= 1
        assert sum(ev.dur[i] for i in order) <= p.window[1]


@given(st.lists(st.floats(-0.5, 1.5), min_size=1, max_size=60), st.integers(2, 6), st.randoms(use_true_random=False))
def test_compiled_interp_is_numpy_interp(taus: list[float], points: int, rnd: random.Random) -> None:
    """The arc interpolated without numpy's wrapper gives numpy.interp's numbers."""
    xs = np.asarray(sorted(rnd.uniform(0.0, 1.0) for _ in range(points)))
    ys = np.asarray([rnd.uniform(0.0, 1.0) for _ in range(points)])
    tau = np.asarray(taus)
    assert _interp(tau, xs, ys).tobytes() == np.interp(tau, xs, ys).tobytes()
