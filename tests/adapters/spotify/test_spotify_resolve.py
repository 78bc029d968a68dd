"""Resolving tracks without a URI: isrc first, then artist + title, a threshold, a cache."""

from __future__ import annotations

import re
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from sequencer.adapters.library.store import Store
from sequencer.adapters.spotify.client import SpotifyClient
from sequencer.adapters.spotify.resolve import THRESHOLD, match_confidence, queries, resolve_tracks
from sequencer.core.track import Track
from tests.adapters.spotify.conftest import MemoryResolutions
from tests.fakes.spotify_server import FakeSpotify


def local(title: str, artist: str, duration: float, isrc: str | None = None, tid: str = "t1") -> Track:
    """A track as a CSV or audio file gives it: no URI."""
    return Track(id=tid, title=title, artists=(artist,), duration_s=duration, isrc=isrc)


def searches(fake: FakeSpotify) -> list[str]:
    """The q= of every search the fake saw."""
    from urllib.parse import parse_qs

    return [parse_qs(r[2])["q"][0] for r in fake.calls("GET", "/v1/search")]


def test_isrc_is_tried_first(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """A track with an ISRC is found by `isrc:` in one search."""
    want = fake_spotify.add_track("Nightcall", ["Kavinsky"], 258_000, isrc="FR6V81100001")
    result = resolve_tracks(client, [local("Nightcall", "Kavinsky", 258, "FR-6V8-11-00001")])
    assert result.uris == [want["uri"]] and result.searched == 1
    assert searches(fake_spotify) == ["isrc:FR6V81100001"]


def test_artist_and_title_when_no_isrc(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """Without an ISRC: a track:/artist: search, picking the right recording by duration."""
    fake_spotify.add_track("Blush Response", ["Vangelis"], 120_000)
    want = fake_spotify.add_track("Blush Response", ["Vangelis"], 347_000)
    result = resolve_tracks(client, [local("Blush Response - 2007 Remaster", "Vangelis", 346)])
    assert result.uris == [want["uri"]]
    assert searches(fake_spotify) == ['track:"Blush Response" artist:"Vangelis"']
    assert all(re.search(r"limit=10\b", r[2]) for r in fake_spotify.calls("GET", "/v1/search"))


def test_isrc_miss_falls_back_to_text(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """An ISRC Spotify does not know falls back to artist + title."""
    want = fake_spotify.add_track("Paris, Texas", ["Ry Cooder"], 175_000)
    result = resolve_tracks(client, [local("Paris, Texas", "Ry Cooder", 175, "USWB19900001")])
    assert result.uris == [want["uri"]] and result.searched == 2


def test_poor_matches_stay_unresolved_and_are_listed(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """A different song by the same artist is below the threshold: listed, not pushed."""
    fake_spotify.add_track("Tears in Rain", ["Vangelis"], 200_000)
    track = local("Tears", "Vangelis", 400)
    result = resolve_tracks(
        client, [track, Track(id="k", title="x", artists=("y",), duration_s=1, uri=f"spotify:track:{'a' * 22}")]
    )
    assert result.unresolved == [track]
    assert result.uris == [f"spotify:track:{'a' * 22}"]


def test_results_and_misses_are_cached(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """A second resolve of the same tracks searches nothing (hits and misses come from the cache)."""
    want = fake_spotify.add_track("Nightcall", ["Kavinsky"], 258_000)
    cache = MemoryResolutions()
    tracks = [local("Nightcall", "Kavinsky", 258, tid="a"), local("Nope", "Nobody", 100, tid="b")]
    first = resolve_tracks(client, tracks, cache=cache)
    before = len(searches(fake_spotify))
    second = resolve_tracks(client, tracks, cache=cache)
    assert first.uris == second.uris == [want["uri"]]
    assert [t.id for t in second.unresolved] == ["b"]
    assert len(searches(fake_spotify)) == before and second.cached == 2 and second.searched == 0
    assert {row[0]: row[1] for row in cache.saved} == {"a": want["uri"], "b": None}


def test_dry_run_resolution_saves_nothing(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """save=False searches but leaves the cache alone."""
    cache = MemoryResolutions()
    resolve_tracks(client, [local("Song 0001", "Artist 01", 157)], cache=cache, save=False)
    assert cache.saved == []


def test_cache_in_a_real_library(client: SpotifyClient, fake_spotify: FakeSpotify, tmp_path: Path) -> None:
    """With the SQLite library as cache, a second push's resolve searches nothing; tracks not
    in the library are still resolved (just not cached)."""
    want = fake_spotify.add_track("Nightcall", ["Kavinsky"], 258_000)
    with Store.open(tmp_path / "lib.db") as store:
        store.upsert_tracks([local("Nightcall", "Kavinsky", 258, tid="nightcall")], source="csv")
        (stored,) = store.tracks()
        outsider = local("Nightcall", "Kavinsky", 258, tid="not-in-library")
        first = resolve_tracks(client, [stored, outsider], cache=store)
        cached = store.resolution(stored.id)
        assert cached is not None and cached[0] == want["uri"] and cached[1] >= THRESHOLD
        n = len(searches(fake_spotify))
        again = resolve_tracks(client, [stored], cache=store)
    assert first.uris == [want["uri"], want["uri"]] and again.uris == [want["uri"]]
    assert len(searches(fake_spotify)) == n


def test_queries_strip_quotes_and_suffixes() -> None:
    """Queries: isrc first (canonical), then the base title and first artist, quotes removed."""
    track = Track(id="x", title='Say "Hi" - Remastered 2011', artists=("A", "B"), duration_s=1, isrc="us-abc-12-34567")
    assert queries(track) == ["isrc:USABC1234567", 'track:"Say  Hi" artist:"A"']


words = st.text(alphabet="abcdefghij ", min_size=1, max_size=20).filter(lambda s: s.strip())


@given(
    title=words,
    artist=words,
    other_title=words,
    other_artist=words,
    seconds=st.floats(min_value=30, max_value=900),
    ms=st.integers(min_value=0, max_value=900_000),
)
def test_confidence_is_bounded_and_self_match_is_certain(
    title: str, artist: str, other_title: str, other_artist: str, seconds: float, ms: int
) -> None:
    """Confidence is in [0, 1]; a candidate with the same title, artist and duration passes."""
    track = Track(id="x", title=title, artists=(artist,), duration_s=seconds)
    same = {"name": title, "artists": [{"name": artist}], "duration_ms": seconds * 1000}
    other = {"name": other_title, "artists": [{"name": other_artist}], "duration_ms": ms}
    assert match_confidence(track, same) == 1.0
    assert 0.0 <= match_confidence(track, other) <= 1.0
