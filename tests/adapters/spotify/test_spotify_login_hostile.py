"""Login under attack or on odd machines: forged callbacks, idle connections, bad token
answers, redirects, full disks, ended logins, and the paste path for a machine without a browser."""

from __future__ import annotations

import errno
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from sequencer.adapters.spotify.auth import login
from sequencer.adapters.spotify.client import SpotifyClient
from sequencer.adapters.spotify.settings import SpotifySettings
from sequencer.adapters.spotify.tokens import LOGIN_LIFETIME_S, TokenCache
from sequencer.errors import CredentialsError
from tests.fakes.spotify_server import FakeSpotify


@pytest.fixture
def loopback(settings: SpotifySettings) -> SpotifySettings:
    """Settings with an ephemeral loopback redirect port."""
    return replace(settings, redirect_uri="http://127.0.0.1:0/callback")


@pytest.fixture
def other_origin() -> Iterator[FakeSpotify]:
    """A second server, standing for another origin a redirect points at."""
    server = FakeSpotify(seed=3, catalog_size=1).start()
    yield server
    server.stop()


def _redirect_of(url: str) -> str:
    """Where the (fake) consent page sends the browser."""
    return requests.get(url, allow_redirects=False, timeout=5).headers["Location"]


def test_a_forged_callback_is_refused_in_its_tab_and_the_real_one_still_logs_in(
    loopback: SpotifySettings, fake_spotify: FakeSpotify
) -> None:
    """Before: the forged tab read "connected" and the login stopped, refusing the real
    redirect.  Now the forged tab is told it is not the login, and the wait goes on."""
    seen: dict[str, requests.Response] = {}

    def open_url(url: str) -> None:
        redirect = parse_qs(urlsplit(url).query)["redirect_uri"][0]

        def attack_then_user() -> None:
            seen["forged"] = requests.get(f"{redirect}?code=AC-evil&state=forged", timeout=5)
            requests.get(url, timeout=5)

        threading.Thread(target=attack_then_user, daemon=True).start()

    login(loopback, open_url, timeout_s=10)
    assert seen["forged"].status_code == 400
    assert "not the Spotify login moodseq is waiting for" in seen["forged"].text
    assert "connected" not in seen["forged"].text and "approval" not in seen["forged"].text
    assert TokenCache(loopback.token_path).get_cached_token() is not None


def test_an_idle_connection_blocks_neither_the_login_nor_the_timeout(loopback: SpotifySettings) -> None:
    """Before: a connection that sends nothing blocked the wait for ever, past --timeout."""
    held: list[socket.socket] = []

    def idle(url: str) -> None:
        redirect = urlsplit(parse_qs(urlsplit(url).query)["redirect_uri"][0])
        held.append(socket.create_connection((redirect.hostname, redirect.port)))

    started = time.monotonic()
    with pytest.raises(CredentialsError, match="no answer from the Spotify login page within 1 s"):
        login(loopback, idle, timeout_s=1)
    assert time.monotonic() - started < 3
    for sock in held:
        sock.close()


def test_an_idle_connection_then_the_real_redirect(loopback: SpotifySettings) -> None:
    """An idle connection first, then the browser: the login completes."""
    held: list[socket.socket] = []

    def idle_then_user(url: str) -> None:
        redirect = urlsplit(parse_qs(urlsplit(url).query)["redirect_uri"][0])
        held.append(socket.create_connection((redirect.hostname, redirect.port)))
        threading.Thread(target=requests.get, args=(url,), kwargs={"timeout": 5}, daemon=True).start()

    login(loopback, idle_then_user, timeout_s=10)
    assert TokenCache(loopback.token_path).get_cached_token() is not None
    for sock in held:
        sock.close()


def _user(url: str) -> None:
    threading.Thread(target=requests.get, args=(url,), kwargs={"timeout": 5}, daemon=True).start()


