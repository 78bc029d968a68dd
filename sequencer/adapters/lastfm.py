"""Crowd tags from Last.fm (pylast): track top tags, falling back to the artist's.

``moodseq enrich lastfm`` fetches tags only for tracks that lack them: tracks with no earlier
Last.fm fetch (an import's genre tags do not count).  Each track's tags are written to the library as
soon as they arrive (``Store.set_tags(..., source="lastfm", fetched_at=...)``; an empty answer
is recorded too, so it is not asked again), so an interrupted run loses nothing and a rerun
resumes where it stopped.

Conventions
-----------
- A tag's weight is Last.fm's count / 100 (Last.fm scales each list so the top tag is 100);
  tags under :data:`MIN_COUNT` are noise and dropped; at most :data:`MAX_TAGS` per track.
- Requests are spaced at least ``1 / rate`` seconds apart (Last.fm's terms: 5 per second);
  the clock and the sleep are injected so tests need not wait.
- Transient failures (rate limit 29, codes 8/11/16, HTTP 5xx, timeouts, refused
  connections, garbage) are retried :data:`RETRIES` times with growing pauses; then the run
  stops with a :class:`~sequencer.errors.RemoteServiceError` saying how far it got.  A bad key
  stops at once with a :class:`~sequencer.errors.CredentialsError`.

The seam for tests: pylast always builds ``https://ws.audioscrobbler.com/2.0/``; the network is
given an httpx transport (through pylast's ``proxy`` mounts) that sends every request to
``api_url`` instead (``MOODSEQ_LASTFM_API_URL``), with our own timeout.

Public: :class:`LastfmClient`, :func:`make_client`, :class:`TagStore`,
:class:`EnrichReport`, :func:`enrich_lastfm`, :func:`tracks_lacking_tags`, :data:`SOURCE`.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol, TypeVar

from sequencer.core.track import Track
from sequencer.errors import CredentialsError, RemoteServiceError

SOURCE = "lastfm"
MIN_COUNT = 5
MAX_TAGS = 20
RETRIES = 3
DEFAULT_TIMEOUT = 10.0
KEY_HINT = (
    "get a free API key at https://www.last.fm/api/account/create, then `export LASTFM_API_KEY=...` and run this again"
)

_BAD_KEY = {"4", "10", "26"}  # authentication failed, invalid key, key suspended
_NOT_FOUND = {"6", "7"}  # "Track not found", invalid resource
_TRANSIENT = {"8", "11", "16", "29", "500", "502", "503", "504"}

Progress = Callable[[int, int], None]
T = TypeVar("T")


class TagStore(Protocol):
    """What enrichment needs of the library (``sequencer.adapters.library.store.Store`` has it)."""

    def tags_bulk(self, *, source: str | None = None) -> dict[str, dict[str, float]]:
        """track id → {tag: weight}."""

    def tag_fetched_at(self, track_id: str, source: str) -> str | None:
        """When the track's tags were fetched from ``source`` (None = never)."""

    def set_tags(self, track_id: str, tags: Mapping[str, float], *, source: str, fetched_at: str) -> None:
        """Replace the track's tags from ``source``."""


def _transport(api_url: str | None, timeout: float) -> Any:
    """An httpx transport that rewrites pylast's fixed https URL to ``api_url`` (if given)
    and applies ``timeout``; it survives pylast closing its client after every request."""
    import pylast

    httpx: Any = getattr(pylast, "httpx", None)  # pylast's own httpx (httpx or httpx2)
    if httpx is None or not hasattr(httpx, "BaseTransport"):
        raise RemoteServiceError(
            f"pylast {getattr(pylast, '__version__', '?')} is too old for moodseq",
            hint="upgrade it: pip install -U 'pylast>=7'",
        )
    target = httpx.URL(api_url) if api_url else None

    class Redirect(httpx.BaseTransport):  # type: ignore[misc]  # why: httpx is untyped here (Any)
        """Send each request to the configured server with our timeout."""

        def __init__(self) -> None:
            self.inner = (
                httpx.HTTPTransport(verify=pylast.SSL_CONTEXT)
                if target is None or target.scheme == "https"
                else httpx.HTTPTransport()
            )

        def handle_request(self, request: Any) -> Any:
            """Rewrite the URL, set the timeout, forward."""
            if target is not None:
                path = target.path.rstrip("/") + "/" + request.url.path.lstrip("/").removeprefix("2.0/")
                request.url = request.url.copy_with(scheme=target.scheme, host=target.host, port=target.port, path=path)
                request.headers["Host"] = target.netloc.decode("ascii")
            request.extensions["timeout"] = {"connect": timeout, "read": timeout, "write": timeout, "pool": timeout}
            return self.inner.handle_request(request)

        def __exit__(self, *args: object) -> None:
            """pylast closes its client after each request: keep our connections."""

        def close(self) -> None:
            """Kept open: see :meth:`__exit__`; :meth:`shutdown` really closes."""

        def shutdown(self) -> None:
            """Close the pooled connections."""
            self.inner.close()

    return Redirect()


