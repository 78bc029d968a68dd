"""The one place that builds ``spotipy.Spotify``, and the retry policy moodseq owns.

spotipy's default session retries POST on 429/5xx and sleeps whatever ``Retry-After`` says, so
a 502 on create could make two playlists.  Here spotipy gets our own ``requests.Session`` with
no retries at all, and :class:`SpotifyClient` decides, per call:

- ``429`` — wait ``Retry-After`` seconds with a visible countdown (``on_wait``), then retry
  (a 429 was not applied); ``QUOTA_EXCEEDED`` stops at once with :class:`QuotaExceededError`;
- ``401`` — refresh the login once (storing the rotated refresh token), then retry;
- ``403`` — :class:`ForbiddenError` naming the likely causes; ``404`` — :class:`NotFoundError`;
- ``5xx``, dropped connections, timeouts — retried with backoff only for *safe* calls (reads,
  and PUTs that set a whole state); for a POST the answer is unknown, so
  :class:`UncertainWriteError` tells the caller to read back and decide (see :mod:`.push`).

``sleep`` and ``on_wait`` are injected, so tests never really wait.  spotipy's loggers get a
filter that blanks tokens, codes and secrets, and a NullHandler so they print nothing.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
import spotipy
from spotipy.exceptions import SpotifyException, SpotifyOauthError

from sequencer.adapters.spotify import auth
from sequencer.adapters.spotify.answers import (
    as_entry,
    as_items,
    as_object,
    error_text,
    playlist_ok,
    snapshot_of,
    text_or_none,
    well_formed_track,
)
from sequencer.adapters.spotify.errors import (
    BadAnswerError,
    BadRequestError,
    ForbiddenError,
    NotFoundError,
    QuotaExceededError,
    RateLimitedError,
    UnavailableError,
    UncertainWriteError,
    not_logged_in,
)
from sequencer.adapters.spotify.http import (
    AnswerTooLarge,
    GuardedSession,
    RedirectRefused,
    clean_text,
    redact,
)
from sequencer.adapters.spotify.settings import SpotifySettings
from sequencer.errors import RemoteServiceError

PAGE = 50
"""Largest page for playlist items, saved tracks and playlists (Development Mode)."""
SEARCH_LIMIT = 10
"""Largest search page (Development Mode since 2026-03)."""
MAX_URIS = 100
"""Most URIs one add/replace request may carry."""
MAX_PAGES = 2000
"""Most pages read from one list (100,000 items): a server that always claims a next page stops."""

Wait = Callable[[int, str], None]


class _Redact(logging.Filter):
    """Rewrite spotipy's log records without secrets (it logs headers and token bodies)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Replace the message by its redacted text; keep the record."""
        record.msg = redact(record.getMessage())
        record.args = ()
        return True


def quiet_spotipy_logs() -> None:
    """Install the redacting filter and a NullHandler on spotipy's loggers (idempotent)."""
    for name in ("spotipy.client", "spotipy.oauth2", "spotipy.cache_handler"):
        logger = logging.getLogger(name)
        if not any(isinstance(f, _Redact) for f in logger.filters):
            logger.addFilter(_Redact())
    root = logging.getLogger("spotipy")
    if not any(isinstance(h, logging.NullHandler) for h in root.handlers):
        root.addHandler(logging.NullHandler())


@dataclass
class RetryPolicy:
    """How hard to try, and how to wait (injectable for tests)."""

    attempts: int = 5
    """Tries of a safe call failing with 5xx or a dropped connection."""
    rate_limit_waits: int = 10
    """429s accepted for one call before giving up."""
    max_wait_s: float = 600.0
    """Longest single Retry-After we wait for; longer is reported instead."""
    backoff_s: float = 1.0
    """First pause after a failure; doubles, up to 16 s."""
    sleep: Callable[[float], None] = time.sleep
    on_wait: Wait | None = None
    """Called once a second while waiting out a 429: (seconds left, why)."""
    counts: dict[str, int] = field(default_factory=dict)
    """What happened, by kind (for reports and tests)."""

    def count(self, kind: str) -> None:
        """Count one event of ``kind``."""
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def countdown(self, seconds: float, why: str) -> None:
        """Wait ``seconds``, telling ``on_wait`` each second how long is left."""
        left = float(seconds)
        while left > 0:
            if self.on_wait is not None:
                self.on_wait(int(left + 0.999), why)
            step = min(1.0, left)
            self.sleep(step)
            left -= step
        if self.on_wait is not None:
            self.on_wait(0, why)

    def backoff(self, failures: int) -> None:
        """Pause after the ``failures``-th failure in a row."""
        self.sleep(min(16.0, self.backoff_s * 2 ** (failures - 1)))