@pytest.mark.parametrize(
    ("answer", "needle"),
    [
        ({"token_type": "Bearer", "expires_in": 3600}, "no access_token"),
        ({"access_token": "AT-1", "expires_in": "soon"}, "expires_in is not a positive number"),
        ({"access_token": "AT-1", "refresh_token": 7}, "refresh_token is not text"),
        (["AT-1"], "not an object but list"),
    ],
)
def test_an_unusable_token_answer_saves_nothing(
    loopback: SpotifySettings, fake_spotify: FakeSpotify, answer: object, needle: str
) -> None:
    """Before: a token answer without access_token was saved as the login (and a traceback
    for wrong types).  Now: a clear error and no file."""
    fake_spotify.answer(r"/api/token", answer)
    with pytest.raises(CredentialsError, match=needle):
        login(loopback, _user, timeout_s=10)
    assert not loopback.token_path.exists()
    folder = loopback.token_path.parent
    assert not folder.exists() or list(folder.iterdir()) == []


def test_a_token_endpoint_redirect_sends_code_and_verifier_nowhere(
    loopback: SpotifySettings, fake_spotify: FakeSpotify, other_origin: FakeSpotify
) -> None:
    """Before: a 307 made the client resend the code and PKCE verifier to the other origin and
    save its answer as the login."""
    fake_spotify.answer(r"/api/token", b"", status=307, headers={"Location": f"{other_origin.url}/api/token"})
    with pytest.raises(CredentialsError, match=f"redirect \\(307\\) to {other_origin.url}: not followed"):
        login(loopback, _user, timeout_s=10)
    assert other_origin.requests == []
    assert not loopback.token_path.exists()


def test_oauth_error_text_is_cleaned(loopback: SpotifySettings, fake_spotify: FakeSpotify) -> None:
    """An error answer of the wrong shape, or with escapes and a code in it, prints cleanly."""
    text = "\x1b[31mbad code=AC-leaked99 " + "y" * 5000
    fake_spotify.answer(r"/api/token", {"error": "invalid_grant", "error_description": text}, status=400)
    with pytest.raises(CredentialsError) as caught:
        login(loopback, _user, timeout_s=10)
    message = caught.value.message
    assert "\x1b" not in message and "AC-leaked99" not in message and len(message) < 500
    fake_spotify.answer(r"/api/token", [1, 2], status=400)
    with pytest.raises(CredentialsError, match=r"refused the login \(\[1, 2\]\)"):
        login(loopback, _user, timeout_s=10)


