"""Fixtures for the Spotify adapter: a fake Spotify on 127.0.0.1 and clients pointed at it.

Every test using ``fake_spotify`` fails if the fake saw a request the real API would reject.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from sequencer.adapters.spotify.client import RetryPolicy, SpotifyClient, build_client
from sequencer.adapters.spotify.settings import SpotifySettings, settings_from_env
from sequencer.adapters.spotify.tokens import TokenCache
from tests.fakes.spotify_server import FakeSpotify


class MemoryLinks:
    """The playlist-link part of the library, in memory (same contract as Store)."""

    def __init__(self) -> None:
        self.links: dict[str, dict[str, Any]] = {}

    def playlist_link(self, key: str) -> dict[str, Any] | None:
        """The link for ``key``."""
        return self.links.get(key)

    def set_playlist_link(self, key: str, *, playlist_id: str, name: str, snapshot_id: str | None) -> None:
        """Remember ``key`` → playlist."""
        self.links[key] = {"playlist_id": playlist_id, "name": name, "snapshot_id": snapshot_id}

    def delete_playlist_link(self, key: str) -> None:
        """Forget ``key``."""
        self.links.pop(key, None)


class MemoryResolutions:
    """The resolution cache part of the library, in memory."""

    def __init__(self) -> None:
        self.cache: dict[str, tuple[str | None, float]] = {}
        self.saved: list[tuple[str, str | None, float, str]] = []

    def resolution(self, track_id: str) -> tuple[str | None, float] | None:
        """The cached answer for ``track_id``."""
        return self.cache.get(track_id)

    def set_resolution(self, track_id: str, uri: str | None, confidence: float, query: str) -> None:
        """Cache an answer (or a miss)."""
        self.cache[track_id] = (uri, confidence)
        self.saved.append((track_id, uri, confidence, query))


@pytest.fixture(autouse=True)
def quick_thread_switches() -> Iterator[None]:
    """Client and fake share one GIL: hand it over quickly (the default 5 ms switch interval
    otherwise dominates every request's time)."""
    before = sys.getswitchinterval()
    sys.setswitchinterval(0.0002)
    yield
    sys.setswitchinterval(before)


@pytest.fixture
def fake_spotify() -> Iterator[FakeSpotify]:
    """A fresh fake Spotify; the test fails on any request the real API would reject."""
    fake = FakeSpotify(seed=7).start()
    try:
        yield fake
    finally:
        fake.stop()
    assert fake.violations == [], "requests the real Spotify API would reject:\n" + "\n".join(fake.violations)


@pytest.fixture
def spotify_env(fake_spotify: FakeSpotify, monkeypatch: pytest.MonkeyPatch, isolated_dirs: Path) -> dict[str, str]:
    """Environment pointing moodseq at the fake (API + accounts), with a client id."""
    values = fake_spotify.env()
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values


@pytest.fixture
def settings(spotify_env: dict[str, str], isolated_dirs: Path) -> SpotifySettings:
    """Settings as a command would resolve them."""
    return settings_from_env(spotify_env, isolated_dirs / "config")


@pytest.fixture
def logged_in(fake_spotify: FakeSpotify, settings: SpotifySettings) -> TokenCache:
    """A saved login for alice (as `moodseq spotify login` leaves it)."""
    fake_spotify.save_login(settings.token_path)
    return TokenCache(settings.token_path, "test-client")


@pytest.fixture
def waits() -> list[float]:
    """Every pause the retry policy asked for (nothing really sleeps)."""
    return []


@pytest.fixture
def client(settings: SpotifySettings, logged_in: TokenCache, waits: list[float]) -> SpotifyClient:
    """A client on the saved login, with no real sleeping."""
    return build_client(settings, policy=RetryPolicy(sleep=waits.append))
