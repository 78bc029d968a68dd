"""A stateful fake of the Spotify Web API and accounts service on 127.0.0.1, for offline tests.

It keeps users, access/refresh tokens, authorization codes (PKCE-checked), playlists with
items and snapshot ids, followed playlists, saved tracks and a searchable catalog.  **Every API
request is validated against ``../shared/spotify/fixed-spotify-open-api.yml``** with
openapi-core (path, method, query, body), plus the rules of Development Mode the spec does not
encode (at most 100 URIs per add/replace, no endpoints Spotify answers 403 for, a bearer token
on every call).  A request the real API would reject is answered 400 *and* recorded in
:attr:`FakeSpotify.violations`; the test fixture fails the test when that list is not empty.

Responses can be checked too (:func:`validate_response_against_spec`, used by the fake's own
tests); for that one spec defect is patched on load: the playlist item's TrackObject|EpisodeObject
discriminator gets the mapping ``track``/``episode`` it lacks.

Known normalisation, on purpose: spotipy's ``current_user()`` requests ``GET /v1/me/`` (a
trailing slash the spec has no path for, which the real API accepts); the fake treats exactly
that one path as ``/v1/me``.

Faults (:class:`Faults`) are drawn from a seeded ``random.Random`` per API request: 429 with
Retry-After, QUOTA_EXCEEDED, 500/502/503, dropped connections, answers slower than the client's
timeout, and expired access tokens (401).  5xx, drops and slow answers may fire *after* the
server applied a mutation — the interesting case: the change is made but the client never
learns it.  :attr:`FakeSpotify.fault_counts` counts what fired, by kind.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import random
import re
import secrets
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

SPEC_PATH = Path(__file__).resolve().parents[2].parent / "shared" / "spotify" / "fixed-spotify-open-api.yml"
API_PREFIX = "/v1"

#: Endpoints present in the spec that Development Mode answers 403 for (or that moodseq must
#: never use): using them is a violation.
FORBIDDEN_PATHS = (
    (re.compile(r"^/v1/users/[^/]+/playlists$"), "POST", "use POST /me/playlists"),
    (re.compile(r"^/v1/playlists/[^/]+/tracks$"), None, "use /playlists/{id}/items"),
    (re.compile(r"^/v1/tracks$"), "GET", "no batch GET /tracks in Development Mode"),
)

_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

_openapi_lock = threading.Lock()
_openapi: Any = None


def openapi() -> Any:
    """The spec, loaded once per process (security requirements stripped: checked by hand).
    Without ``../shared`` (a checkout alone) the test asking is skipped, as the shared data's
    tests are: the fake cannot check requests without the spec (it failed every Spotify test)."""
    global _openapi
    with _openapi_lock:
        if _openapi is None:
            if not SPEC_PATH.is_file():
                import pytest

                pytest.skip(f"the Spotify OpenAPI spec is not at {SPEC_PATH} (../shared is not beside the repository)")
            import yaml  # type: ignore[import-untyped]  # why: no stubs installed
            from openapi_core import OpenAPI

            with SPEC_PATH.open(encoding="utf-8") as handle:
                spec = yaml.load(handle, Loader=yaml.CSafeLoader)
            spec.pop("security", None)
            # The spec's TrackObject|EpisodeObject discriminator has no mapping, so the real
            # API's `"type": "track"` would resolve to a schema named "track" and fail; map it.
            mapping = {"track": "#/components/schemas/TrackObject", "episode": "#/components/schemas/EpisodeObject"}
            for prop in ("item", "track"):
                spec["components"]["schemas"]["PlaylistTrackObject"]["properties"][prop]["discriminator"]["mapping"] = (
                    mapping
                )
            for item in spec["paths"].values():
                for operation in item.values():
                    if isinstance(operation, dict):
                        operation.pop("security", None)
            _openapi = OpenAPI.from_dict(spec)
        return _openapi


class _SpecRequest:
    """An incoming request in the shape openapi-core validates."""

    def __init__(
        self,
        method: str,
        path: str,
        query: list[tuple[str, str]],
        body: bytes,
        content_type: str,
        headers: dict[str, str],
    ) -> None:
        from openapi_core.datatypes import RequestParameters
        from werkzeug.datastructures import Headers, ImmutableMultiDict

        self.method = method.lower()
        self.path = path
        self.host_url = "https://api.spotify.com"
        self.body = body or None
        self.content_type = content_type or "application/octet-stream"
        self.parameters = RequestParameters(
            query=ImmutableMultiDict(query), header=Headers(headers), cookie=ImmutableMultiDict()
        )


def validate_against_spec(
    method: str, path: str, query: list[tuple[str, str]], body: bytes, content_type: str
) -> str | None:
    """None when the spec accepts the request, else why not."""
    try:
        openapi().validate_request(_SpecRequest(method, path, query, body, content_type, {}))
    except Exception as error:  # why: every openapi-core error is a rejection
        cause = getattr(error, "__cause__", None)
        return f"{type(error).__name__}: {error}" + (f" ({cause})" if cause else "")
    return None


class _SpecResponse:
    """An outgoing answer in the shape openapi-core validates."""

    def __init__(self, status: int, headers: dict[str, str], body: bytes) -> None:
        from werkzeug.datastructures import Headers

        self.status_code = status
        self.headers = Headers(headers)
        self.data = body
        self.content_type = headers.get("Content-Type", "")


def validate_response_against_spec(
    method: str, path: str, query: list[tuple[str, str]], status: int, headers: dict[str, str], body: bytes
) -> str | None:
    """None when the spec accepts the answer to ``method path``, else why not."""
    request = _SpecRequest(method, path, query, b"", "", {})
    try:
        openapi().validate_response(request, _SpecResponse(status, headers, body))
    except Exception as error:  # why: every openapi-core error is a rejection
        cause = getattr(error, "__cause__", None)
        details = [getattr(e, "message", str(e))[-200:] for e in getattr(cause, "schema_errors", [])]
        return f"{type(error).__name__}: {details or cause}"
    return None


def new_id(rng: random.Random, length: int = 22) -> str:
    """A Spotify-like base62 id."""
    return "".join(rng.choice(_BASE62) for _ in range(length))


def _norm(text: str) -> str:
    return re.sub(r"[^\w]+", " ", text.casefold()).strip()


@dataclass
class Faults:
    """Per-request fault probabilities (0..1) for API calls; seeded by the server."""

    rate_limit: float = 0.0
    quota: float = 0.0
    server_error: float = 0.0
    drop: float = 0.0
    slow: float = 0.0
    expire_token: float = 0.0
    after_share: float = 0.5
    """Share of 5xx/drop faults on mutations that fire after the change was applied."""
    mutation_factor: float = 1.0
    """5xx/drop/slow are this many times likelier on writes (the interesting case)."""
    slow_s: float = 0.3
    max_retry_after: int = 3


@dataclass
class Playlist:
    """A playlist's state."""

    id: str
    owner: str
    name: str
    description: str
    public: bool
    collaborative: bool
    items: list[str] = field(default_factory=list)
    version: int = 0

    @property
    def snapshot_id(self) -> str:
        """Changes with every mutation."""
        return base64.b64encode(f"{self.id}:{self.version}".encode()).decode()


