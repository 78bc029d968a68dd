"""The Subsonic / OpenSubsonic sink (Navidrome, Gonic, Airsonic, supysonic…) and source.

Matching a track to the server's song, first hit wins: the file path (the server's path,
relative to its music folder, is a suffix of the track's path), the MusicBrainz recording id
(OpenSubsonic ``musicBrainzId``), the ISRC (OpenSubsonic ``isrc``), then artist + title with
durations within 3 s.  The playlist is found by the marker in its comment, else by its exact
name among the user's own playlists (one playlist per name), and its songs are replaced in
place with ``createPlaylist?playlistId=…`` (one request: the server swaps the whole list), then
read back with ``getPlaylist``.

Public: :class:`SubsonicService`, :func:`match_songs`, :func:`song_track`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sequencer.adapters.sinks.base import Matching, Target
from sequencer.adapters.sinks.subsonic_client import SubsonicClient
from sequencer.core.identity import clean_isrc
from sequencer.core.track import Track, normalise_text

DURATION_SLACK_S = 3.0
_MAX_PATH_PARTS = 8


def _title_key(artist: str, title: str) -> str:
    return f"{normalise_text(artist)}|{normalise_text(title)}"


def _isrcs(song: dict[str, Any]) -> list[str]:
    value = song.get("isrc")
    values = value if isinstance(value, list) else [value] if value else []
    return [code for code in (clean_isrc(str(v)) for v in values) if code]


@dataclass
class SongIndex:
    """The server's songs by path, MusicBrainz id, ISRC and artist + title."""

    by_path: dict[str, str] = field(default_factory=dict)
    by_mbid: dict[str, str] = field(default_factory=dict)
    by_isrc: dict[str, str] = field(default_factory=dict)
    by_title: dict[str, list[tuple[str, float | None]]] = field(default_factory=dict)

    @classmethod
    def of(cls, songs: Iterable[dict[str, Any]]) -> SongIndex:
        """Index ``songs`` (Subsonic ``child`` objects)."""
        index = cls()
        for song in songs:
            song_id = str(song["id"])
            if song.get("path"):
                index.by_path.setdefault(str(song["path"]).replace("\\", "/").lstrip("/"), song_id)
            if song.get("musicBrainzId"):
                index.by_mbid.setdefault(str(song["musicBrainzId"]).lower(), song_id)
            for code in _isrcs(song):
                index.by_isrc.setdefault(code, song_id)
            duration = song.get("duration")
            seconds = float(duration) if isinstance(duration, int | float) else None
            artists = {str(song.get("artist") or "")}
            artists |= {str(a.get("name")) for a in song.get("artists") or [] if isinstance(a, dict)}
            for artist in artists:
                index.by_title.setdefault(_title_key(artist, str(song.get("title") or "")), []).append(
                    (song_id, seconds)
                )
        return index

    def find(self, track: Track) -> str | None:
        """The song for ``track``: path, then MusicBrainz id, then ISRC, then artist + title."""
        if track.path:
            parts = track.path.replace("\\", "/").split("/")
            for size in range(min(len(parts), _MAX_PATH_PARTS), 0, -1):
                found = self.by_path.get("/".join(parts[-size:]))
                if found:
                    return found
        if track.mbid and track.mbid.lower() in self.by_mbid:
            return self.by_mbid[track.mbid.lower()]
        isrc = clean_isrc(track.isrc) if track.isrc else None
        if isrc and isrc in self.by_isrc:
            return self.by_isrc[isrc]
        for artist in dict.fromkeys((track.artist, *track.artists[:1])):
            for song_id, seconds in self.by_title.get(_title_key(artist, track.title), []):
                if seconds is None or abs(seconds - track.duration_s) <= DURATION_SLACK_S or not track.duration_s:
                    return song_id
        return None


def match_songs(songs: Iterable[dict[str, Any]], tracks: Sequence[Track], reason: str) -> Matching:
    """Each track's song id (in order) and the tracks the server does not have."""
    index = SongIndex.of(songs)
    items: list[str] = []
    missing: list[tuple[Track, str]] = []
    for track in tracks:
        found = index.find(track)
        if found is None:
            missing.append((track, reason))
        else:
            items.append(found)
    return Matching(items, missing)


