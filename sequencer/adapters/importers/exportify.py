"""Exportify's CSV dialect: its exact column names and how to recognise an export.

Exportify (exportify.net, watsonbox/exportify and its pavelkomarov fork) writes one CSV per
playlist with quoted, comma-separated fields.  Three generations of headers are recognised:
watsonbox's classic one, the newer one with optional audio-feature columns, and one of the
pavelkomarov fork that has "Spotify ID" (a bare id) and "Artist IDs" instead of URIs, then
the same names, genres and features.  Artist names are joined with commas (or semicolons).
When artist URIs or ids are beside them, a name such as "Tyler, The Creator" is split only if
the number of parts equals the number of URIs/ids; without them every comma separates
artists (a known limit for names containing commas).

Public: :data:`CLASSIC_COLUMNS`, :data:`CURRENT_COLUMNS`, :data:`APP_COLUMNS`, :data:`FEATURE_COLUMNS`,
:func:`is_exportify`, :func:`playlist_name`.

Exportify writes one file per playlist, named after it (``night_drive.csv``): the file's name
is the playlist its tracks are recorded in (evidence of which tracks belong together).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sequencer.adapters.importers.columns import header_key

#: watsonbox/exportify's columns (2015–2021).
CLASSIC_COLUMNS: tuple[str, ...] = (
    "Track URI",
    "Track Name",
    "Artist URI(s)",
    "Artist Name(s)",
    "Album URI",
    "Album Name",
    "Album Artist URI(s)",
    "Album Artist Name(s)",
    "Album Release Date",
    "Album Image URL",
    "Disc Number",
    "Track Number",
    "Track Duration (ms)",
    "Track Preview URL",
    "Explicit",
    "Popularity",
    "ISRC",
    "Added By",
    "Added At",
)
#: exportify.net's columns (pavelkomarov fork), before the optional audio features.
CURRENT_COLUMNS: tuple[str, ...] = (
    "Track URI",
    "Track Name",
    "Album Name",
    "Artist Name(s)",
    "Release Date",
    "Duration (ms)",
    "Popularity",
    "Explicit",
    "Added By",
    "Added At",
    "Genres",
    "Record Label",
)
#: exportify.app's columns (ids instead of URIs), before the optional audio features.
APP_COLUMNS: tuple[str, ...] = (
    "Spotify ID",
    "Artist IDs",
    "Track Name",
    "Album Name",
    "Artist Name(s)",
    "Release Date",
    "Duration (ms)",
    "Popularity",
    "Added By",
    "Added At",
    "Genres",
)
#: Optional audio-feature columns (Spotify's names, capitalised).
FEATURE_COLUMNS: tuple[str, ...] = (
    "Danceability",
    "Energy",
    "Key",
    "Loudness",
    "Mode",
    "Speechiness",
    "Acousticness",
    "Instrumentalness",
    "Liveness",
    "Valence",
    "Tempo",
    "Time Signature",
)

_SIGNATURES = (
    frozenset({"track uri", "track name", "artist name(s)"}),
    frozenset({"spotify id", "artist ids", "track name", "artist name(s)"}),
)


def is_exportify(headers: Sequence[str]) -> bool:
    """Whether a header row is an Exportify export's (any generation)."""
    keys = {header_key(h) for h in headers}
    return any(keys >= signature for signature in _SIGNATURES)


def playlist_name(path: Path) -> str:
    """The playlist an Exportify file holds, from its name: ``Night_Drive.csv.gz`` → "Night Drive"."""
    name = path.name
    for suffix in (".gz", ".csv", ".tsv", ".txt"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    return " ".join(name.replace("_", " ").split()) or path.name
