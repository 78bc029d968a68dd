"""Pushes: a better best, and the seeds' own playlists near it.

A *push* (:func:`pushed`) moves the best playlist away from itself in a controlled way: a
descent and polish on the objective plus a seeded random cost on each of its free tracks and a
little seeded noise on every other candidate, so it swaps out a random part of itself and
replaces it; the result is valued on the real objective.

:func:`push_search` runs a fixed series of pushes (the same for every build seed), each settled
by a plain descent and :func:`~sequencer.core.walk.replace.replace_descent`: an iterated local
search that often finds a better selection than annealing did (it leaves a good region's
tracks in a controlled way; on the shared catalogs it improved the 60-minute bests by 2–12 %).
Every valid playlist it meets is kept; with a temperature, variety pushes (from the best and
from the playlists most unlike it) add more, each also settled on the real objective without
taking back the best's tracks it left.

:func:`seed_playlists` then orders the kept playlists (and the walk's scouts and pool) within
:func:`variant_tolerance` of the final best, and within :data:`REPORTED_TOLERANCE` on the
reported objective (:func:`reported`), for variety: the best first, then each time the one
sharing the fewest tracks with those already taken, leaving out any that plays five or more
of a taken one's tracks in nearly the opposite order (:func:`_turned`: two seeds would sound
like one playlist played backwards). Seed ``k`` plays number ``k mod count``.
Since every seed ranks the same playlists against the same best, no seed is more than the
tolerance worse than the best, and consecutive seeds share as few tracks as the good playlists
allow.

Public: :func:`variant_tolerance`, :func:`pushed`, :func:`push_search`, :func:`seed_playlists`,
:func:`offered`, :func:`floored`, :func:`facing`, :func:`reported`, :func:`order_agreement`,
:func:`apart_enough`.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Hashable, Iterable, Sequence

from sequencer.core.walk.descent import descend, polish, solve_order
from sequencer.core.walk.moves import Search
from sequencer.core.walk.problem import Order, Value, WalkProblem, better
from sequencer.core.walk.replace import replace_descent

#: A seed's playlist may be this much worse than the best (a share of its objective): the base
#: plus so much per unit of the profile's temperature, never more than the maximum (so every
#: seed stays within 5 % of the best seed).  At temperature 0 every seed gets the best.
VARIANT_TOLERANCE_BASE = 0.03
VARIANT_TOLERANCE_PER_HEAT = 0.1
VARIANT_TOLERANCE_MAX = 0.05
#: How much worse than the lowest among them a seed's playlist may be on the reported
#: objective (:func:`reported`; the walk's objective holds the seeds to the tolerance above).
REPORTED_TOLERANCE = 0.05
#: The pushes of one build, in turn: (cost of keeping a best track, noise on every candidate),
#: each as the largest share of the best's objective drawn.
PUSHES = ((0.5, 0.3), (0.9, 0.5), (0.3, 0.15))
#: Most pushes of the iterated search, and how many in a row may fail before it stops.
PUSH_ROUNDS = 6
PUSH_PATIENCE = 4
#: Pushes from the final best that offer the seeds playlists near it (with a temperature).
VARIETY_PUSHES = ((0.4, 0.25), (0.7, 0.4), (0.6, 0.6), (0.9, 0.5))
#: Pushes from the playlists most unlike the best (they reach further while staying near).
CHAINED_PUSHES = 2
#: Most rounds of variety pushes (a round that finds a better best is followed by another).
VARIETY_ROUNDS = 2
#: Spread pushes (:func:`_spread`): how many near-best playlists apart from each other are
#: wanted, how much of their tracks two of them may share (Jaccard), the most pushes tried, and
#: their (cost of a used track, noise) shapes.
SPREAD_WANTED = 5
SPREAD_SHARED = 0.5
SPREAD_PUSHES = 4
SPREAD_SHAPES = ((0.5, 0.3), (0.35, 0.2))
#: Most playlists (the best first) a seed's choice is made among.
SEED_CHOICES = 200
#: Playlists ranked for the seeds (seed k plays number k mod this many, or fewer).
SEED_RANKED = 12
#: Two playlists sharing at least this many tracks in an order this far from theirs (Spearman's
#: correlation of the shared tracks' positions) are one turned round: never both for seeds.
TURNED_SHARED = 5
TURNED_AGREEMENT = -0.5
#: Seed of the order solved for the lowest offered playlist (:func:`floored`).
FLOOR_ORDER_SEED = 0xF100
#: Seed of the best order computed after pushes improved the best.
PUSH_ORDER_SEED = 0x0DE2
#: States a push's descent (and the descent settling it) may evaluate.
PUSH_DESCENT = 800
#: States a push's polish may evaluate.
PUSH_POLISH = 600


def variant_tolerance(problem: WalkProblem) -> float:
    """How much worse than the best a seed's playlist may be (a share of its objective)."""
    if problem.temperature <= 0:
        return 0.0
    heat = VARIANT_TOLERANCE_BASE + VARIANT_TOLERANCE_PER_HEAT * problem.temperature
    return min(VARIANT_TOLERANCE_MAX, heat)