def _retry_after(headers: Mapping[str, str] | None) -> float:
    """Seconds from a Retry-After header (1 when absent or unreadable)."""
    value = (headers or {}).get("Retry-After") or (headers or {}).get("retry-after")
    try:
        return max(0.0, float(value)) if value is not None else 1.0
    except ValueError:
        return 1.0


def _detail(error: SpotifyException) -> str | None:
    """Spotify's own message (already cleaned by :meth:`SpotifyClient._call`)."""
    return clean_text(str(error.msg or "")) or None


def _never_sent(error: requests.RequestException) -> bool:
    """True when the request surely did not reach the server (connect failed)."""
    if isinstance(error, requests.exceptions.ConnectTimeout):
        return True
    return isinstance(error, requests.exceptions.ConnectionError) and "NewConnectionError" in repr(error)


class SpotifyClient:
    """Spotify Web API calls moodseq makes, each under the retry policy."""

    def __init__(
        self, sp: spotipy.Spotify, *, manager: auth.AuthManager | None = None, policy: RetryPolicy | None = None
    ) -> None:
        self.sp = sp
        self.manager = manager
        self.policy = policy or RetryPolicy()

    # --- the policy ------------------------------------------------------------------------

    def request(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        payload: Any = None,
        safe: bool | None = None,
    ) -> Any:
        """One API call under the retry policy; ``safe`` = may be repeated blindly."""
        repeatable = method in ("GET", "PUT") if safe is None else safe
        what = f"{method} /{path}"
        failures = waits = 0
        refreshed = False
        while True:
            try:
                return self._call(method, path, payload, dict(params or {}))
            except RedirectRefused as error:
                raise RemoteServiceError(
                    f"Spotify answered {what} with {error} (not followed: nothing was sent there)",
                    hint="check MOODSEQ_SPOTIFY_API_URL and any proxy between you and Spotify",
                ) from None
            except AnswerTooLarge as error:
                raise BadAnswerError(what, str(error)) from None
            except SpotifyException as error:
                status = int(error.http_status)
                self.policy.count(f"http_{status}")
                if status == 429:
                    if "QUOTA_EXCEEDED" in f"{error.reason} {error.msg}":
                        raise QuotaExceededError() from None
                    waits += 1
                    delay = _retry_after(error.headers)
                    if waits > self.policy.rate_limit_waits or delay > self.policy.max_wait_s:
                        raise RateLimitedError(
                            f"Spotify keeps rate-limiting {what} (asks to wait {delay:.0f} s)",
                            hint="wait a while and run the command again",
                        ) from None
                    self.policy.countdown(delay, "Spotify rate limit")
                    continue
                if status == 401:
                    if refreshed or self.manager is None:
                        raise not_logged_in("Spotify refused the login (401: expired or revoked)") from None
                    self._refresh()
                    refreshed = True
                    continue
                if status == 403:
                    raise ForbiddenError(what, _detail(error)) from None
                if status == 404:
                    raise NotFoundError(what) from None
                if status >= 500:
                    if not repeatable:
                        raise UncertainWriteError(what, f"HTTP {status}") from None
                    failures += 1
                    if failures >= self.policy.attempts:
                        raise UnavailableError(what, f"HTTP {status}") from None
                    self.policy.backoff(failures)
                    continue
                raise BadRequestError(what, _detail(error)) from None
            except SpotifyOauthError as error:
                cache = self.manager.cache_handler if self.manager is not None else None
                raise auth.refused(error, cache, "Spotify refused the saved login") from None
            except requests.RequestException as error:
                self.policy.count(f"net_{type(error).__name__}")
                cause = type(error).__name__
                if isinstance(error, requests.Timeout) and isinstance(self.sp.requests_timeout, (int, float)):
                    cause = f"no complete answer within {self.sp.requests_timeout:g} s"
                if not repeatable and not _never_sent(error):
                    raise UncertainWriteError(what, cause) from None
                failures += 1
                if failures >= self.policy.attempts:
                    raise UnavailableError(what, cause, unreachable=_never_sent(error)) from None
                self.policy.backoff(failures)

    def _call(self, method: str, path: str, payload: Any, params: dict[str, Any]) -> Any:
        """Send one request through the guarded session; SpotifyException for an error answer."""
        sp = self.sp
        headers = sp._auth_headers()
        headers["Content-Type"] = "application/json"
        response = sp._session.request(
            method,
            sp.prefix + path,
            headers=headers,
            params=params,
            data=json.dumps(payload) if payload else None,
            timeout=sp.requests_timeout,
            proxies=sp.proxies,
        )
        if response.status_code >= 400:
            message, reason = error_text(response)
            secrets = [headers.get("Authorization", "")[7:], *self._secrets()]
            raise SpotifyException(
                response.status_code, -1, clean_text(message, secrets), reason=reason, headers=response.headers
            )
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise BadAnswerError(f"{method} /{path}", "not JSON") from None

    def _secrets(self) -> list[str]:
        """The saved login's tokens (never to be shown, even when a server echoes them)."""
        if self.manager is None:
            return []
        try:
            info = self.manager.cache_handler.get_cached_token() or {}
        except RemoteServiceError:
            return []
        return [str(info.get(k) or "") for k in ("access_token", "refresh_token")]

    def _refresh(self) -> None:
        """Renew the access token once after a 401."""
        assert self.manager is not None
        self.policy.count("refresh")
        try:
            auth.refresh(self.manager)
        except requests.RequestException as error:
            raise UnavailableError("the login renewal", type(error).__name__) from None

    def pages(
        self, path: str, params: Mapping[str, Any] | None = None, offset: int = 0
    ) -> Iterator[dict[str, Any] | None]:
        """Every item of a paged GET from ``offset`` on, 50 at a time, all pages — bounded: it
        stops at the total, and a list that never ends (the same page again, or more than
        :data:`MAX_PAGES` pages) is an error, not an endless loop."""
        what = f"GET /{path}"
        previous: list[Any] | None = None
        for _ in range(MAX_PAGES):
            page = as_object(
                self.request("GET", path, params={**(params or {}), "limit": PAGE, "offset": offset}) or {}, what
            )
            items = as_items(page.get("items"), what)
            total, more = page.get("total"), page.get("next")
            if (total is not None and (isinstance(total, bool) or not isinstance(total, int))) or not text_or_none(
                more
            ):
                raise BadAnswerError(what, "page fields of the wrong type")
            if items and items == previous:
                raise BadAnswerError(what, f"the same page again at offset {offset}")
            previous = items
            yield from items
            offset += len(items)
            if not items or not more or (total is not None and offset >= total):
                return
        raise RemoteServiceError(
            f"Spotify's list {what} did not end after {MAX_PAGES} pages ({offset} items)",
            hint="try again later; if it keeps happening, check MOODSEQ_SPOTIFY_API_URL and any proxy",
        )

    # --- users and playlists ---------------------------------------------------------------

    def me(self) -> dict[str, Any]:
        """The current user's profile (``GET /me``, not spotipy's ``me/``)."""
        return as_object(self.request("GET", "me"), "GET /me", key="id")

    def playlist(self, playlist_id: str) -> dict[str, Any]:
        """One playlist's details (no items)."""
        result = self.request(
            "GET",
            f"playlists/{playlist_id}",
            params={"fields": "id,name,description,snapshot_id,owner(id),external_urls"},
        )
        if not playlist_ok(as_object(result, f"GET /playlists/{playlist_id}")):
            raise BadAnswerError(f"GET /playlists/{playlist_id}", "playlist fields of the wrong type")
        return dict(result)

    def follows(self, playlist_id: str) -> bool:
        """Whether the playlist is still in the user's library (deleting = unfollowing)."""
        result = self.request("GET", "me/library/contains", params={"uris": f"spotify:playlist:{playlist_id}"})
        if not isinstance(result, list) or not all(isinstance(v, bool) for v in result):
            raise BadAnswerError("GET /me/library/contains", "expected a list of true/false")
        return bool(result and result[0])

    def my_playlists(self) -> Iterator[dict[str, Any]]:
        """The user's playlists, all pages (malformed entries left out)."""
        return (p for p in self.pages("me/playlists") if p is not None and playlist_ok(p))

    def create_playlist(self, name: str, description: str) -> dict[str, Any]:
        """``POST /me/playlists`` — not safe to repeat: may raise UncertainWriteError."""
        result = self.request(
            "POST",
            "me/playlists",
            payload={"name": name, "public": False, "collaborative": False, "description": description},
        )
        return as_object(result, "POST /me/playlists", key="id")

    def unfollow(self, playlist_id: str) -> None:
        """Remove a playlist from the user's library (what "delete" does in Spotify's apps);
        repeating it changes nothing more, so it is safe to retry."""
        self.request("DELETE", "me/library", params={"uris": f"spotify:playlist:{playlist_id}"}, safe=True)

    def change_details(self, playlist_id: str, name: str, description: str) -> None:
        """Set name and description (a PUT of the whole state: safe to repeat)."""
        self.request("PUT", f"playlists/{playlist_id}", payload={"name": name, "description": description})

    def replace_items(self, playlist_id: str, uris: list[str]) -> str | None:
        """``PUT /playlists/{id}/items`` with ≤ 100 URIs: the playlist becomes exactly these."""
        assert len(uris) <= MAX_URIS
        result = self.request("PUT", f"playlists/{playlist_id}/items", payload={"uris": uris})
        return snapshot_of(result, f"PUT /playlists/{playlist_id}/items")

    def add_items(self, playlist_id: str, uris: list[str]) -> str | None:
        """``POST /playlists/{id}/items {"uris": [...]}`` (≤ 100) — may raise UncertainWriteError."""
        assert 0 < len(uris) <= MAX_URIS
        result = self.request("POST", f"playlists/{playlist_id}/items", payload={"uris": uris})
        return snapshot_of(result, f"POST /playlists/{playlist_id}/items")

    def playlist_entries(self, playlist_id: str, offset: int = 0) -> Iterator[dict[str, Any] | None]:
        """A playlist's entries from ``offset`` on, all pages (malformed tracks as null)."""
        found = self.pages(f"playlists/{playlist_id}/items", {"additional_types": "track,episode"}, offset)
        return (as_entry(entry) for entry in found)

    def playlist_uris(self, playlist_id: str, offset: int = 0) -> list[str]:
        """The URIs in a playlist from ``offset`` on (None items as empty strings)."""
        uris: list[str] = []
        for entry in self.playlist_entries(playlist_id, offset):
            item = (entry or {}).get("item") or (entry or {}).get("track") or {}
            uris.append(str(item.get("uri") or ""))
        return uris

    # --- library and catalog ---------------------------------------------------------------

    def saved_tracks(self) -> Iterator[dict[str, Any] | None]:
        """The user's liked songs (saved-track objects), all pages (malformed tracks as null)."""
        return (as_entry(entry) for entry in self.pages("me/tracks"))

    def search_tracks(self, query: str, limit: int = SEARCH_LIMIT) -> list[dict[str, Any]]:
        """Track search, at most 10 results (Development Mode's limit)."""
        params = {"q": query, "type": "track", "limit": min(limit, SEARCH_LIMIT)}
        result = as_object(self.request("GET", "search", params=params) or {}, "GET /search")
        tracks = as_object(result.get("tracks") or {}, "GET /search")
        return [t for t in as_items(tracks.get("items"), "GET /search") if well_formed_track(t)]

    def recently_played(self, limit: int = 50) -> list[dict[str, Any]]:
        """The user's last plays (Spotify keeps 50): ``{"track": …, "played_at": …}`` items."""
        page = self.request("GET", "me/player/recently-played", params={"limit": limit})
        return list((page or {}).get("items") or [])

    def track(self, track_id: str) -> dict[str, Any]:
        """One track (``GET /tracks/{id}``; batch lookups are gone in Development Mode)."""
        result = as_object(self.request("GET", f"tracks/{track_id}"), f"GET /tracks/{track_id}")
        if not well_formed_track(result):
            raise BadAnswerError(f"GET /tracks/{track_id}", "track fields of the wrong type")
        return result

    def audio_features(self, track_ids: list[str]) -> list[dict[str, Any] | None]:
        """Audio features for ≤ 100 tracks; ForbiddenError for apps without extended access."""
        result = as_object(self.request("GET", "audio-features", params={"ids": ",".join(track_ids)}) or {}, "features")
        return as_items(result.get("audio_features"), "GET /audio-features")


def build_client(settings: SpotifySettings, *, policy: RetryPolicy | None = None) -> SpotifyClient:
    """The client for the saved login, or for ``MOODSEQ_SPOTIFY_TOKEN`` used as is."""
    quiet_spotipy_logs()
    session = GuardedSession(default_timeout=settings.timeout_s)
    manager: auth.AuthManager | None = None
    common: dict[str, Any] = {
        "requests_session": session,
        "requests_timeout": settings.timeout_s,
        "retries": 0,
        "status_retries": 0,
    }
    if settings.token:
        sp = spotipy.Spotify(auth=settings.token, **common)
    else:
        manager = auth.auth_manager(settings, session)
        sp = spotipy.Spotify(auth_manager=manager, **common)
    sp.prefix = settings.api_url + "/"
    return SpotifyClient(sp, manager=manager, policy=policy)
