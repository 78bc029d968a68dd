"""The walk's problem and result types, on candidate indices ``0 … m−1``.

The problem is stated with plain sequences (durations, energies, fits, artist/album/song ids,
the transition-cost matrix, graph neighbours), so the walk knows nothing of Track objects or
networkx.  A *move* is ``(i, j, window)``: the order with ``order[i:j]`` replaced by
``window`` (every move of the search — reorder, swap, replace, insert, remove — is one).

Public: :class:`JourneyTarget`, :class:`WalkProblem`, :class:`Violations`, :class:`WalkResult`,
:func:`default_iterations`, :func:`better`, :func:`apply_move`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

Order = list[int]
Value = tuple[float, float]
"""(violation, objective): compared lexicographically by :func:`better`."""
Move = tuple[int, int, list[int]]
Progress = Callable[[int, int], None]


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
    """Each candidate's mood fit (:func:`sequencer.core.scoring.mood_fit`)."""
    cost: npt.NDArray[np.float64]
    """``cost[i, j]``: transition from i to j (:func:`sequencer.core.costs.cost_matrix`)."""
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
    reported_fits: Sequence[float] = ()
    """Each candidate's fit as the playlist's reported score counts it (flow.md's mood fit,
    without exemplars, genre preferences or history); empty = ``fits``.  Seeds' playlists
    stay near the best on both objectives."""

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
        rules = self.artist_gap + self.per_artist + self.per_album + self.songs + self.missing
        return (self.short_s + self.over_s) / 60.0 + rules


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


def better(a: Value, b: Value) -> bool:
    """Whether ``a`` beats ``b``: less violation, or as little and a lower objective."""
    if a[0] < b[0] - 1e-9:
        return True
    return abs(a[0] - b[0]) <= 1e-9 and a[1] < b[1] - 1e-12


def apply_move(order: Order, move: Move) -> Order:
    """The order after ``move``."""
    i, j, window = move
    return order[:i] + window + order[j:]


def diff_move(old: Order, new: Order) -> Move:
    """The smallest move that turns ``old`` into ``new``."""
    n, m = len(old), len(new)
    limit = min(n, m)
    i = 0
    while i < limit and old[i] == new[i]:
        i += 1
    k = 0
    while k < limit - i and old[n - 1 - k] == new[m - 1 - k]:
        k += 1
    return i, n - k, new[i : m - k]
