"""Does the transition cost prefer the track a human really put next?

The five soundtracks behind the project (``../shared/data/soundtrack_tracklists``) are human
orders: for each album and each track i, the real next track i+1 is compared with every other
track of the same album; the cost is *right* when c(i → i+1) < c(i → j) (a tie counts half).
50 % is chance.  The tracks come from the demo library, which holds all 77 with their moods,
genres and energies, and their sound vectors where the library computes them.

Run: ``python benchmarks/human_order.py`` (prints one row per album and cost model).
"""

from __future__ import annotations

import csv
import itertools
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from sequencer.adapters.demo import load_demo_tracks
from sequencer.adapters.moods_file import builtin_moods
from sequencer.core.costs import cost_matrix
from sequencer.core.profile import TransitionWeights
from sequencer.core.track import Track, normalise_text

TRACKLISTS = Path(__file__).resolve().parents[1].parent / "shared/data/soundtrack_tracklists/soundtrack_tracklists.csv"

MODELS: dict[str, TransitionWeights] = {
    "flow.md v1 (mood, energy, tempo, key)": TransitionWeights(mood=0.40, sound=0.0, energy=0.25, tempo=0.20, key=0.15),
    "flow.md v2 (default)": TransitionWeights(similarity=builtin_moods().vocabulary.similarity),
}


def albums(tracks: list[Track]) -> dict[str, list[Track]]:
    """Each soundtrack's tracks from the demo library, in the album's order (missing ones skipped)."""
    by_name = {(normalise_text(t.artists[0]), normalise_text(t.title)): t for t in tracks}
    by_title = defaultdict(list)
    for t in tracks:
        by_title[normalise_text(t.title)].append(t)
    out: dict[str, list[tuple[int, Track]]] = defaultdict(list)
    with TRACKLISTS.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            key = (normalise_text(row["artist"].split(",")[0]), normalise_text(row["title"]))
            found = by_name.get(key) or next(iter(by_title.get(normalise_text(row["title"]), [])), None)
            if found is not None:
                out[row["album"]].append((int(row["track_no"]), found))
    return {album: [t for _, t in sorted(rows, key=lambda r: r[0])] for album, rows in out.items()}


def accuracy(order: list[Track], weights: TransitionWeights, others: Sequence[Track] = ()) -> tuple[float, int]:
    """Share of (i, j) comparisons where the real next track is cheaper, and their count: j runs
    over the album's other tracks, or over ``others`` (tracks outside the album) when given."""
    pool = order + list(others)
    cost = cost_matrix(pool, weights)
    rivals = range(len(order), len(pool)) if others else range(len(order))
    right = 0.0
    count = 0
    for i, nxt in itertools.pairwise(range(len(order))):
        for j in rivals:
            if j in (i, nxt):
                continue
            count += 1
            right += 1.0 if cost[i, nxt] < cost[i, j] else 0.5 if cost[i, nxt] == cost[i, j] else 0.0
    return (right / count if count else float("nan")), count


def main() -> None:
    """Print the agreement with the albums' real orders for each cost model: against the
    album's other tracks, and against the rest of the library."""
    library = load_demo_tracks()
    found = albums(library)
    with_sound = sum(1 for ts in found.values() for t in ts if t.sound)
    total = sum(len(ts) for ts in found.values())
    print(f"{total} album tracks found in the demo library ({len(library)} tracks), {with_sound} with a sound vector")
    for rivals in ("the album's other tracks", "the rest of the library"):
        print(f"\nreal next track cheaper than {rivals}:")
        print("| cost model | " + " | ".join(a.split(" (")[0] for a in found) + " | all |")
        print("|---|" + "---|" * (len(found) + 1))
        for name, weights in MODELS.items():
            cells = []
            right = count = 0.0
            for order in found.values():
                ids = {t.id for t in order}
                others = [t for t in library if t.id not in ids] if rivals.startswith("the rest") else []
                share, n = accuracy(order, weights, others)
                cells.append(f"{share:.0%}")
                right += share * n
                count += n
            print(f"| {name} | " + " | ".join(cells) + f" | {right / count:.1%} |")


if __name__ == "__main__":
    main()
