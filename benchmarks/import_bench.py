"""Import and library-open benchmark: prints a table of medians (numbers go in the README).

Measures, on the shared catalogs in ``../shared/data``:

- importing the 32,833-row TidyTuesday catalog into a new library, and again (nothing new);
- the same for the 9,961-row playlist;
- opening the 28k-track library and getting its FeatureTable (cache cold: rebuilt from SQL;
  warm: loaded from ``library.db.features.npz``) and all Track objects;
- what a night-drive build reads from it (``load_for_build``: exemplars, genre rules, the
  candidates as Tracks), the genre lists' cache (``library.db.genres.npz``) cold and warm;
- the full `moodseq import csv` command in a fresh process (start-up included);
- loading a cached FeatureTable of 1,000,000 synthetic rows.

Run: ``python benchmarks/import_bench.py [--repeat 3]`` from the repository root.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"
TIDY = SHARED / "spotify_songs_tidytuesday" / "spotify_songs.csv.gz"
TENK = SHARED / "spotify_10k_playlist" / "spotify_songs.csv"
sys.path.insert(0, str(REPO))

from sequencer.adapters.importers.records import ImportReport  # noqa: E402
from sequencer.adapters.importers.tabular import import_table  # noqa: E402
from sequencer.adapters.library.store import Store  # noqa: E402

Run = tuple[float, float]
"""(wall seconds, CPU seconds of this process) of one measurement."""


def _median(runs: list[Run]) -> str:
    """Median wall time (min–max) and median CPU time: on a shared machine the CPU time shows
    the work itself, the wall time includes waiting for other processes."""
    wall = [r[0] for r in runs]
    cpu = statistics.median(r[1] for r in runs)
    spread = f" [{min(wall):.2f}–{max(wall):.2f}]" if len(runs) > 1 else ""
    return f"{statistics.median(wall):.3f} s{spread}, cpu {cpu:.3f} s"


def _timed(action: Callable[[], object]) -> Run:
    """Wall and CPU seconds one call of ``action`` takes."""
    start, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - start, time.process_time() - cpu


def _collect(into: list[ImportReport], store: Store, source: Path) -> None:
    """Import ``source`` and keep the report."""
    into.append(import_table(store, source))


def bench_import(source: Path, repeat: int, rows: list[tuple[str, str, str]]) -> Path:
    """First and second import of ``source``; returns a library holding it."""
    first: list[Run] = []
    second: list[Run] = []
    library = Path()
    for _ in range(repeat):
        folder = Path(tempfile.mkdtemp(prefix="moodseq-bench-"))
        library = folder / "library.db"
        with Store.open(library) as store:
            first.append(_timed(partial(import_table, store, source)))
            reports: list[ImportReport] = []
            second.append(_timed(partial(_collect, reports, store, source)))
            tracks = store.count()
        assert reports[0].added == 0 and reports[0].updated == 0, reports[0].summary()
    name = source.parent.name
    rows.append((f"import {name} (new library)", _median(first), f"{tracks:,} tracks"))
    rows.append((f"import {name} again (nothing new)", _median(second), "0 added, 0 updated"))
    return library


def bench_open(library: Path, repeat: int, rows: list[tuple[str, str, str]]) -> None:
    """Open + FeatureTable (cold and warm cache) and open + tracks()."""
    cold: list[Run] = []
    warm: list[Run] = []
    objects: list[Run] = []
    cache = library.with_name(library.name + ".features.npz")
    for _ in range(repeat):
        cache.unlink(missing_ok=True)

        def open_table() -> int:
            """Open the library and build or load its feature table."""
            with Store.open(library) as store:
                return len(store.feature_table())

        cold.append(_timed(open_table))
        warm.append(_timed(open_table))

        def open_tracks() -> int:
            """Open the library and make every Track."""
            with Store.open(library) as store:
                return len(store.tracks())

        objects.append(_timed(open_tracks))
    rows.append(("open 28k library + FeatureTable (cache cold)", _median(cold), "rebuilt from SQL"))
    rows.append(("open 28k library + FeatureTable (cache warm)", _median(warm), "npz beside the db"))
    rows.append(("open 28k library + all Track objects", _median(objects), "tracks()"))


def bench_build_load(library: Path, repeat: int, rows: list[tuple[str, str, str]]) -> None:
    """What a build reads from the library: ``load_for_build`` for night-drive (exemplars,
    genre rules, candidates as Tracks), with the genre cache cold and warm."""
    from sequencer.adapters.library.build_input import load_for_build
    from sequencer.adapters.library.features import genre_cache_path
    from sequencer.adapters.profiles_toml import load_profile_file

    profile = load_profile_file(REPO / "profiles" / "night-drive.toml")
    cold: list[Run] = []
    warm: list[Run] = []
    for _ in range(repeat):
        genre_cache_path(library).unlink(missing_ok=True)
        cold.append(_timed(partial(load_for_build, library, profile)))
        warm.append(_timed(partial(load_for_build, library, profile)))
    rows.append(("load_for_build night-drive, 28k (genre cache cold)", _median(cold), "feature cache warm"))
    rows.append(("load_for_build night-drive, 28k (genre cache warm)", _median(warm), "what a build pays"))


def bench_cli(repeat: int, rows: list[tuple[str, str, str]]) -> None:
    """`moodseq import csv` in a fresh process, start-up and all."""
    runs: list[Run] = []
    for _ in range(repeat):
        folder = Path(tempfile.mkdtemp(prefix="moodseq-bench-"))
        env = {**os.environ, "PYTHONPATH": str(REPO), "MOODSEQ_DATA_DIR": str(folder)}
        command = [
            sys.executable,
            "-m",
            "sequencer",
            "-q",
            "--library",
            str(folder / "lib.db"),
            "import",
            "csv",
            str(TIDY),
        ]
        before, start = os.times(), time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True)
        wall, after = time.perf_counter() - start, os.times()
        cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
        runs.append((wall, cpu))
    rows.append(("`moodseq import csv` tidytuesday, fresh process", _median(runs), "CLI start-up included"))


def bench_million(rows: list[tuple[str, str, str]]) -> None:
    """Loading a cached FeatureTable of a million synthetic tracks."""
    import numpy as np

    from sequencer.adapters.library.store import _load_feature_cache, _save_feature_cache
    from sequencer.core.features import COLUMNS, FeatureTable

    n = 1_000_000
    rng = np.random.default_rng(7)
    table = FeatureTable(
        ids=np.array([f"{i:022d}" for i in range(n)], dtype=np.str_),
        mood_names=("atmospheric", "brooding", "angsty", "night-driving", "study"),
        moods=rng.random((n, 5), dtype=np.float32),
        attrs=rng.random((n, len(COLUMNS)), dtype=np.float32),
        explicit=np.zeros(n, dtype=bool),
    )
    path = Path(tempfile.mkdtemp(prefix="moodseq-bench-")) / "big.db.features.npz"
    _save_feature_cache(path, "stamp", table)
    runs = [_timed(lambda: _load_feature_cache(path, "stamp")) for _ in range(3)]
    size = path.stat().st_size / 2**20
    rows.append(("load cached FeatureTable, 1,000,000 rows", _median(runs), f"{size:.0f} MiB npz"))


def main() -> None:
    """Run every measurement and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median shown)")
    parser.add_argument("--no-million", action="store_true", help="skip the 1M-row cache load")
    args = parser.parse_args()
    if not TIDY.is_file():
        sys.exit(f"shared data not found at {SHARED}")
    rows: list[tuple[str, str, str]] = []
    library = bench_import(TIDY, args.repeat, rows)
    bench_import(TENK, args.repeat, rows)
    bench_open(library, args.repeat, rows)
    bench_build_load(library, args.repeat, rows)
    bench_cli(args.repeat, rows)
    if not args.no_million:
        bench_million(rows)
    width = max(len(r[0]) for r in rows)
    print(f"{'measurement':<{width}}  {'median wall [min–max], median cpu':<38}  note")
    print(f"{'-' * width}  {'-' * 38}  {'-' * 24}")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:<38}  {note}")
    print(f"\n{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} (other work on the machine slows every row)")


if __name__ == "__main__":
    main()
