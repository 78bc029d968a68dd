"""Benchmark moodseq's sequencer against baselines on libraries of 1k to 1M tracks.

Usage (from the repository root)::

    python benchmarks/run.py                     # 1k, 10k, 28k (shared catalog), 100k, 1M
    python benchmarks/run.py --sizes 1k,10k,28k  # a subset
    python benchmarks/run.py --quick             # 1k and 10k, fewer random samples

Each size runs in a fresh subprocess, so its peak memory (``ru_maxrss``, the whole process:
interpreter, numpy, networkx and the library) is its own.  Inside it, after the imports, the
clock runs over what a build costs with the library already imported: load the feature table
(the store's cached ``.npz``), score every row and keep the candidates (numpy), fetch those
rows' names (memory-mapped, standing in for the SQLite lookup), and build a 60-minute
playlist.  Two builds per size: night-drive (rise, plateau, ease off) and a flat arc.

Baselines order the flat build's own tracks: the median of random orders, greedy nearest
neighbour, nearest neighbour + 2-opt, and LKH-3 (elkai, the best known order).  Ratios are
flow costs (``flow.md``) over LKH-3's and over the random median; violations count broken hard
constraints (artist gap, caps, repeats, duration window).  "× LKH-3" lets LKH choose both ends;
"same ends" fixes them to the playlist's own first and last track (``flow.md``: same tracks, same
fixed endpoints) — the fair yardstick for an arc, whose ends are set by the arc.  Wall time is affected by other load
on the machine; cpu is this process's CPU time for the same span.  "seeds" builds the same
profile with 5 more seeds: how many playlists differ (and how many distinct track selections),
and the worst objective and flow cost over the best of the six (temperature 0).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SIZES = {"1k": 1_000, "10k": 10_000, "28k": 28_356, "100k": 100_000, "1M": 1_000_000}
DEFAULT_CACHE = Path(os.environ.get("MOODSEQ_BENCH_CACHE", "/tmp/moodseq-bench"))


def _profiles() -> dict[str, object]:
    """The two profiles every size is built with."""
    from types import MappingProxyType

    from sequencer.core.profile import Profile

    moods = MappingProxyType({"night-driving": 1.0, "brooding": 0.5, "atmospheric": 0.3})
    return {
        "night-drive": Profile(
            name="night-drive", minutes=60.0, moods=moods, arc=((0.0, 0.45), (0.6, 0.7), (1.0, 0.4))
        ),
        "flat": Profile(name="flat", minutes=60.0, moods=moods),
    }


def _lkh_order(cost: object, fixed_ends: bool = False) -> list[int]:
    """LKH-3's best order of the candidates (see benchmarks/lkh.py)."""
    from benchmarks.lkh import lkh_path

    return lkh_path(cost, fixed_ends=fixed_ends, runs=10)


