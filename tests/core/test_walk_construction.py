"""Construction and order helpers of the walk: beam playlists and LKH-3 paths."""

from __future__ import annotations

import random
from types import MappingProxyType

import numpy as np
import pytest

from sequencer.core.build import _problem
from sequencer.core.candidates import CandidateSet
from sequencer.core.optimise import best_path, held_karp_path, lkh_path, path_cost
from sequencer.core.profile import Constraints, Profile
from sequencer.core.scoring import mood_fit
from sequencer.core.walk.construction import beam, construct_batch
from sequencer.core.walk.moves import Search
from tests.strategies import synthetic_library


def _search(minutes: float = 40.0) -> Search:
    library = synthetic_library(150, seed=3, artists=20)
    profile = Profile(
        name="beam",
        minutes=minutes,
        moods=MappingProxyType({"night-driving": 1.0}),
        arc=((0.0, 0.4), (0.5, 0.7), (1.0, 0.4)),
        constraints=Constraints(artist_gap=2, max_per_artist=2),
    )
    cands = CandidateSet(tracks=library, fits=[mood_fit(profile.moods, t) for t in library])
    return Search(_problem(cands, profile, None, None, journey=False), random.Random(1))


def test_beam_playlists_keep_the_rules_and_beat_the_greedy_chains() -> None:
    """Every finished beam playlist fills the window without a repeat, an artist within the gap
    or over the cap; the best of them is at least as good as the best greedy chain."""
    search = _search()
    p, ev = search.p, search.ev
    found = beam(search)
    assert found
    for order in found:
        assert len(set(order)) == len(order)
        assert ev.violations(order).total == 0, ev.violations(order)
    assert min(ev(o) for o in found) <= min(ev(o) for o in construct_batch(search, 32))
    assert all(p.window[0] <= sum(ev.dur[i] for i in o) <= p.window[1] for o in found)


@pytest.mark.parametrize("ends", [(None, None), (0, None), (0, 11), (3, 7)])
def test_lkh_path_keeps_the_fixed_ends_and_is_optimal_on_small_cases(ends: tuple[int | None, int | None]) -> None:
    """LKH-3 (when elkai is installed) returns every node once, the fixed ends where asked, and
    the exact optimum on 12 nodes; best_path does the same with or without it."""
    pytest.importorskip("elkai")
    points = np.random.default_rng(5).random((12, 4))
    cost = np.sqrt(((points[:, None] - points[None]) ** 2).sum(-1))
    start, end = ends
    exact = path_cost(held_karp_path(cost, start, end), cost)
    for order in (lkh_path(cost, start, end), best_path(cost, start=start, end=end)):
        assert order is not None and sorted(order) == list(range(12))
        assert start is None or order[0] == start
        assert end is None or order[-1] == end
        assert path_cost(order, cost) <= exact * 1.001 + 1e-9