class LastfmClient:
    """A thin, rate-limited wrapper of pylast for top tags."""

    def __init__(
        self,
        api_key: str,
        *,
        api_url: str | None = None,
        timeout: float = DEFAULT_TIMEOUT,
        rate: float = 5.0,
        clock: Callable[[], float] | None = None,
        sleep: Callable[[float], None] | None = None,
    ) -> None:
        import pylast

        self._transport = _transport(api_url, timeout)
        self._network = pylast.LastFMNetwork(api_key=api_key, proxy={"https://": self._transport})
        self._interval = 1.0 / rate
        self._clock = clock or time.monotonic
        self._sleep = sleep or time.sleep
        self._last: float | None = None
        self.requests = 0

    def close(self) -> None:
        """Close the connections."""
        self._transport.shutdown()

    def _wait_turn(self) -> None:
        """Sleep until at least one interval has passed since the previous request."""
        now = self._clock()
        if self._last is not None and now - self._last < self._interval:
            self._sleep(self._interval - (now - self._last))
            now = self._clock()
        self._last = now
        self.requests += 1

    def _top_tags(self, item: Any) -> dict[str, float]:
        """The item's top tags as {tag: count / 100}, noise dropped."""
        self._wait_turn()
        tags: dict[str, float] = {}
        for top in item.get_top_tags():
            name = str(top.item.get_name()).strip().lower()
            try:
                count = float(top.weight)
            except (TypeError, ValueError):
                continue
            if name and count >= MIN_COUNT and name not in tags:
                tags[name] = min(count, 100.0) / 100.0
            if len(tags) >= MAX_TAGS:
                break
        return tags

    def track_tags(self, artist: str, title: str) -> dict[str, float]:
        """Top tags of a track ({} when Last.fm does not know it)."""
        return self._top_tags(self._network.get_track(artist, title))

    def artist_tags(self, artist: str) -> dict[str, float]:
        """Top tags of an artist ({} when Last.fm does not know it)."""
        return self._top_tags(self._network.get_artist(artist))

    def user_top_tracks(self, user: str, limit: int) -> list[tuple[str, str, int]]:
        """A user's most scrobbled tracks of all time: (artist, title, plays), most played first."""
        import pylast

        self._wait_turn()
        top = self._network.get_user(user).get_top_tracks(period=pylast.PERIOD_OVERALL, limit=limit)
        return [(str(t.item.get_artist().get_name()), str(t.item.get_title()), int(t.weight or 0)) for t in top]

    def user_loved_tracks(self, user: str, limit: int) -> list[tuple[str, str]]:
        """A user's loved tracks, newest first: (artist, title)."""
        self._wait_turn()
        loved = self._network.get_user(user).get_loved_tracks(limit=limit)
        return [(str(t.track.get_artist().get_name()), str(t.track.get_title())) for t in loved]


def make_client(env: Mapping[str, str], **options: Any) -> LastfmClient:
    """A client from the environment: ``LASTFM_API_KEY`` (required) and
    ``MOODSEQ_LASTFM_API_URL`` (tests point it at a local fake)."""
    key = (env.get("LASTFM_API_KEY") or "").strip()
    if not key:
        raise CredentialsError("LASTFM_API_KEY is not set", hint=KEY_HINT)
    return LastfmClient(key, api_url=env.get("MOODSEQ_LASTFM_API_URL") or None, **options)


@dataclass
class EnrichReport:
    """What an enrichment run did."""

    candidates: int = 0
    """Tracks that lacked tags when the run started."""
    tagged: int = 0
    from_artist: int = 0
    """Of ``tagged``: tracks that got their artist's tags (the track itself had none)."""
    untagged: int = 0
    """Tracks Last.fm had no tags for (recorded, not asked again)."""
    requests: int = 0
    retries: int = 0
    skipped_artists: list[str] = field(default_factory=list)

    @property
    def done(self) -> int:
        """Tracks finished in this run."""
        return self.tagged + self.untagged


def tracks_lacking_tags(store: TagStore, tracks: Sequence[Track], *, refresh: bool = False) -> list[Track]:
    """The tracks to ask Last.fm about: those never fetched from Last.fm (``refresh``: every
    track with an artist, to fetch again).  Tags from other sources (an import's genres) do
    not count: they are genres, not the crowd's moods."""
    named = [t for t in tracks if t.artists and t.title]
    if refresh:
        return named
    tagged = store.tags_bulk(source=SOURCE)
    return [t for t in named if t.id not in tagged and store.tag_fetched_at(t.id, SOURCE) is None]


def _status(error: Exception) -> str | None:
    """Last.fm's error code of a pylast WSError, as a string."""
    status = getattr(error, "status", None)
    return None if status is None else str(status)


