"""The client's retry policy against the fake: what is retried, what stops, what is explained."""

from __future__ import annotations

import json
import logging
from dataclasses import replace

import pytest
from spotipy import Spotify

from sequencer.adapters.spotify.client import RetryPolicy, SpotifyClient, build_client
from sequencer.adapters.spotify.errors import (
    ForbiddenError,
    QuotaExceededError,
    RateLimitedError,
    UnavailableError,
    UncertainWriteError,
)
from sequencer.adapters.spotify.http import redact
from sequencer.adapters.spotify.settings import SpotifySettings
from sequencer.adapters.spotify.tokens import TokenCache
from sequencer.errors import CredentialsError
from tests.fakes.spotify_server import FakeSpotify


def test_client_is_pointed_at_the_fake_and_never_retries_by_itself(
    client: SpotifyClient, fake_spotify: FakeSpotify
) -> None:
    """spotipy's prefix is the configured API URL and its session's adapters retry nothing."""
    assert isinstance(client.sp, Spotify)
    assert client.sp.prefix == fake_spotify.api_url + "/"
    for adapter in client.sp._session.adapters.values():
        assert adapter.max_retries.total == 0
    assert client.manager is not None
    assert fake_spotify.url + "/api/token" == client.manager.OAUTH_TOKEN_URL
    assert fake_spotify.url + "/authorize" == client.manager.OAUTH_AUTHORIZE_URL


