"""Same playlists, less CPU: dump what builds choose, then compare two dumps.

A speed-up of the engine must not change a single result.  Run this on the tree before the
change and on the tree after it (the same imported library), then compare::

    python benchmarks/identical.py dump before.json --library /tmp/lib.db   # on the old tree
    python benchmarks/identical.py dump after.json --library /tmp/lib.db    # on the new tree
    python benchmarks/identical.py compare before.json after.json

A dump holds, for every built-in profile at 60 and 180 minutes and seeds 1–3 (and night-drive
at 480 minutes, seed 1), the chosen track ids in order, the objective and every score figure
(``repr``: to the last bit), and the CPU time of the build (``time.process_time``, the median
of ``--repeats`` builds).  ``compare`` prints each case's CPU before → after and whether it is
identical, and exits 1 when one is not.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.engine import PROFILES, cases  # noqa: E402

CASES = [(name, minutes, seed) for name in PROFILES for minutes in (60.0, 180.0) for seed in (1, 2, 3)]
CASES.append(("night-drive", 480.0, 1))


def dump(library: Path, out: Path, repeats: int) -> None:
    """Build every case and write what it chose (and its CPU time) to ``out``."""
    from sequencer.core.build import build_playlist

    wanted = {(name, minutes) for name, minutes, _ in CASES}
    results: dict[str, dict[str, Any]] = {}
    for name, minutes, profile, tracks in cases(library, list(PROFILES), [60.0, 180.0, 480.0]):
        if (name, minutes) not in wanted:
            continue
        for seed in sorted(s for n, m, s in CASES if (n, m) == (name, minutes)):
            cpu = []
            for _ in range(repeats):
                start = time.process_time()
                sequence = build_playlist(tracks, profile, seed=seed)
                cpu.append(time.process_time() - start)
            key = f"{name}/{minutes:g}/{seed}"
            results[key] = {
                "ids": [t.id for t in sequence.tracks],
                "total": repr(sequence.score.total),
                "score": repr(sequence.score),
                "cpu": statistics.median(cpu),
            }
            print(f"{key}: {statistics.median(cpu):.2f} s", flush=True)
    out.write_text(json.dumps(results, indent=1))


def compare(before: Path, after: Path) -> int:
    """Print CPU before → after and identity per case; 1 when a case differs."""
    old, new = json.loads(before.read_text()), json.loads(after.read_text())
    differing = 0
    for key, was in old.items():
        now = new.get(key)
        if now is None:
            continue
        same = all(was[f] == now[f] for f in ("ids", "total", "score"))
        differing += not same
        print(f"{key:22s} {was['cpu']:6.2f} s → {now['cpu']:6.2f} s  {'identical' if same else 'DIFFERENT'}")
    print(f"{differing} case(s) differ")
    return 1 if differing else 0


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run ``dump`` or ``compare``."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("dump")
    make.add_argument("out", type=Path)
    make.add_argument("--library", type=Path, required=True, help="an imported library with moods inferred")
    make.add_argument("--repeats", type=int, default=1)
    check = commands.add_parser("compare")
    check.add_argument("before", type=Path)
    check.add_argument("after", type=Path)
    options = parser.parse_args(argv)
    if options.command == "dump":
        dump(options.library, options.out, options.repeats)
        return 0
    return compare(options.before, options.after)


if __name__ == "__main__":
    sys.exit(main())
