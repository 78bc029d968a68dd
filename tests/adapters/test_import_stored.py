"""What an import stores stays the same when the import is made faster (issue #11).

A fixed sequence of imports (slices of both shared catalogs, the test data files, a generated
file exercising moods, tags, years, MusicBrainz ids, ISRCs, duplicates and merges, a changed
re-import and an unchanged one) is written into a new library; every table, without its
timestamps and with the temporary folder's path replaced, is compared with a digest recorded
in ``golden/import_stored.json`` by the code before the change.  The reports (counts, skipped
rows, warnings, notes) are compared too.

Set ``MOODSEQ_UPDATE_GOLDEN=1`` to record the digests again (only when what an import stores
is meant to change; say so in the CHANGELOG).
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import os
import random
import sqlite3
from pathlib import Path

from sequencer.adapters.importers.records import ImportReport
from sequencer.adapters.importers.tabular import import_table
from sequencer.adapters.library.store import Store
from sequencer.core.track import Track

GOLDEN = Path(__file__).parent / "golden" / "import_stored.json"
DATA = Path(__file__).parent.parent / "data"
#: Columns that hold the time of writing (they differ on every run).
TIME_COLUMNS = frozenset({"added_at", "updated_at", "started_at", "finished_at", "fetched_at", "resolved_at"})


def _slice(source: Path, target: Path, rows: int, change: bool = False) -> Path:
    """The header and the first ``rows`` rows of ``source`` (gzip or not); with ``change``,
    every 50th row's energy changed and every 97th row left out."""
    opener = gzip.open if source.suffix == ".gz" else open
    with opener(source, "rt", encoding="utf-8") as handle:
        lines = list(itertools.islice(handle, rows + 1))
    if change:
        header = lines[0].rstrip("\n").split(",")
        energy = header.index("energy")
        changed = [lines[0]]
        for number, line in enumerate(lines[1:], start=1):
            if number % 97 == 0:
                continue
            cells = line.rstrip("\n").split(",")
            if number % 50 == 0 and len(cells) == len(header):
                cells[energy] = "0.123"
            changed.append(",".join(cells) + "\n")
        lines = changed
    target.write_text("".join(lines), encoding="utf-8")
    return target


def _generated(target: Path, seed: int = 11) -> Path:
    """A file with what the catalogs lack: tag moods, crowd tags, years, MusicBrainz ids,
    ISRCs (some invalid), key names, the same recording several times with drifting durations,
    placeholders, bad values and skipped rows."""
    rng = random.Random(seed)
    header = "id,title,artist,album,duration,tempo,key,energy,valence,tags,genre,year,mbid,isrc,explicit,playlist"
    rows = [header]
    moods = ["brooding", "atmospheric=0.7", "angsty", "study=0.4", "night driving", "dark", "slide guitar"]
    keys = ["Am", "8A", "C#", "5", "F minor", "H", ""]
    earlier: list[tuple[str, str, int]] = []
    for i in range(400):
        if earlier and rng.random() < 0.2:  # the same song again, its duration drifting by 0–4 s
            artist, title, seconds = rng.choice(earlier)
            seconds += rng.randrange(-4, 5)
        else:
            artist = f"Artist {rng.randrange(60)}"
            title = f"Song {rng.randrange(150)}" + (" - 2011 Remaster" if rng.random() < 0.1 else "")
            seconds = rng.randrange(120, 360)
        earlier.append((artist, title, seconds))
        duration = f"{seconds // 60}:{seconds % 60:02d}" if rng.random() < 0.9 else rng.choice(["-3", "", "x"])
        spotify = f"spotify:track:{i:022d}" if rng.random() < 0.3 else ""
        mbid = f"{i:08x}-0000-4000-8000-{i:012x}" if rng.random() < 0.2 else ("bad-mbid" if rng.random() < 0.05 else "")
        isrc = f"GBAAA{i:07d}" if rng.random() < 0.2 else ("XX" if rng.random() < 0.05 else "")
        tags = "; ".join(rng.sample(moods, rng.randrange(0, 3)))
        rows.append(
            ",".join(
                [
                    spotify,
                    title if rng.random() > 0.02 else "",
                    artist,
                    f"Album {rng.randrange(30)}",
                    duration,
                    str(rng.choice([0, 91.5, 120, 128.25, 400])),
                    rng.choice(keys),
                    str(round(rng.random() * 1.1, 3)),
                    str(round(rng.random(), 3)),
                    f'"{tags}"',
                    rng.choice(["", "ambient", "synthwave;electro", '"rock, grunge"']),
                    str(rng.choice([1982, 1994, 2010, 0, 2011])),
                    mbid,
                    isrc,
                    rng.choice(["true", "false", "", "maybe"]),
                    rng.choice(["", "Night", "Study"]),
                ]
            )
        )
    target.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return target


