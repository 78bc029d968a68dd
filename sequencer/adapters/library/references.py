"""A profile's track and artist references checked against the library: a misspelled
``exclude_tracks``/``exclude_artists`` entry or an unknown ``start``/``end`` would otherwise be
silently ignored (excluding nothing) or only fail at build time.

Public: :class:`Unmatched`, :func:`unmatched_references`, :func:`unmatched_in_tracks`.
"""

from __future__ import annotations

import difflib
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sequencer.adapters.library import queries
from sequencer.core.profile import Constraints
from sequencer.core.track import Track, normalise_text
from sequencer.errors import TrackNotFoundError


@dataclass(frozen=True)
class Unmatched:
    """A reference in the profile that names nothing in the library."""

    key: str
    """The profile key, e.g. ``constraints.exclude_tracks``."""
    value: str
    hint: str

    @property
    def message(self) -> str:
        """``constraints.exclude_tracks: 'X' matches no track in the library``."""
        what = "artist" if self.key.endswith("exclude_artists") else "track"
        return f"{self.key}: {self.value!r} matches no {what} in the library"


def _refs(constraints: Constraints) -> Iterator[tuple[str, str]]:
    """(profile key, track reference) for start, end and every excluded track."""
    for key in ("start", "end"):
        ref = getattr(constraints, key)
        if ref:
            yield f"constraints.{key}", ref
    for ref in constraints.exclude_tracks:
        yield "constraints.exclude_tracks", ref


def unmatched_references(conn: sqlite3.Connection, constraints: Constraints) -> list[Unmatched]:
    """Every start/end/exclude_tracks/exclude_artists entry of ``constraints`` that names no
    track or artist in the library, with "did you mean" from the library's own names."""
    found: list[Unmatched] = []
    for key, ref in _refs(constraints):
        try:
            queries.find(conn, ref)
        except TrackNotFoundError as error:
            if "names" in error.message:  # an ambiguous bare title names tracks: not unmatched
                continue
            found.append(Unmatched(key, ref, error.hint or ""))
    for artist in constraints.exclude_artists:
        if not queries.artist_known(conn, artist):
            close = queries.closest_artists(conn, artist)
            found.append(Unmatched("constraints.exclude_artists", artist, _did_you_mean(close)))
    return found


def unmatched_in_tracks(tracks: Sequence[Track], constraints: Constraints) -> list[Unmatched]:
    """The same check against a list of tracks (the built-in demo library)."""
    from sequencer.core.build import find_track

    found: list[Unmatched] = []
    for key, ref in _refs(constraints):
        try:
            find_track(tracks, ref)
        except TrackNotFoundError as error:
            found.append(Unmatched(key, ref, error.hint or ""))
    artists = {normalise_text(a): a for t in tracks for a in t.artists}
    for artist in constraints.exclude_artists:
        if normalise_text(artist) not in artists:
            close = difflib.get_close_matches(artist, list(artists.values()), n=3, cutoff=0.6)
            found.append(Unmatched("constraints.exclude_artists", artist, _did_you_mean(close)))
    return found


def _did_you_mean(names: Sequence[str]) -> str:
    if names:
        return "did you mean " + " or ".join(repr(n) for n in names) + "?"
    return "list artists' tracks with `moodseq library list --artist NAME`"
