"""A Spotify playlist's tracks, read-only: what `moodseq reorder --playlist URI` reorders.

The playlist is read through the ordinary client (pages of ≤ 50, every page, under the
client's retry policy).  Items that are not reorderable tracks — local files, podcast
episodes, unavailable (null) entries — are counted, never silently lost: writing the new
order back would drop them, so the caller refuses to push a playlist that holds any.

Tracks are enriched from the library when there is one (looked up by their Spotify URI), so
their moods and audio attributes take part in the flow cost; tracks the library does not know
keep unknown attributes and are counted.

Public: :class:`RemotePlaylist`, :func:`fetch_playlist`, :func:`with_library_attributes`,
:func:`has_attributes`, :func:`library_tracks_by_uri`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sequencer.adapters.spotify.client import SpotifyClient
from sequencer.adapters.spotify.errors import ForbiddenError, NotFoundError
from sequencer.adapters.spotify.http import clean_text
from sequencer.adapters.spotify.importer import playlist_id, track_from_object
from sequencer.core.track import ATTRIBUTES, Track
from sequencer.errors import RemoteServiceError

#: URIs per SQL query (well under SQLite's host-parameter limit).


@dataclass(frozen=True)
class RemotePlaylist:
    """One Spotify playlist as read: details, its tracks in order and what was skipped."""

    id: str
    name: str
    owner: str | None
    snapshot_id: str | None
    tracks: list[Track]
    """The playlist's tracks in their current order (duplicates kept, as in the playlist)."""
    uris: list[str]
    """Every item's URI in the current order, including skipped ones ("" for null items)."""
    skipped: int
    """Local files, episodes and unavailable items (not reorderable)."""

    @property
    def url(self) -> str:
        """Where to open the playlist."""
        return f"https://open.spotify.com/playlist/{self.id}"


def fetch_playlist(client: SpotifyClient, ref: str) -> RemotePlaylist:
    """Read the playlist ``ref`` names (link, ``spotify:playlist:ID`` or bare id).

    Raises
    ------
    InputFileError
        when ``ref`` is not a playlist reference.
    RemoteServiceError
        when the playlist does not exist or the app may not read it.
    """
    pid = playlist_id(ref)
    try:
        details = client.playlist(pid)
        entries = list(client.playlist_entries(pid))
    except NotFoundError:
        raise RemoteServiceError(
            f"Spotify has no playlist {pid}",
            hint="check the link (Share → Copy link to playlist in the Spotify app)",
        ) from None
    except ForbiddenError:
        raise RemoteServiceError(
            f"Spotify refused to list the items of playlist {pid} (403)",
            hint="Spotify lets apps read only playlists you own or collaborate on; or check the "
            "login's scopes with `moodseq spotify login`",
        ) from None
    tracks: list[Track] = []
    uris: list[str] = []
    skipped = 0
    for entry in entries:
        obj: dict[str, Any] = ((entry or {}).get("item") or (entry or {}).get("track")) or {}
        uris.append(str(obj.get("uri") or ""))
        track = track_from_object(obj)
        if track is None:
            skipped += 1
        else:
            tracks.append(track)
    return RemotePlaylist(
        id=pid,
        name=clean_text(details.get("name") or pid, limit=200),
        owner=(details.get("owner") or {}).get("id"),
        snapshot_id=details.get("snapshot_id"),
        tracks=tracks,
        uris=uris,
        skipped=skipped,
    )


def has_attributes(track: Track) -> bool:
    """Whether anything about the track's sound is known (moods or any audio attribute)."""
    return bool(track.moods) or any(track.attribute(a) is not None for a in ATTRIBUTES)


def library_tracks_by_uri(store: Any, uris: Sequence[str]) -> dict[str, Track]:
    """The library's tracks whose Spotify URI is one of ``uris`` (exact URI match only: a
    name match could pick another recording).  ``store`` is a :class:`~sequencer.adapters.library.store.Store`."""
    found: dict[str, Track] = store.tracks_by_uris(uris)
    return found


def with_library_attributes(tracks: Sequence[Track], known: Mapping[str, Track]) -> tuple[list[Track], int]:
    """The tracks with moods and attributes from the library where it knows them.

    ``known`` maps Spotify URIs to library tracks (:func:`library_tracks_by_uri`).  A track
    found keeps its Spotify URI (the playlist's item) but takes the library's id, moods and
    attributes.  Returns (tracks, how many still have no attributes at all).
    """
    out: list[Track] = []
    for track in tracks:
        match = known.get(track.uri) if track.uri else None
        out.append(match.evolve(uri=track.uri) if match is not None else track)
    unknown = sum(1 for t in out if not has_attributes(t))
    return out, unknown
