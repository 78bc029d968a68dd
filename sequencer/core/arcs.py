"""Target curves over playlist position.

Conventions
-----------
An arc is a tuple of points ``(tau, value)`` with ``tau`` in [0, 1] of the playlist's total
duration (strictly increasing) and ``value`` in [0, 1] (target energy).  Between points the
target is linearly interpolated; before the first and after the last it is held constant.

Public: :data:`SHAPES`, :func:`arc_points`, :func:`target_at`.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

Arc = tuple[tuple[float, float], ...]

#: Named shapes, from ``low`` to ``high``: how a profile can say "rise" without points.
SHAPES: tuple[str, ...] = ("flat", "rise", "fall", "peak", "valley", "wave")


def arc_points(shape: str, low: float, high: float) -> Arc:
    """The points of a named shape between ``low`` and ``high`` energy.

    Examples
    --------
    >>> arc_points("peak", 0.3, 0.8)
    ((0.0, 0.3), (0.6, 0.8), (1.0, 0.3))
    """
    if shape == "flat":
        mid = round((low + high) / 2, 6)
        return ((0.0, mid), (1.0, mid))
    if shape == "rise":
        return ((0.0, low), (1.0, high))
    if shape == "fall":
        return ((0.0, high), (1.0, low))
    if shape == "peak":
        return ((0.0, low), (0.6, high), (1.0, low))
    if shape == "valley":
        return ((0.0, high), (0.5, low), (1.0, high))
    if shape == "wave":
        return ((0.0, low), (0.25, high), (0.5, low), (0.75, high), (1.0, low))
    raise ValueError(f"unknown arc shape {shape!r}; known: {', '.join(SHAPES)}")


def target_at(arc: Sequence[tuple[float, float]], tau: float) -> float:
    """The arc's target at relative time ``tau`` (linear interpolation, clamped ends).

    Examples
    --------
    >>> target_at(((0.0, 0.45), (0.6, 0.7), (1.0, 0.4)), 0.3)
    0.575
    """
    if tau <= arc[0][0]:
        return arc[0][1]
    for (t0, v0), (t1, v1) in itertools.pairwise(arc):
        if tau <= t1:
            share = (tau - t0) / (t1 - t0) if t1 > t0 else 1.0
            return round(v0 + share * (v1 - v0), 12)
    return arc[-1][1]
