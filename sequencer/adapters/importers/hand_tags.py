"""A file of hand-made mood tags → hand moods in the library (``moodseq library tags import``).

The file is CSV/TSV (gzip and odd encodings accepted, as for track imports) with a header:

- which track: a ``track`` column (``Artist - Title``, an id or a Spotify URI/link), or
  ``artist`` and ``title`` columns;
- which moods: a ``moods`` (or ``tags``) column such as ``brooding=0.9; atmospheric`` (a bare
  name means weight 1), and/or one column per mood named in the header with weights as values.

Every row is checked first; rows naming an unknown track or mood, or a weight outside [0, 1],
are reported with their line number and left out.  The good rows are then written in one
transaction, as hand moods that add to (not replace) the track's earlier hand moods.

Public: :class:`HandTagReport`, :func:`read_hand_tags`, :func:`import_hand_tags`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sequencer.adapters.importers.columns import header_key
from sequencer.adapters.importers.delimited import csv_rows, guess_delimiter
from sequencer.adapters.importers.records import RowProblem
from sequencer.adapters.importers.source import read_source
from sequencer.adapters.importers.values import is_missing, split_list
from sequencer.adapters.library.ops import hand_moods_written, recordings_named
from sequencer.core.moods import MoodVocabulary
from sequencer.errors import InputFileError, MoodseqError

if TYPE_CHECKING:
    from sequencer.adapters.library.store import Store

REF_HEADERS = ("track", "ref", "song", "id", "uri", "track uri", "spotify uri")
MOODS_HEADERS = ("moods", "mood", "tags")


@dataclass
class HandTagReport:
    """What a hand-tags import did."""

    rows_read: int = 0
    tracks_tagged: int = 0
    moods_set: int = 0
    problems: list[RowProblem] = field(default_factory=list)


@dataclass(frozen=True)
class _Layout:
    """Where the track reference and the moods are in the header."""

    ref: int | None
    artist: int | None
    title: int | None
    moods: int | None
    mood_columns: dict[int, str]


def _layout(headers: Sequence[str], vocabulary: MoodVocabulary, source: str) -> _Layout:
    """Find the reference and mood columns; InputFileError when either is missing."""
    keys = [header_key(h) for h in headers]

    def find(names: Sequence[str]) -> int | None:
        """Position of the first header among ``names``."""
        return next((keys.index(n) for n in names if n in keys), None)

    ref, artist, title, moods = find(REF_HEADERS), find(("artist",)), find(("title", "name")), find(MOODS_HEADERS)
    taken = {i for i in (ref, artist, title, moods) if i is not None}
    mood_columns: dict[int, str] = {}
    for index, header in enumerate(headers):
        mood = vocabulary.resolve(header) if index not in taken else None
        if mood is not None:
            mood_columns[index] = mood
    if ref is None and (artist is None or title is None):
        raise InputFileError(
            "no track column: need 'track' (Artist - Title, id or URI) or 'artist' and 'title'",
            hint="columns found: " + ", ".join(headers),
            source=source,
        )
    if moods is None and not mood_columns:
        raise InputFileError(
            "no mood column: need 'moods' (e.g. brooding=0.9; atmospheric) or columns named after moods",
            hint="columns found: " + ", ".join(headers),
            source=source,
        )
    return _Layout(ref, artist, title, moods, mood_columns)


def _weight(text: str, line: int, mood: str) -> float | RowProblem:
    """A weight in [0, 1] or the problem with it."""
    try:
        value = float(text)
    except ValueError:
        return RowProblem(line, f"{mood} weight {text!r} is not a number")
    if not 0.0 <= value <= 1.0:
        return RowProblem(line, f"{mood} weight {value:g} must be in [0, 1]")
    return value


def _row_moods(
    cells: Sequence[str], layout: _Layout, vocabulary: MoodVocabulary, line: int
) -> tuple[dict[str, float], list[RowProblem]]:
    """The row's moods (canonical names) and its problems."""
    moods: dict[str, float] = {}
    problems: list[RowProblem] = []
    if layout.moods is not None and layout.moods < len(cells) and not is_missing(cells[layout.moods]):
        for item in split_list(cells[layout.moods]):
            name, _, weight_text = item.partition("=")
            if not weight_text and ":" in item:
                name, _, weight_text = item.partition(":")
            mood = vocabulary.resolve(name)
            if mood is None:
                problems.append(RowProblem(line, f"unknown mood {name.strip()!r} ({vocabulary.unknown_hint(name)})"))
                continue
            weight = _weight(weight_text.strip() or "1", line, mood)
            if isinstance(weight, RowProblem):
                problems.append(weight)
            else:
                moods[mood] = weight
    for index, mood in layout.mood_columns.items():
        if index < len(cells) and not is_missing(cells[index]):
            weight = _weight(cells[index].strip(), line, mood)
            if isinstance(weight, RowProblem):
                problems.append(weight)
            else:
                moods[mood] = weight
    return moods, problems


def _ref(cells: Sequence[str], layout: _Layout) -> str:
    """The row's track reference text."""

    def cell(index: int | None) -> str:
        """The stripped cell at ``index`` ('' when absent)."""
        return cells[index].strip() if index is not None and index < len(cells) else ""

    if layout.ref is not None and cell(layout.ref):
        return cell(layout.ref)
    return f"{cell(layout.artist)} - {cell(layout.title)}"


def read_hand_tags(
    path: Path, store: Store, vocabulary: MoodVocabulary
) -> tuple[list[tuple[str, dict[str, float]]], HandTagReport]:
    """Check every row: (track id, moods) for the good ones, and the report with problems."""
    text = read_source(path).text
    if not text.strip():
        raise InputFileError(f"{path} is empty", hint="the first line must name the columns")
    rows = list(csv_rows(text, guess_delimiter(text, path)))
    if rows[0][1] is None:
        raise InputFileError(f"{path} has no readable header row", hint="the first line must name the columns")
    headers = [h.strip() for h in rows[0][1]]
    layout = _layout(headers, vocabulary, str(path))
    report = HandTagReport()
    good: list[tuple[str, dict[str, float]]] = []
    for line, cells, error in rows[1:]:
        report.rows_read += 1
        if cells is None:
            report.problems.append(RowProblem(line, error or "unreadable row"))
            continue
        ref = _ref(cells, layout)
        if not ref.strip(" -"):
            report.problems.append(RowProblem(line, "no track named (the track, artist and title cells are empty)"))
            continue
        moods, problems = _row_moods(cells, layout, vocabulary, line)
        try:
            track = store.find(ref)
        except MoodseqError as missing:
            problems.insert(0, RowProblem(line, f"{missing.message} ({missing.hint})"))
        else:
            if not moods and not problems:
                problems.append(RowProblem(line, f"no moods for {track.name} (e.g. brooding=0.9; atmospheric)"))
        if problems:
            report.problems.extend(problems)
            continue
        good.extend((track_id, moods) for track_id in recordings_named(store, ref, track))
    return good, report


def import_hand_tags(path: Path, store: Store, vocabulary: MoodVocabulary) -> HandTagReport:
    """Apply a hand-tags file: bad rows reported and left out, good rows in one transaction."""
    good, report = read_hand_tags(path, store, vocabulary)
    with hand_moods_written(store), store.transaction():
        for track_id, moods in good:
            store.set_moods(track_id, moods, source="hand", replace=False)
            report.moods_set += len(moods)
    report.tracks_tagged = len({track_id for track_id, _ in good})
    return report
