"""Hand-written lists of track names: "Artist - Title" per line, in one column, or as JSON strings.

A list of names is the most natural file a person writes; ``import csv`` reads it as a table
whose one column says "Artist - Title", split into the artist and title columns the rest of
the importer reads. A file of bare titles (no " - ") is not split, so it still gets "missing
required column artist".

Public: :func:`name_lines`, :func:`split_joined_names`, :data:`JOINED_HEADER`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from sequencer.adapters.importers.columns import ALIASES, header_key

#: A parsed row: (line or item number, its cells or None, the reason it could not be read).
Row = tuple[int, list[str] | None, str | None]

#: How one cell writes "Artist - Title" (a hand-written list, a "track" column).
_JOINED = re.compile(r"\S\s+[-–—]\s+\S")
#: The header a list of "Artist - Title" lines (or JSON strings) is read under.
JOINED_HEADER = "Artist - Title"
#: Every header that names a field (a one-column file whose first line is one is no track).
ALIAS_KEYS = frozenset(alias for aliases in ALIASES.values() for alias in aliases)


def name_lines(text: str) -> tuple[str, list[Row]] | None:
    """(header, rows) of a hand-written list of "Artist - Title" lines, each line a row of one
    cell whatever commas it holds ("Tyler, The Creator - EARFQUAKE"); its first line may be a
    header ("Artist - Title", "track"). None when the text is a table (its first line names
    columns) or when most lines are not "Artist - Title"."""
    sample = [line for line in text[:65536].splitlines() if line.strip()][:200]
    if not sample:
        return None
    first = sample[0].strip().lstrip("\ufeff")
    parts = [header_key(p) for p in re.split(r"\s+[-–—]\s+", first, maxsplit=1)]
    header = (len(parts) == 2 and parts[0] in ALIASES["artist"] and parts[1] in ALIASES["title"]) or (
        header_key(first) in ALIASES["title"]
    )
    if not header and (
        not _JOINED.search(first) or any(header_key(c) in ALIAS_KEYS for c in re.split(r"[,;\t|]", first))
    ):
        return None
    data = sample[1:] if header else sample
    if not data or sum(1 for line in data if _JOINED.search(line)) < 0.5 * len(data):
        return None
    if any(sum(1 for line in data if mark in line) >= 0.8 * len(data) for mark in ",;\t|"):
        return None  # a table without a header ("Kavinsky - Nightcall,258"), not a list of names
    lines: list[Row] = [
        (n, [line.strip().lstrip("\ufeff")], None) for n, line in enumerate(text.splitlines(), 1) if line.strip()
    ]
    return (first, lines[1:]) if header else (JOINED_HEADER, lines)


def split_joined_names(
    headers: list[str],
    rows: list[Row],
    overrides: Mapping[str, str] | None,
    notes: list[str],
    source: str,
) -> tuple[list[str], list[Row], dict[str, str]]:
    """Without an artist column, a title column (or the only column) whose cells say "Artist -
    Title" is split into an artist and a title column (read through ``overrides``); unchanged
    otherwise, so a file of bare titles still gets "missing required column artist"."""
    overrides = dict(overrides or {})
    keys = [header_key(h) for h in headers]
    if "artist" in overrides or any(k in ALIASES["artist"] for k in keys):
        return headers, rows, overrides
    wanted = header_key(overrides["title"]) if "title" in overrides else None
    at = next((i for i, k in enumerate(keys) if k == wanted or (wanted is None and k in ALIASES["title"])), None)
    if at is None and len(headers) == 1:
        at = 0
    if at is None:
        return headers, rows, overrides
    cells = [c[at] for _, c, _ in rows[:200] if c is not None and at < len(c) and c[at].strip()]
    if not cells or sum(1 for c in cells if _JOINED.search(c)) < 0.5 * len(cells):
        return headers, rows, overrides
    artist_header, title_header = f"artist (from {headers[at]})", f"title (from {headers[at]})"

    def split(cells: list[str] | None) -> list[str] | None:
        if cells is None or at >= len(cells):
            return cells
        parts = re.split(r"\s+[-–—]\s+", cells[at].strip(), maxsplit=1)
        return [*cells, *(parts if len(parts) == 2 else ["", cells[at]])]

    what = "each 'Artist - Title'" if headers[at] == JOINED_HEADER else f"the column {headers[at]!r} ('Artist - Title')"
    notes.append(f"{Path(source).name}: artist and title read from {what}")
    split_rows = [(line, split(c), error) for line, c, error in rows]
    return (
        [*headers, artist_header, title_header],
        split_rows,
        {**overrides, "artist": artist_header, "title": title_header},
    )
