"""Engine benchmark on the user's real path: both shared catalogs imported with the CLI, moods
inferred with the CLI, playlists built through the CLI's library loader and ``build_playlist``.

Usage (from the repository root)::

    python benchmarks/engine.py                                  # 5 profiles × 30/60/180 min × 5 seeds
    python benchmarks/engine.py --profiles night-drive --minutes 480 --seeds 1
    python benchmarks/engine.py --library /tmp/lib.db           # reuse an imported library

For each profile and length: the median objective over the seeds and its spread (worst seed
over best seed), the mean pairwise share of tracks two seeds have in common, and the median CPU
time of a build (``time.process_time``: the machine is shared, so wall time says less).
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

SHARED = ROOT.parent / "shared" / "data"
CATALOGS = (
    SHARED / "spotify_songs_tidytuesday" / "spotify_songs.csv.gz",
    SHARED / "spotify_10k_playlist" / "spotify_songs.csv",
)
PROFILES = ("night-drive", "train-ride", "study", "rain-city", "catharsis")


def prepare(library: Path) -> None:
    """Import both catalogs and infer moods with the CLI's own code (in this process)."""
    from sequencer.cli.main import cli

    for args in (["import", "csv", *map(str, CATALOGS)], ["moods", "infer"]):
        try:
            cli.main(["--quiet", "--library", str(library), *args], standalone_mode=False)
        except SystemExit as stop:
            if stop.code not in (0, None):
                raise


def cases(library: Path, profiles: list[str], minutes: list[float]) -> Iterator[tuple[str, float, Any, list[Any]]]:
    """(profile name, minutes, the profile at that length, the tracks its build reads) for
    every case, as the CLI loads them (the built-in moods file's vocabulary and similarity)."""
    from sequencer.adapters.library.build_input import load_for_build
    from sequencer.adapters.moods_file import builtin_moods
    from sequencer.adapters.profiles_toml import load_profile

    for name in profiles:
        base = load_profile(name, Path(tempfile.gettempdir()), builtin_moods().vocabulary)
        for length in minutes:
            profile = dataclasses.replace(base, minutes=length)
            yield name, length, profile, load_for_build(library, profile, explicit=True).tracks


def run(library: Path, profiles: list[str], minutes: list[float], seeds: list[int]) -> list[str]:
    """One table row per profile and length."""
    from sequencer.core.build import build_playlist

    rows = [
        "| profile | minutes | tracks | objective (median) | worst seed / best | overlap | cpu (median) |",
        "|---|---|---|---|---|---|---|",
    ]
    print("\n".join(rows), flush=True)
    for name, length, profile, tracks in cases(library, profiles, minutes):
        totals, cpu, sets, sizes = [], [], [], []
        for seed in seeds:
            start = time.process_time()
            sequence = build_playlist(tracks, profile, seed=seed)
            cpu.append(time.process_time() - start)
            totals.append(sequence.score.total)
            sets.append(frozenset(t.id for t in sequence.tracks))
            sizes.append(len(sequence.tracks))
        pairs = [len(a & b) / min(len(a), len(b)) for i, a in enumerate(sets) for b in sets[i + 1 :]]
        overlap = f"{statistics.mean(pairs):.2f}" if pairs else "–"
        rows.append(
            f"| {name} | {length:g} | {statistics.median(sizes):g} | {statistics.median(totals):.4f} "
            f"| {max(totals) / min(totals):.3f} | {overlap} | {statistics.median(cpu):.2f} s |"
        )
        print(rows[-1], flush=True)
    return rows


def main(argv: list[str] | None = None) -> None:
    """Parse the options, import if needed, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--library", type=Path, help="an already imported library (default: import afresh)")
    parser.add_argument("--profiles", default=",".join(PROFILES))
    parser.add_argument("--minutes", default="30,60,180")
    parser.add_argument("--seeds", type=int, default=5)
    options = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        library = options.library or Path(folder) / "library.db"
        if options.library is None:
            start = time.perf_counter()
            prepare(library)
            print(f"imported and inferred in {time.perf_counter() - start:.1f} s", flush=True)
        run(
            library,
            options.profiles.split(","),
            [float(m) for m in options.minutes.split(",")],
            list(range(1, options.seeds + 1)),
        )


if __name__ == "__main__":
    main()
