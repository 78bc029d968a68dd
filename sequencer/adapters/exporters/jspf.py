"""JSPF, XSPF in JSON (https://xspf.org/jspf, the format ListenBrainz uses for playlists).

``{"playlist": {"title", "creator", "annotation", "extension", "track": [...]}}``; each track
carries ``title``, ``creator`` (artists joined by ", "), ``album``, ``duration`` (ms),
``annotation`` (why moodseq chose it), ``location`` (a list: the file URI) and ``identifier``
(a list of URIs: ``https://musicbrainz.org/recording/<mbid>`` when the MusicBrainz recording is
known, the Spotify URI, ``isrc:<code>``).  As in XSPF, ``location`` and ``identifier`` are lists
and a track needs neither.  No timestamp, so the same sequence gives the same bytes.  Read back
by :mod:`sequencer.adapters.importers.jspf`.

Public: :data:`MUSICBRAINZ_RECORDING`, :data:`PLAYLIST_EXTENSION`, :func:`render`,
:func:`track_identifiers`.
"""

from __future__ import annotations

import json
from typing import Any

from sequencer.adapters.exporters.common import file_uri, generator, ms, playlist_name
from sequencer.core.explain import explain, summary_line
from sequencer.core.sequence import Sequence
from sequencer.core.track import Track

MUSICBRAINZ_RECORDING = "https://musicbrainz.org/recording/"
PLAYLIST_EXTENSION = "https://musicbrainz.org/doc/jspf#playlist"


def track_identifiers(track: Track) -> list[str]:
    """The track's identifiers as URIs: MusicBrainz recording, Spotify, ISRC."""
    found = []
    if track.mbid:
        found.append(MUSICBRAINZ_RECORDING + track.mbid)
    if track.uri:
        found.append(track.uri)
    if track.isrc:
        found.append(f"isrc:{track.isrc}")
    return found


def _track(track: Track, reasons: list[str]) -> dict[str, Any]:
    entry: dict[str, Any] = {}
    if track.path:
        entry["location"] = [file_uri(track.path)]
    identifiers = track_identifiers(track)
    if identifiers:
        entry["identifier"] = identifiers
    entry["title"] = track.title
    entry["creator"] = track.artist
    if reasons:
        entry["annotation"] = "; ".join(reasons)
    if track.album:
        entry["album"] = track.album
    entry["duration"] = ms(track.duration_s)
    return entry


def render(sequence: Sequence, *, name: str | None = None) -> str:
    """The sequence as a JSPF document (two-space indents, final newline)."""
    expl = explain(sequence)
    document = {
        "playlist": {
            "title": playlist_name(sequence, name),
            "creator": "moodseq",
            "annotation": f"{generator()}: {summary_line(expl.summary)}",
            "track": [
                _track(track, list(reasons.reasons))
                for track, reasons in zip(sequence.tracks, expl.tracks, strict=True)
            ],
        }
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
