"""CSV, TSV and JSON track lists → validated import records.

How an input is read:

1. :func:`~sequencer.adapters.importers.source.read_source` decompresses gzip and decodes the
   text (UTF-8, else Windows-1252/Latin-1 with a note);
2. JSON is recognised by its first character (``[`` or ``{``; JSON Lines too), anything else is
   delimited text whose delimiter (``,`` ``;`` tab ``|``) is the one the header line uses most,
   or a list of "Artist - Title" lines (:mod:`~sequencer.adapters.importers.name_lists`); an
   M3U, XSPF or JSPF playlist is refused with the command that reads it;
3. columns are detected (:mod:`~sequencer.adapters.importers.columns`), Exportify exports by
   their exact headers (:mod:`~sequencer.adapters.importers.exportify`);
4. each row becomes a record or a skipped-row problem with its line number
   (:mod:`~sequencer.adapters.importers.values`); nothing of a bad row is kept.

Public: :class:`TableRead`, :func:`read_table`, :func:`import_table`.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import operator
import re
import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sequencer.adapters import json_text
from sequencer.adapters.importers import exportify
from sequencer.adapters.importers.columns import (
    MINUTES_HEADERS,
    MULTI,
    ColumnMap,
    detect_columns,
    header_key,
    unread_lookalikes,
)
from sequencer.adapters.importers.delimited import csv_rows, guess_delimiter
from sequencer.adapters.importers.name_lists import JOINED_HEADER, name_lines, split_joined_names
from sequencer.adapters.importers.records import ImportRecord, ImportReport, RowProblem
from sequencer.adapters.importers.source import read_source
from sequencer.adapters.importers.values import RowContext, is_missing, row_to_record
from sequencer.adapters.library.import_writer import gc_paused
from sequencer.core.moods import MoodVocabulary, default_vocabulary
from sequencer.errors import InputFileError

if TYPE_CHECKING:
    from sequencer.adapters.library.store import Progress, Store

#: Most rows (or JSON items) read from one input: a million tracks, about 2 GB of memory while
#: importing; a bigger input is refused with a one-line error, before anything is written.
MAX_ROWS = 1_000_000

PLURAL_ARTIST_HEADERS = frozenset({"artists", "artist names", "artist name(s)", "artist(s)"})


@dataclass
class TableRead:
    """The records of an input and the report so far (rows read, skipped, warnings, notes)."""

    records: list[ImportRecord] = field(default_factory=list)
    report: ImportReport = field(default_factory=ImportReport)
    columns: ColumnMap | None = None


# -- delimited text ------------------------------------------------------------------------


# -- JSON ----------------------------------------------------------------------------------


def _flatten(value: Any) -> str:
    """A JSON value as cell text (lists of artists joined with '; ', objects by their name)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return _flatten(value.get("name", ""))
    if isinstance(value, list):
        return "; ".join(_flatten(v) for v in value if _flatten(v))
    return str(value)


def _json_item(item: Mapping[str, Any]) -> dict[str, str]:
    """One JSON object (Spotify API shape included) as header → cell text."""
    merged: dict[str, Any] = dict(item)
    inner = merged.get("track")
    if isinstance(inner, dict):
        merged.pop("track")
        merged.update(inner)
    external = merged.pop("external_ids", None)
    if isinstance(external, dict) and "isrc" in external:
        merged.setdefault("isrc", external["isrc"])
    if isinstance(merged.get("uri"), str) and "id" in merged:
        merged.pop("id")  # the URI says the same and is unambiguous
    attributes = merged.get("attributes")
    if isinstance(attributes, dict):  # moodseq's sequence JSON: {"attributes": {"energy": …}}
        merged.pop("attributes")
        for name, value in attributes.items():
            merged.setdefault(str(name), value)
    moods = merged.get("moods")
    if isinstance(moods, dict):  # {"brooding": 0.48} → "brooding:0.48", as the CSV export writes it
        merged["moods"] = "; ".join(f"{name}:{value}" for name, value in moods.items())
    return {str(k): _clean(_flatten(v)) for k, v in merged.items()}