def test_me_uses_the_spec_path(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """whoami calls GET /v1/me (not spotipy's `me/`), which the spec validates."""
    assert client.me()["id"] == "alice"
    assert fake_spotify.calls("GET", "/v1/me")


def test_spotipy_trailing_slash_me_is_normalised_knowingly(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """spotipy's own current_user() (`me/`) is accepted by the fake, as by the real API."""
    assert client.sp.current_user()["id"] == "alice"


def test_429_waits_retry_after_with_a_countdown(
    client: SpotifyClient, fake_spotify: FakeSpotify, waits: list[float]
) -> None:
    """A 429 waits Retry-After seconds (counted down each second), then the call succeeds."""
    shown: list[tuple[int, str]] = []
    client.policy.on_wait = lambda left, why: shown.append((left, why))
    fake_spotify.faults.max_retry_after = 3
    fake_spotify.fault_rng.seed(1)
    fake_spotify.force("rate_limit")
    assert client.me()["id"] == "alice"
    seconds = sum(waits)
    assert 1 <= seconds <= 3
    assert [left for left, _ in shown] == [*range(int(seconds), 0, -1), 0]
    assert all(why == "Spotify rate limit" for _, why in shown)


def test_endless_429s_stop_with_a_clear_error(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """More 429s than the policy accepts end in RateLimitedError, not an endless loop."""
    client.policy.rate_limit_waits = 2
    for _ in range(3):
        fake_spotify.force("rate_limit")
    with pytest.raises(RateLimitedError, match="rate-limiting GET /me"):
        client.me()


def test_quota_exceeded_stops_at_once(client: SpotifyClient, fake_spotify: FakeSpotify, waits: list[float]) -> None:
    """QUOTA_EXCEEDED is not retried: one request, a clear message, no waiting."""
    fake_spotify.force("quota")
    before = len(fake_spotify.requests)
    with pytest.raises(QuotaExceededError, match="quota is exhausted") as caught:
        client.me()
    assert len(fake_spotify.requests) == before + 1
    assert waits == []
    assert caught.value.hint and "retrying now will not help" in caught.value.hint


def test_401_refreshes_once_and_stores_the_rotated_refresh_token(
    client: SpotifyClient, fake_spotify: FakeSpotify, logged_in: TokenCache
) -> None:
    """An expired token is refreshed once; the new (single-use) refresh token is saved."""
    old = logged_in.get_cached_token()
    assert old is not None
    fake_spotify.expire_all_tokens()
    assert client.me()["id"] == "alice"
    new = logged_in.get_cached_token()
    assert new is not None
    assert new["refresh_token"] != old["refresh_token"]
    assert new["refresh_token"] in fake_spotify.refresh_tokens
    assert old["refresh_token"] not in fake_spotify.refresh_tokens
    assert client.policy.counts["refresh"] == 1


def test_401_after_a_refresh_asks_to_log_in(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """When the refreshed token is refused too, the user is told to log in again."""
    fake_spotify.force("expire_token")
    fake_spotify.force("expire_token")
    with pytest.raises(CredentialsError, match="401") as caught:
        client.me()
    assert "moodseq spotify login" in (caught.value.hint or "")


def test_revoked_refresh_token_asks_to_log_in(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """A refresh token Spotify no longer knows ends in CredentialsError with the login hint."""
    fake_spotify.expire_all_tokens()
    fake_spotify.refresh_tokens.clear()
    with pytest.raises(CredentialsError, match="refused") as caught:
        client.me()
    assert "moodseq spotify login" in (caught.value.hint or "")


def test_403_explains_the_likely_causes(client: SpotifyClient) -> None:
    """A 403 names scope, the Development Mode user list and Premium."""
    with pytest.raises(ForbiddenError) as caught:
        client.audio_features(["x"])
    hint = caught.value.hint or ""
    assert "scope" in hint and "Development Mode" in hint and "Premium" in hint


@pytest.mark.parametrize("kind", ["server_error", "drop"])
def test_safe_reads_are_retried(
    client: SpotifyClient, fake_spotify: FakeSpotify, kind: str, waits: list[float]
) -> None:
    """5xx and dropped connections on a GET are retried after a backoff."""
    fake_spotify.force(kind)
    assert client.me()["id"] == "alice"
    assert waits == [1.0]


def test_reads_give_up_after_the_attempts(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """A read failing every time ends in UnavailableError after the policy's attempts."""
    client.policy.attempts = 3
    for _ in range(3):
        fake_spotify.force("server_error")
    with pytest.raises(UnavailableError, match="kept failing on GET /me"):
        client.me()


@pytest.mark.parametrize("kind", ["server_error", "drop"])
def test_posts_are_never_retried_blindly(client: SpotifyClient, fake_spotify: FakeSpotify, kind: str) -> None:
    """A failed POST is reported as uncertain, sent once only."""
    fake_spotify.force(kind, after=True, method="POST")
    with pytest.raises(UncertainWriteError):
        client.create_playlist("X", "d")
    assert len(fake_spotify.calls("POST", "/v1/me/playlists")) == 1
    assert len(fake_spotify.user_playlists()) == 1  # applied: the answer was lost


def test_timeouts_count_as_uncertain_writes(
    settings: SpotifySettings, logged_in: TokenCache, fake_spotify: FakeSpotify
) -> None:
    """An answer slower than the timeout makes a POST uncertain (the server did apply it)."""
    client = build_client(replace(settings, timeout_s=0.1), policy=RetryPolicy(sleep=lambda s: None))
    fake_spotify.faults.slow_s = 0.3
    fake_spotify.force("slow", after=True, method="POST")
    with pytest.raises(UncertainWriteError, match=r"no complete answer within 0\.1 s"):
        client.create_playlist("X", "d")


def test_bearer_token_from_the_environment_is_used_as_is(settings: SpotifySettings, fake_spotify: FakeSpotify) -> None:
    """MOODSEQ_SPOTIFY_TOKEN is sent unchanged; a 401 then means: get a new token."""
    token = fake_spotify.issue_token("alice")["access_token"]
    client = build_client(replace(settings, token=token), policy=RetryPolicy(sleep=lambda s: None))
    assert client.manager is None
    assert client.me()["id"] == "alice"
    fake_spotify.expire_all_tokens()
    with pytest.raises(CredentialsError):
        client.me()


def test_no_login_is_a_credentials_error(settings: SpotifySettings) -> None:
    """Without a saved login or token, building a client says how to log in."""
    with pytest.raises(CredentialsError, match="not logged in") as caught:
        build_client(settings)
    assert "moodseq spotify login" in (caught.value.hint or "")


def test_spotipy_logs_carry_no_token(
    client: SpotifyClient, logged_in: TokenCache, fake_spotify: FakeSpotify, caplog: pytest.LogCaptureFixture
) -> None:
    """With spotipy logging at DEBUG, no access or refresh token appears in any record."""
    caplog.set_level(logging.DEBUG, logger="spotipy")
    fake_spotify.expire_all_tokens()  # forces a refresh: token bodies get logged by spotipy
    client.me()
    info = logged_in.get_cached_token()
    assert info is not None
    text = caplog.text
    assert "'refresh_token': '***'" in text  # spotipy logged the refresh body, redacted
    assert info["access_token"] not in text and info["refresh_token"] not in text
    for token in fake_spotify.refresh_tokens:
        assert token not in text


def test_redact_blanks_secrets() -> None:
    """Bearer/Basic credentials and token-ish JSON fields are blanked."""
    text = "Headers: {'Authorization': 'Bearer abc.DEF-1'} Body: {'refresh_token': 'RT-1', 'code': 'C'}"
    clean = redact(text)
    assert "abc.DEF-1" not in clean and "RT-1" not in clean and "'C'" not in clean
    assert json.dumps({"x": 1}) == redact(json.dumps({"x": 1}))


def test_no_connection_at_all_says_to_check_the_network(
    settings: SpotifySettings, logged_in: TokenCache, waits: list[float]
) -> None:
    """Nothing answers at the API's address (no network, a wrong proxy): after the retries the
    hint says to check the connection (it blamed Spotify: "may be having trouble"); a server
    that fails keeps that hint (test_reads_give_up_after_the_attempts)."""
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    nowhere = replace(settings, api_url=f"http://127.0.0.1:{port}/v1")
    client = build_client(nowhere, policy=RetryPolicy(sleep=waits.append, attempts=2))
    with pytest.raises(UnavailableError, match="kept failing on GET /me") as info:
        client.me()
    assert info.value.hint is not None and "check your network connection" in info.value.hint


def test_a_failing_server_is_not_blamed_on_the_network(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """5xx every time: the hint stays "Spotify may be having trouble"."""
    client.policy.attempts = 2
    for _ in range(2):
        fake_spotify.force("server_error")
    with pytest.raises(UnavailableError) as info:
        client.me()
    assert info.value.hint is not None and "having trouble" in info.value.hint
