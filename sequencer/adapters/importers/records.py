"""What importers hand to the store, and what the store reports back.

An importer validates each input row into an :class:`ImportRecord` (a finished
:class:`~sequencer.core.track.Track` plus crowd tags and where it came from) or into a
:class:`RowProblem` (the row is skipped; nothing of it is stored).  The store writes records in
batches and returns an :class:`ImportReport`.

Public: :class:`ImportRecord`, :class:`RowProblem`, :class:`ImportReport`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from sequencer.core.track import Track


@dataclass(frozen=True)
class ImportRecord:
    """One validated input row: the track, its crowd tags, and the mood source of its moods."""

    track: Track
    tags: Mapping[str, float] = field(default_factory=dict)
    """Crowd tags (genres, unknown mood words) → weight in [0, 1]."""
    tag_source: str = "file"
    """Source name the crowd tags are stored under ("file", "lastfm", …)."""
    mood_source: str = "tag"
    """Mood source of ``track.moods`` ("tag" for moods named in the file)."""
    line: int = 0
    """Line (or item) number in the input, for messages; 0 when unknown."""
    own_export: bool = False
    """A row of moodseq's own export: what a library had worked out (moods it inferred, genres
    partly read from playlist names, attributes from any source), not new evidence. A track the
    library knows gains only what it lacks: attributes no source gave it, genres it lacks as
    tags, no moods; its other tags stay. Re-importing an export changes nothing."""


@dataclass(frozen=True)
class RowProblem:
    """A row that was skipped or changed: where and why."""

    line: int
    message: str
    unit: str = "line"
    """What ``line`` counts: "line" in text files, "item" in JSON arrays."""

    def __str__(self) -> str:
        """``line 12: message`` (or the bare message when the line is unknown)."""
        return f"{self.unit} {self.line}: {self.message}" if self.line else self.message


@dataclass
class ImportReport:
    """Counts and problems of one import run."""

    source: str = ""
    rows_read: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    duplicates: int = 0
    """Rows that were the same recording as an earlier row of the same input (merged)."""
    skipped: list[RowProblem] = field(default_factory=list)
    """Rows not imported (malformed, missing title/artist, absurd duration)."""
    warnings: list[RowProblem] = field(default_factory=list)
    """Rows imported with a remark: a value dropped (tempo 0, energy 7, …) or a placeholder name."""
    notes: list[str] = field(default_factory=list)
    """One-off remarks about the whole input (encoding guessed, dialect detected)."""

    @property
    def distinct(self) -> int:
        """Distinct recordings the input holds (added + updated + unchanged)."""
        return self.added + self.updated + self.unchanged

    def summary(self) -> str:
        """One line: ``9,961 rows → 9,420 tracks (9,420 new, 0 updated, 0 unchanged); …``."""
        text = (
            f"{self.rows_read:,} row{'s' if self.rows_read != 1 else ''} → "
            f"{self.distinct:,} track{'s' if self.distinct != 1 else ''} "
            f"({self.added:,} new, {self.updated:,} updated, {self.unchanged:,} unchanged)"
        )
        extras = []
        if self.duplicates:
            extras.append(f"{self.duplicates:,} duplicate row{'s' if self.duplicates != 1 else ''} merged")
        if self.skipped:
            extras.append(f"{len(self.skipped):,} row{'s' if len(self.skipped) != 1 else ''} skipped")
        if self.warnings:
            extras.append(f"{len(self.warnings):,} warning{'s' if len(self.warnings) != 1 else ''}")
        return text + ("; " + ", ".join(extras) if extras else "")

    def merge(self, other: ImportReport) -> None:
        """Add ``other``'s counts and problems to this report."""
        self.rows_read += other.rows_read
        self.added += other.added
        self.updated += other.updated
        self.unchanged += other.unchanged
        self.duplicates += other.duplicates
        self.skipped.extend(other.skipped)
        self.warnings.extend(other.warnings)
        self.notes.extend(other.notes)