def pushed(
    search: Search,
    best: tuple[Order, Value],
    share: float,
    noise: float,
    rng: random.Random,
    avoid: Iterable[int] | None = None,
) -> tuple[Order, Value] | None:
    """``best`` pushed away from itself (see the module docstring) — or, with ``avoid``, away
    from those tracks — and valued on the real objective; None when it has fewer than two free
    tracks."""
    p = search.p
    order, value = best
    keep = search.fixed | set(p.required)
    movable = [i for i in order if i not in keep]
    if len(movable) < 2:
        return None
    scale = abs(value[1])
    bias = [noise * scale * rng.random() for _ in range(p.size)]
    for i in movable if avoid is None else [i for i in avoid if i not in keep]:
        bias[i] += share * scale * rng.random()
    other = search.rebiased(bias, rng)
    moved, _ = descend(other, order, other.ev(order), budget=PUSH_DESCENT)
    moved, _ = polish(other, moved, other.ev(moved), max_passes=1, budget=PUSH_POLISH)
    return moved, search.ev(moved)


def push_search(search: Search, best: tuple[Order, Value]) -> tuple[tuple[Order, Value], list[tuple[Order, Value]]]:
    """The iterated local search of the module docstring: the (possibly better) best and every
    valid playlist met.  Pushes start from the best so far (:data:`PUSHES` in turn); one that
    settles better than it becomes the best (given its best order at the end).  It stops after
    :data:`PUSH_PATIENCE` pushes in a row without a better best (at most :data:`PUSH_ROUNDS`);
    with a temperature, :data:`VARIETY_PUSHES` more from the final best then offer the seeds
    playlists near it."""
    met: list[tuple[Order, Value]] = []
    if best[1][0] > 1e-9:
        return best, met
    idle, improved = 0, False
    for k in range(PUSH_ROUNDS):
        share, noise = PUSHES[k % len(PUSHES)]
        rng = random.Random(f"moodseq-push-{k}")
        moved = pushed(search, best, share, noise, rng)
        if moved is None:
            return best, met
        if moved[1][0] <= 1e-9:
            met.append(moved)
        settled = descend(search, *moved, budget=PUSH_DESCENT)
        settled = replace_descent(search, *settled)
        if better(settled[1], best[1]):
            met.append(best)
            best, idle, improved = settled, 0, True
        else:
            met.append(settled)
            idle += 1
            if idle >= PUSH_PATIENCE:
                break
    if improved:  # the best order once, for the final selection (it costs most on long playlists)
        best = solve_order(search, *best, seed=PUSH_ORDER_SEED)
    if search.p.temperature > 0:
        best = _variety(search, best, met)
    return best, met


def _variety(search: Search, best: tuple[Order, Value], met: list[tuple[Order, Value]]) -> tuple[Order, Value]:
    """Pushes that offer the seeds playlists near the best (added to ``met``): from the best
    (:data:`VARIETY_PUSHES`), then from the playlists most unlike it (they reach further while
    staying near).  One of those that beats the best becomes the best, and the round is run
    again from it (at most :data:`VARIETY_ROUNDS` rounds)."""
    for round_ in range(VARIETY_ROUNDS):
        for k, (share, noise) in enumerate(VARIETY_PUSHES):
            moved = pushed(search, best, share, noise, random.Random(f"moodseq-variety-{round_}-{k}"))
            if moved is not None and moved[1][0] <= 1e-9:
                met.append(moved)
                met.append(_settled_apart(search, moved, frozenset(best[0])))
        improved = False
        for k, start in enumerate(seed_playlists(search, best, met)[1 : 1 + CHAINED_PUSHES]):
            share, noise = VARIETY_PUSHES[k % len(VARIETY_PUSHES)]
            moved = pushed(search, start, share, noise, random.Random(f"moodseq-chain-{round_}-{k}"))
            if moved is not None and moved[1][0] <= 1e-9:
                met.append(moved)
                moved = _settled_apart(search, moved, frozenset(best[0]))
                met.append(moved)
                if better(moved[1], best[1]):  # found further out: the best for every seed
                    met.append(best)
                    best, improved = moved, True
        if not improved:
            break
        best = solve_order(search, *best, seed=PUSH_ORDER_SEED + 1 + round_)
    _spread(search, best, met)
    return best


