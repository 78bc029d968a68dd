"""Reading JSPF playlists (ListenBrainz exports, moodseq's own ``-o x.jspf``).

Each track becomes a :class:`~sequencer.core.track.Track`: ``title``, ``creator`` (split on
", " into artists), ``album``, ``duration`` (ms), identifiers (``identifier`` may be one URI or a
list: ``https://musicbrainz.org/recording/<mbid>`` → the MusicBrainz id, a Spotify URI or link →
the Spotify URI, ``isrc:`` → the ISRC) and ``location`` (a ``file://`` URI → the file's path).
A track without a title is named after its file (``location``; a player's playlist of untagged
files), else skipped and named in the result's ``skipped``; the rest is read.

Public: :func:`parse_jspf`, :func:`read_jspf_tracks`.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote, urlparse

from sequencer.adapters.exporters.json import LoadedSequence
from sequencer.core.identity import clean_isrc, spotify_uri
from sequencer.core.track import Track
from sequencer.errors import InputFileError

_RECORDING = re.compile(r"^https?://musicbrainz\.org/recording/([0-9a-fA-F-]{36})/?$")


def _strings(value: Any) -> list[str]:
    """A JSPF URI field as a list (it may be one string or a list of strings)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _path(locations: list[str]) -> str | None:
    for location in locations:
        parsed = urlparse(location)
        if parsed.scheme == "file":
            return unquote(parsed.path)
        if not parsed.scheme and location:
            return unquote(location)
    return None


def _track(entry: dict[str, Any], index: int) -> Track | None:
    title = entry.get("title")
    creator = entry.get("creator")
    if not isinstance(title, str) or not title.strip():
        # a player's playlist of untagged files (VLC writes only <location>): named as the file
        from sequencer.adapters.importers.m3u import file_name
        from sequencer.core.track import parse_track_ref

        named = next((file_name(u) for u in _strings(entry.get("location"))), "")
        if not named:
            return None
        artist, title = parse_track_ref(named)
        creator = creator if isinstance(creator, str) and creator.strip() else artist
    artists = tuple(a.strip() for a in creator.split(", ") if a.strip()) if isinstance(creator, str) else ()
    mbid = uri = isrc = None
    for identifier in _strings(entry.get("identifier")):
        found = _RECORDING.match(identifier.strip())
        if found and mbid is None:
            mbid = found.group(1).lower()
        elif identifier.lower().startswith("isrc:") and isrc is None:
            isrc = clean_isrc(identifier[5:])
        elif uri is None:
            uri = spotify_uri(identifier)
    duration = entry.get("duration")
    album = entry.get("album")
    return Track(
        id=uri or (f"mbid:{mbid}" if mbid else f"jspf:{index + 1}"),
        title=title.strip(),
        artists=artists or ("Unknown artist",),
        duration_s=float(duration) / 1000.0 if isinstance(duration, int | float) and duration > 0 else 0.0,
        album=album if isinstance(album, str) else "",
        isrc=isrc,
        uri=uri,
        path=_path(_strings(entry.get("location"))),
        mbid=mbid,
    )


def read_jspf_tracks(data: Any, source: str) -> tuple[str | None, list[Track], list[str]]:
    """(title, tracks, skipped notes) of a parsed JSPF document; InputFileError when it is none."""
    playlist = data.get("playlist") if isinstance(data, dict) else None
    if not isinstance(playlist, dict):
        raise InputFileError(f'{source} is not JSPF: no "playlist" object', hint="give a .jspf playlist file")
    entries = playlist.get("track", [])
    if not isinstance(entries, list):
        raise InputFileError(f"{source}: playlist.track must be a list", hint="give a valid .jspf playlist file")
    tracks: list[Track] = []
    skipped: list[str] = []
    for index, entry in enumerate(entries):
        track = _track(entry, index) if isinstance(entry, dict) else None
        if track is None:
            skipped.append(f"{source}: track {index + 1} has no title; skipped")
        else:
            tracks.append(track)
    title = playlist.get("title")
    return (title if isinstance(title, str) and title.strip() else None), tracks, skipped


def parse_jspf(data: Any, source: str, *, default_name: str) -> LoadedSequence:
    """A JSPF document as a loaded sequence (no profile; ``data["format"]`` is ``"jspf"``)."""
    title, tracks, skipped = read_jspf_tracks(data, source)
    if not tracks:
        raise InputFileError(f"{source} has no tracks with a title", hint="give a JSPF playlist with tracks")
    return LoadedSequence(
        tracks=tracks,
        profile=None,
        name=title or default_name,
        seed=None,
        data={"format": "jspf", "title": title, "warnings": skipped},
    )
