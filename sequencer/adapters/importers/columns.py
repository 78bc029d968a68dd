"""Which input column feeds which track field: auto-detection, ``--map`` and presets.

Headers are compared after :func:`header_key` (case, spaces, underscores and dashes folded),
so ``track_name``, ``Track Name`` and ``track-name`` are the same header.  For each field the
aliases are tried in order and the first present header wins; ``genre`` may take several
columns.  A ``--map field=Column`` option overrides detection for that field.

Fields: ``title``, ``artist`` (required), ``album``, ``duration_ms``, ``duration`` (seconds,
``m:ss``, or milliseconds when the values are large), ``id`` (Spotify id, URI or
link), ``isrc``, ``explicit``, ``genre``, ``tags`` (mood words and other tags), ``playlist`` (the
name of the playlist the row comes from), ``year`` (a year or a release date), ``energy_level``
(Mixed In Key's 1–10), ``artist_uris`` (Exportify's, to split artist names safely), and the
audio attributes of :data:`sequencer.core.track.ATTRIBUTES`.

Public: :data:`FIELDS`, :data:`REQUIRED`, :data:`ALIASES`, :func:`header_key`,
:func:`parse_map_options`, :func:`detect_columns`, :class:`ColumnMap`, :func:`unread_lookalikes`.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sequencer.core.track import ATTRIBUTES
from sequencer.errors import InputFileError

REQUIRED: tuple[str, ...] = ("title", "artist")

#: Headers of a duration in minutes ("3.5" is 3:30), in :func:`header_key` form.
MINUTES_HEADERS = ("duration min", "duration (min)", "minutes", "length min", "length (min)", "duration minutes")

#: Field → header aliases (already in :func:`header_key` form), best first.
ALIASES: dict[str, tuple[str, ...]] = {
    "title": (
        "track name",
        "name",
        "song",
        "title",
        "song name",
        "track title",
        "track",
        "song title",
        "master metadata track name",  # Spotify's extended streaming history (endsong_*.json)
    ),
    "artist": (
        "artist name(s)",
        "track artist",
        "artist",
        "artists",
        "artist name",
        "artist names",
        "performer",
        "artist(s)",
        "master metadata album artist name",
    ),
    "album": ("album name", "track album name", "album", "album title", "release", "master metadata album album name"),
    "duration_ms": ("track duration (ms)", "duration (ms)", "duration ms", "length ms", "length (ms)"),
    "duration": (
        "duration",
        "length",
        "duration s",
        "duration (s)",
        "seconds",
        "time",
        *MINUTES_HEADERS,
    ),
    "id": (
        "track uri",
        "track id",
        "spotify uri",
        "spotify id",
        "spotify url",
        "uri",
        "id",
        "url",
        "spotify track uri",
    ),
    "isrc": ("isrc",),
    "mbid": ("mbid", "recording mbid", "musicbrainz id", "musicbrainz trackid", "musicbrainz recording id"),
    "explicit": ("explicit", "explicit?"),
    "genre": (
        "genres",
        "genre",
        "artist genres",
        "album genres",
        "playlist genre",
        "playlist subgenre",
    ),
    "tags": ("tags", "tag", "moods", "mood", "labels"),
    "playlist": ("playlist name", "playlist", "playlist title"),
    "year": (
        "year",
        "release year",
        "track album release date",
        "album release date",
        "release date",
        "original release date",
    ),
    "energy_level": ("energy level", "mik energy", "energylevel"),
    "artist_uris": ("artist uri(s)", "artist uris", "artist ids"),
    **{name: (name,) for name in ATTRIBUTES},
}
ALIASES["tempo"] = ("tempo", "bpm")
ALIASES["key"] = ("key", "pitch class")

FIELDS: tuple[str, ...] = tuple(ALIASES)
MULTI: frozenset[str] = frozenset({"genre"})
"""Fields fed by every matching column rather than the first."""
FALLBACK: frozenset[str] = frozenset({"title", "artist", "album", "id", "isrc", "tags"})
"""Fields that take the first non-empty of several matching columns (JSON items differ)."""

_FOLD = re.compile(r"[\s_\-]+")


#: A lower-case letter followed by a capital: where a camelCase header joins two words.
_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])")


def header_key(header: str) -> str:
    """A header in comparable form: ``"Track_Name "`` → ``"track name"``, ``"artistName"`` →
    ``"artist name"`` (Spotify's own data export writes camelCase: ``trackName``, ``msPlayed``)."""
    return _FOLD.sub(" ", _CAMEL.sub(" ", header.strip().strip("\ufeff")).casefold()).strip()


@dataclass(frozen=True)
class ColumnMap:
    """Field → column positions in the input's header row (several for multi fields)."""

    positions: Mapping[str, tuple[int, ...]]
    headers: tuple[str, ...]

    def describe(self) -> str:
        """``title←track_name, artist←track_artist, …`` for notes and --debug."""
        parts = []
        for field_name, cols in self.positions.items():
            parts.append(f"{field_name}←{'+'.join(self.headers[c] for c in cols)}")
        return ", ".join(parts)


def parse_map_options(options: Sequence[str]) -> dict[str, str]:
    """``["title=song", "artist=singer"]`` → ``{"title": "song", ...}``; bad ones raise."""
    mapping: dict[str, str] = {}
    for option in options:
        field_name, sep, column = option.partition("=")
        field_name = field_name.strip().casefold()
        if not sep or not column.strip():
            raise InputFileError(f"--map {option!r} must look like FIELD=COLUMN", hint="e.g. --map title=song")
        if field_name not in ALIASES:
            import difflib

            close = difflib.get_close_matches(field_name, FIELDS, n=1)
            raise InputFileError(
                f"--map {option!r}: unknown field {field_name!r}",
                hint=(f"did you mean {close[0]!r}? " if close else "") + "fields: " + ", ".join(FIELDS),
            )
        if field_name in mapping:  # the later one silently won
            raise InputFileError(
                f"--map {field_name}= is given twice ({field_name}={mapping[field_name]}, {option})",
                hint=f"map {field_name} to one column",
            )
        mapping[field_name] = column.strip()
    return mapping


def detect_columns(
    headers: Sequence[str], overrides: Mapping[str, str] | None = None, *, source: str = ""
) -> ColumnMap:
    """Map fields to columns; InputFileError names missing required fields and the headers."""
    keys = [header_key(h) for h in headers]
    positions: dict[str, tuple[int, ...]] = {}
    overrides = dict(overrides or {})
    for field_name, column in overrides.items():
        wanted = header_key(column)
        if wanted not in keys:
            close = difflib.get_close_matches(wanted, keys, n=1, cutoff=0.75)
            listed = "columns found: " + ", ".join(headers)
            raise InputFileError(
                f"--map {field_name}={column}: no column {column!r} in the file",
                hint=f"did you mean --map {field_name}={headers[keys.index(close[0])]}? ({listed})"
                if close
                else listed,
                source=source or None,
            )
        positions[field_name] = (keys.index(wanted),)
    used = {p for cols in positions.values() for p in cols}
    for field_name, aliases in ALIASES.items():
        if field_name in positions:
            continue
        found = [keys.index(a) for a in aliases if a in keys and keys.index(a) not in used]
        if found:
            keep_all = field_name in MULTI or field_name in FALLBACK
            positions[field_name] = tuple(found) if keep_all else (found[0],)
            used.update(positions[field_name])
    missing = [f for f in REQUIRED if f not in positions]
    if missing:
        raise InputFileError(
            "missing required column"
            + ("s" if len(missing) > 1 else "")
            + " "
            + ", ".join(f"{f} (one of: {', '.join(ALIASES[f][:5])})" for f in missing)
            + "; columns found: "
            + (", ".join(headers) if headers else "none"),
            hint="name the columns with --map, e.g. " + " ".join(f"--map {f}=COLUMN" for f in missing),
            source=source or None,
        )
    return ColumnMap(positions=positions, headers=tuple(headers))


#: Header prefixes naming where a column came from (``sp_energy``, ``spotify_track_id``): a
#: column whose rest is a field's alias probably holds that field.
SOURCE_PREFIXES: frozenset[str] = frozenset({"sp", "spotify", "dz", "deezer", "lastfm", "lfm", "audio"})


def unread_lookalikes(columns: ColumnMap) -> dict[str, list[str]]:
    """Field → the headers of unread columns that look like it but for a source prefix
    (``sp_energy`` → energy), for fields no column feeds: detection never guesses these, but
    the user should hear of them (``--map energy=sp_energy`` reads one)."""
    used = {p for cols in columns.positions.values() for p in cols}
    found: dict[str, list[str]] = {}
    for number, header in enumerate(columns.headers):
        first, _, rest = header_key(header).partition(" ")
        if number in used or first not in SOURCE_PREFIXES or not rest:
            continue
        for field_name, aliases in ALIASES.items():
            if field_name not in columns.positions and rest in aliases:
                found.setdefault(field_name, []).append(header)
                break
    return found