def test_a_full_disk_while_saving_the_login(
    loopback: SpotifySettings, fake_spotify: FakeSpotify, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Before: a traceback (and a temp file left).  Now: one line naming the file and why."""

    def full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("sequencer.adapters.spotify.tokens.json.dump", full)
    with pytest.raises(CredentialsError, match=r"cannot save the Spotify login in .*No space left on device"):
        login(loopback, _user, timeout_s=10)
    assert list(loopback.token_path.parent.iterdir()) == []


def test_a_read_only_folder_on_logout(
    settings: SpotifySettings, logged_in: TokenCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deleting the login on a read-only disk: a clear error with what to do."""
    from sequencer.adapters.spotify.auth import logout

    def read_only(self: Path, missing_ok: bool = False) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(Path, "unlink", read_only)
    with pytest.raises(CredentialsError, match=r"cannot delete the Spotify login .*Read-only file system") as caught:
        logout(settings)
    assert "delete that file by hand" in (caught.value.hint or "")


def test_paste_login_for_a_machine_without_a_browser(loopback: SpotifySettings, fake_spotify: FakeSpotify) -> None:
    """No redirect server: the user pastes the address the browser ended at (which failed to
    load on their other machine, but carries the code)."""
    settings = replace(loopback, redirect_uri="http://127.0.0.1:8888/callback")
    shown: list[str] = []
    login(settings, shown.append, paste=lambda: _redirect_of(shown[0]))
    assert TokenCache(settings.token_path).get_cached_token() is not None


def test_paste_of_something_else(loopback: SpotifySettings, fake_spotify: FakeSpotify) -> None:
    """A pasted text without the redirect's query: a clear error, nothing saved."""
    settings = replace(loopback, redirect_uri="http://127.0.0.1:8888/callback")
    with pytest.raises(CredentialsError, match="not the address the browser ended at"):
        login(settings, lambda url: None, paste=lambda: "yes I did it")
    with pytest.raises(CredentialsError, match="wrong state"):
        login(settings, lambda url: None, paste=lambda: "http://127.0.0.1:8888/callback?code=x&state=old")
    assert not settings.token_path.exists()


def test_the_first_sign_in_is_kept_across_renewals(loopback: SpotifySettings, fake_spotify: FakeSpotify) -> None:
    """A login records when it began; renewing the token keeps that time (Spotify does too)."""
    from sequencer.adapters.spotify.client import build_client

    before = int(time.time())
    login(loopback, _user, timeout_s=10)
    cache = TokenCache(loopback.token_path)
    ends = cache.expires_at()
    assert ends is not None and before + LOGIN_LIFETIME_S <= ends <= time.time() + LOGIN_LIFETIME_S
    fake_spotify.expire_all_tokens()
    assert build_client(loopback).me()["id"] == "alice"  # renewed after a 401
    assert cache.expires_at() == ends


def test_an_ended_login_is_said_in_words(
    client: SpotifyClient, fake_spotify: FakeSpotify, logged_in: TokenCache
) -> None:
    """invalid_grant on renewal: Spotify ends logins six months after the sign-in."""
    record = logged_in.read() or {}
    record["first_login_at"] = int(time.time()) - LOGIN_LIFETIME_S - 3600
    logged_in.write(record)
    fake_spotify.expire_all_tokens()
    fake_spotify.refresh_tokens.clear()
    with pytest.raises(CredentialsError, match=r"six months after the sign-in .*this one began on") as caught:
        client.me()
    assert "moodseq spotify login" in (caught.value.hint or "")


def test_a_warning_a_week_before_the_login_ends(tmp_path: Path) -> None:
    """Within the last week: a warning with the date; before that (or unknown): none."""
    cache = TokenCache(tmp_path / "t.json", "cid")
    now = 2_000_000_000.0
    cache.write({"access_token": "a", "first_login_at": now - LOGIN_LIFETIME_S + 3 * 86400})
    warning = cache.expiry_warning(now)
    assert warning is not None and "ends on" in warning and "six months" in warning
    cache.write({"access_token": "a", "first_login_at": now - 30 * 86400})
    assert cache.expiry_warning(now) is None
    cache.write({"access_token": "a"})
    assert cache.expiry_warning(now) is None
    assert json.loads((tmp_path / "t.json").read_text()) == {"access_token": "a"}


@pytest.mark.parametrize(
    ("answer", "trickle", "needle"),
    [
        (b"[" * 100_000, 0.0, "not JSON"),
        (b'{"access_token": ' + b"7" * 5000 + b"}", 0.0, "not JSON"),
        ({"access_token": "AT-x", "token_type": "Bearer", "expires_in": 3600, "pad": "p" * 80}, 0.03, "in time"),
    ],
)
def test_token_answers_unreadable_or_trickling(
    loopback: SpotifySettings, fake_spotify: FakeSpotify, answer: object, trickle: float, needle: str
) -> None:
    """Deeply nested, oversized numbers, or an answer trickling past the deadline: one clear
    error each, nothing saved."""
    settings = replace(loopback, timeout_s=1.0)
    fake_spotify.answer(r"/api/token", answer, trickle_s=trickle)
    started = time.monotonic()
    with pytest.raises(CredentialsError, match=needle):
        login(settings, _user, timeout_s=10)
    assert time.monotonic() - started < 4
    assert not settings.token_path.exists()
