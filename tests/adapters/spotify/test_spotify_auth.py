"""Login end to end against the fake accounts service: PKCE, state, the 0600 token cache."""

from __future__ import annotations

import os
import stat
import threading
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests

from sequencer.adapters.spotify.auth import login, logout
from sequencer.adapters.spotify.client import build_client
from sequencer.adapters.spotify.settings import OPTIONAL_SCOPES, SCOPES, SpotifySettings, check_redirect_uri
from sequencer.adapters.spotify.tokens import TokenCache
from sequencer.errors import CredentialsError
from tests.fakes.spotify_server import FakeSpotify


def browser(seen: list[str], *, tamper: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    """A simulated browser: GET the authorize URL (in a thread), following the redirect."""

    def open_url(url: str) -> None:
        """Record the link, then "click" it (optionally tampered) without waiting."""
        seen.append(url)
        if tamper:
            parts = urlsplit(url)
            query = {k: v[0] for k, v in parse_qs(parts.query).items()} | tamper
            url = parts._replace(query=urlencode(query)).geturl()
        threading.Thread(target=requests.get, args=(url,), kwargs={"timeout": 5}, daemon=True).start()

    return open_url


@pytest.fixture
def loopback(settings: SpotifySettings) -> SpotifySettings:
    """Settings with an ephemeral loopback redirect port."""
    return replace(settings, redirect_uri="http://127.0.0.1:0/callback")


def test_pkce_login_end_to_end(loopback: SpotifySettings, fake_spotify: FakeSpotify) -> None:
    """The browser step redirects to our one-shot server; the PKCE verifier is checked; the
    saved token works, carries the minimal scopes and the client id, and is private (0600)."""
    seen: list[str] = []
    login(loopback, browser(seen), timeout_s=10)
    query = parse_qs(urlsplit(seen[0]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert "client_secret" not in seen[0]
    assert set(query["scope"][0].split()) == {*SCOPES, *OPTIONAL_SCOPES}
    assert query["redirect_uri"][0].startswith("http://127.0.0.1:")
    cache = TokenCache(loopback.token_path)
    record = cache.read()
    assert record is not None and record["client_id"] == "test-client"
    assert record["access_token"] in fake_spotify.tokens
    assert stat.S_IMODE(loopback.token_path.stat().st_mode) == 0o600
    assert build_client(loopback).me()["id"] == "alice"


def test_a_wrong_verifier_is_refused(loopback: SpotifySettings) -> None:
    """If the challenge Spotify saw does not match our verifier, login fails with a fix."""
    with pytest.raises(CredentialsError, match="code_verifier was incorrect"):
        login(loopback, browser([], tamper={"code_challenge": "A" * 43}), timeout_s=10)
    assert not loopback.token_path.exists()


def test_a_forged_state_is_refused(loopback: SpotifySettings) -> None:
    """Only redirects with another state (a stale or forged page): refused, and said so at the
    timeout."""
    with pytest.raises(CredentialsError, match="1 redirect with the wrong state"):
        login(loopback, browser([], tamper={"state": "forged"}), timeout_s=1)
    assert not loopback.token_path.exists()


def test_login_times_out_without_a_browser(loopback: SpotifySettings) -> None:
    """Nobody opens the link: a clear error after the timeout."""
    with pytest.raises(CredentialsError, match="no answer"):
        login(loopback, lambda url: None, timeout_s=1)


def test_login_with_a_client_secret(loopback: SpotifySettings, fake_spotify: FakeSpotify) -> None:
    """With SPOTIPY_CLIENT_SECRET the classic flow is used (Basic auth, no PKCE challenge)."""
    fake_spotify.client_secrets["test-client"] = "s3cret"
    seen: list[str] = []
    login(replace(loopback, client_secret="s3cret"), browser(seen), timeout_s=10)
    assert "code_challenge" not in seen[0] and "s3cret" not in seen[0]
    assert TokenCache(loopback.token_path).get_cached_token() is not None
    assert "s3cret" not in loopback.token_path.read_text()


def test_missing_client_id(loopback: SpotifySettings) -> None:
    """No client id: CredentialsError pointing at the developer dashboard."""
    with pytest.raises(CredentialsError, match="no Spotify client id") as caught:
        login(replace(loopback, client_id=None), lambda url: None)
    assert "SPOTIPY_CLIENT_ID" in (caught.value.hint or "")


@pytest.mark.parametrize(
    "uri",
    [
        "http://localhost:8888/callback",
        "https://127.0.0.1:8888/callback",
        "http://127.0.0.1/callback",
        "http://192.168.1.2:8888/callback",
    ],
)
def test_only_loopback_literals_with_a_port(uri: str) -> None:
    """localhost, https, no port and non-loopback hosts are refused with the right form."""
    with pytest.raises(CredentialsError, match="redirect URI"):
        check_redirect_uri(uri)


def test_token_cache_is_private_from_the_first_byte(tmp_path: Path) -> None:
    """Even with a permissive umask the cache file is created 0600, in a 0700 folder."""
    old = os.umask(0)
    try:
        cache = TokenCache(tmp_path / "cfg" / "spotify-token.json", "cid")
        cache.save_token_to_cache({"access_token": "a", "refresh_token": "r", "expires_at": 1})
    finally:
        os.umask(old)
    assert stat.S_IMODE(cache.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(cache.path.parent.stat().st_mode) == 0o700
    assert cache.read() == {"access_token": "a", "refresh_token": "r", "expires_at": 1, "client_id": "cid"}
    assert [p.name for p in cache.path.parent.iterdir()] == ["spotify-token.json"]
    assert repr(cache) == f"TokenCache({str(cache.path)!r})"


def test_logout_forgets(settings: SpotifySettings, logged_in: TokenCache) -> None:
    """logout deletes the token file; a second logout has nothing to do."""
    assert logout(settings) is True
    assert not settings.token_path.exists()
    assert logout(settings) is False


def test_settings_repr_hides_secrets(settings: SpotifySettings) -> None:
    """The settings' repr never shows the token or the secret."""
    shown = repr(replace(settings, token="TOKEN123", client_secret="SECRET456"))
    assert "TOKEN123" not in shown and "SECRET456" not in shown