def song_track(song: dict[str, Any]) -> Track:
    """A Subsonic song as a library track (``moodseq import subsonic``)."""
    artists = [str(a.get("name")) for a in song.get("artists") or [] if isinstance(a, dict) and a.get("name")]
    if not artists:
        artists = [str(song.get("artist") or "Unknown artist")]
    isrcs = _isrcs(song)
    genres = [str(g.get("name")) for g in song.get("genres") or [] if isinstance(g, dict) and g.get("name")]
    if not genres and song.get("genre"):
        genres = [str(song["genre"])]
    duration = song.get("duration")
    year = song.get("year")
    return Track(
        id=f"subsonic:{song['id']}",
        title=str(song.get("title") or "Untitled"),
        artists=tuple(artists),
        duration_s=float(duration) if isinstance(duration, int | float) else 0.0,
        album=str(song.get("album") or ""),
        isrc=isrcs[0] if isrcs else None,
        mbid=str(song["musicBrainzId"]) if song.get("musicBrainzId") else None,
        tempo=float(song["bpm"]) if isinstance(song.get("bpm"), int | float) and song["bpm"] > 0 else None,
        genres=tuple(genres),
        year=int(year) if isinstance(year, int) and year > 0 else None,
    )


class SubsonicService:
    """A :class:`~sequencer.adapters.sinks.base.PlaylistService` over one Subsonic server."""

    name = "subsonic"
    missing_reason = "not in the server's library"

    def __init__(self, client: SubsonicClient) -> None:
        self.client = client
        self._user: str | None = None

    def account(self) -> str:
        """Log in (checks URL and credentials); the user name plus server, for the memory key."""
        self.client.ping()
        self._user = self.client.settings.user or "api-key"
        return f"{self._user}@{self.client.settings.url}"

    def match(self, tracks: Sequence[Track]) -> Matching:
        """Match against every song on the server."""
        return match_songs(self.client.songs(), tracks, self.missing_reason)

    def _ours(self, playlist: dict[str, Any]) -> bool:
        owner = playlist.get("owner")
        return owner is None or self._user in (None, "api-key") or owner == self._user

    def find(self, target: Target, remembered: str | None) -> str | None:
        """The remembered playlist if it exists, else ours with the marker, else ours by name."""
        if remembered and self.client.playlist(remembered) is not None:
            return remembered
        mine = [p for p in self.client.playlists() if self._ours(p)]
        for playlist in mine:
            if target.marker in str(playlist.get("comment") or ""):
                return str(playlist["id"])
        for playlist in mine:
            if playlist.get("name") == target.name and "moodseq:" not in str(playlist.get("comment") or ""):
                return str(playlist["id"])
        return None

    def create(self, target: Target) -> str:
        """``createPlaylist?name=…`` (answered with the playlist from API 1.14, else looked up by name)."""
        answer = self.client.call("createPlaylist", {"name": target.name}, write=True)
        created = answer.get("playlist")
        if isinstance(created, dict) and created.get("id"):
            playlist_id = str(created["id"])
        else:
            same = [p for p in self.client.playlists() if p.get("name") == target.name and self._ours(p)]
            if not same:
                raise self._vanished(target)
            playlist_id = str(max(same, key=lambda p: str(p.get("created") or ""))["id"])
        return playlist_id

    def _describe(self, playlist_id: str, target: Target) -> None:
        """Set the playlist's name and its comment (which carries the marker)."""
        details = {"playlistId": playlist_id, "name": target.name, "comment": target.description}
        self.client.call("updatePlaylist", details, write=True)

    def _vanished(self, target: Target) -> Exception:
        from sequencer.errors import RemoteServiceError

        return RemoteServiceError(
            f"the Subsonic server accepted the playlist {target.name!r} but does not list it",
            hint="run the same command again",
        )

    def replace(self, playlist_id: str, items: list[str], target: Target) -> None:
        """Swap the whole song list in one request, then set name and comment (the marker).

        A new playlist gets its comment only here, once it has songs: supysonic fails
        ``updatePlaylist`` on an empty playlist.  Until then it is found again by its name."""
        self.client.call("createPlaylist", {"playlistId": playlist_id, "songId": items}, write=True)
        if items:
            self._describe(playlist_id, target)

    def read(self, playlist_id: str) -> list[str] | None:
        """The playlist's song ids in order (None when it is gone)."""
        playlist = self.client.playlist(playlist_id)
        if playlist is None:
            return None
        return [str(entry["id"]) for entry in playlist.get("entry") or [] if isinstance(entry, dict)]

    def url(self, playlist_id: str) -> str | None:
        """Subsonic has no standard web link to a playlist: the server's address."""
        return self.client.settings.url
