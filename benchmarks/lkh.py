"""LKH-3 (through elkai) as the best-known-order yardstick, for the benchmark and quality tests.

elkai solves closed tours; a playlist is an open path.  A dummy node closes it: free to every
node for an open path, or reachable only from the two fixed ends (first = node 0, last =
node n − 1) when the ends must stay.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def lkh_path(cost: Sequence[Sequence[float]] | Any, fixed_ends: bool = False, runs: int = 10) -> list[int]:
    """LKH-3's best path over all nodes of the square ``cost`` matrix (open, or from node 0 to
    node n − 1 when ``fixed_ends``).  Costs are scaled to integers (×10⁶) for elkai."""
    import elkai
    import numpy as np

    matrix = np.asarray(cost, dtype=np.float64)
    n = matrix.shape[0]
    aug = np.zeros((n + 1, n + 1))
    aug[:n, :n] = matrix
    if fixed_ends:
        aug[n, 1 : n - 1] = aug[1 : n - 1, n] = 20.0
    tour: list[int] = elkai.DistanceMatrix((aug * 1e6).round().astype(int).tolist()).solve_tsp(runs=runs)[:-1]
    k = tour.index(n)
    return tour[k + 1 :] + tour[:k]