def child(size: str, cache: Path, samples: int, spread_seeds: int = 5) -> dict[str, object]:
    """Run one size (in its own process) and return its rows as plain data."""
    import random
    import resource
    import statistics
    import time

    import numpy as np

    from sequencer.core.build import build_playlist, check_sequence
    from sequencer.core.candidates import candidate_budget, candidate_rows
    from sequencer.core.costs import cost_matrix
    from sequencer.core.features import FeatureTable
    from sequencer.core.optimise import nearest_neighbour_path, path_cost, two_opt_path
    from sequencer.core.profile import Profile
    from sequencer.core.sequence import make_sequence
    from sequencer.core.track import Track

    def load_tracks(profile: Profile) -> tuple[list[Track], int]:
        with np.load(cache / f"{size}.features.npz", allow_pickle=False) as data:
            table = FeatureTable(
                ids=data["ids"],
                mood_names=tuple(str(m) for m in data["mood_names"]),
                moods=data["moods"],
                attrs=data["attrs"],
                explicit=data["explicit"],
            )
        rows = candidate_rows(table, profile, keep=int(1.5 * candidate_budget(profile)))
        names = [
            np.load(cache / f"{size}.{label}.npy", mmap_mode="r")[rows] for label in ("titles", "artists", "albums")
        ]
        attrs = table.attrs[rows].astype(float)
        moods = table.moods[rows].astype(float)
        tracks = []
        for k, row in enumerate(rows.tolist()):
            values = {
                name: None if np.isnan(attrs[k, i]) else float(attrs[k, i])
                for i, name in enumerate(
                    (
                        "tempo",
                        "key",
                        "mode",
                        "energy",
                        "valence",
                        "acousticness",
                        "instrumentalness",
                        "speechiness",
                        "danceability",
                        "loudness",
                    )
                )
            }
            for name in ("key", "mode"):
                values[name] = None if values[name] is None else int(values[name])  # type: ignore[arg-type]
            tracks.append(
                Track(
                    id=str(table.ids[row]),
                    title=str(names[0][k]),
                    artists=(str(names[1][k]),),
                    album=str(names[2][k]),
                    duration_s=float(attrs[k, -1]),
                    moods={m: float(w) for m, w in zip(table.mood_names, moods[k], strict=True) if w > 0},
                    **values,  # type: ignore[arg-type]
                )
            )
        return tracks, len(table)

    def peak_mb() -> float:
        """This process's peak resident memory (VmHWM: reset at exec, unlike ru_maxrss)."""
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def measure(seq_tracks: list[Track], profile: Profile) -> dict[str, float]:
        cost = cost_matrix(seq_tracks, profile.transition)
        n = len(seq_tracks)
        lkh = path_cost(_lkh_order(cost), cost)
        lkh_ends = path_cost(_lkh_order(cost, fixed_ends=True), cost)
        rng = random.Random(0)
        randoms = []
        for _ in range(samples):
            order = list(range(n))
            rng.shuffle(order)
            randoms.append(path_cost(order, cost))
        return {"lkh": lkh, "lkh_ends": lkh_ends, "random": statistics.median(randoms)}

    rows: list[dict[str, object]] = []
    peak = 0.0
    flat_tracks: list[Track] = []
    library_size = 0
    for label, profile in _profiles().items():
        assert isinstance(profile, Profile)
        start, cpu_start = time.perf_counter(), time.process_time()
        tracks, library_size = load_tracks(profile)
        sequence = build_playlist(tracks, profile, seed=1)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        peak = max(peak, peak_mb())
        others = [build_playlist(tracks, profile, seed=seed) for seed in range(2, 2 + spread_seeds)]
        totals = [s.score.total for s in (sequence, *others)]
        flows = [s.score.flow_cost for s in (sequence, *others)]
        distinct = len({tuple(t.id for t in s.tracks) for s in (sequence, *others)})
        selections = len({frozenset(t.id for t in s.tracks) for s in (sequence, *others)})
        ref = measure(sequence.tracks, profile)
        flow_sum = sequence.score.flow_cost * (len(sequence.tracks) - 1)
        rows.append(
            {
                "method": f"moodseq ({label})",
                "n": len(sequence.tracks),
                "flow": sequence.score.flow_cost,
                "x_lkh": flow_sum / ref["lkh"],
                "x_lkh_ends": flow_sum / ref["lkh_ends"],
                "x_random": flow_sum / ref["random"],
                "arc": sequence.score.arc_error,
                "fit": sequence.score.mood_fit,
                "violations": check_sequence(sequence).total,
                "seconds": elapsed,
                "cpu": cpu,
                "peak_mb": peak,
                "minutes": sequence.duration_s / 60,
                "spread": f"{distinct}/{len(totals)} differ ({selections} selections), objective "
                f"+{max(totals) / min(totals) - 1:.1%}, flow +{max(flows) / min(flows) - 1:.1%}",
            }
        )
        if label == "flat":
            flat_tracks = sequence.tracks
    profile = _profiles()["flat"]
    assert isinstance(profile, Profile)
    cost = cost_matrix(flat_tracks, profile.transition)
    ref = measure(flat_tracks, profile)
    rng = random.Random(0)
    shuffled = list(range(len(flat_tracks)))
    rng.shuffle(shuffled)
    baselines: dict[str, Callable[[], list[int]]] = {
        "random order": lambda: shuffled,
        "greedy NN": lambda: nearest_neighbour_path(cost),
        "NN + 2-opt": lambda: two_opt_path(cost),
        "LKH-3 (elkai)": lambda: _lkh_order(cost),
    }
    for name, solve in baselines.items():
        start, cpu_start = time.perf_counter(), time.process_time()
        order = solve()
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu_start
        seq = make_sequence([flat_tracks[i] for i in order], profile)
        total = path_cost(order, cost) if name != "random order" else ref["random"]
        rows.append(
            {
                "method": name,
                "n": len(order),
                "flow": total / (len(order) - 1),
                "x_lkh": total / ref["lkh"],
                "x_lkh_ends": None,
                "x_random": total / ref["random"],
                "arc": seq.score.arc_error,
                "fit": seq.score.mood_fit,
                "violations": check_sequence(seq).total,
                "seconds": elapsed,
                "cpu": cpu,
                "peak_mb": None,
                "minutes": seq.duration_s / 60,
                "spread": "",
            }
        )
    return {"size": size, "library": library_size, "rows": rows}


def _table(results: list[dict[str, object]]) -> str:
    """One Markdown table for every size and method."""
    head = (
        "| library | method | tracks | flow cost | × LKH-3 | × LKH-3 same ends | × random | arc error "
        "| mood fit | violations | wall (s) | cpu (s) | peak MB | seeds |"
    )
    lines = [head, "|" + "---|" * 14]
    for result in results:
        for row in result["rows"]:  # type: ignore[attr-defined]
            peak = "" if row["peak_mb"] is None else f"{row['peak_mb']:.0f}"
            ends = "" if row["x_lkh_ends"] is None else f"{row['x_lkh_ends']:.3f}"
            lines.append(
                f"| {result['size']} ({result['library']:,}) | {row['method']} | {row['n']} "
                f"| {row['flow']:.4f} | {row['x_lkh']:.3f} | {ends} | {row['x_random']:.3f} | {row['arc']:.3f} "
                f"| {row['fit']:.3f} | {row['violations']:g} | {row['seconds']:.3f} | {row['cpu']:.3f} | {peak} "
                f"| {row['spread']} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    """Parse options, prepare libraries, run each size in a subprocess, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1k,10k,28k,100k,1M", help="comma-separated: " + ",".join(SIZES))
    parser.add_argument("--quick", action="store_true", help="1k and 10k only, 50 random samples")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE, help="where generated libraries live")
    parser.add_argument("--samples", type=int, default=200, help="random orders per median")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true", help="print raw results as JSON too")
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.cache, args.samples)))
        return
    sizes = ["1k", "10k"] if args.quick else [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        parser.error(f"unknown size {unknown[0]!r}; known: {', '.join(SIZES)}")
    samples = 50 if args.quick else args.samples
    from benchmarks.libraries import write_library  # type: ignore[import-not-found,unused-ignore]

    results = []
    for size in sizes:
        write_library(args.cache, size, SIZES[size])
        out = subprocess.run(
            [
                sys.executable,
                str(Path(__file__).resolve()),
                "--child",
                size,
                "--cache",
                str(args.cache),
                "--samples",
                str(samples),
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        results.append(json.loads(out.stdout.strip().splitlines()[-1]))
        print(f"done {size}", file=sys.stderr)
    print(_table(results))
    if args.json:
        print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
