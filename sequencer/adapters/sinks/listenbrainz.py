"""The ListenBrainz sink: a sequence becomes a ListenBrainz playlist (JSPF, MusicBrainz ids).

ListenBrainz playlists hold MusicBrainz recordings only, so a track is placed when its
MusicBrainz recording id is known (from file tags, a JSPF file, a Subsonic server); the others
are listed.  The API (``/1/…``, ``Authorization: Token …``): ``GET /1/validate-token`` (who am
I), ``GET /1/user/{user}/playlists`` (find ours by the marker in its annotation, else by its
exact title), ``POST /1/playlist/create``, ``GET /1/playlist/{mbid}`` (read back),
``POST /1/playlist/{mbid}/item/delete`` and ``…/item/add`` (≤ 100 recordings a call) and
``POST /1/playlist/edit/{mbid}``.  Replacing keeps the longest common prefix, deletes the rest
and appends the new tail, so a push killed anywhere is finished by the next one.

liblistenbrainz (the MetaBrainz client) has no playlist calls and no time-outs, hence this small
requests client.  From ListenBrainz a user can export a playlist to a connected streaming
service (Spotify, Apple Music, SoundCloud) on the playlist's page: see the README.

Public: :class:`ListenBrainzService`, :data:`RECORDING`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import requests

from sequencer.adapters.sinks.base import Matching, Target
from sequencer.adapters.sinks.http import json_body, send
from sequencer.adapters.sinks.settings import ListenBrainzSettings
from sequencer.core.track import Track
from sequencer.errors import CredentialsError, RemoteServiceError

RECORDING = "https://musicbrainz.org/recording/"
PLAYLIST = "https://listenbrainz.org/playlist/"
PLAYLIST_EXTENSION = "https://musicbrainz.org/doc/jspf#playlist"
MAX_ADD = 100
PAGE = 100
MAX_PLAYLISTS = 10_000
_UUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")


def _mbid_of(identifier: Any) -> str | None:
    """The id in ``https://musicbrainz.org/recording/<id>`` (a string or the first of a list)."""
    values = identifier if isinstance(identifier, list) else [identifier]
    for value in values:
        if isinstance(value, str) and value.startswith(RECORDING):
            return value[len(RECORDING) :].strip("/").lower()
    return None


def _playlist_id(jspf: dict[str, Any]) -> str | None:
    identifier = jspf.get("identifier")
    values = identifier if isinstance(identifier, list) else [identifier]
    for value in values:
        if isinstance(value, str) and value.startswith(PLAYLIST):
            return value[len(PLAYLIST) :].strip("/")
    return None


