"""The candidate graph: who may follow whom, and at what cost (the only networkx user).

Nodes are candidate positions ``0 … n−1`` (attribute ``track``: the Track); for every node an
edge goes to its ``k`` cheapest successors and back (the ``flow.md`` cost is symmetric, so the
graph is the union of both directions), each with ``weight`` = the transition cost.  The graph
is built on a few hundred candidates only, never on a whole library.

It serves three things:

- the walk's neighbour queries (which unused tracks could replace or follow a chosen one);
- journeys: the cheapest path of small steps from one track to another seeds the walk;
- explanations: the nearest neighbours of a track, with costs.

Public: :data:`DEFAULT_K`, :func:`build_graph`, :func:`neighbour_lists`, :func:`neighbours_from_cost`,
:func:`nearest`,
:func:`journey_path`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from sequencer.core.track import Track

if TYPE_CHECKING:  # networkx is imported only where a graph is built: most builds need none
    import networkx as nx

#: Successors kept per node.
DEFAULT_K = 12


def build_graph(tracks: Sequence[Track], cost: npt.NDArray[np.float64], k: int = DEFAULT_K) -> nx.DiGraph:
    """The k-nearest-successor DiGraph of ``tracks`` under ``cost`` (see the module docstring)."""
    import networkx as nx

    n = len(tracks)
    graph = nx.DiGraph()
    graph.add_nodes_from((i, {"track": t}) for i, t in enumerate(tracks))
    if n < 2:
        return graph
    k = min(k, n - 1)
    masked = cost.copy()
    np.fill_diagonal(masked, np.inf)  # as cost + diag(inf) (x + 0.0 is x, or 0.0 for −0.0)
    nearest_idx = np.argpartition(masked, k - 1, axis=1)[:, :k]
    edges: list[tuple[int, int, float]] = []
    for i in range(n):
        for j in nearest_idx[i].tolist():
            edges.append((i, j, float(cost[i, j])))
            edges.append((j, i, float(cost[j, i])))
    graph.add_weighted_edges_from(edges)
    return graph


def neighbour_lists(graph: nx.DiGraph) -> list[list[int]]:
    """For every node, its successors cheapest first (ties by node number)."""
    out: list[list[int]] = []
    for node in range(graph.number_of_nodes()):
        succ = graph[node]
        out.append(sorted(succ, key=lambda v: (succ[v]["weight"], v)))
    return out


def neighbours_from_cost(cost: npt.NDArray[np.float64], k: int = DEFAULT_K) -> list[list[int]]:
    """``neighbour_lists(build_graph(tracks, cost, k))`` straight from the cost matrix, without
    building the graph (the walk needs only the lists; networkx costs more than the search
    on a few hundred candidates)."""
    n = cost.shape[0]
    if n < 2:
        return [[] for _ in range(n)]
    k = min(k, n - 1)
    masked = cost.copy()
    np.fill_diagonal(masked, np.inf)  # as cost + diag(inf) (x + 0.0 is x, or 0.0 for −0.0)
    nearest_idx = np.argpartition(masked, k - 1, axis=1)[:, :k]
    linked = np.zeros((n, n), dtype=bool)
    linked[np.arange(n)[:, None], nearest_idx] = True
    linked |= linked.T
    out: list[list[int]] = []
    for i in range(n):
        succ = np.flatnonzero(linked[i])
        out.append(succ[np.lexsort((succ, cost[i, succ]))].tolist())
    return out


def nearest(graph: nx.DiGraph, node: int, k: int = 5) -> list[tuple[Track, float]]:
    """The ``k`` cheapest tracks to play after ``node``, with their transition costs."""
    succ = graph[node]
    ranked = sorted(succ, key=lambda v: (succ[v]["weight"], v))[:k]
    return [(graph.nodes[v]["track"], float(succ[v]["weight"])) for v in ranked]


def journey_path(graph: nx.DiGraph, source: int, target: int) -> list[int]:
    """A path of small steps from ``source`` to ``target`` (Dijkstra on squared costs).

    Squaring the weights makes two half-size steps cheaper than one big jump, so the path
    moves gradually; without any path the two ends alone are returned.
    """
    import networkx as nx

    try:
        path: list[int] = nx.dijkstra_path(graph, source, target, weight=lambda u, v, d: float(d["weight"]) ** 2)
    except nx.NetworkXNoPath:
        return [source, target]
    return path
