"""How far `build` is from the best playlist anything here finds in a minute (issue #11).

For every built-in profile and length: `build` through the CLI's library loader for seeds 1–5
(the median objective, flow.md v2 with the profile's weights), then, for ``--budget`` seconds of
CPU, the same problem searched again and again with other search seeds, three times the
annealing and four finalists (a long search; each also pushes its best), keeping the best
objective met.  The table gives the gap of `build`'s median and of its best seed to that best.

Usage (from the repository root; the library must hold both shared catalogs, moods inferred —
`benchmarks/engine.py` can make one)::

    python benchmarks/best_known.py --library /tmp/both.db            # 5 profiles × 30/60/180, 60 s each
    python benchmarks/best_known.py --library /tmp/both.db --profiles study --minutes 60 --budget 20
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PROFILES = ("night-drive", "train-ride", "study", "rain-city", "catharsis")


def long_search(budget: float) -> Callable[..., Any]:
    """A stand-in for the build's ``walk`` that searches with other seeds and more work until
    ``budget`` CPU seconds have passed."""
    from sequencer.core import walk as walk_package
    from sequencer.core.walk.problem import default_iterations

    def searching(problem: Any, rng: Any, **options: Any) -> Any:
        start = time.process_time()
        best = None
        seed = 1
        while best is None or time.process_time() - start < budget:
            result = walk_package.walk(
                problem,
                rng,
                iterations=3 * default_iterations(problem),
                restarts=4,
                choice=0,
                search_seed=seed,
            )
            if result.violations.total <= 1e-9 and (best is None or result.objective < best.objective):
                best = result
            seed += 1
        return best

    return searching


def run(library: Path, profiles: list[str], minutes: list[float], seeds: list[int], budget: float) -> list[str]:
    """One table row per profile and length."""
    from benchmarks.engine import cases
    from sequencer.core import build as build_module

    rows = [
        "| profile | minutes | build median | build best seed | best known (60 s) | median gap | best-seed gap |",
        "|---|---|---|---|---|---|---|",
    ]
    print("\n".join(rows), flush=True)
    namespace = vars(build_module)  # the build's walk, swapped for the long search below
    original = namespace["walk"]
    for name, length, profile, tracks in cases(library, profiles, minutes):
        totals = [build_module.build_playlist(tracks, profile, seed=s).score.total for s in seeds]
        namespace["walk"] = long_search(budget)
        try:
            long_total = build_module.build_playlist(tracks, profile, seed=0).score.total
        finally:
            namespace["walk"] = original
        best = min([long_total, *totals])
        median = statistics.median(totals)
        rows.append(
            f"| {name} | {length:g} | {median:.4f} | {min(totals):.4f} | {best:.4f} "
            f"| {median / best - 1:+.1%} | {min(totals) / best - 1:+.1%} |"
        )
        print(rows[-1], flush=True)
    return rows


def main(argv: list[str] | None = None) -> None:
    """Parse the options and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--library", type=Path, required=True, help="a library with both catalogs and moods")
    parser.add_argument("--profiles", default=",".join(PROFILES))
    parser.add_argument("--minutes", default="30,60,180")
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--budget", type=float, default=60.0, help="CPU seconds of the long search per case")
    options = parser.parse_args(argv)
    run(
        options.library,
        options.profiles.split(","),
        [float(m) for m in options.minutes.split(",")],
        list(range(1, options.seeds + 1)),
        options.budget,
    )


if __name__ == "__main__":
    main()