def _spread(search: Search, best: tuple[Order, Value], met: list[tuple[Order, Value]]) -> None:
    """Playlists each unlike all the seeds' playlists before it (added to ``met``): while fewer
    than :data:`SPREAD_WANTED` near-best playlists share at most :data:`SPREAD_SHARED` of their
    tracks with each other, a push from the best costs every track those use, and is settled
    without them (:data:`SPREAD_PUSHES` tries at most)."""
    limit = best[1][1] + variant_tolerance(search.p) * abs(best[1][1])
    for k in range(SPREAD_PUSHES):
        taken = _apart(seed_playlists(search, best, met))
        if len(taken) >= SPREAD_WANTED:
            return
        counts = Counter(i for state in taken for i in set(state[0]))
        avoid = frozenset(i for i, c in counts.items() if 2 * c >= len(taken))
        share, noise = SPREAD_SHAPES[k % len(SPREAD_SHAPES)]
        moved = pushed(search, best, share, noise, random.Random(f"moodseq-spread-{k}"), avoid=avoid)
        if moved is None or moved[1][0] > 1e-9:
            continue
        settled = _settled_apart(search, moved, avoid)
        if settled[1][0] <= 1e-9 and settled[1][1] <= limit:
            met.append(settled)


def apart_enough(search: Search, best: tuple[Order, Value], met: list[tuple[Order, Value]]) -> bool:
    """Whether the seeds already have :data:`SPREAD_WANTED` near-best playlists apart from each
    other among ``met``, counting only those :func:`offered` to them (then rebuilds from scratch
    are not needed for their variety)."""
    return len(_apart(offered(search.p, seed_playlists(search, best, met)))) >= SPREAD_WANTED


def _apart(ranked: list[tuple[Order, Value]]) -> list[tuple[Order, Value]]:
    """The first of ``ranked`` and each next one sharing at most :data:`SPREAD_SHARED` of its
    tracks (Jaccard) with every one taken before it."""
    taken: list[tuple[Order, Value]] = []
    for state in ranked:
        key = frozenset(state[0])
        if all(_jaccard(key, frozenset(t[0])) <= SPREAD_SHARED for t in taken):
            taken.append(state)
    return taken


def _settled_apart(search: Search, moved: tuple[Order, Value], away: frozenset[int]) -> tuple[Order, Value]:
    """``moved`` settled on the real objective without taking back any track of ``away`` (the
    best's, or those most near-best playlists share) it left: as good as it gets while staying
    as far from them."""
    left = away - frozenset(moved[0])
    settled = descend(search, *moved, budget=PUSH_DESCENT, banned=left)
    return replace_descent(search, *settled, banned=left)


def reported(problem: WalkProblem, state: tuple[Order, Value]) -> float:
    """The objective of ``state`` as its playlist's reported score counts it: the walk's, with
    flow.md's mood fit in place of the walk's fit (:attr:`WalkProblem.reported_fits`)."""
    order, value = state
    if not problem.reported_fits or not order:
        return value[1]
    total = sum(problem.durations[i] for i in order)
    if total <= 0:
        return value[1]
    shift = sum(problem.durations[i] * (problem.fits[i] - problem.reported_fits[i]) for i in order) / total
    return value[1] + 0.5 * problem.w_fit * shift


def offered(problem: WalkProblem, ranked: list[tuple[Order, Value]]) -> list[tuple[Order, Value]]:
    """The playlists of ``ranked`` (:func:`seed_playlists`, in its order) the seeds play: those
    within :data:`REPORTED_TOLERANCE` of the lowest of them on the reported objective.  The
    walk's best leads the ranking but may be left out here: with exemplars its fit (1 for an
    exemplar) and flow.md's mood fit (which may be 0 for the same track) differ, and a seed
    playing it was 6 % worse than another seed on the reported objective (night-drive, 30 min)."""
    if len(ranked) < 2:
        return ranked
    limit = _reported_limit(problem, ranked)
    return [state for state in ranked if reported(problem, state) <= limit]


def floored(
    search: Search, options: list[tuple[Order, Value]], best: tuple[Order, Value]
) -> tuple[list[tuple[Order, Value]], tuple[Order, Value] | None]:
    """``options`` (:func:`offered`) held to :data:`REPORTED_TOLERANCE` of their floor once it is
    as well ordered as a seed would play it, and that solved floor (None when the floor is the
    best, ordered already).

    A seed's playlist has its order solved after the choice, which lowers its objective by up
    to 2 % (study, 60 minutes: 0.2681 → 0.2633), and every other seed must stay within the
    tolerance of it: so the lowest offered playlist is solved first (on a fixed seed, the same
    for every build seed) and the options are measured against it."""
    p = search.p
    if len(options) < 2:
        return options, None
    low = min(range(len(options)), key=lambda k: reported(p, options[k]))
    solved = None
    if options[low][0] is not best[0]:  # the best's order is solved already
        solved = solve_order(search, *options[low], seed=FLOOR_ORDER_SEED)
        options = [*options[:low], solved, *options[low + 1 :]]
    limit = (1 + REPORTED_TOLERANCE) * reported(p, options[low]) + 1e-12
    return [s for s in options if reported(p, s) <= limit], solved


