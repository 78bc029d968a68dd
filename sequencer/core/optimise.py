"""Order optimisation: the cheapest path through a set of tracks (a travelling-salesman path).

Given a cost matrix ``cost[i, j]`` (the transition cost of ``j`` right after ``i``), find an
order of all nodes with the smallest sum of consecutive costs, optionally with a fixed first
and/or last node.  Used by ``reorder`` and to polish the order of a built playlist.

How
---
The path is written as ``[head, …middle…, tail]`` where head/tail are the fixed first/last
nodes or zero-cost dummies, so fixed ends never move and open ends cost nothing.  Then:

- middles of up to :data:`EXACT_LIMIT` nodes are solved exactly (Held–Karp dynamic programming);
- larger ones: nearest-neighbour and greedy-edge starts, then local search with best-improvement
  2-opt (segment reversal) and or-opt (moving a segment of 1–3 nodes, either way round), all
  moves evaluated for every position at once with numpy; then iterated local search: a random
  double-bridge kick, local search again, keep the result when it is cheaper.

The amount of work is a number of kicks, never a clock, so the same seed gives the same order.
Asymmetric matrices are handled (reversal costs are computed from both directions).

Public: :data:`EXACT_LIMIT`, :func:`path_cost`, :func:`solve_path`, :func:`held_karp_path`,
:func:`nearest_neighbour_path`, :func:`two_opt_path`, :func:`default_kicks`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

Matrix = npt.NDArray[np.float64]
Path = npt.NDArray[np.int64]
Segment = tuple[int, int, int, float]
"""A movable segment: (first position, last position, far end's node, cost saved by taking it out)."""

#: Middles (free nodes) up to this size are solved exactly.
EXACT_LIMIT = 10
_EPS = 1e-12


def path_cost(order: Sequence[int] | Path, cost: Matrix) -> float:
    """Sum of ``cost[a, b]`` over consecutive nodes of ``order``."""
    idx = np.asarray(order, dtype=np.int64)
    if idx.size < 2:
        return 0.0
    return float(cost[idx[:-1], idx[1:]].sum())


def _augment(cost: Matrix, start: int | None, end: int | None) -> tuple[Matrix, int, int, list[int]]:
    """The matrix with two zero-cost dummy nodes; returns (matrix, head, tail, free nodes)."""
    n = cost.shape[0]
    aug = np.zeros((n + 2, n + 2), dtype=np.float64)
    aug[:n, :n] = cost
    head = n if start is None else start
    tail = n + 1 if end is None else end
    free = [i for i in range(n) if i not in (start, end)]
    return aug, head, tail, free


def _strip(path: Path, n: int) -> list[int]:
    """The real nodes of an augmented path (dummies are the indices ≥ n)."""
    return [int(v) for v in path if v < n]


def _prefix(aug: Matrix, path: Path) -> tuple[Matrix, Matrix]:
    """Forward and backward prefix sums of edge costs along ``path``."""
    fwd = np.concatenate(([0.0], np.cumsum(aug[path[:-1], path[1:]])))
    bwd = np.concatenate(([0.0], np.cumsum(aug[path[1:], path[:-1]])))
    return fwd, bwd


def _best_two_opt(aug: Matrix, path: Path, symmetric: bool) -> tuple[float, int, int]:
    """The best reversal of ``path[i..j]`` (1 ≤ i < j ≤ len−2): (delta, i, j)."""
    size = path.size
    pos = np.arange(1, size - 1)
    a, b = path[pos - 1], path[pos]
    c, d = path[pos], path[pos + 1]
    delta = aug[a[:, None], c[None, :]] + aug[b[:, None], d[None, :]]
    delta -= aug[a, b][:, None] + aug[c, d][None, :]
    if not symmetric:
        fwd, bwd = _prefix(aug, path)
        delta += (bwd[pos][None, :] - bwd[pos][:, None]) - (fwd[pos][None, :] - fwd[pos][:, None])
    delta[np.tril_indices(pos.size)] = np.inf
    flat = int(np.argmin(delta))
    i, j = divmod(flat, pos.size)
    return float(delta[i, j]), int(pos[i]), int(pos[j])


def _best_or_opt(aug: Matrix, path: Path, symmetric: bool) -> tuple[float, int, int, int, bool]:
    """The best move of a segment of 1–3 nodes elsewhere: (delta, i, length, j, reversed).

    The segment ``path[i:i+length]`` is reinserted between ``path[j]`` and ``path[j+1]``.
    """
    size = path.size
    best = (np.inf, 0, 0, 0, False)
    if not symmetric:
        fwd, bwd = _prefix(aug, path)
    gaps = np.arange(0, size - 1)
    x, y = path[gaps], path[gaps + 1]
    gap_cost = aug[x, y]
    for length in (1, 2, 3):
        starts = np.arange(1, size - length)
        if starts.size == 0:
            break
        first, last = path[starts], path[starts + length - 1]
        before, after = path[starts - 1], path[starts + length]
        removed = aug[before, first] + aug[last, after] - aug[before, after]
        for rev in (False, True) if length > 1 else (False,):
            head, tail = (last, first) if rev else (first, last)
            inserted = aug[x[None, :], head[:, None]] + aug[tail[:, None], y[None, :]] - gap_cost[None, :]
            delta = inserted - removed[:, None]
            if rev and not symmetric:
                inner = (bwd[starts + length - 1] - bwd[starts]) - (fwd[starts + length - 1] - fwd[starts])
                delta += inner[:, None]
            # a gap inside the segment or right beside it is no move at all
            bad = (gaps[None, :] >= starts[:, None] - 1) & (gaps[None, :] <= starts[:, None] + length - 1)
            delta[bad] = np.inf
            flat = int(np.argmin(delta))
            i, j = divmod(flat, gaps.size)
            if delta[i, j] < best[0]:
                best = (float(delta[i, j]), int(starts[i]), length, int(gaps[j]), rev)
    return best


def _apply_or_opt(path: Path, i: int, length: int, j: int, rev: bool) -> Path:
    """``path`` with ``path[i:i+length]`` moved between positions ``j`` and ``j+1``."""
    segment = path[i : i + length][::-1] if rev else path[i : i + length]
    rest = np.concatenate((path[:i], path[i + length :]))
    where = j + 1 if j < i else j + 1 - length
    return np.concatenate((rest[:where], segment, rest[where:]))


def _local_search(aug: Matrix, path: Path, symmetric: bool, max_moves: int = 100_000) -> Path:
    """Apply the best 2-opt or or-opt move until none improves (a local optimum)."""
    path = path.copy()
    for _ in range(max_moves):
        if path.size < 4:
            break
        d2, i, j = _best_two_opt(aug, path, symmetric)
        do, oi, length, oj, rev = _best_or_opt(aug, path, symmetric)
        if min(d2, do) >= -_EPS:
            break
        if d2 <= do:
            path[i : j + 1] = path[i : j + 1][::-1].copy()
        else:
            path = _apply_or_opt(path, oi, length, oj, rev)
    return path


#: Nearest nodes each node's moves are tried towards, in the neighbour-list local search.
NEIGHBOURS = 12


def _neighbour_lists(aug: Matrix, nodes: Sequence[int], k: int) -> dict[int, list[int]]:
    """Each node's ``k`` cheapest other nodes among ``nodes`` (nearest first)."""
    idx = np.asarray(nodes, dtype=np.int64)
    sub = aug[np.ix_(idx, idx)].copy()
    np.fill_diagonal(sub, np.inf)
    k = min(k, idx.size - 1)
    near = np.argsort(sub, axis=1, kind="stable")[:, :k]
    return {int(v): idx[row].tolist() for v, row in zip(idx.tolist(), near, strict=True)}


def _nl_search(cost: list[list[float]], path: list[int], near: dict[int, list[int]], queue: list[int]) -> list[int]:
    """First-improvement 2-opt and or-opt (segments of 1–3, either way round) on a symmetric
    matrix, trying only moves that join a node to one of its ``near`` nodes, and only from nodes
    in ``queue`` (don't-look bits: a node is queued again when a move changes its edges).
    The path's first and last node stay.  Returns the improved path (a new list)."""
    path = list(path)
    size = len(path)
    pos = {v: k for k, v in enumerate(path)}
    waiting = set(queue)
    todo = list(queue)
    eps = _EPS

    def wake(*nodes: int) -> None:
        for v in nodes:
            if v not in waiting:
                waiting.add(v)
                todo.append(v)

    while todo:
        a = todo.pop()
        waiting.discard(a)
        segments = _segments(cost, path, pos[a])
        moved: list[int] = []
        for c in near.get(a, ()):
            i, j = pos[a], pos[c]
            ca = cost[a]
            # 2-opt through the successors: edges (a, a+) and (c, c+) become (a, c) and (a+, c+)
            if i < size - 1 and j < size - 1:
                sa, sc = path[i + 1], path[j + 1]
                if sa != c and sc != a:
                    delta = ca[c] + cost[sa][sc] - ca[sa] - cost[c][sc]
                    if delta < -eps:
                        lo, hi = (i + 1, j) if i < j else (j + 1, i)
                        path[lo : hi + 1] = path[lo : hi + 1][::-1]
                        moved = [a, c, sa, sc]
            # ... through the predecessors: (a-, a) and (c-, c) become (a-, c-) and (c, a)
            if not moved and i > 0 and j > 0:
                pa, pc = path[i - 1], path[j - 1]
                if pa != c and pc != a:
                    delta = ca[c] + cost[pa][pc] - cost[pa][a] - cost[pc][c]
                    if delta < -eps:
                        lo, hi = (i, j - 1) if i < j else (j, i - 1)
                        path[lo : hi + 1] = path[lo : hi + 1][::-1]
                        moved = [a, c, pa, pc]
            if not moved:
                moved = _nl_or_opt(cost, path, pos, a, c, segments)
            if moved:
                pos.update(zip(path, range(size), strict=True))
                wake(*moved)
                break
    return path


def _segments(cost: list[list[float]], path: list[int], i: int) -> list[Segment]:
    """The segments of 1–3 nodes of ``path`` that start or end at position ``i`` and may move
    (not the fixed first or last node): (first, last, far end's node, cost saved by taking the
    segment out)."""
    size = len(path)
    out = []
    for length in (1, 2, 3):
        for first in (i, i - length + 1) if length > 1 else (i,):
            last = first + length - 1
            if first < 1 or last > size - 2:
                continue
            before, after = path[first - 1], path[last + 1]
            gain = cost[before][path[first]] + cost[path[last]][after] - cost[before][after]
            out.append((first, last, path[last] if first == i else path[first], gain))
    return out


def _nl_or_opt(
    cost: list[list[float]],
    path: list[int],
    pos: dict[int, int],
    a: int,
    c: int,
    segments: list[Segment],
) -> list[int]:
    """Move one of ``segments`` (which start or end at ``a``) next to ``c`` with ``a`` joined to
    ``c``, the first improving way found; ``path`` is changed in place.  The nodes whose edges
    changed (none: no move)."""
    size = len(path)
    j = pos[c]
    left = path[j - 1] if j > 0 else None
    right = path[j + 1] if j < size - 1 else None
    cc = cost[c]
    for first, last, other, gain in segments:
        if first <= j <= last:
            continue
        co = cost[other]
        # between c- and c: ... c-, other … a, c ...; between c and c+: ... c, a … other, c+ ...
        for x, y, before_c in ((left, c, True), (c, right, False)):
            if x is None or y is None or first - 1 <= pos[x] <= last:
                continue
            delta = (co[x] - cost[x][c] if before_c else co[y] - cc[y]) + cc[a] - gain
            if delta < -_EPS:
                seg = path[first : last + 1]
                touched = [path[first - 1], path[last + 1], a, other, x, y]
                piece = seg if (seg[0] == a) != before_c else seg[::-1]
                rest = path[:first] + path[last + 1 :]
                where = rest.index(x) + 1
                path[:] = rest[:where] + piece + rest[where:]
                return touched
    return []


def _nl_ils(aug: Matrix, starts: Sequence[Path], rng: random.Random, rounds: int) -> Path:
    """Iterated local search with the neighbour-list local search (symmetric matrices): a
    double-bridge kick, a local search from the kick's ends only, kept when cheaper; then a
    full best-improvement local search, so the result is a local optimum of every 2-opt and
    or-opt move (as :func:`_local_search`'s)."""
    cost = aug.tolist()
    near = _neighbour_lists(aug, starts[0].tolist(), NEIGHBOURS)
    searched = [_nl_search(cost, p.tolist(), near, p.tolist()[::-1]) for p in starts]
    current = min(searched, key=lambda p: _list_cost(cost, p))
    current_cost = _list_cost(cost, current)
    best, best_cost = current, current_cost
    size = len(current)
    for _ in range(rounds):
        if size < 8:
            break
        p1, p2, p3 = sorted(rng.sample(range(1, size - 1), 3))
        kicked = current[:p1] + current[p2:p3] + current[p1:p2] + current[p3:]
        ends = {kicked[k] for q in (p1, p1 + p3 - p2, p3) for k in (q - 1, q) if 0 <= k < size}
        trial = _nl_search(cost, kicked, near, sorted(ends))
        trial_cost = _list_cost(cost, trial)
        if trial_cost < current_cost - _EPS:
            current, current_cost = trial, trial_cost
            if trial_cost < best_cost - _EPS:
                best, best_cost = trial, trial_cost
    return _local_search(aug, np.asarray(best, dtype=np.int64), True)


def _list_cost(cost: list[list[float]], path: list[int]) -> float:
    """Sum of consecutive costs along ``path`` (plain lists)."""
    return sum(map(list.__getitem__, map(cost.__getitem__, path[:-1]), path[1:]))


def _double_bridge(path: Path, rng: random.Random) -> Path:
    """Swap two adjacent random stretches of the middle (the classic ILS kick for paths)."""
    p1, p2, p3 = sorted(rng.sample(range(1, path.size - 1), 3))
    return np.concatenate((path[:p1], path[p2:p3], path[p1:p2], path[p3:]))


def _nearest_neighbour(aug: Matrix, head: int, tail: int, free: Sequence[int], first: int | None) -> Path:
    """Greedy path: from ``head`` (optionally via ``first``) always to the cheapest free node."""
    left = set(free)
    order = [head]
    if first is not None:
        order.append(first)
        left.discard(first)
    while left:
        cands = np.fromiter(left, dtype=np.int64)
        nxt = int(cands[np.argmin(aug[order[-1], cands] + 1e-9 * cands)])
        order.append(nxt)
        left.discard(nxt)
    order.append(tail)
    return np.asarray(order, dtype=np.int64)


def held_karp_path(cost: Matrix, start: int | None = None, end: int | None = None) -> list[int]:
    """The exact cheapest path over all nodes (Held–Karp DP, O(2ⁿ·n²)); for n ≤ ~13.

    Examples
    --------
    >>> m = np.array([[0, 1, 5], [1, 0, 1], [5, 1, 0]], dtype=float)
    >>> held_karp_path(m, start=0)
    [0, 1, 2]
    """
    matrix = np.asarray(cost, dtype=np.float64)
    aug, head, tail, free = _augment(matrix, start, end)
    return _strip(_held_karp(aug, head, tail, free), matrix.shape[0])


def _held_karp(aug: Matrix, head: int, tail: int, free: Sequence[int]) -> Path:
    """Exact path head → all ``free`` → tail on the augmented matrix."""
    m = len(free)
    if m == 0:
        return np.asarray([head, tail], dtype=np.int64)
    nodes = np.asarray(free, dtype=np.int64)
    sub = aug[np.ix_(nodes, nodes)]
    full = 1 << m
    dp = np.full((full, m), np.inf)
    parent = np.full((full, m), -1, dtype=np.int64)
    bits = np.arange(m)
    dp[1 << bits, bits] = aug[head, nodes]
    for subset in range(1, full):
        members = bits[(subset >> bits) & 1 == 1]
        if members.size < 2:
            continue
        prev = dp[subset & ~(1 << members)]  # rows: subset without j; cols: last node k
        cand = prev + sub[:, members].T  # cand[j_idx, k] = dp[S\j, k] + cost[k, j]
        best_k = np.argmin(cand, axis=1)
        dp[subset, members] = cand[np.arange(members.size), best_k]
        parent[subset, members] = best_k
    last_costs = dp[full - 1] + aug[nodes, tail]
    j = int(np.argmin(last_costs))
    order = []
    subset = full - 1
    while j >= 0:
        order.append(int(nodes[j]))
        k = int(parent[subset, j])
        subset &= ~(1 << j)
        j = k
    return np.asarray([head, *reversed(order), tail], dtype=np.int64)


def nearest_neighbour_path(cost: Matrix, start: int | None = None, end: int | None = None) -> list[int]:
    """The greedy nearest-neighbour path (a baseline; from node 0 when the start is open)."""
    aug, head, tail, free = _augment(np.asarray(cost, dtype=np.float64), start, end)
    first = None if start is not None or not free else free[0]
    return _strip(_nearest_neighbour(aug, head, tail, free, first), cost.shape[0])


def two_opt_path(cost: Matrix, start: int | None = None, end: int | None = None) -> list[int]:
    """Nearest neighbour followed by plain 2-opt to a local optimum (a baseline)."""
    aug, head, tail, free = _augment(np.asarray(cost, dtype=np.float64), start, end)
    first = None if start is not None or not free else free[0]
    path = _nearest_neighbour(aug, head, tail, free, first)
    symmetric = bool(np.allclose(aug, aug.T))
    while path.size >= 4:
        delta, i, j = _best_two_opt(aug, path, symmetric)
        if delta >= -_EPS:
            break
        path[i : j + 1] = path[i : j + 1][::-1].copy()
    return _strip(path, cost.shape[0])


def default_kicks(n: int) -> int:
    """ILS rounds for ``n`` nodes: 40 + 2n, tapering for long paths (each round's local search
    costs O(n²) per move there), at least 30."""
    return max(30, min(40 + 2 * n, 12_000 // max(1, n)))


def solve_path(
    cost: Matrix,
    *,
    start: int | None = None,
    end: int | None = None,
    seed: int | None = 0,
    kicks: int | None = None,
    initial: Sequence[int] | None = None,
) -> list[int]:
    """A near-optimal order of all nodes of ``cost`` with optional fixed first/last node.

    Parameters
    ----------
    cost : n × n matrix, ``cost[i, j]`` = cost of ``j`` right after ``i``.
    start, end : nodes that must come first / last (None = free).
    seed : seeds the kicks; same seed and matrix → same order.
    kicks : iterated-local-search rounds (default :func:`default_kicks`).
    initial : an order to start from as well (e.g. the current one); it is never made worse.

    Returns
    -------
    The order, a list of node indices (all n nodes).
    """
    matrix = np.asarray(cost, dtype=np.float64)
    n = matrix.shape[0]
    if n <= 1:
        return list(range(n))
    aug, head, tail, free = _augment(matrix, start, end)
    if len(free) <= EXACT_LIMIT:
        return _strip(_held_karp(aug, head, tail, free), n)
    symmetric = bool(np.allclose(aug, aug.T))
    rng = random.Random(seed)
    rounds = kicks if kicks is not None else default_kicks(n)
    starts = [_nearest_neighbour(aug, head, tail, free, None)]
    if start is None:
        starts.append(_nearest_neighbour(aug, head, tail, free, rng.choice(free)))
    if initial is not None:
        starts.append(np.asarray([head, *[v for v in initial if v in set(free)], tail], dtype=np.int64))
    if symmetric:  # neighbour lists and don't-look bits: a kick costs what it changes
        return _strip(_nl_ils(aug, starts, rng, rounds), n)
    best = min((_local_search(aug, p, symmetric) for p in starts), key=lambda p: path_cost(p, aug))
    best_cost = path_cost(best, aug)
    current, current_cost = best, best_cost
    for _ in range(rounds):
        trial = _local_search(aug, _double_bridge(current, rng), symmetric)
        trial_cost = path_cost(trial, aug)
        if trial_cost < current_cost - _EPS:
            current, current_cost = trial, trial_cost
            if trial_cost < best_cost - _EPS:
                best, best_cost = trial, trial_cost
    return _strip(best, n)


#: Runs of LKH-3 per reorder (each a full Lin–Kernighan–Helsgaun search; one is near-optimal).
LKH_RUNS = 2
#: Trials per LKH-3 run (LKH's default is one per node: on 1,000 tracks 9 s a run for the same
#: tour that 100 trials find in 2.5 s, most of it LKH's own preprocessing).
LKH_TRIALS = 100


def _lkh_tour(weights: npt.NDArray[np.int64], runs: int) -> list[int]:
    """LKH-3's tour (0-based, not closed) of the symmetric integer matrix ``weights``, with
    :data:`LKH_TRIALS` trials per run: elkai's own call with that one parameter added (its
    public ``solve_tsp`` offers only ``runs``); the public call when that changes."""
    import elkai

    native = getattr(getattr(elkai, "_elkai", None), "solve_problem", None)
    dimension = weights.shape[0]
    if native is None:
        return [int(v) for v in elkai.DistanceMatrix(weights.tolist()).solve_tsp(runs=runs)[:-1]]
    params = f"RUNS = {runs}\nMAX_TRIALS = {min(dimension, LKH_TRIALS)}\nPROBLEM_FILE = :stdin:\n"
    rows = [" ".join(map(str, row)) for row in weights.tolist()]
    problem = (
        f"TYPE : TSP\nDIMENSION : {dimension}\nEDGE_WEIGHT_TYPE : EXPLICIT\n"
        "EDGE_WEIGHT_FORMAT : FULL_MATRIX\nEDGE_WEIGHT_SECTION\n" + "\n".join(rows) + "\n"
    )
    return [int(v) - 1 for v in native(params, problem)]


def lkh_path(cost: Matrix, start: int | None = None, end: int | None = None, runs: int = LKH_RUNS) -> list[int] | None:
    """LKH-3's path over all nodes through the optional ``elkai`` package, or None when elkai is
    not installed or the matrix is not symmetric.

    A dummy node closes the path into a tour: free to every node for open ends; for fixed ends
    free to them only and a penalty of ten transitions to every other node, so the tour passes
    the dummy between the fixed ends (checked: None if it does not).  Costs are scaled to
    integers (×10⁶).
    """
    matrix = np.asarray(cost, dtype=np.float64)
    n = matrix.shape[0]
    if n < 3 or not np.allclose(matrix, matrix.T):
        return None
    try:
        import elkai  # noqa: F401
    except ImportError:
        return None
    aug = np.zeros((n + 1, n + 1), dtype=np.float64)
    aug[:n, :n] = matrix
    ends = [i for i in (start, end) if i is not None]
    if ends:
        penalty = 10.0 * max(1.0, float(matrix.max()))  # larger overflows LKH's integer gains
        aug[n, :n] = aug[:n, n] = penalty
        aug[n, ends] = aug[ends, n] = 0.0
    tour = _lkh_tour((aug * 1e6).round().astype(np.int64), runs)
    k = tour.index(n)
    path = [int(v) for v in tour[k + 1 :] + tour[:k]]
    if (start is not None and path[0] != start) or (end is not None and path[-1] != end):
        path.reverse()
    if (start is not None and path[0] != start) or (end is not None and path[-1] != end):
        return None
    return path


def best_path(cost: Matrix, *, start: int | None = None, end: int | None = None, seed: int | None = 0) -> list[int]:
    """The best order this machine can find fast: exact up to :data:`EXACT_LIMIT` free nodes,
    else LKH-3 when elkai is installed (:func:`lkh_path`), else :func:`solve_path`."""
    n = np.asarray(cost).shape[0]
    free = n - len({i for i in (start, end) if i is not None})
    if free > EXACT_LIMIT:
        found = lkh_path(cost, start, end)
        if found is not None:
            return found
    return solve_path(cost, start=start, end=end, seed=seed)
