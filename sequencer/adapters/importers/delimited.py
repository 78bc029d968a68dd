"""Delimited text (CSV, TSV, …) → records with their line numbers, recovering from broken quotes.

A quote that is opened and never closed where it should be makes the :mod:`csv` module read
every following line into one field until the next quote somewhere below: twenty good rows can
vanish into one "row with the wrong number of fields".  :func:`csv_rows` notices such a record
— it runs over several lines and has the wrong number of fields, runs over more than
:data:`MAX_FIELD_LINES` lines, or swallows lines that look like rows of their own — reports its
first line (the one that opened the quote) as unreadable, saying which lines the field ran
over, and reads on from the next line, so only the broken line is lost.

Public: :data:`DELIMITERS`, :data:`MAX_FIELD_LINES`, :func:`guess_delimiter`, :func:`csv_rows`.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

DELIMITERS = (",", "\t", ";", "|")
#: A quoted cell may hold line breaks (a title or a note), but not more than this many lines.
MAX_FIELD_LINES = 5

Row = tuple[int, list[str] | None, str | None]
"""(first line number, cells or None, why the row is unreadable or None)."""


def guess_delimiter(text: str, path: Path) -> str:
    """The delimiter the header line uses most (tab for .tsv when tied)."""
    end = text.find("\n")
    header = text if end < 0 else text[:end]  # (``split`` would copy the rest of the file)
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(counts.values())
    if best == 0:
        return "\t" if path.suffix.lower() in (".tsv", ".tab") else ","
    return next(d for d in DELIMITERS if counts[d] == best)


def _runaway(cells: list[str] | None, lines: list[str], width: int, delimiter: str) -> bool:
    """Whether a record over ``lines`` (more than one) is a quote left open, not a real
    multi-line cell: wrong field count, too many lines, or lines inside it that look like rows."""
    if cells is None or len(cells) != width or len(lines) > MAX_FIELD_LINES:
        return True
    return width > 2 and any(line.count(delimiter) >= width - 1 for line in lines[1:-1])


def csv_rows(text: str, delimiter: str) -> Iterator[Row]:
    """(first line number, cells, error) per record; blank lines are left out.  The first
    record (the header) sets the expected width; a runaway quoted field after it costs only its
    first line (an error row naming the lines it ran over), reading resumes on the next line."""
    lines = list(io.StringIO(text, newline=""))
    width: int | None = None
    position = 0  # index into ``lines`` where the current reader starts
    while position < len(lines):
        reader = csv.reader(itertools.islice(lines, position, None), delimiter=delimiter, strict=False)
        resume: int | None = None
        for start, end, cells, error in _records(reader):
            first, last = position + start, position + end
            if width is None:
                width = len(cells) if cells is not None else None
            elif error is not None or (
                last > first and _runaway(cells or [], lines[first - 1 : last], width, delimiter)
            ):
                yield first, None, _lost_line(first, last, error)
                resume = first  # the index of the line after ``first``
                break
            yield first, cells, error
        if resume is None:
            return
        position = resume


def _records(reader: Any) -> Iterator[tuple[int, int, list[str] | None, str | None]]:
    """(first line, last line, cells, csv error) per non-blank record, lines counted from the
    reader's start."""
    previous = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield previous + 1, reader.line_num, None, str(error)
            previous = reader.line_num
            continue
        start, previous = previous + 1, reader.line_num
        if cells and (len(cells) > 1 or cells[0].strip()):
            yield start, previous, cells, None


def _lost_line(first: int, last: int, error: str | None) -> str:
    """Why line ``first`` was not imported."""
    if last <= first:
        return error or "unreadable row"
    reason = f" ({error})" if error else ""
    return (
        f"a quote opened on this line is not closed where it should be{reason}: the field ran over "
        f"lines {first}–{last}; this line is skipped and reading resumes on line {first + 1}"
    )
