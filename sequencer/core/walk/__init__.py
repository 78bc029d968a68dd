"""The walk: choose *and* order tracks for a playlist, minimising the real objective.

A package of small modules, one step each:

- :mod:`.problem` — the problem on candidate indices, violations, results, moves;
- :mod:`.evaluation` — the one objective (pinned to :mod:`sequencer.core.scoring` by a test),
  in full and incrementally (a move's change of flow from the edges it touches, the arc by
  prefix sums, artist gap and caps local to the move);
- :mod:`.construction` — greedy chains built side by side and a beam search, as starts;
- :mod:`.moves` — the random moves of the search;
- :mod:`.descent` — annealing, systematic descent, polish, the flow-optimal order;
- :mod:`.replace` — every unused candidate valued at a place at once (numpy), the best taken;
- :mod:`.recreate` — the best rebuilt from scratch without part of its tracks, for the seeds;
- :mod:`.variants` — pushes of the best (an iterated local search) and the seeds' playlists;
- :mod:`.pick` — diverse starts, and one-track alternatives when no pushed playlist is near;
- :mod:`.order` — the best order of a fixed set of tracks (``reorder``).

States are compared lexicographically: less violation first, then lower objective, so the
search first becomes valid and then good, and a valid state is never traded for an invalid one.

Search (:func:`walk`): construction (greedy chains and beam playlists), then the best diverse
starts (sharing at most half their tracks; a journey also tries the graph's path of small steps
from A to B) each get a short annealing run and a descent ("scouts"); the best ``restarts`` go
on to a full annealing run and descent; then polish, the flow-optimal order of the chosen
tracks, a descent, a descent over every one-track replacement (:mod:`.replace`), pushes of
the best (:mod:`.variants`) until they stop improving it, and rebuilds from scratch without
part of the best's tracks (:mod:`.recreate`) for the seeds to choose among when the pushes
left them too few near-best playlists apart from each other.
None of this depends on the build's seed: every seed reaches the same best.  With a
temperature, the seed then plays one of the valid playlists met within the tolerance of the
best, ranked so that consecutive seeds share as few tracks as possible (seed 0: the best);
at temperature 0, or when nothing else is near, it picks among one-track alternatives.

Determinism: the search runs on a fixed seed; the build's ``rng`` and ``choice`` only choose
among the playlists found; work is counted in moves, never timed.

Public: :class:`WalkProblem`, :class:`JourneyTarget`, :class:`WalkResult`, :class:`Violations`,
:func:`walk`, :func:`order_tracks`, :func:`violations`, :func:`default_iterations`.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from sequencer.core.walk.construction import beam, construct_batch, from_backbone
from sequencer.core.walk.descent import Pool, descend, improve, polish, solve_order
from sequencer.core.walk.evaluation import violations
from sequencer.core.walk.moves import Search
from sequencer.core.walk.order import order_tracks
from sequencer.core.walk.pick import alternatives, diverse_starts, flow_near, pick
from sequencer.core.walk.problem import (
    JourneyTarget,
    Order,
    Progress,
    Value,
    Violations,
    WalkProblem,
    WalkResult,
    better,
    default_iterations,
)
from sequencer.core.walk.recreate import RECREATE_ROUNDS, RECREATE_STARTS, rebuilt_options
from sequencer.core.walk.replace import replace_descent
from sequencer.core.walk.variants import facing, floored, offered, push_search, seed_playlists

__all__ = [
    "JourneyTarget",
    "Violations",
    "WalkProblem",
    "WalkResult",
    "default_iterations",
    "order_tracks",
    "violations",
    "walk",
]

#: Greedy chains built at once; the best of them start the local search.
CHAINS = 128
#: Finished beam playlists offered as starts beside the greedy chains.
BEAM_STARTS = 8
#: Diverse chains that get a short search each; the best ``restarts`` of them get a full one.
SCOUTS = 3
SCOUT_DESCENT_BUDGET = 300
#: The fixed seed of the search at temperature 0.
SEARCH_SEED = 0x5EED


def walk(
    problem: WalkProblem,
    rng: random.Random,
    *,
    iterations: int | None = None,
    restarts: int = 2,
    progress: Progress | None = None,
    choice: int | None = None,
    search_seed: int = SEARCH_SEED,
) -> WalkResult:
    """Search for the best valid playlist of ``problem`` (see the module docstring).

    The search itself does not depend on ``rng``: every seed finds the same best playlist and
    the same near-best ones; ``choice`` (or else ``rng``) then picks one of them.
    ``search_seed`` runs another search (benchmarks looking for the best known playlist).

    Returns the best state found even when it is invalid: the caller checks
    ``result.violations.total`` and explains what binds.
    """
    search = Search(problem, random.Random(search_seed))
    srng = search.rng
    per_run = iterations if iterations is not None else default_iterations(problem)
    chains = construct_batch(search, CHAINS) + beam(search)[:BEAM_STARTS]
    starts = diverse_starts(search, chains, SCOUTS)
    if problem.backbone is not None:
        starts.append(from_backbone(search, problem.backbone))
    scout_work = max(100, per_run // 5)
    finalists = max(1, min(restarts, len(starts)))
    total_work = scout_work * (len(starts) + RECREATE_STARTS * RECREATE_ROUNDS) + per_run * finalists
    done = 0

    def tick_from(offset: int) -> Callable[[int], None]:
        def tick(step: int) -> None:
            if progress is not None:
                progress(offset + step, total_work)

        return tick

    pool: Pool = {}
    scouted: list[tuple[Order, Value]] = []
    for start in starts:
        state = improve(search, start, scout_work, tick_from(done))
        state = descend(search, *state, budget=SCOUT_DESCENT_BUDGET, pool=pool)
        done += scout_work
        scouted.append(state)
        pool[frozenset(state[0])] = state
    scouted.sort(key=lambda state: state[1])
    best: tuple[Order, Value] | None = None
    for order, _ in scouted[:finalists]:
        state = descend(search, *improve(search, order, per_run, tick_from(done)), pool=pool)
        done += per_run
        pool[frozenset(state[0])] = state
        if best is None or better(state[1], best[1]):
            best = state
    assert best is not None
    if not problem.order_only_flow():  # else the flow-optimal order below makes polishing moot
        best = polish(search, *best)
    best = solve_order(search, *best, seed=srng.randrange(2**31))
    best = descend(search, *best, pool=pool)
    best = replace_descent(search, *best)
    best, met = push_search(search, best)
    pool[frozenset(best[0])] = best
    known = [*met, *scouted, *pool.values()]
    if problem.temperature > 0:  # the seeds may need near-best playlists further apart
        known += rebuilt_options(search, best, known, scout_work, tick_from(done))
    done += scout_work * RECREATE_STARTS * RECREATE_ROUNDS
    options = offered(problem, seed_playlists(search, best, known))
    if problem.temperature > 0 and len(options) > 1:
        options, floor = floored(search, options, best)
        index = choice if choice is not None else rng.randrange(2**31)
        order, value = options[index % len(options)]
        if order is not best[0]:
            if floor is None or order is not floor[0]:  # the floor's order is solved already
                order, value = solve_order(search, order, value, seed=srng.randrange(2**31))
            order, value = facing(search, (order, value), best)
    else:
        alternatives(search, best, pool)
        order, value = pick(search, best, pool, rng, choice)
        if order is not best[0]:  # an alternative: as well ordered as the best was, if that keeps
            ordered = solve_order(search, order, value, seed=srng.randrange(2**31))  # its flow near the best's
            if flow_near(problem, ordered[0], best[0]):
                order, value = ordered
    if progress is not None:
        progress(total_work, total_work)
    total = sum(problem.durations[i] for i in order)
    return WalkResult(order=order, objective=value[1], violations=violations(problem, order), duration_s=total)