class ListenBrainzService:
    """A :class:`~sequencer.adapters.sinks.base.PlaylistService` over the ListenBrainz API."""

    name = "listenbrainz"
    missing_reason = "without a MusicBrainz recording id"

    def __init__(self, settings: ListenBrainzSettings, session: requests.Session | None = None) -> None:
        self.settings = settings
        self.session = session or requests.Session()
        self.service = f"ListenBrainz at {settings.url}"
        self._user: str | None = None

    def _call(self, method: str, path: str, body: Any = None, params: dict[str, Any] | None = None) -> Any:
        """One API call → its JSON; 404 → None; every other failure → a one-line error."""
        headers = {"Authorization": f"Token {self.settings.token}"}
        url = f"{self.settings.url}{path}"
        response = send(self.session, method, url, service=self.service, headers=headers, json=body, params=params)
        if response.status_code == 404:
            return None
        if response.status_code == 401:
            raise CredentialsError(
                f"{self.service} refused the token", hint="copy a fresh token from listenbrainz.org/settings"
            )
        data = json_body(response, service=self.service)
        if response.status_code == 429:
            wait = response.headers.get("X-RateLimit-Reset-In", "a few")
            raise RemoteServiceError(f"{self.service} is rate-limiting", hint=f"try again in {wait} seconds")
        if response.status_code != 200:
            reason = (data.get("error") if isinstance(data, dict) else None) or "no reason given"
            raise RemoteServiceError(
                f"{self.service}: {method} {path} failed with HTTP {response.status_code}: {reason}",
                hint="run the same command again; if it keeps failing, check the playlist on listenbrainz.org",
            )
        return data

    def account(self) -> str:
        """Check the token; the user name."""
        data = self._call("GET", "/1/validate-token")
        if not isinstance(data, dict) or not data.get("valid") or not data.get("user_name"):
            raise CredentialsError(
                f"{self.service} says the token is not valid", hint="copy a fresh token from listenbrainz.org/settings"
            )
        self._user = str(data["user_name"])
        return self._user

    def match(self, tracks: Sequence[Track]) -> Matching:
        """Tracks with a MusicBrainz recording id are placed; the rest are listed."""
        items: list[str] = []
        missing: list[tuple[Track, str]] = []
        for track in tracks:
            if track.mbid and _UUID.match(track.mbid):
                items.append(track.mbid.lower())
            else:
                missing.append((track, self.missing_reason))
        return Matching(items, missing)

    def _playlists(self) -> list[dict[str, Any]]:
        """The user's playlists (JSPF without tracks), page by page."""
        found: list[dict[str, Any]] = []
        offset = 0
        while offset < MAX_PLAYLISTS:
            data = self._call("GET", f"/1/user/{self._user}/playlists", params={"count": PAGE, "offset": offset})
            page = data.get("playlists") if isinstance(data, dict) else None
            if not isinstance(page, list):
                raise RemoteServiceError(f"{self.service} listed playlists in an unknown shape", hint="try again")
            found += [p["playlist"] for p in page if isinstance(p, dict) and isinstance(p.get("playlist"), dict)]
            if len(page) < PAGE:
                return found
            offset += PAGE
        return found

    def find(self, target: Target, remembered: str | None) -> str | None:
        """The remembered playlist if it exists, else ours with the marker, else ours by title."""
        if remembered and self.read(remembered) is not None:
            return remembered
        mine = [p for p in self._playlists() if p.get("creator") in (None, self._user)]
        for playlist in mine:
            if target.marker in str(playlist.get("annotation") or ""):
                return _playlist_id(playlist)
        for playlist in mine:
            if playlist.get("title") == target.name and "moodseq:" not in str(playlist.get("annotation") or ""):
                return _playlist_id(playlist)
        return None

    def _jspf(self, target: Target) -> dict[str, Any]:
        return {
            "playlist": {
                "title": target.name,
                "annotation": target.description,
                "extension": {PLAYLIST_EXTENSION: {"public": False}},
            }
        }

    def create(self, target: Target) -> str:
        """``POST /1/playlist/create`` (private, empty, the marker in its annotation)."""
        data = self._call("POST", "/1/playlist/create", self._jspf(target), params={"public": "false"})
        mbid = data.get("playlist_mbid") if isinstance(data, dict) else None
        if not isinstance(mbid, str) or not _UUID.match(mbid):
            raise RemoteServiceError(f"{self.service} created a playlist but gave no id", hint="push again")
        return mbid

    def replace(self, playlist_id: str, items: list[str], target: Target) -> None:
        """Keep the common prefix, delete the rest, append the new tail (≤ 100 a call)."""
        current = self._read_full(playlist_id)
        if current is None:
            return  # gone: sync() reads None back and recreates it
        jspf, now = current
        if jspf.get("title") != target.name or target.marker not in str(jspf.get("annotation") or ""):
            self._call("POST", f"/1/playlist/edit/{playlist_id}", self._jspf(target))
        keep = 0
        while keep < min(len(now), len(items)) and now[keep] == items[keep]:
            keep += 1
        if keep < len(now):
            self._call("POST", f"/1/playlist/{playlist_id}/item/delete", {"index": keep, "count": len(now) - keep})
        for start in range(keep, len(items), MAX_ADD):
            chunk = [{"identifier": RECORDING + mbid} for mbid in items[start : start + MAX_ADD]]
            self._call("POST", f"/1/playlist/{playlist_id}/item/add", {"playlist": {"track": chunk}})

    def _read_full(self, playlist_id: str) -> tuple[dict[str, Any], list[str]] | None:
        if not _UUID.match(playlist_id):
            return None
        data = self._call("GET", f"/1/playlist/{playlist_id}")
        jspf = data.get("playlist") if isinstance(data, dict) else None
        if not isinstance(jspf, dict):
            return None
        tracks = jspf.get("track") or []
        return jspf, [mbid for mbid in (_mbid_of(t.get("identifier")) for t in tracks if isinstance(t, dict)) if mbid]

    def read(self, playlist_id: str) -> list[str] | None:
        """The playlist's recording ids in order (None when it is gone)."""
        found = self._read_full(playlist_id)
        return None if found is None else found[1]

    def url(self, playlist_id: str) -> str | None:
        """The playlist's page on ListenBrainz."""
        return PLAYLIST + playlist_id
