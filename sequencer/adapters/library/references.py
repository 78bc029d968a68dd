"""A profile's track and artist references checked against the library: a misspelled
``exclude_tracks``/``exclude_artists`` entry or an unknown ``start``/``end``/``must_include``
would otherwise be silently ignored (excluding nothing) or only fail at build time; a misspelled
exemplar (``like``) is never an error (exemplars missing from the library are expected), but
``profiles check`` names it with "did you mean".

A genre of ``genres.prefer``/``genres.avoid``/``constraints.exclude_genres`` is compared
exactly with the tracks' genres and crowd tags, so a misspelt one ("synthwav") silently matches
nothing: :func:`misspelt_genres` names those that neither the library nor moodseq's genre list
knows and that are one slip away from a name that is.

Public: :class:`Unmatched`, :func:`unmatched_references`, :func:`unmatched_exemplars`,
:func:`misspelt_genres`, :func:`unmatched_in_tracks`.
"""

from __future__ import annotations

import difflib
import sqlite3
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass

from sequencer.adapters.library import queries
from sequencer.core.profile import Constraints, Profile
from sequencer.core.track import Track, normalise_text, parse_track_ref
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
        if self.key.endswith(("genres", "prefer", "avoid")):
            return f"{self.key}: {self.value!r} is no genre of the library nor of moodseq's genre list"
        what = "artist" if self.key.endswith("exclude_artists") else "track"
        return f"{self.key}: {self.value!r} matches no {what} in the library"


def _refs(constraints: Constraints) -> Iterator[tuple[str, str]]:
    """(profile key, track reference) for start, end, every excluded and must-include track."""
    for key in ("start", "end"):
        ref = getattr(constraints, key)
        if ref:
            yield f"constraints.{key}", ref
    for ref in constraints.exclude_tracks:
        yield "constraints.exclude_tracks", ref
    for ref in constraints.must_include:
        yield "constraints.must_include", ref


def _unmatched_tracks(conn: sqlite3.Connection, refs: Iterator[tuple[str, str]]) -> list[Unmatched]:
    """The (key, ref) pairs naming no track, each with the library's "did you mean"."""
    found: list[Unmatched] = []
    for key, ref in refs:
        try:
            queries.find(conn, ref)
        except TrackNotFoundError as error:
            if "names" in error.message:  # an ambiguous bare title names tracks: not unmatched
                continue
            found.append(Unmatched(key, ref, error.hint or ""))
    return found


def unmatched_references(conn: sqlite3.Connection, constraints: Constraints) -> list[Unmatched]:
    """Every start/end/exclude_tracks/exclude_artists/must_include entry of ``constraints``
    that names no track or artist in the library, with "did you mean" from the library's own
    names."""
    found = _unmatched_tracks(conn, _refs(constraints))
    for artist in constraints.exclude_artists:
        if not queries.artist_known(conn, artist):
            close = queries.closest_artists(conn, artist)
            found.append(Unmatched("constraints.exclude_artists", artist, _did_you_mean(close)))
    return found


#: How alike (difflib ratio, ignoring case) a missing exemplar's title and the title of a
#: library track by the same artist must be for that track to be offered as what was meant:
#: "Kavinsky - Nitecall" → "Kavinsky, Lovefoxxx - Nightcall" (0.82), not "Daft Punk - Derezzed"
#: → "Daft Punk - Crescendolls" (0.40) nor "Chromatics - Tick of the Clock" → "… - Into The
#: Black" (0.65).
TYPO_RATIO = 0.75


def _likely_meant(ref: str, names: Sequence[str]) -> str | None:
    """The first of ``names`` (closest first) that ``ref`` likely misspells: same artist (or
    none given), title nearly the same."""
    artist, title = parse_track_ref(ref)
    for name in names:
        their_artists, their_title = parse_track_ref(name)
        if artist and normalise_text(artist) not in normalise_text(their_artists or ""):
            continue
        if difflib.SequenceMatcher(None, title.casefold(), their_title.casefold()).ratio() >= TYPO_RATIO:
            return name
    return None


def unmatched_exemplars(conn: sqlite3.Connection, like: Sequence[str]) -> list[Unmatched]:
    """The profile's exemplars (``like``) that name no track in the library; the hint says
    "did you mean" only for a library track that the exemplar likely misspells (exemplars the
    library lacks are expected), else it is empty."""
    found: list[Unmatched] = []
    refs = list(dict.fromkeys(like))
    for ref, track in zip(refs, queries.lookup_many(conn, refs), strict=True):
        if track is None:
            meant = _likely_meant(ref, queries.closest_names(conn, ref))
            found.append(Unmatched("like", ref, f"did you mean {meant!r}?" if meant else ""))
    return found


#: How alike (difflib ratio) an unknown genre and a known one must be to be called a slip:
#: "synthwav" → "synthwave" (0.94), "rapp" → "rap" (0.86), not "punk" → "p funk" (0.80) nor
#: "neoclassical" → "neoclassical metal" (0.80).
GENRE_SLIP = 0.85


def misspelt_genres(profile: Profile, library_genres: Collection[str]) -> list[Unmatched]:
    """The profile's genre names that name no genre of the library (``library_genres``: every
    genre and crowd tag its tracks carry) nor of moodseq's genre list, each with the known
    genre it most likely misspells (names with no close known genre are left alone: a genre the
    library may hold later)."""
    from sequencer.adapters.genre_data import load_genre_space
    from sequencer.core.context import genre_key

    have = {genre_key(g) for g in library_genres}
    known = sorted(have | {genre_key(name) for name in load_genre_space().aliases})
    found: list[Unmatched] = []
    for key, names in (
        ("genres.prefer", profile.genres.prefer),
        ("genres.avoid", profile.genres.avoid),
        ("constraints.exclude_genres", profile.constraints.exclude_genres),
    ):
        listed = {genre_key(n) for n in names}
        for name in names:
            wanted = genre_key(name)
            if wanted in have or wanted in known:
                continue
            close = [c for c in difflib.get_close_matches(wanted, known, n=3, cutoff=GENRE_SLIP) if c not in listed]
            if close:
                found.append(Unmatched(key, name, f"did you mean {close[0]!r}?"))
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
