"""The candidate graph: k cheapest successors with flow.md weights, neighbours, journeys."""

from __future__ import annotations

import itertools
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from sequencer.core.costs import cost_matrix
from sequencer.core.graph import build_graph, journey_path, nearest, neighbour_lists, neighbours_from_cost
from tests.strategies import synthetic_library


def test_every_node_links_to_its_cheapest_successors_with_the_transition_cost() -> None:
    """Each node has at least k out-edges, the k cheapest among them, weighted by the cost matrix."""
    tracks = synthetic_library(60, seed=1)
    cost = cost_matrix(tracks)
    graph = build_graph(tracks, cost, k=5)
    assert graph.number_of_nodes() == 60
    for u in graph:
        succ = set(graph[u])
        assert len(succ) >= 5 and u not in succ
        cheapest = set(np.argsort(cost[u] + np.diag(np.full(60, np.inf))[u])[:5].tolist())
        assert len(cheapest & succ) >= 4  # ties may swap one
        for v in succ:
            assert graph[u][v]["weight"] == cost[u, v]
    assert graph.nodes[3]["track"] is tracks[3]


def test_neighbour_lists_and_nearest_are_sorted_by_cost() -> None:
    """Neighbour lists are cheapest first; nearest() returns tracks with their costs."""
    tracks = synthetic_library(40, seed=2)
    cost = cost_matrix(tracks)
    graph = build_graph(tracks, cost, k=6)
    lists = neighbour_lists(graph)
    for u, vs in enumerate(lists):
        weights = [cost[u, v] for v in vs]
        assert weights == sorted(weights)
    top = nearest(graph, 0, k=3)
    assert [t for t, _ in top] == [tracks[v] for v in lists[0][:3]]
    assert [c for _, c in top] == [cost[0, v] for v in lists[0][:3]]


@pytest.mark.parametrize(("size", "k", "seed"), [(1, 6, 0), (2, 6, 1), (7, 6, 2), (40, 6, 3), (90, 12, 4)])
def test_neighbours_from_cost_are_the_graphs_neighbour_lists(size: int, k: int, seed: int) -> None:
    """The walk's neighbour lists taken straight from the cost matrix are the graph's, in the
    same order (ties included: a library with repeated tracks has equal costs)."""
    tracks = synthetic_library(size, seed=seed)
    tracks = tracks + tracks[: size // 3]  # equal costs: ties broken the same way
    cost = cost_matrix(tracks)
    assert neighbours_from_cost(cost, k) == neighbour_lists(build_graph(tracks, cost, k=k))


def test_journey_path_runs_from_source_to_target_in_small_steps() -> None:
    """The journey path starts and ends where asked, and its largest step is no larger than
    jumping straight from source to target."""
    tracks = synthetic_library(120, seed=3)
    cost = cost_matrix(tracks)
    graph = build_graph(tracks, cost)
    a, b = int(np.argmax(cost[0])), 0
    path = journey_path(graph, a, b)
    assert path[0] == a and path[-1] == b
    steps = [cost[u, v] for u, v in itertools.pairwise(path)]
    assert max(steps) <= cost[a, b] + 1e-12


def test_journey_path_without_a_route_returns_the_ends() -> None:
    """Two disconnected nodes: the journey degrades to the two ends instead of failing."""
    graph = nx.DiGraph()
    graph.add_nodes_from([0, 1])
    assert journey_path(graph, 0, 1) == [0, 1]


def test_a_build_without_a_journey_never_imports_networkx() -> None:
    """networkx (0.3 s to import) is loaded only for a journey's graph: a plain build takes its
    neighbour lists from the cost matrix."""
    code = (
        "import sys\n"
        "from sequencer.core.build import build_playlist\n"
        "from sequencer.core.profile import Profile\n"
        "from tests.strategies import synthetic_library\n"
        "build_playlist(synthetic_library(200, seed=1), Profile(name='p', minutes=20.0), seed=1)\n"
        "assert 'networkx' not in sys.modules, 'networkx imported'\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=Path(__file__).resolve().parents[2])