@dataclass
class _Grant:
    client_id: str
    redirect_uri: str
    challenge: str | None
    scope: str
    user: str


class _Drop(Exception):
    """Close the connection without answering."""


class _Trickle(Exception):
    """Send this raw answer one byte at a time, ``delay`` seconds apart."""

    def __init__(self, raw: bytes, delay: float) -> None:
        super().__init__("trickle")
        self.raw = raw
        self.delay = delay


@dataclass
class Canned:
    """A scripted answer for the next request(s) matching ``method``/``path`` (hostile tests)."""

    method: str | None
    path: str
    status: int
    body: bytes
    headers: dict[str, str]
    trickle_s: float = 0.0
    times: int = 1


class FakeSpotify:
    """The fake's state and request handling; :meth:`start` serves it on 127.0.0.1."""

    def __init__(self, *, seed: int = 0, catalog_size: int = 1200) -> None:
        self.rng = random.Random(seed)
        self.fault_rng = random.Random(seed + 1)
        self.lock = threading.RLock()
        self.faults = Faults()
        self.fault_counts: dict[str, int] = {}
        self.violations: list[str] = []
        self.requests: list[tuple[str, str, str, bytes]] = []
        """Every request seen: (method, path, query string, body)."""
        self.users: dict[str, dict[str, Any]] = {}
        self.tokens: dict[str, tuple[str, str, str]] = {}  # access → (user, client, scope)
        self.refresh_tokens: dict[str, tuple[str, str, str]] = {}  # refresh → (user, client, scope)
        self.codes: dict[str, _Grant] = {}
        self.playlists: dict[str, Playlist] = {}
        self.follows: dict[str, list[str]] = {}
        self.saved: dict[str, list[str]] = {}
        self.recent: dict[str, list[tuple[str, str]]] = {}
        """user → [(track id, played_at ISO time)], newest first (GET /me/player/recently-played)."""
        self._scope = ""
        self.catalog: dict[str, dict[str, Any]] = {}
        self.audio_features_allowed = False
        self.client_secrets: dict[str, str] = {}
        self.login_user = "alice"
        self.script: list[tuple[str, bool, str | None, str | None]] = []
        self.canned: list[Canned] = []
        self.list_lag = 0
        """A new playlist stays out of GET /me/playlists for this many list requests (Spotify's lag)."""
        self._hidden: dict[str, int] = {}
        self.add_user("alice", "Alice")
        for i in range(catalog_size):
            self.add_track(
                f"Song {i:04d}", [f"Artist {i % 97:02d}"], 150_000 + (i * 7919) % 200_000, isrc=f"USX{i:09d}"
            )
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # --- setup helpers (tests) -------------------------------------------------------------

    def add_user(self, user_id: str, name: str) -> None:
        """A Spotify user."""
        self.users[user_id] = {
            "id": user_id,
            "display_name": name,
            "product": "premium",
            "country": "DE",
            "type": "user",
            "uri": f"spotify:user:{user_id}",
        }
        self.follows.setdefault(user_id, [])
        self.saved.setdefault(user_id, [])

    def add_track(
        self, title: str, artists: list[str], duration_ms: int, *, isrc: str | None = None, album: str = "Album"
    ) -> dict[str, Any]:
        """A catalog track; returns its track object."""
        track_id = new_id(self.rng)
        album_id = new_id(self.rng)
        people = [self._artist(a) for a in artists]
        track = {
            "id": track_id,
            "name": title,
            "type": "track",
            "uri": f"spotify:track:{track_id}",
            "href": f"https://api.spotify.com/v1/tracks/{track_id}",
            "duration_ms": duration_ms,
            "explicit": False,
            "popularity": 50,
            "is_local": False,
            "disc_number": 1,
            "track_number": 1,
            "artists": people,
            "album": {
                "id": album_id,
                "name": album,
                "type": "album",
                "album_type": "album",
                "uri": f"spotify:album:{album_id}",
                "href": f"https://api.spotify.com/v1/albums/{album_id}",
                "external_urls": {"spotify": f"https://open.spotify.com/album/{album_id}"},
                "images": [],
                "release_date": "1982",
                "release_date_precision": "year",
                "total_tracks": 12,
                "available_markets": ["DE"],
                "artists": people,
            },
            "external_ids": {"isrc": isrc} if isrc else {},
            "external_urls": {"spotify": f"https://open.spotify.com/track/{track_id}"},
        }
        self.catalog[track_id] = track
        return track

    def _artist(self, name: str) -> dict[str, Any]:
        artist_id = new_id(self.rng)
        return {
            "id": artist_id,
            "name": name,
            "type": "artist",
            "uri": f"spotify:artist:{artist_id}",
            "href": f"https://api.spotify.com/v1/artists/{artist_id}",
            "external_urls": {"spotify": f"https://open.spotify.com/artist/{artist_id}"},
        }

    def issue_token(
        self,
        user_id: str = "alice",
        client_id: str = "test-client",
        scope: str = "playlist-modify-private playlist-modify-public playlist-read-private user-library-read",
    ) -> dict[str, Any]:
        """Tokens as the token endpoint would hand them out."""
        access = "AT-" + secrets.token_urlsafe(16)
        refresh = "RT-" + secrets.token_urlsafe(16)
        with self.lock:
            self.tokens[access] = (user_id, client_id, scope)
            self.refresh_tokens[refresh] = (user_id, client_id, scope)
        return {
            "access_token": access,
            "token_type": "Bearer",
            "scope": scope,
            "expires_in": 3600,
            "refresh_token": refresh,
        }

    def expire_all_tokens(self) -> None:
        """Every access token stops working (as after an hour)."""
        with self.lock:
            self.tokens.clear()

    def delete_playlist(self, playlist_id: str) -> None:
        """What "delete" does in Spotify's apps: the owner unfollows it (it still exists)."""
        with self.lock:
            playlist = self.playlists[playlist_id]
            self.follows[playlist.owner] = [p for p in self.follows[playlist.owner] if p != playlist_id]

    def user_playlists(self, user_id: str = "alice") -> list[Playlist]:
        """The playlists a user follows, in library order."""
        with self.lock:
            return [self.playlists[p] for p in self.follows[user_id]]

    def env(self) -> dict[str, str]:
        """Environment variables pointing moodseq at this fake."""
        return {
            "MOODSEQ_SPOTIFY_API_URL": self.api_url,
            "MOODSEQ_SPOTIFY_ACCOUNTS_URL": self.url,
            "SPOTIPY_CLIENT_ID": "test-client",
            "MOODSEQ_SPOTIFY_TIMEOUT": "2",
        }

    def save_login(self, token_path: Path, user_id: str = "alice") -> dict[str, Any]:
        """Leave a saved login for ``user_id`` in ``token_path`` (as `spotify login` would)."""
        from sequencer.adapters.spotify.tokens import TokenCache

        info = self.issue_token(user_id, "test-client")
        info["expires_at"] = 4_000_000_000
        TokenCache(token_path, "test-client").save_token_to_cache(info)
        return info

    def serve_logged_in(self, monkeypatch: Any, config_dir: Path) -> FakeSpotify:
        """Start, point moodseq's environment at this fake (``monkeypatch.setenv``) and leave
        alice's saved login in ``config_dir``, as the CLI tests need."""
        self.start()
        for key, value in self.env().items():
            monkeypatch.setenv(key, value)
        self.save_login(config_dir / "spotify-token.json")
        return self

    def answer(
        self,
        path: str,
        body: Any,
        *,
        status: int = 200,
        method: str | None = None,
        headers: dict[str, str] | None = None,
        trickle_s: float = 0.0,
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests whose path matches the regex ``path`` with ``body``
        (JSON unless bytes) — wrong types, redirects, secrets echoed, trickling answers."""
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        kind = {} if isinstance(body, bytes) else {"Content-Type": "application/json"}
        with self.lock:
            self.canned.append(Canned(method, path, status, raw, kind | (headers or {}), trickle_s, times))

    def _canned(self, method: str, path: str) -> tuple[int, dict[str, str], bytes] | None:
        with self.lock:
            for canned in self.canned:
                if canned.method in (None, method) and re.fullmatch(canned.path, path):
                    canned.times -= 1
                    if canned.times <= 0:
                        self.canned.remove(canned)
                    break
            else:
                return None
        if canned.trickle_s:
            head = f"HTTP/1.1 {canned.status} X\r\nContent-Length: {len(canned.body)}\r\n"
            head += "".join(f"{k}: {v}\r\n" for k, v in canned.headers.items())
            raise _Trickle(head.encode() + b"\r\n" + canned.body, canned.trickle_s)
        return canned.status, canned.headers, canned.body

    def calls(self, method: str, pattern: str) -> list[tuple[str, str, str, bytes]]:
        """The requests seen with ``method`` whose path matches the regex ``pattern``."""
        with self.lock:
            return [r for r in self.requests if r[0] == method and re.fullmatch(pattern, r[1])]

    # --- serving ---------------------------------------------------------------------------

    def start(self) -> FakeSpotify:
        """Serve on an ephemeral port of 127.0.0.1 in a daemon thread (spec loaded first, so
        the first request is not slower than a client's timeout; a test is skipped without it)."""
        validate_against_spec("GET", "/v1/me", [], b"", "")
        fake = self

        class Handler(_Handler):
            """A handler class bound to this fake."""

        Handler.fake = fake
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        assert self._server is not None
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def api_url(self) -> str:
        """The API base URL (``…/v1``)."""
        return self.url + API_PREFIX

    # --- faults ----------------------------------------------------------------------------

    def _count(self, kind: str) -> None:
        self.fault_counts[kind] = self.fault_counts.get(kind, 0) + 1

    def force(self, kind: str, *, after: bool = False, method: str | None = None, path: str | None = None) -> None:
        """Make the next API request matching ``method``/``path`` (a regex) fail with ``kind``."""
        with self.lock:
            self.script.append((kind, after, method, path))

    def _pick_fault(self, method: str, path: str, mutation: bool) -> tuple[str, bool] | None:
        """(kind, after_applying) for this request, or None."""
        f = self.faults
        r = self.fault_rng
        with self.lock:
            for i, (kind, after, only_method, pattern) in enumerate(self.script):
                if (only_method in (None, method)) and (pattern is None or re.search(pattern, path)):
                    del self.script[i]
                    return kind, after
            roll = r.random()
            k = f.mutation_factor if mutation else 1.0
            for kind, p in (
                ("rate_limit", f.rate_limit),
                ("quota", f.quota),
                ("expire_token", f.expire_token),
                ("server_error", f.server_error * k),
                ("drop", f.drop * k),
                ("slow", f.slow * k),
            ):
                if roll < p:
                    after = mutation and kind in ("server_error", "drop", "slow") and r.random() < f.after_share
                    if kind == "slow":
                        after = mutation
                    return kind, after
                roll -= p
        return None

    # --- dispatch --------------------------------------------------------------------------

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes
    ) -> tuple[int, dict[str, str], bytes]:
        """Answer one request: (status, headers, body); raises _Drop to drop the connection."""
        parts = urlsplit(raw_path)
        path = parts.path
        query = parse_qsl(parts.query, keep_blank_values=True)
        with self.lock:
            self.requests.append((method, path, parts.query, body))
        canned = self._canned(method, path)
        if canned is not None:
            return canned
        if path == "/authorize":
            return self._authorize(dict(query))
        if path == "/api/token":
            return self._token(method, headers, body)
        if not path.startswith(API_PREFIX + "/"):
            return self._violation(f"{method} {path}: not an API path")
        if method == "GET" and path == "/v1/me/":
            path = "/v1/me"  # spotipy's trailing-slash quirk, accepted by the real API
        for pattern, only, why in FORBIDDEN_PATHS:
            if pattern.match(path) and (only is None or only == method):
                return self._violation(f"{method} {path}: {why}", status=403)
        problem = validate_against_spec(method, path, query, body, headers.get("content-type", ""))
        if problem:
            return self._violation(f"{method} {path}?{parts.query}: {problem}")
        auth = headers.get("authorization", "")
        if not auth.startswith("Bearer "):
            return self._violation(f"{method} {path}: no bearer token", status=401)
        mutation = method in ("POST", "PUT", "DELETE")
        fault = self._pick_fault(method, path, mutation)
        if fault and not fault[1]:
            kind = fault[0]
            self._count(kind)
            early = self._fault_answer(kind, auth)
            if early is not None:
                return early
        with self.lock:
            grant = self.tokens.get(auth[7:])
            if grant is None:
                return _error(401, "The access token expired")
            self._scope = grant[2]
            answer = self._api(method, path, dict(query), body, grant[0])
        if fault and fault[1]:
            self._count(fault[0] + "_after")
            late = self._fault_answer(fault[0], auth)
            if late is not None:
                return late
        return answer

    def _fault_answer(self, kind: str, auth: str) -> tuple[int, dict[str, str], bytes] | None:
        if kind == "rate_limit":
            wait = self.fault_rng.randint(1, self.faults.max_retry_after)
            return _error(429, "API rate limit exceeded", headers={"Retry-After": str(wait)})
        if kind == "quota":
            return _error(429, "Too many requests", reason="QUOTA_EXCEEDED")
        if kind == "expire_token":
            with self.lock:
                self.tokens.pop(auth[7:], None)
            return _error(401, "The access token expired")
        if kind == "server_error":
            return _error(self.fault_rng.choice((500, 502, 503)), "Server error")
        if kind == "drop":
            raise _Drop()
        if kind == "slow":
            time.sleep(self.faults.slow_s)
            raise _Drop()
        return None

    def _violation(self, text: str, status: int = 400) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            self.violations.append(text)
        return _error(status, f"rejected by the fake (the real API would too): {text}")

    # --- accounts --------------------------------------------------------------------------

    def _authorize(self, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """The consent page, approved at once: redirect back with a code."""
        redirect = query.get("redirect_uri", "")
        host = urlsplit(redirect).hostname
        problems = []
        if query.get("response_type") != "code":
            problems.append("response_type must be code")
        if host == "localhost" or host not in ("127.0.0.1", "::1"):
            problems.append(f"redirect_uri {redirect} is not a loopback literal")
        if not query.get("client_id"):
            problems.append("client_id missing")
        challenge = query.get("code_challenge")
        if challenge is not None and query.get("code_challenge_method") != "S256":
            problems.append("code_challenge_method must be S256")
        if problems:
            return self._violation("GET /authorize: " + "; ".join(problems))
        code = "AC-" + secrets.token_urlsafe(12)
        with self.lock:
            self.codes[code] = _Grant(query["client_id"], redirect, challenge, query.get("scope", ""), self.login_user)
        params = {"code": code}
        if "state" in query:
            params["state"] = query["state"]
        return 302, {"Location": f"{redirect}?{urlencode(params)}"}, b""

    def _token(self, method: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        if method != "POST" or "application/x-www-form-urlencoded" not in headers.get("content-type", ""):
            return self._violation("token endpoint wants a form POST")
        form = {k: v[0] for k, v in parse_qs(body.decode("utf-8")).items()}
        client_id = form.get("client_id")
        basic = headers.get("authorization", "")
        if basic.startswith("Basic "):
            client_id, _, secret = base64.b64decode(basic[6:]).decode().partition(":")
            if self.client_secrets.get(client_id) != secret:
                return _oauth_error("invalid_client", "Invalid client secret")
        grant = form.get("grant_type")
        with self.lock:
            if grant == "authorization_code":
                found = self.codes.pop(form.get("code", ""), None)
                if found is None:
                    return _oauth_error("invalid_grant", "Invalid authorization code")
                if form.get("redirect_uri") != found.redirect_uri:
                    return _oauth_error("invalid_grant", "Invalid redirect URI")
                if client_id != found.client_id:
                    return _oauth_error("invalid_client", "Invalid client")
                if found.challenge is not None:
                    verifier = form.get("code_verifier", "")
                    digest = hashlib.sha256(verifier.encode()).digest()
                    expected = base64.urlsafe_b64encode(digest).decode().rstrip("=")
                    if not 43 <= len(verifier) <= 128 or expected != found.challenge:
                        return _oauth_error("invalid_grant", "code_verifier was incorrect")
                elif not basic:
                    return _oauth_error("invalid_client", "PKCE or a client secret is required")
                tokens = self.issue_token(found.user, found.client_id, found.scope)
                return 200, {"Content-Type": "application/json"}, json.dumps(tokens).encode()
            if grant == "refresh_token":
                old = self.refresh_tokens.pop(form.get("refresh_token", ""), None)  # single use
                if old is None or old[1] != client_id:
                    return _oauth_error("invalid_grant", "Invalid refresh token")
                tokens = self.issue_token(*old)
                return 200, {"Content-Type": "application/json"}, json.dumps(tokens).encode()
        return _oauth_error("unsupported_grant_type", f"grant_type {grant!r}")

    # --- the API ---------------------------------------------------------------------------

    def _api(
        self, method: str, path: str, query: dict[str, str], body: bytes, user: str
    ) -> tuple[int, dict[str, str], bytes]:
        data = json.loads(body) if body else {}
        segments = path[len(API_PREFIX) + 1 :].split("/")
        route = (method, *segments)
        if route == ("GET", "me"):
            return _ok(self.users[user])
        if route == ("GET", "me", "playlists"):
            for key in list(self._hidden):
                self._hidden[key] -= 1
                if self._hidden[key] < 0:
                    del self._hidden[key]
            shown = [self._simple(self.playlists[p]) for p in self.follows[user] if p not in self._hidden]
            return _ok(self._page(path, query, shown))
        if route == ("POST", "me", "playlists"):
            return self._create(user, data)
        if route == ("GET", "me", "library", "contains"):
            uris = query["uris"].split(",")
            if len(uris) > 40:
                return self._violation("more than 40 URIs in /me/library/contains")
            return _ok([u.startswith("spotify:playlist:") and u.split(":")[2] in self.follows[user] for u in uris])
        if route == ("DELETE", "me", "library"):
            uris = query["uris"].split(",")
            if len(uris) > 40:
                return self._violation("more than 40 URIs in DELETE /me/library")
            gone = {u.split(":")[2] for u in uris if u.startswith("spotify:playlist:")}
            self.follows[user] = [p for p in self.follows[user] if p not in gone]
            return 200, {}, b""
        if route == ("GET", "me", "tracks"):
            items = [{"added_at": "2026-01-01T00:00:00Z", "track": self.catalog[t]} for t in self.saved[user]]
            return _ok(self._page(path, query, items))
        if route == ("GET", "search"):
            return self._search(path, query)
        if route == ("GET", "me", "player", "recently-played"):
            return self._recently_played(user, query)
        if route == ("GET", "audio-features"):
            if not self.audio_features_allowed:
                return _error(403, "Forbidden")
            ids = query["ids"].split(",")
            if len(ids) > 100:
                return self._violation("more than 100 ids for audio-features")
            return _ok({"audio_features": [self._features(i) for i in ids]})
        if len(segments) >= 2 and segments[0] == "tracks" and method == "GET":
            track = self.catalog.get(segments[1])
            return _ok(track) if track else _error(404, "Non existing id")
        if len(segments) >= 2 and segments[0] == "playlists":
            playlist = self.playlists.get(segments[1])
            if playlist is None:
                return _error(404, "Not found.")
            return self._playlist_api(method, segments[2:], query, data, playlist, user, path)
        return self._violation(f"{method} {path}: the fake does not implement this", status=404)

    def _recently_played(self, user: str, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        """The last plays (at most 50, as Spotify keeps), needing user-read-recently-played."""
        if "user-read-recently-played" not in self._scope.split():
            return _error(403, "Insufficient client scope")
        limit = int(query.get("limit", "20"))
        if not 1 <= limit <= 50:
            return self._violation(f"recently-played limit {limit} outside 1–50")
        plays = self.recent.get(user, [])[:limit]
        items = [{"track": self.catalog[t], "played_at": when, "context": None} for t, when in plays]
        return _ok(
            {
                "href": f"{self.api_url}/me/player/recently-played?limit={limit}",
                "limit": limit,
                "next": None,
                "cursors": {"after": "1", "before": "0"},
                "total": len(items),
                "items": items,
            }
        )

    def _playlist_api(
        self, method: str, rest: list[str], query: dict[str, str], data: Any, playlist: Playlist, user: str, path: str
    ) -> tuple[int, dict[str, str], bytes]:
        if not rest:
            if method == "GET":
                full = self._simple(playlist)
                full["items"] = self._page(path + "/items", {"limit": "50"}, self._entries(playlist))
                return _ok(full)
            if playlist.owner != user:
                return _error(403, "You cannot change a playlist you do not own")
            playlist.name = data.get("name", playlist.name)
            playlist.description = data.get("description", playlist.description)
            return 200, {}, b""
        if rest != ["items"]:
            return self._violation(f"{method} {path}: the fake does not implement this", status=404)
        if method == "GET":
            if playlist.owner != user:
                return _error(403, "Forbidden")
            return _ok(self._page(path, query, self._entries(playlist)))
        if playlist.owner != user:
            return _error(403, "You cannot change a playlist you do not own")
        uris = data.get("uris") if isinstance(data, dict) else None
        if not isinstance(uris, list):
            return self._violation(f"{method} {path}: body has no uris list")
        if len(uris) > 100:
            return self._violation(f"{method} {path}: {len(uris)} URIs (at most 100)")
        for uri in uris:
            if not (isinstance(uri, str) and uri.startswith("spotify:track:") and uri[14:] in self.catalog):
                return _error(400, f"Invalid base62 id or unknown track: {uri}")
        if method == "PUT":
            playlist.items = list(uris)
            playlist.version += 1
            return _ok({"snapshot_id": playlist.snapshot_id})
        if not uris:
            return self._violation(f"{method} {path}: empty uris list")
        position = data.get("position", query.get("position"))
        where = len(playlist.items) if position is None else int(position)
        playlist.items[where:where] = uris
        playlist.version += 1
        return _ok({"snapshot_id": playlist.snapshot_id}, status=201)

    def _create(self, user: str, data: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        playlist = Playlist(
            id=new_id(self.rng),
            owner=user,
            name=data["name"],
            description=data.get("description", ""),
            public=data.get("public", True),
            collaborative=data.get("collaborative", False),
        )
        self.playlists[playlist.id] = playlist
        self.follows[user].insert(0, playlist.id)
        if self.list_lag:
            self._hidden[playlist.id] = self.list_lag
        full = self._simple(playlist)
        full["items"] = self._page(f"/v1/playlists/{playlist.id}/items", {}, [])
        return _ok(full, status=201)

    def _simple(self, playlist: Playlist) -> dict[str, Any]:
        return {
            "id": playlist.id,
            "name": playlist.name,
            "description": playlist.description,
            "public": playlist.public,
            "collaborative": playlist.collaborative,
            "snapshot_id": playlist.snapshot_id,
            "type": "playlist",
            "uri": f"spotify:playlist:{playlist.id}",
            "owner": {"id": playlist.owner, "type": "user", "display_name": self.users[playlist.owner]["display_name"]},
            "items": {"href": f"{self.api_url}/playlists/{playlist.id}/items", "total": len(playlist.items)},
            "external_urls": {"spotify": f"https://open.spotify.com/playlist/{playlist.id}"},
        }

    def _entries(self, playlist: Playlist) -> list[dict[str, Any]]:
        return [
            {
                "added_at": "2026-01-01T00:00:00Z",
                "is_local": False,
                "item": self.catalog[u[14:]],
                "track": self.catalog[u[14:]],
            }
            for u in playlist.items
        ]

    def _page(self, path: str, query: dict[str, str], items: list[Any]) -> dict[str, Any]:
        limit = int(query.get("limit", 20))
        offset = int(query.get("offset", 0))
        chunk = items[offset : offset + limit]
        base = self.api_url + path[len(API_PREFIX) :]
        after = offset + limit
        return {
            "href": f"{base}?offset={offset}&limit={limit}",
            "items": chunk,
            "limit": limit,
            "offset": offset,
            "total": len(items),
            "next": f"{base}?offset={after}&limit={limit}" if after < len(items) else None,
            "previous": f"{base}?offset={max(0, offset - limit)}&limit={limit}" if offset else None,
        }

    def _features(self, track_id: str) -> dict[str, Any] | None:
        if track_id not in self.catalog:
            return None
        seed = random.Random(track_id)
        return {
            "id": track_id,
            "tempo": 60 + 100 * seed.random(),
            "key": seed.randint(0, 11),
            "mode": seed.randint(0, 1),
            "energy": seed.random(),
            "valence": seed.random(),
            "acousticness": seed.random(),
            "instrumentalness": seed.random(),
            "speechiness": seed.random() / 4,
            "danceability": seed.random(),
            "loudness": -30 * seed.random(),
        }

    def _search(self, path: str, query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        q = query["q"]
        filters: dict[str, str] = {}
        for name, quoted, bare in re.findall(r'(isrc|track|artist|album):(?:"([^"]*)"|(\S+))', q):
            filters[name] = quoted or bare
        free = _norm(re.sub(r'(isrc|track|artist|album):(?:"[^"]*"|\S+)', " ", q)).split()
        hits = []
        for track in self.catalog.values():
            name = _norm(track["name"])
            artists = " ".join(_norm(a["name"]) for a in track["artists"])
            if "isrc" in filters and track["external_ids"].get("isrc", "").upper() != filters["isrc"].upper():
                continue
            if "track" in filters and not all(w in name.split() for w in _norm(filters["track"]).split()):
                continue
            if "artist" in filters and not all(w in artists.split() for w in _norm(filters["artist"]).split()):
                continue
            if not all(w in f"{name} {artists}".split() for w in free):
                continue
            hits.append(track)
        return _ok({"tracks": self._page(path, query, hits)})


def _ok(payload: Any, status: int = 200) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps(payload).encode()


def _error(
    status: int, message: str, *, reason: str | None = None, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    error: dict[str, Any] = {"status": status, "message": message}
    if reason:
        error["reason"] = reason
    return status, {"Content-Type": "application/json", **(headers or {})}, json.dumps({"error": error}).encode()


def _oauth_error(error: str, description: str) -> tuple[int, dict[str, str], bytes]:
    body = json.dumps({"error": error, "error_description": description}).encode()
    return 400, {"Content-Type": "application/json"}, body


class _Handler(BaseHTTPRequestHandler):
    """HTTP/1.1 keep-alive handler delegating to :class:`FakeSpotify`."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # why: header and body writes would wait on delayed ACKs (40 ms)
    fake: FakeSpotify

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        try:
            status, extra, payload = self.fake.handle(self.command, self.path, headers, body)
        except _Drop:
            self.close_connection = True
            return
        except _Trickle as trickle:
            self.close_connection = True
            for byte in trickle.raw:
                try:
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(trickle.delay)
            return
        try:
            self.send_response(status)
            for key, value in extra.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except OSError:
            self.close_connection = True

    do_GET = do_POST = do_PUT = do_DELETE = _serve  # why: http.server naming

    def log_message(self, format: str, *args: Any) -> None:  # why: base signature
        """Quiet."""

    def handle(self) -> None:
        """Serve; a client that went away is not an error."""
        with contextlib.suppress(OSError):
            super().handle()


def serve(seed: int = 0) -> Iterator[FakeSpotify]:
    """Start a fake, yield it, stop it (for fixtures)."""
    fake = FakeSpotify(seed=seed).start()
    try:
        yield fake
    finally:
        fake.stop()
