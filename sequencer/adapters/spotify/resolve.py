"""Finding Spotify URIs for tracks that have none (CSV rows, local files), by search.

For each track without a URI: the library's cache first (a hit *or a recorded miss*, so a
second push searches nothing), else ``isrc:<ISRC>`` when the track has one, then
``track:<title> artist:<artist>``, each with ``limit`` ≤ 10.  Every candidate gets a
confidence from normalised title, artist and duration (:func:`match_confidence`); the best one
counts only above :data:`THRESHOLD`.  Results and misses are cached; unresolved tracks are
returned by name, never dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Any, Protocol

from sequencer.adapters.spotify.client import SEARCH_LIMIT, SpotifyClient
from sequencer.core.identity import clean_isrc, spotify_uri
from sequencer.core.track import Track, base_title, normalise_text
from sequencer.errors import TrackNotFoundError

THRESHOLD = 0.75
"""Least confidence for a search result to count as the track."""
DURATION_SLACK_S = 3.0
"""Durations this close count as equal; the duration score falls to 0 at 30 s apart."""

Progress = Callable[[int, int], None]


class ResolutionCache(Protocol):
    """What resolving needs from the library: a cache of search results and misses."""

    def resolution(self, track_id: str) -> tuple[str | None, float] | None:
        """(uri or None for a recorded miss, confidence), or None when never searched."""

    def set_resolution(self, track_id: str, uri: str | None, confidence: float, query: str) -> None:
        """Record a search result (``uri=None``: a miss)."""


@dataclass
class Resolution:
    """The outcome for a list of tracks, in their order."""

    uris: list[str] = field(default_factory=list)
    """URIs of the resolved tracks, in sequence order."""
    unresolved: list[Track] = field(default_factory=list)
    searched: int = 0
    """Searches sent to Spotify."""
    cached: int = 0
    """Tracks answered by the library's cache."""
    found: int = 0
    """Tracks found by search this time."""


def _similar(a: str, b: str) -> float:
    """Similarity of two normalised strings in [0, 1]."""
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    return SequenceMatcher(None, a, b).ratio()


def _title_score(mine: str, theirs: str) -> float:
    full = _similar(normalise_text(mine), normalise_text(theirs))
    base = _similar(normalise_text(base_title(mine)), normalise_text(base_title(theirs)))
    return max(full, base)


def _artist_score(mine: Sequence[str], theirs: Sequence[str]) -> float:
    if not mine or not theirs:
        return 0.0
    ours = [normalise_text(a) for a in mine]
    other = [normalise_text(a) for a in theirs]
    return max(_similar(a, b) for a in ours for b in other)


def _duration_score(mine_s: float, theirs_ms: Any) -> float:
    if not mine_s or not theirs_ms:
        return 0.5  # unknown: neither for nor against
    gap = abs(mine_s - float(theirs_ms) / 1000.0)
    if gap <= DURATION_SLACK_S:
        return 1.0
    return max(0.0, 1.0 - (gap - DURATION_SLACK_S) / 27.0)


def match_confidence(track: Track, candidate: dict[str, Any]) -> float:
    """How sure we are that ``candidate`` (a Spotify track object) is ``track``, in [0, 1].

    0.5 × title + 0.35 × artist + 0.15 × duration; the same ISRC lifts a plausible title
    (≥ 0.5) to at least 0.95.
    """
    title = _title_score(track.title, str(candidate.get("name") or ""))
    artists = [str(a.get("name") or "") for a in candidate.get("artists") or []]
    score = (
        0.5 * title
        + 0.35 * _artist_score(track.artists, artists)
        + 0.15 * _duration_score(track.duration_s, candidate.get("duration_ms"))
    )
    theirs = clean_isrc((candidate.get("external_ids") or {}).get("isrc"))
    if theirs and theirs == clean_isrc(track.isrc) and title >= 0.5:
        score = max(score, 0.95)
    return round(min(1.0, score), 4)


def best_match(track: Track, candidates: list[dict[str, Any]]) -> tuple[str | None, float]:
    """The best candidate's URI and confidence (URI None when nothing reaches the threshold)."""
    best_uri: str | None = None
    best = 0.0
    for candidate in candidates:
        if not candidate or candidate.get("is_local"):
            continue
        score = match_confidence(track, candidate)
        if score > best:
            best, best_uri = score, candidate.get("uri")
    return (best_uri, best) if best >= THRESHOLD else (None, best)


def _quote(text: str) -> str:
    return text.replace('"', " ").strip()


def queries(track: Track) -> list[str]:
    """The searches to try for ``track``, best first."""
    found: list[str] = []
    isrc = clean_isrc(track.isrc)
    if isrc:
        found.append(f"isrc:{isrc}")
    title = _quote(base_title(track.title))
    if title:
        artist = _quote(track.artists[0]) if track.artists else ""
        found.append(f'track:"{title}" artist:"{artist}"' if artist else f'track:"{title}"')
    return found


def _cached(cache: ResolutionCache | None, track: Track) -> tuple[str | None, float] | None:
    if cache is None:
        return None
    try:
        return cache.resolution(track.id)
    except TrackNotFoundError:
        return None  # not in the library (e.g. a sequence file from elsewhere): no cache


def _remember(cache: ResolutionCache | None, track: Track, uri: str | None, confidence: float, query: str) -> None:
    if cache is None:
        return
    try:
        cache.set_resolution(track.id, uri, confidence, query)
    except TrackNotFoundError:
        return


def search_track(client: SpotifyClient, track: Track) -> tuple[str | None, float, str, int]:
    """Search Spotify for ``track``: (uri or None, confidence, last query, searches sent)."""
    best: tuple[str | None, float] = (None, 0.0)
    sent = 0
    last = ""
    for query in queries(track):
        last = query
        sent += 1
        uri, confidence = best_match(track, client.search_tracks(query, limit=SEARCH_LIMIT))
        if uri is not None:
            return uri, confidence, query, sent
        best = max(best, (None, confidence), key=lambda pair: pair[1])
    return None, best[1], last, sent


def resolve_tracks(
    client: SpotifyClient | None,
    tracks: Sequence[Track],
    *,
    cache: ResolutionCache | None = None,
    save: bool = True,
    progress: Progress | None = None,
) -> Resolution:
    """URIs for ``tracks`` in order: own URI, cached answer, or search (``client`` None: no search)."""
    result = Resolution()
    for done, track in enumerate(tracks, start=1):
        uri = spotify_uri(track.uri) or (spotify_uri(track.id) if track.id else None)
        if uri is None:
            hit = _cached(cache, track)
            if hit is not None:
                result.cached += 1
                uri = hit[0]
            elif client is not None:
                uri, confidence, query, sent = search_track(client, track)
                result.searched += sent
                result.found += uri is not None
                if save:
                    _remember(cache, track, uri, confidence, query)
        if uri is None:
            result.unresolved.append(track)
        else:
            result.uris.append(uri)
        if progress is not None:
            progress(done, len(tracks))
    return result
