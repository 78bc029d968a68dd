"""Order a fixed set of tracks on the walk's objective (``moodseq reorder``).

The flow-optimal order (:func:`~sequencer.core.optimise.best_path`) first; when the arc or a
journey also depends on the order, annealing with reorder moves only (the duration window is
the set's own duration, so no track can leave and none can join) and a polish, both on the full
objective.  The given order is kept unless the new one is better.

Public: :func:`order_tracks`.
"""

from __future__ import annotations

import dataclasses
import random

from sequencer.core.optimise import best_path
from sequencer.core.walk.descent import improve, polish
from sequencer.core.walk.moves import Search
from sequencer.core.walk.problem import Order, WalkProblem, better, default_iterations

#: Smallest objective gain for which the given order is changed.
REORDER_GAIN = 1e-9


def order_tracks(problem: WalkProblem, seed: int = 0) -> Order:
    """The best order found for all of ``problem``'s candidates (fixed ends stay)."""
    total = sum(problem.durations)
    problem = dataclasses.replace(problem, window=(total - 0.5, total + 0.5), neighbours=[])
    search = Search(problem, random.Random(seed))
    given = list(range(problem.size))
    given_value = search.ev(given)
    order = best_path(problem.cost, start=problem.start, end=problem.end, seed=seed)
    value = search.ev(order)
    if not problem.order_only_flow():
        order, value = improve(search, order, default_iterations(problem), lambda _: None)
        order, value = polish(search, order, value, max_passes=3)
    return order if better(value, (given_value[0], given_value[1] - REORDER_GAIN)) else given