def _tracks() -> list[Track]:
    """Tracks handed to ``upsert_tracks`` (the path of ``moods`` files and plugins)."""
    return [
        Track(id="", title="Tears in Rain", artists=("Vangelis",), duration_s=175.0, moods={"brooding": 0.8}),
        Track(id="", title="Song 3", artists=("Artist 3",), duration_s=0.0, energy=0.4, genres=("ambient",)),
        Track(id="", title="Nightcall", artists=("Kavinsky",), duration_s=257.3, moods={"night-driving": 1.0}),
    ]


def _report(report: ImportReport, tmp: Path) -> dict[str, object]:
    """A report as plain data, the temporary folder's path replaced."""
    plain: dict[str, object] = json.loads(
        json.dumps(
            {
                "summary": report.summary(),
                "skipped": [str(p) for p in report.skipped],
                "warnings": [str(p) for p in report.warnings],
                "notes": report.notes,
            }
        )
        .replace(str(tmp), "<tmp>")
        .replace(str(DATA), "<data>")
    )
    return plain


def _tables(path: Path, tmp: Path) -> dict[str, dict[str, object]]:
    """Every non-empty table's rows (sorted; without time columns or columns that are NULL in
    every row, so a later migration adding a column does not count): count and digest."""
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        result: dict[str, dict[str, object]] = {}
        for name in names:
            if name == "schema_migrations":
                continue
            cursor = conn.execute(f'SELECT * FROM "{name}"')
            columns = [d[0] for d in cursor.description]
            table = [row for row in cursor if name != "meta" or row[0] != "library_id"]
            keep = [
                i for i, c in enumerate(columns) if c not in TIME_COLUMNS and any(row[i] is not None for row in table)
            ]
            rows = sorted(
                repr(tuple(row[i] for i in keep)).replace(str(tmp), "<tmp>").replace(str(DATA), "<data>")
                for row in table
            )
            if rows:
                digest = hashlib.sha256("\n".join(rows).encode("utf-8")).hexdigest()[:16]
                result[name] = {"rows": len(rows), "digest": digest}
        return result
    finally:
        conn.close()


def test_an_import_stores_what_it_stored_before(tmp_path: Path, shared_dir: Path) -> None:
    """The same inputs give the very same library (tables and reports) as recorded."""
    tidy = shared_dir / "data" / "spotify_songs_tidytuesday" / "spotify_songs.csv.gz"
    tenk = shared_dir / "data" / "spotify_10k_playlist" / "spotify_songs.csv"
    inputs = [
        _slice(tidy, tmp_path / "tidy.csv", 3000),
        _slice(tenk, tmp_path / "tenk.csv", 1500),
        _generated(tmp_path / "generated.csv"),
        *(DATA / name for name in ("tracks.json", "exportify_current.csv", "exportify_classic.csv", "malformed.csv")),
        DATA / "cp1252.csv",
    ]
    reports: list[dict[str, object]] = []
    library = tmp_path / "library.db"
    with Store.open(library) as store:
        for source in inputs:
            reports.append(_report(import_table(store, source), tmp_path))
        reports.append(_report(store.upsert_tracks(_tracks(), source="import"), tmp_path))
        reports.append(_report(import_table(store, _slice(tidy, tmp_path / "tidy.csv", 3000, change=True)), tmp_path))
        reports.append(_report(import_table(store, inputs[2]), tmp_path))
        reports.append(_report(import_table(store, inputs[1]), tmp_path))
    found = {"reports": reports, "tables": _tables(library, tmp_path)}
    if os.environ.get("MOODSEQ_UPDATE_GOLDEN"):
        GOLDEN.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    assert found["reports"] == expected["reports"]
    assert found["tables"] == expected["tables"]
