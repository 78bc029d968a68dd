"""Every skipped row and warning of an import, as a CSV file (`moodseq import … --skipped FILE`).

The terminal shows the first few problems; this file holds all of them, one per row, with the
columns ``file``, ``unit`` (line or item), ``position``, ``kind`` (skipped or warning) and
``reason``.  Cells that would start a spreadsheet formula are guarded as in the CSV export.

Public: :func:`problem_rows`, :func:`write_problems`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from pathlib import Path

from sequencer.adapters.exporters.csv import FORMULA_STARTS
from sequencer.adapters.exporters.write import atomic_write_text
from sequencer.adapters.importers.records import ImportReport

COLUMNS = ("file", "unit", "position", "kind", "reason")


def _text(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def problem_rows(reports: Iterable[tuple[str, ImportReport]]) -> Iterator[tuple[str, str, str, str, str]]:
    """(file, unit, position, kind, reason) for every skipped row, then every warning, per file."""
    for source, report in reports:
        for kind, problems in (("skipped", report.skipped), ("warning", report.warnings)):
            for problem in problems:
                position = str(problem.line) if problem.line else ""
                yield _text(source), problem.unit, position, kind, _text(problem.message)


def write_problems(target: Path, reports: Iterable[tuple[str, ImportReport]]) -> int:
    """Write every problem of ``reports`` to ``target`` (atomically); returns how many."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    count = 0
    for row in problem_rows(reports):
        writer.writerow(row)
        count += 1
    atomic_write_text(target, buffer.getvalue())
    return count
