"""A local fake ListenBrainz API on 127.0.0.1 that checks every request against the documented API.

Implements the playlist endpoints moodseq uses, as ListenBrainz's API documentation and its
server (``listenbrainz/webserver/views/playlist_api.py``, ``api.py``) define them:

- ``GET /1/validate-token`` → ``{"code", "message", "valid", "user_name"}``
- ``GET /1/user/{user}/playlists?count&offset`` → ``{"playlists": [{"playlist": JSPF without
  tracks}], "playlist_count", "count", "offset"}``
- ``POST /1/playlist/create[?public=true|false]`` with JSPF (``playlist.title`` required; each
  track's ``identifier`` a ``https://musicbrainz.org/recording/<uuid>``) → ``{"status": "ok",
  "playlist_mbid"}``
- ``GET /1/playlist/{mbid}`` → ``{"playlist": JSPF}`` (404 when unknown)
- ``POST /1/playlist/{mbid}/item/add[/{offset}]`` with ``{"playlist": {"track": [...]}}``, at most
  100 tracks (``MAX_RECORDINGS_PER_ADD``)
- ``POST /1/playlist/{mbid}/item/delete`` with ``{"index", "count"}`` (non-negative integers)
- ``POST /1/playlist/edit/{mbid}`` with JSPF (title required)
- ``POST /1/playlist/{mbid}/delete``

Writes need ``Authorization: Token <token>`` (401 otherwise); bodies must be JSON objects. Every
departure from the documented shapes is recorded in :attr:`FakeListenBrainz.violations` and
answered 400, so a test can assert that moodseq never sent one.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse

RECORDING = "https://musicbrainz.org/recording/"
PLAYLIST = "https://listenbrainz.org/playlist/"
EXTENSION = "https://musicbrainz.org/doc/jspf#playlist"
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
MAX_ADD = 100


class Invalid(Exception):
    """A request that breaks the documented API (answered 400 and recorded)."""


@dataclass
class Playlist:
    mbid: str
    title: str
    creator: str
    annotation: str = ""
    public: bool = True
    recordings: list[str] = field(default_factory=list)

    def jspf(self, with_tracks: bool) -> dict[str, Any]:
        body: dict[str, Any] = {
            "title": self.title,
            "creator": self.creator,
            "identifier": PLAYLIST + self.mbid,
            "date": "2026-12-03T00:00:00+00:00",
            "extension": {EXTENSION: {"public": self.public, "creator": self.creator}},
        }
        if self.annotation:
            body["annotation"] = self.annotation
        body["track"] = (
            [{"identifier": [RECORDING + r], "title": f"rec {r[:8]}"} for r in self.recordings] if (with_tracks) else []
        )
        return {"playlist": body}


@dataclass
class FakeListenBrainz:
    """State and request log of the fake; ``url`` once started."""

    token: str = "good-token"
    user: str = "night_owl"
    playlists: dict[str, Playlist] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    url: str = ""

    def _check_tracks(self, tracks: Any) -> list[str]:
        if not isinstance(tracks, list):
            raise Invalid("playlist.track must be a list")
        found = []
        for i, track in enumerate(tracks):
            identifier = track.get("identifier") if isinstance(track, dict) else None
            if isinstance(identifier, list):
                identifier = identifier[0] if identifier else None
            if not isinstance(identifier, str) or not identifier.startswith(RECORDING):
                raise Invalid(f"track {i} identifier must have the namespace {RECORDING!r}")
            mbid = identifier[len(RECORDING) :]
            if not UUID.match(mbid):
                raise Invalid(f"track {i} does not contain a valid track identifier field")
            found.append(mbid)
        return found

    def _jspf(self, body: Any, require_title: bool) -> dict[str, Any]:
        if not isinstance(body, dict) or not isinstance(body.get("playlist"), dict):
            raise Invalid("the body must be JSPF: {'playlist': {...}}")
        playlist: dict[str, Any] = body["playlist"]
        if require_title and not (isinstance(playlist.get("title"), str) and playlist["title"]):
            raise Invalid("JSPF playlist must contain a title element")
        return playlist

    def _owned(self, mbid: str) -> Playlist | None:
        if not UUID.match(mbid):
            raise Invalid("Provided playlist ID is invalid.")
        return self.playlists.get(mbid)

    def handle(self, method: str, path: str, query: dict[str, list[str]], auth: str | None, body: Any) -> Any:
        """(status, JSON) for one request."""
        authed = auth == f"Token {self.token}"
        if auth is not None and not auth.startswith("Token "):
            raise Invalid("Authorization must be 'Token <user token>'")
        if method == "GET" and path == "/1/validate-token":
            if not authed:
                return 200, {"code": 200, "message": "Token invalid.", "valid": False}
            return 200, {"code": 200, "message": "Token valid.", "valid": True, "user_name": self.user}
        if method == "POST" and not authed:
            return 401, {"code": 401, "error": "Invalid authorization token."}
        m = re.fullmatch(r"/1/user/([^/]+)/playlists", path)
        if method == "GET" and m:
            count, offset = (int(query.get(k, [d])[0]) for k, d in (("count", "25"), ("offset", "0")))
            if count < 0 or offset < 0:
                raise Invalid("count and offset must be non-negative")
            mine = [p for p in self.playlists.values() if p.creator == m.group(1) and (authed or p.public)]
            page = mine[offset : offset + count]
            return 200, {
                "playlists": [p.jspf(False) for p in page],
                "playlist_count": len(mine),
                "count": len(page),
                "offset": offset,
            }
        if method == "POST" and path == "/1/playlist/create":
            public = query.get("public", ["true"])[0]
            if public not in ("true", "false"):
                raise Invalid("Invalid public argument: must be 'true' or 'false'")
            jspf = self._jspf(body, True)
            recordings = self._check_tracks(jspf.get("track", []))
            mbid = str(uuid.uuid4())
            self.playlists[mbid] = Playlist(
                mbid, jspf["title"], self.user, str(jspf.get("annotation") or ""), public == "true", recordings
            )
            return 200, {"status": "ok", "playlist_mbid": mbid}
        m = re.fullmatch(r"/1/playlist/([^/]+)", path)
        if method == "GET" and m:
            playlist = self._owned(m.group(1))
            if playlist is None or (not playlist.public and not authed):
                return 404, {"code": 404, "error": f"Cannot find playlist: {m.group(1)}"}
            return 200, playlist.jspf(True)
        m = re.fullmatch(r"/1/playlist/([^/]+)/item/add(?:/(\d+))?", path)
        if method == "POST" and m:
            playlist = self._owned(m.group(1))
            if playlist is None:
                return 404, {"code": 404, "error": "Cannot find playlist"}
            tracks = self._jspf(body, False).get("track")
            if isinstance(tracks, list) and len(tracks) > MAX_ADD:
                raise Invalid(f"You may only add max {MAX_ADD} recordings per call.")
            recordings = self._check_tracks(tracks)
            at = len(playlist.recordings) if m.group(2) is None else int(m.group(2))
            playlist.recordings[at:at] = recordings
            return 200, {"status": "ok"}
        m = re.fullmatch(r"/1/playlist/([^/]+)/item/delete", path)
        if method == "POST" and m:
            playlist = self._owned(m.group(1))
            if playlist is None:
                return 404, {"code": 404, "error": "Cannot find playlist"}
            if not isinstance(body, dict) or "index" not in body or "count" not in body:
                raise Invalid("post data for a remove instruction must include the keys 'index' and 'count'.")
            index, count = body["index"], body["count"]
            if not (isinstance(index, int) and isinstance(count, int) and index >= 0 and count >= 0):
                raise Invalid("values for 'index' and 'count' must all be positive integers.")
            del playlist.recordings[index : index + count]
            return 200, {"status": "ok"}
        m = re.fullmatch(r"/1/playlist/edit/([^/]+)", path)
        if method == "POST" and m:
            playlist = self._owned(m.group(1))
            if playlist is None:
                return 404, {"code": 404, "error": "Cannot find playlist"}
            jspf = self._jspf(body, True)
            playlist.title = jspf["title"]
            playlist.annotation = str(jspf.get("annotation") or "")
            ext = (jspf.get("extension") or {}).get(EXTENSION) or {}
            if "public" in ext:
                playlist.public = bool(ext["public"])
            return 200, {"status": "ok"}
        m = re.fullmatch(r"/1/playlist/([^/]+)/delete", path)
        if method == "POST" and m:
            if self._owned(m.group(1)) is None:
                return 404, {"code": 404, "error": "Cannot find playlist"}
            del self.playlists[m.group(1)]
            return 200, {"status": "ok"}
        raise Invalid(f"{method} {path} is not a documented ListenBrainz endpoint")


def start(fake: FakeListenBrainz) -> ThreadingHTTPServer:
    """Serve ``fake`` on a free loopback port (sets ``fake.url``); call ``shutdown()`` after."""
    lock = threading.Lock()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            parsed = urlparse(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            with lock:
                fake.requests.append(f"{self.command} {parsed.path}")
                try:
                    body = json.loads(raw) if raw else None
                    if self.command == "POST" and raw and "json" not in (self.headers.get("Content-Type") or ""):
                        raise Invalid("POST bodies must be sent as application/json")
                    status, answer = fake.handle(
                        self.command, parsed.path, parse_qs(parsed.query), self.headers.get("Authorization"), body
                    )
                except (Invalid, ValueError) as error:
                    fake.violations.append(f"{self.command} {parsed.path}: {error}")
                    status, answer = 400, {"code": 400, "error": str(error)}
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _serve

        def log_message(self, *args: object) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server