def _reported_limit(problem: WalkProblem, states: Iterable[tuple[Order, Value]]) -> float:
    """The worst reported objective a seed may play: :data:`REPORTED_TOLERANCE` above the
    lowest of ``states``."""
    return (1 + REPORTED_TOLERANCE) * min(reported(problem, s) for s in states) + 1e-12


def _jaccard(a: frozenset[int], b: frozenset[int]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def seed_playlists(
    search: Search, best: tuple[Order, Value], met: list[tuple[Order, Value]]
) -> list[tuple[Order, Value]]:
    """The best (``best`` or a better valid playlist of ``met``), then the distinct valid
    playlists of ``met`` within the tolerance of it — on the walk's objective and on the
    reported one (:func:`reported`, within :data:`REPORTED_TOLERANCE` of the lowest among them) — each next one sharing
    the fewest tracks with those before it (ties: the better objective)."""
    if best[1][0] <= 1e-9:  # one met on the way may beat it: the best of all leads
        best = min([best, *(m for m in met if m[1][0] <= 1e-9)], key=lambda s: s[1][1])
    order, value = best
    tolerance = variant_tolerance(search.p)
    limit = value[1] + tolerance * abs(value[1]) + 1e-12
    near = [s for s in met if s[1][0] <= 1e-9 and s[1][1] <= limit]
    reported_limit = _reported_limit(search.p, [best, *near])
    options: dict[frozenset[int], tuple[Order, Value]] = {}
    for state in sorted(near, key=lambda s: s[1][1]):
        key = frozenset(state[0])
        if key == frozenset(order) or key in options:
            continue
        if reported(search.p, state) <= reported_limit:
            options[key] = state
            if len(options) >= SEED_CHOICES:
                break
    ranked = [best]
    for key in [k for k in options if _turned(options[k][0], order)]:
        del options[key]
    closest = {key: _jaccard(key, frozenset(order)) for key in options}
    while options and len(ranked) < SEED_RANKED:
        key = min(options, key=lambda k: (closest[k], options[k][1][1]))
        taken = options.pop(key)
        ranked.append(taken)
        for other in [k for k in options if _turned(options[k][0], taken[0])]:
            del options[other]
        for other in options:
            closest[other] = max(closest[other], _jaccard(other, key))
    return ranked


#: How much worse (a share of its objective) a seed's playlist may become by playing it the
#: other way round, so that it runs the same way as the best (:func:`facing`).
FACING_TOLERANCE = 0.005


def facing(search: Search, state: tuple[Order, Value], best: tuple[Order, Value]) -> tuple[Order, Value]:
    """``state`` played backwards when it plays the best's tracks in nearly the opposite order
    (:func:`_turned`) and backwards is valid and at most :data:`FACING_TOLERANCE` worse (a flat
    arc and symmetric costs make both ways equal: the order search picks either), else
    ``state``.  A fixed start or end is never moved."""
    order, value = state
    p = search.p
    if p.start is not None or p.end is not None or not _turned(order, best[0]):
        return state
    back = order[::-1]
    turned = search.ev(back)
    if turned[0] <= value[0] + 1e-12 and turned[1] <= value[1] + FACING_TOLERANCE * abs(value[1]) + 1e-12:
        return back, turned
    return state


def order_agreement(a: Sequence[Hashable], b: Sequence[Hashable], least: int = TURNED_SHARED) -> float | None:
    """Spearman's rank correlation of the positions of the items ``a`` and ``b`` share (None
    when they share fewer than ``least``): 1 = the same order, −1 = reversed."""
    in_b = set(b)
    shared = [item for item in a if item in in_b]
    n = len(shared)
    if n < least:
        return None
    in_both = set(shared)
    rank_b = {item: r for r, item in enumerate(item for item in b if item in in_both)}
    d2 = sum((r - rank_b[item]) ** 2 for r, item in enumerate(shared))
    return 1 - 6 * d2 / (n * (n * n - 1))


def _turned(a: Order, b: Order) -> bool:
    """Whether ``a`` plays at least :data:`TURNED_SHARED` tracks of ``b`` in nearly the
    opposite order (:func:`order_agreement` ≤ :data:`TURNED_AGREEMENT`): two seeds that did
    would sound like one playlist played backwards."""
    agreement = order_agreement(a, b)
    return agreement is not None and agreement <= TURNED_AGREEMENT