def _clean(text: str) -> str:
    """Text SQLite can store: JSON's ``\\ud800``-style lone surrogates become U+FFFD."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "".join("\ufffd" if 0xD800 <= ord(ch) <= 0xDFFF else ch for ch in text)
    return text


_JSON_HINT = "flatten the file (a list of track objects), or export it as CSV"


def _json_items(text: str, source: str) -> tuple[list[tuple[int, Any]], str]:
    """(item number, item) from a JSON array or an object holding one ("item" numbering), or
    from JSON Lines ("line" numbering)."""
    stripped = text.lstrip()
    try:
        data = json_text.loads(stripped, source, _JSON_HINT)
    except json.JSONDecodeError as error:
        lines = [ln for ln in stripped.splitlines() if ln.strip()]
        if len(lines) > 1 and all(ln.lstrip().startswith("{") for ln in lines[:5]):
            return _json_lines(text), "line"
        raise InputFileError(
            f"not valid JSON: {error.msg}",
            hint="check the file, or export it as CSV",
            source=f"{source}:{error.lineno}",
        ) from None
    if isinstance(data, dict):
        for key in ("tracks", "items", "songs", "data", "results"):
            inner = data.get(key)
            if isinstance(inner, dict) and isinstance(inner.get("items"), list):
                inner = inner["items"]
            if isinstance(inner, list):
                data = inner
                break
        else:
            data = [data]
    if not isinstance(data, list):
        raise InputFileError(
            "JSON must be a list of track objects", hint='e.g. [{"title": …, "artist": …}]', source=source
        )
    return list(enumerate(data, start=1)), "item"


def _json_lines(text: str) -> list[tuple[int, Any]]:
    """JSON Lines: one object per line (a bad line is kept as an error string)."""
    items: list[tuple[int, Any]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            items.append((number, json_text.loads(line, f"line {number}", _JSON_HINT)))
        except json.JSONDecodeError as error:
            items.append((number, f"not valid JSON ({error.msg})"))
        except InputFileError as error:
            items.append((number, f"not valid JSON ({error.message})"))
    return items


# -- rows → records ------------------------------------------------------------------------


def _duration_unit(columns: ColumnMap, rows: Sequence[Sequence[str]]) -> tuple[str, float | None]:
    """("ms", "s" or "min", None) from the header when it says, else from the values' median
    (> 10,000 = ms); numbers all under an hour with a median under 15 are minutes ("3.5", no
    song's length in seconds), returned with that median so the guess can be said."""
    cols = columns.positions.get("duration")
    if not cols:
        return "s", None
    header = header_key(columns.headers[cols[0]])
    if header in ("duration s", "duration (s)", "seconds"):
        return "s", None
    if header in MINUTES_HEADERS:
        return "min", None
    numbers: list[float] = []
    for row in rows[:500]:
        if cols[0] < len(row):
            try:
                numbers.append(float(row[cols[0]]))
            except ValueError:
                continue
    if not numbers:
        return "s", None
    median = statistics.median(numbers)
    if median > 10_000:
        return "ms", None
    if 0 < median < 15 and max(numbers) < 60:
        return "min", median
    return "s", None


def _cell_reader(columns: ColumnMap) -> Callable[[Sequence[str]], dict[str, str]]:
    """A function from a row to field → its text (a multi-column field's cells joined with ';';
    a fallback field's first non-empty cell); it runs once per row, so the single-column
    fields are fetched with one ``itemgetter`` call."""
    single = [(n, cols[0]) for n, cols in columns.positions.items() if len(cols) == 1]
    multi = [(n, cols) for n, cols in columns.positions.items() if len(cols) > 1 and n in MULTI]
    fallback = [(n, cols) for n, cols in columns.positions.items() if len(cols) > 1 and n not in MULTI]
    names = tuple(n for n, _ in single)
    fetch = operator.itemgetter(*(c for _, c in single)) if len(single) > 1 else None

    def cells(row: Sequence[str]) -> dict[str, str]:
        """The row's fields."""
        found = dict(zip(names, fetch(row), strict=True)) if fetch else {name: row[col] for name, col in single}
        for name, cols in multi:
            found[name] = ";".join(row[c] for c in cols)
        for name, cols in fallback:
            found[name] = next((row[c] for c in cols if not is_missing(row[c])), "")
        return found

    return cells


def _records(
    rows: list[tuple[int, list[str] | None, str | None]],
    headers: list[str],
    read: TableRead,
    ctx_args: Mapping[str, Any],
    overrides: Mapping[str, str] | None,
    source: str,
    unit: str = "line",
    decimal_comma: bool = False,
) -> None:
    """Fill ``read`` from parsed rows (cells aligned with ``headers``; positions count ``unit``;
    ``decimal_comma`` when numbers may be written "0,62")."""
    headers, rows, overrides = split_joined_names(headers, rows, overrides, read.report.notes, source)
    columns = detect_columns(headers, overrides, source=source)
    read.columns = columns
    lookalikes = unread_lookalikes(columns)
    if lookalikes:
        shown = "; ".join(f"{field} ← {' or '.join(found)}" for field, found in lookalikes.items())
        # the whole --map for the fields with one such column; a field with several is chosen
        # by the user (dz_valence and sp_valence are on different scales)
        single = [f"--map {field}={found[0]}" for field, found in lookalikes.items() if len(found) == 1]
        several = [f"--map {field}= one of {', '.join(found)}" for field, found in lookalikes.items() if len(found) > 1]
        how = f"`{' '.join(single)}` reads {'it' if len(single) == 1 else 'them'}" if single else ""
        if several:
            how += f"{'; ' if how else ''}{'; '.join(several)} (each field takes one column)"
        read.report.notes.append(f"{Path(source).name}: columns not read that look like track fields: {shown} ({how})")
    good_rows = [cells for _, cells, _ in rows if cells is not None]
    artist_cols = columns.positions["artist"]
    duration_unit, minutes_median = _duration_unit(columns, good_rows)
    if minutes_median is not None:
        read.report.notes.append(
            f"{Path(source).name}: durations read as minutes (their median, {minutes_median:g}, is no song's "
            "length in seconds); a column named 'duration (s)' is read as seconds"
        )
    ctx = RowContext(
        duration_unit=duration_unit,
        artist_commas=header_key(headers[artist_cols[0]]) in PLURAL_ARTIST_HEADERS,
        decimal_comma=decimal_comma,
        **ctx_args,
    )
    width = len(headers)
    report = TableRead().report if unit != "line" else read.report
    fields = _cell_reader(columns)
    records, warnings, skipped = read.records, report.warnings, report.skipped
    start = len(records)
    report.rows_read += len(rows)
    for line, cells, error in rows:
        if cells is None:
            skipped.append(RowProblem(line, error or "unreadable row"))
            continue
        if len(cells) != width and (len(cells) < width or any(c.strip() for c in cells[width:])):
            skipped.append(RowProblem(line, f"expected {width} fields, found {len(cells)}"))
            continue
        result = row_to_record(fields(cells), line, ctx)
        if result.warnings:
            warnings.extend(result.warnings)
        if result.record is not None:
            records.append(result.record)
        elif result.skip is not None:
            skipped.append(result.skip)
    _note_no_durations(read, columns, lookalikes, start, Path(source).name)
    if report is not read.report:  # JSON: positions are items, not lines
        read.report.rows_read += report.rows_read
        read.report.skipped.extend(RowProblem(p.line, p.message, unit) for p in report.skipped)
        read.report.warnings.extend(RowProblem(p.line, p.message, unit) for p in report.warnings)


def _note_no_durations(
    read: TableRead, columns: ColumnMap, lookalikes: Mapping[str, list[str]], start: int, name: str
) -> None:
    """Say when no column gave the tracks a length: a build leaves such tracks out, and it said
    only "0 candidates" (the deezer catalog's length is in ``sp_duration_ms``, not read)."""
    if "duration" in columns.positions or "duration_ms" in columns.positions:
        return
    lengthless = sum(1 for record in read.records[start:] if not record.track.duration_s > 0)
    if not lengthless:
        return
    column = next(iter(lookalikes.get("duration_ms", lookalikes.get("duration", []))), None)
    fix = f"`--map duration_ms={column}` reads {column}" if column else "a duration column gives it"
    read.report.notes.append(
        f"{name}: {lengthless:,} track{'' if lengthless == 1 else 's'} without a length (no duration column "
        f"read): builds leave {'it' if lengthless == 1 else 'them'} out until a re-import reads one ({fix})"
    )


def read_table(
    path: Path,
    *,
    overrides: Mapping[str, str] | None = None,
    vocabulary: MoodVocabulary | None = None,
) -> TableRead:
    """Read a CSV/TSV/JSON file (gzip accepted) into validated records and a report."""
    source = read_source(path)
    read = TableRead(report=ImportReport(source=str(path)))
    if source.note:
        read.report.notes.append(f"{path.name}: {source.note}")
    if not source.text or source.text.isspace():  # (``strip()`` would copy the whole text)
        raise InputFileError(f"{path} is empty", hint="export the playlist again; the file has no rows")
    _refuse_playlist(source.text, path)
    ctx_args = {"vocabulary": vocabulary or default_vocabulary()}
    first = source.text.lstrip()[:1]
    with gc_paused():
        if first in ("[", "{"):
            _read_json(source.text, path, read, ctx_args, overrides)
        else:
            _read_delimited(source.text, path, read, ctx_args, overrides)
    if read.report.rows_read == 0:
        read.report.notes.append(f"{path.name}: no rows after the header")
    return read


def _refuse_playlist(text: str, path: Path) -> None:
    """An M3U, XSPF or JSPF playlist is one line naming the command that reads it (it was
    "missing required columns title …; columns found: #EXTM3U")."""
    from sequencer.adapters.importers.m3u import M3U_SUFFIXES
    from sequencer.adapters.importers.xspf import looks_like_xml

    start = text[:4096].lstrip("\ufeff \t\r\n")
    if start.upper().startswith("#EXTM3U") or path.suffix.lower() in M3U_SUFFIXES:
        raise InputFileError(
            f"{path} is an M3U playlist, not a track list: `import csv` reads CSV/TSV/JSON",
            hint=f"its files' tags: moodseq import files FILE…; to order it as it is: moodseq reorder {path}",
        )
    if looks_like_xml(start):
        if "<playlist" in start:
            raise InputFileError(
                f"{path} is an XSPF playlist, not a track list: `import csv` reads CSV/TSV/JSON",
                hint=f"moodseq import jspf {path} reads XSPF and JSPF playlists",
            )
        raise InputFileError(f"{path} is XML, not a track list", hint="export it as CSV (or JSON) and import that")
    if JSPF_START.match(start):
        raise InputFileError(
            f"{path} is a JSPF playlist, not a track list: `import csv` reads CSV/TSV/JSON track lists",
            hint=f"moodseq import jspf {path}",
        )


#: The start of a JSPF document (``{"playlist": {...}}``), as ListenBrainz and moodseq write it.
JSPF_START = re.compile(r'^\{\s*"playlist"\s*:\s*\{')


def _too_many(path: Path, what: str, limit: int) -> InputFileError:
    return InputFileError(
        f"{path} has more than {limit:,} {what}, the most moodseq imports from one file",
        hint="split it into smaller files and import them one after another",
    )


def repeated_columns(headers: Sequence[str]) -> list[str]:
    """A note for each column name used more than once (only the first of them is read)."""
    positions: dict[str, list[int]] = {}
    for number, header in enumerate(headers, start=1):
        if header.strip():
            positions.setdefault(header_key(header), []).append(number)
    return [
        f"column {headers[where[0] - 1]!r} appears {len(where)} times "
        f"(columns {', '.join(map(str, where))}); the first is used"
        for where in positions.values()
        if len(where) > 1
    ]


#: Columns only moodseq's own CSV export writes (sequencer.adapters.exporters.csv).
OWN_EXPORT_COLUMNS = frozenset({"Energy Estimated", "Target Energy"})
#: The start of moodseq's own sequence JSON (``"schema": "moodseq.sequence/2"`` comes first).
OWN_SEQUENCE = re.compile(r'^\s*\{\s*"schema"\s*:\s*"moodseq\.sequence/')


def _read_delimited(
    text: str,
    path: Path,
    read: TableRead,
    ctx_args: Mapping[str, Any],
    overrides: Mapping[str, str] | None,
) -> None:
    """Delimited text: header row, then records (or a list of "Artist - Title" lines)."""
    names = name_lines(text)
    if names is not None:
        if len(names[1]) > MAX_ROWS:
            raise _too_many(path, "lines", MAX_ROWS)
        _records(names[1], [names[0]], read, ctx_args, overrides, str(path))
        return
    delimiter = guess_delimiter(text, path)
    if text.count("\n") > 2 * MAX_ROWS:  # before splitting: a multi-line cell spans lines, a row at most a few
        raise _too_many(path, "lines", 2 * MAX_ROWS)
    rows = list(itertools.islice(csv_rows(text, delimiter), MAX_ROWS + 2))
    if len(rows) > MAX_ROWS + 1:
        raise _too_many(path, "rows", MAX_ROWS)
    if not rows or rows[0][1] is None:
        raise InputFileError(f"{path} has no readable header row", hint="the first line must name the columns")
    headers = [h.strip() for h in rows[0][1] or []]
    kind = "Exportify CSV" if exportify.is_exportify(headers) else "CSV"
    name = {",": "comma", "\t": "tab", ";": "semicolon", "|": "pipe"}[delimiter]
    read.report.notes.append(f"{path.name}: {kind}, {name}-separated")
    own = {h.strip() for h in headers} >= OWN_EXPORT_COLUMNS
    # (moodseq's own CSV export has Exportify's columns, but its file is no playlist of yours:
    # as one, every track moodseq chose would count as sounding alike)
    if kind == "Exportify CSV" and not own and not (overrides and "playlist" in overrides):
        playlist = exportify.playlist_name(path)
        ctx_args = {**ctx_args, "playlists": (playlist,)}
        read.report.notes.append(f"{path.name}: tracks recorded as members of playlist {playlist!r}")
    read.report.notes.extend(f"{path.name}: {note}" for note in repeated_columns(headers))
    # A spreadsheet that separates with ';' or tabs may write decimals with a comma ("0,62").
    _records(rows[1:], headers, read, ctx_args, overrides, str(path), decimal_comma=delimiter != ",")
    if own:
        # moodseq's own CSV export: its Moods column holds the moods moodseq had worked out
        # (mostly inferred); stored as crowd-tag moods they would outrank every later inference
        at = headers.index("Energy Estimated")
        estimated = {n for n, c, _ in rows[1:] if c is not None and len(c) > at and c[at].strip().lower() == "true"}
        read.records[:] = [_own_export(r, r.line in estimated, moods=True) for r in read.records]
        read.report.notes.append(
            f"{path.name}: a moodseq export: its moods are kept below inferred and hand moods "
            "(tracks the library knows keep their own)"
        )


def _own_export(record: ImportRecord, estimated: bool, *, moods: bool) -> ImportRecord:
    """A record of moodseq's own export: what a library had worked out, not new evidence. Its
    energy estimated from moods is no attribute (stored, it passed for a measured one); its
    moods, when kept, rank below inferred ones; and it only adds to a track the library knows
    (:attr:`ImportRecord.own_export`)."""
    changes: dict[str, object] = {}
    if estimated:
        changes["energy"] = None
    if not moods:
        changes["moods"] = {}
    track = record.track.evolve(**changes) if changes else record.track
    return dataclasses.replace(record, track=track, mood_source="import", own_export=True)


def _read_json(
    text: str,
    path: Path,
    read: TableRead,
    ctx_args: Mapping[str, Any],
    overrides: Mapping[str, str] | None,
) -> None:
    """JSON: objects become rows over the union of their keys."""
    items, unit = _json_items(text, str(path))
    if len(items) > MAX_ROWS:
        raise _too_many(path, "items", MAX_ROWS)
    flat: list[tuple[int, dict[str, str] | None, str | None]] = []
    headers: dict[str, None] = {}
    for number, item in items:
        if isinstance(item, dict):
            try:
                cells = _json_item(item)
            except RecursionError:
                flat.append((number, None, "values nested too deeply to read"))
                continue
            headers.update(dict.fromkeys(cells))
            flat.append((number, cells, None))
        elif isinstance(item, str) and unit == "item":  # ["Artist - Title", …]
            headers[JOINED_HEADER] = None
            flat.append((number, {JOINED_HEADER: item}, None))
        else:
            message = item if isinstance(item, str) and item.startswith("not valid") else "not an object"
            flat.append((number, None, message))
    order = list(headers)
    rows = [(n, [c.get(h, "") for h in order] if c is not None else None, e) for n, c, e in flat]
    read.report.notes.append(f"{path.name}: JSON, {len(items):,} item{'' if len(items) == 1 else 's'}")
    _records(rows, order, read, ctx_args, overrides, str(path), unit)
    if OWN_SEQUENCE.search(text[:200]):
        # moodseq's own sequence JSON: its moods are what the library it came from had worked
        # out (mostly inferred); `moods infer` works them out again from the attributes and
        # genres kept here, and a re-import into that library changes nothing
        estimated = {n for n, c, _ in flat if c is not None and c.get("energy_estimated", "").lower() == "true"}
        read.records[:] = [_own_export(r, r.line in estimated, moods=False) for r in read.records]
        read.report.notes.append(
            f"{path.name}: a moodseq export: its attributes and genres are kept, "
            "its moods left to `moodseq moods infer`"
        )


def import_table(
    store: Store,
    path: Path,
    *,
    overrides: Mapping[str, str] | None = None,
    vocabulary: MoodVocabulary | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Read ``path`` and write its records into ``store``; the report covers both steps."""
    read = read_table(path, overrides=overrides, vocabulary=vocabulary)
    return store.upsert_records(read.records, report=read.report, kind="csv", progress=progress)
