"""Ruin and recreate: the best playlist rebuilt from scratch without part of its tracks.

The local search (annealing, descents, one-track replacements, pushes) settles near the
selection it started from, and so do the seeds' near-best playlists.  On the shared catalogs a
build started afresh on the candidates without a random third of the best's tracks often ended
as good as the best or better (study, 60 minutes: −7 % to +13 %, sharing a fifth of its
tracks): another region of the library holds playlists as good, and the pushes never walk
there.

:func:`recreated` takes a share of the best's free tracks out (a prohibitive cost on each, so
construction and annealing leave them alone), builds greedy chains on what is left, anneals the
best of them briefly and settles it without those tracks, then once more with everything back.
:func:`recreate_search` runs :data:`RECREATE_STARTS` of them (fixed seeds: every build seed
meets the same ones), :func:`widening` keeps those that only widen the seeds' choice, and
:func:`rebuilt_options` runs such rounds while the seeds lack near-best playlists apart from
each other (:func:`~sequencer.core.walk.variants.apart_enough`; at most
:data:`RECREATE_ROUNDS`).  A rebuild never replaces the best, nor leads the seeds'
ranking: when it did, the seeds' variety depended on which region the rebuild happened to find
(night-drive's seed overlap went from 0.42 to 0.76 with one draw and 0.37 with another, and
catharsis' seeds took up The Animals and Lita Ford from a near-best rebuild).

Public: :func:`recreated`, :func:`recreate_search`, :func:`widening`, :func:`rebuilt_options`.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from sequencer.core.walk.construction import construct_batch
from sequencer.core.walk.descent import descend, improve
from sequencer.core.walk.moves import Search
from sequencer.core.walk.problem import Order, Value, better
from sequencer.core.walk.replace import replace_descent
from sequencer.core.walk.variants import apart_enough, offered, reported, seed_playlists

#: Rebuilds per build, the share of the best's free tracks each leaves out, and the greedy
#: chains each builds (the best of them is annealed).
RECREATE_STARTS = 3
RECREATE_SHARE = 0.4
RECREATE_CHAINS = 32
#: Most rounds of rebuilds, each run only while the seeds still lack near-best playlists apart
#: from each other.
RECREATE_ROUNDS = 2
#: The cost of a left-out track, as a multiple of the best's objective (it never pays).
LEFT_OUT_COST = 10.0


def _offset(tick: Callable[[int], None] | None, offset: int) -> Callable[[int], None]:
    """``tick`` counting from ``offset`` moves (a no-op without one)."""

    def step(done: int) -> None:
        if tick is not None:
            tick(offset + done)

    return step


def recreated(
    search: Search, best: tuple[Order, Value], rng: random.Random, work: int, tick: Callable[[int], None]
) -> tuple[Order, Value] | None:
    """A playlist rebuilt without :data:`RECREATE_SHARE` of ``best``'s free tracks (drawn from
    ``rng``), annealed for ``work`` moves and settled on the real objective; None when ``best``
    has fewer than two free tracks."""
    p = search.p
    keep = search.fixed | set(p.required)
    movable = [i for i in best[0] if i not in keep]
    if len(movable) < 2:
        return None
    out = frozenset(rng.sample(movable, max(1, round(len(movable) * RECREATE_SHARE))))
    bias = [0.0] * p.size
    for i in out:
        bias[i] = LEFT_OUT_COST * max(abs(best[1][1]), 1e-3)
    other = search.rebiased(bias, rng)
    chains = construct_batch(other, RECREATE_CHAINS)
    start = min(chains, key=other.ev)
    order, _ = improve(other, start, work, tick)
    state = descend(search, order, search.ev(order), banned=out)
    state = replace_descent(search, *state, banned=out)
    state = descend(search, *state)
    return replace_descent(search, *state)


def recreate_search(
    search: Search,
    best: tuple[Order, Value],
    work: int,
    tick: Callable[[int], None] | None = None,
    round_: int = 0,
) -> list[tuple[Order, Value]]:
    """Every valid playlist of :data:`RECREATE_STARTS` rebuilds of ``best`` (:func:`recreated`,
    ``work`` annealing moves each; ``round_`` draws other tracks to leave out), for the seeds
    to choose among; none when ``best`` is invalid.  ``tick`` gets the moves done so far."""
    met: list[tuple[Order, Value]] = []
    if best[1][0] > 1e-9:
        return met
    for k in range(RECREATE_STARTS):
        name = f"moodseq-recreate-{k + round_ * RECREATE_STARTS}"
        state = recreated(search, best, random.Random(name), work, _offset(tick, k * work))
        if state is None:
            break
        if state[1][0] <= 1e-9:
            met.append(state)
    return met


def widening(
    search: Search,
    best: tuple[Order, Value],
    known: list[tuple[Order, Value]],
    rebuilt: list[tuple[Order, Value]],
) -> list[tuple[Order, Value]]:
    """The rebuilds that only widen the seeds' choice: none better than ``best`` on the walk's
    objective or below the lowest reported objective the seeds have now.  A better one would
    lead the seeds' ranking, and the tolerance around it would leave out the near-best
    playlists found so far (night-drive, 30 minutes: seeds sharing 0.62 of their tracks went
    to 0.90)."""
    problem = search.p
    floor = min(
        (reported(problem, state) for state in offered(problem, seed_playlists(search, best, known))), default=None
    )
    return [
        state
        for state in rebuilt
        if not better(state[1], best[1]) and (floor is None or reported(problem, state) >= floor)
    ]


def rebuilt_options(
    search: Search,
    best: tuple[Order, Value],
    known: list[tuple[Order, Value]],
    work: int,
    tick: Callable[[int], None] | None = None,
) -> list[tuple[Order, Value]]:
    """The rebuilds that widen the seeds' choice (:func:`widening`), in rounds of
    :data:`RECREATE_STARTS` while the seeds lack near-best playlists apart from each other
    among ``known`` and them (:func:`~sequencer.core.walk.variants.apart_enough`; at most
    :data:`RECREATE_ROUNDS` rounds)."""
    added: list[tuple[Order, Value]] = []
    for round_ in range(RECREATE_ROUNDS):
        if apart_enough(search, best, [*known, *added]):
            break
        rebuilt = recreate_search(search, best, work, _offset(tick, round_ * RECREATE_STARTS * work), round_)
        added += widening(search, best, [*known, *added], rebuilt)
    return added