class _Fetcher:
    """Calls with retries and error translation; counts for the report."""

    def __init__(
        self,
        client: LastfmClient,
        report: EnrichReport,
        sleep: Callable[[float], None],
        backoff: float,
        saved: str | None = None,
    ) -> None:
        self.client = client
        self.report = report
        self.sleep = sleep
        self.backoff = backoff
        self.saved = saved
        """What the hint says was kept when the run stops (default: the tracks tagged so far)."""

    def call(self, fetch: Callable[[], T], what: str) -> T | None:
        """``fetch()`` with retries; None when Last.fm does not know the item."""
        import pylast

        last: Exception | None = None
        for attempt in range(RETRIES + 1):
            if attempt:
                self.report.retries += 1
                self.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                return fetch()
            except pylast.WSError as error:
                status = _status(error)
                if status in _NOT_FOUND:
                    return None
                if status in _BAD_KEY:
                    raise CredentialsError(f"Last.fm refused the API key: {error.details}", hint=KEY_HINT) from None
                if status not in _TRANSIENT:
                    raise RemoteServiceError(
                        f"Last.fm error {status} for {what}: {error.details}",
                        hint="run again later; tags fetched so far are saved",
                    ) from None
                last = error
            except (pylast.NetworkError, pylast.MalformedResponseError) as error:
                last = error
        raise self._gave_up(last, what)

    def _gave_up(self, error: Exception | None, what: str) -> RemoteServiceError:
        """The error that stops the run after the retries."""
        done = self.report.done
        saved = self.saved or f"{done} track{'s' if done != 1 else ''} tagged in this run are saved; rerun to resume"
        if _status(error or Exception()) == "29":
            return RemoteServiceError(
                f"Last.fm keeps rate-limiting us (error 29) at {what}", hint=f"wait a few minutes; {saved}"
            )
        if error is not None and type(error).__name__ == "NetworkError":
            reason = getattr(error, "underlying_error", error)
            return RemoteServiceError(
                f"cannot reach Last.fm ({type(reason).__name__}: {reason})", hint=f"check your connection; {saved}"
            )
        return RemoteServiceError(f"Last.fm failed at {what}: {error}", hint=f"try later; {saved}")


def lastfm_listening(
    client: LastfmClient,
    user: str,
    *,
    limit: int = 1000,
    sleep: Callable[[float], None] | None = None,
    backoff: float = 2.0,
) -> tuple[list[tuple[str, str, int]], list[tuple[str, str]]]:
    """A Last.fm user's listening: (top tracks with play counts, loved tracks), ``limit`` of each.

    Raises
    ------
    InputFileError
        when Last.fm has no such user.
    CredentialsError, RemoteServiceError
        as for tags (bad key; Last.fm failing after retries).
    """
    from sequencer.errors import InputFileError

    fetcher = _Fetcher(
        client, EnrichReport(), sleep or time.sleep, backoff, saved="nothing was stored; run it again later"
    )
    top = fetcher.call(functools.partial(client.user_top_tracks, user, limit), f"user {user!r}")
    loved = fetcher.call(functools.partial(client.user_loved_tracks, user, limit), f"user {user!r}")
    if top is None or loved is None:
        raise InputFileError(
            f"Last.fm has no user {user!r}", hint="give your Last.fm user name, as in your profile URL"
        )
    return top, loved


def enrich_lastfm(
    store: TagStore,
    tracks: Sequence[Track],
    client: LastfmClient,
    *,
    limit: int | None = None,
    refresh: bool = False,
    now: Callable[[], datetime] | None = None,
    sleep: Callable[[float], None] | None = None,
    backoff: float = 2.0,
    progress: Progress | None = None,
) -> EnrichReport:
    """Fetch Last.fm tags for the tracks that lack them, saving each track as it completes.

    Raises CredentialsError (bad key) or RemoteServiceError (Last.fm unreachable or failing
    after retries); everything fetched before the error is already in the library.
    """
    todo = tracks_lacking_tags(store, tracks, refresh=refresh)
    if limit is not None:
        todo = todo[:limit]
    report = EnrichReport(candidates=len(todo))
    fetcher = _Fetcher(client, report, sleep or time.sleep, backoff)
    clock = now or (lambda: datetime.now(UTC))
    artist_cache: dict[str, dict[str, float] | None] = {}
    try:
        for index, track in enumerate(todo):
            artist = track.artists[0]
            tags = fetcher.call(functools.partial(client.track_tags, artist, track.title), f'"{track.name}"')
            from_artist = False
            if not tags:
                if artist not in artist_cache:
                    artist_cache[artist] = fetcher.call(
                        functools.partial(client.artist_tags, artist), f"artist {artist!r}"
                    )
                tags = artist_cache[artist]
                from_artist = bool(tags)
            store.set_tags(track.id, tags or {}, source=SOURCE, fetched_at=clock().isoformat(timespec="seconds"))
            if tags:
                report.tagged += 1
                report.from_artist += from_artist
            else:
                report.untagged += 1
            if progress is not None:
                progress(index + 1, len(todo))
    finally:
        report.requests = client.requests
    return report
