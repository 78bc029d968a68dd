"""Liked songs and playlists from Spotify → library tracks.

Pages of 50 (Development Mode's maximum), every page.  Audio features are asked for once per
100 tracks; apps created after 2024-11-27 get 403 there, which is normal: the import carries
on without them and says so.  Episodes, local files and unavailable (null) items are skipped
and counted.  Each track records the names of the imported playlists it is in and its album's
release year (evidence of its sound: :mod:`sequencer.core.sound`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sequencer.adapters.spotify.client import MAX_URIS, SpotifyClient
from sequencer.adapters.spotify.errors import ForbiddenError, NotFoundError
from sequencer.adapters.spotify.http import clean_text
from sequencer.core.track import ATTRIBUTES, Track
from sequencer.errors import InputFileError, RemoteServiceError

Progress = Callable[[int, int], None]

_PLAYLIST = re.compile(
    r"^(?:spotify:playlist:|https?://open\.spotify\.com/(?:intl-[a-z-]+/)?playlist/)?([0-9A-Za-z]{16,40})(?:[?#].*)?$"
)


def playlist_id(ref: str) -> str:
    """The playlist id in a link, URI or bare id; InputFileError naming the accepted forms."""
    found = _PLAYLIST.match(ref.strip())
    if not found:
        raise InputFileError(
            f"{ref!r} is not a Spotify playlist",
            hint="give a link like https://open.spotify.com/playlist/<id>, a URI spotify:playlist:<id>, or the bare id",
        )
    return found.group(1)


def track_from_object(obj: dict[str, Any]) -> Track | None:
    """A library track from a Spotify track object (None for episodes, local files, gaps)."""
    if not obj or obj.get("type", "track") != "track" or obj.get("is_local") or not obj.get("id"):
        return None
    from sequencer.adapters.importers.values import parse_year

    artists = tuple(str(a.get("name") or "") for a in obj.get("artists") or [] if a.get("name"))
    release = (obj.get("album") or {}).get("release_date")
    return Track(
        id=str(obj["id"]),
        title=str(obj.get("name") or ""),
        artists=artists,
        duration_s=float(obj.get("duration_ms") or 0) / 1000.0,
        album=str((obj.get("album") or {}).get("name") or ""),
        isrc=(obj.get("external_ids") or {}).get("isrc"),
        uri=str(obj.get("uri") or f"spotify:track:{obj['id']}"),
        explicit=obj.get("explicit"),
        year=parse_year(release) if isinstance(release, str) else None,
    )


@dataclass
class SpotifyImport:
    """What an import read."""

    tracks: list[Track] = field(default_factory=list)
    liked: int = 0
    playlists: dict[str, int] = field(default_factory=dict)
    """Playlist id → tracks taken from it."""
    names: dict[str, str] = field(default_factory=dict)
    """Playlist id → its name (recorded on each of its tracks as playlist membership)."""
    skipped: int = 0
    """Episodes, local files and unavailable items."""
    features: bool | None = None
    """True: audio features added; False: the app may not read them (403); None: not asked."""


def _take(
    entries: Iterable[dict[str, Any] | None], into: SpotifyImport, seen: dict[str, int], playlist: str | None = None
) -> int:
    """Add the tracks of saved-track / playlist-item entries (recording membership of
    ``playlist``); return how many were usable.  ``seen``: track id → position in the result."""
    taken = 0
    for entry in entries:
        obj = entry.get("item") or entry.get("track") if entry else None
        track = track_from_object(obj or {})
        if track is None:
            into.skipped += 1
            continue
        taken += 1
        if track.id not in seen:
            seen[track.id] = len(into.tracks)
            into.tracks.append(track)
        if playlist:
            at = seen[track.id]
            known = into.tracks[at]
            if playlist not in known.playlists:
                into.tracks[at] = known.evolve(playlists=(*known.playlists, playlist))
    return taken


def _playlist_name(client: SpotifyClient, pid: str) -> str:
    """The playlist's name (its id when Spotify does not say)."""
    try:
        name = client.playlist(pid).get("name")
    except (ForbiddenError, NotFoundError):
        return pid
    return clean_text(name, limit=200) or pid if isinstance(name, str) else pid


def known_features(row: dict[str, Any]) -> dict[str, Any]:
    """The audio features of a Spotify row that say something, by the CSV import's ranges
    (:data:`~sequencer.adapters.importers.values.RANGES`): Spotify writes "no key detected"
    as -1 and an unmeasured tempo as 0, which mean unknown, never a key or 0 BPM."""
    from sequencer.adapters.importers.values import RANGES

    values: dict[str, Any] = {}
    for name in ATTRIBUTES:
        value = row.get(name)
        if not isinstance(value, (int, float)) or isinstance(value, bool):
            continue
        low, high = RANGES.get(name, (float("-inf"), float("inf")))
        if low <= value <= high:
            values[name] = int(value) if name in ("key", "mode") else value
    return values


def _with_features(client: SpotifyClient, result: SpotifyImport, progress: Progress | None) -> None:
    """Add audio features where the app still gets them; a 403 stops asking."""
    tracks = result.tracks
    for start in range(0, len(tracks), MAX_URIS):
        chunk = tracks[start : start + MAX_URIS]
        try:
            rows = client.audio_features([t.id for t in chunk])
        except (ForbiddenError, NotFoundError):
            result.features = False
            return
        by_id = {str(r.get("id")): r for r in rows if r}
        for i, track in enumerate(chunk):
            row = by_id.get(track.id)
            if row:
                tracks[start + i] = track.evolve(**known_features(row))
        result.features = True
        if progress is not None:
            progress(min(start + MAX_URIS, len(tracks)), len(tracks))


def import_spotify(
    client: SpotifyClient,
    *,
    liked: bool,
    playlists: Iterable[str] = (),
    features: bool = True,
    progress: Progress | None = None,
) -> SpotifyImport:
    """Read liked songs and/or playlists (every page) into tracks, deduplicated, in order."""
    result = SpotifyImport()
    seen: dict[str, int] = {}
    ids = [playlist_id(p) for p in playlists]
    if liked:
        result.liked = _take(client.saved_tracks(), result, seen)
        if progress is not None:
            progress(len(result.tracks), 0)
    for pid in ids:
        try:
            result.names[pid] = _playlist_name(client, pid)
            result.playlists[pid] = _take(client.playlist_entries(pid), result, seen, result.names[pid])
        except ForbiddenError:
            raise RemoteServiceError(
                f"Spotify refused to list the items of playlist {pid} (403)",
                hint="Spotify lets apps read only playlists you own or collaborate on: add its "
                "tracks to a playlist of your own and import that (or check the login's scopes "
                "with `moodseq spotify login`)",
            ) from None
        if progress is not None:
            progress(len(result.tracks), 0)
    if features and result.tracks:
        _with_features(client, result, progress)
    return result
