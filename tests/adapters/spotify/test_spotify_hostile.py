"""Hostile answers from the Spotify side: trickles, redirects, wrong types, endless pages, raw
server text.  Each ends in the right result or a one-line error, never a hang or a traceback."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from sequencer.adapters.spotify import client as client_module
from sequencer.adapters.spotify.client import RetryPolicy, SpotifyClient, build_client
from sequencer.adapters.spotify.errors import BadAnswerError, BadRequestError, UnavailableError, UncertainWriteError
from sequencer.adapters.spotify.http import clean_text
from sequencer.adapters.spotify.settings import SpotifySettings
from sequencer.adapters.spotify.tokens import TokenCache
from sequencer.errors import RemoteServiceError
from tests.fakes.spotify_server import FakeSpotify


@pytest.fixture
def other_origin() -> Iterator[FakeSpotify]:
    """A second server, standing for another origin a redirect points at."""
    server = FakeSpotify(seed=3, catalog_size=1).start()
    yield server
    server.stop()


@pytest.fixture
def quick(settings: SpotifySettings, logged_in: TokenCache) -> SpotifyClient:
    """A client with a 0.5 s timeout and two tries per safe call, never really sleeping."""
    return build_client(replace(settings, timeout_s=0.5), policy=RetryPolicy(attempts=2, sleep=lambda s: None))


def test_a_trickling_answer_hits_the_whole_request_deadline(quick: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """One byte every 50 ms never trips a per-read timeout of 0.5 s; the whole-request deadline
    ends each try after 0.5 s (before: 6 s per try for this 120-byte answer, for ever for a
    longer one)."""
    fake_spotify.answer(r"/v1/me", {"id": "alice", "display_name": "x" * 60}, trickle_s=0.05, times=5)
    started = time.monotonic()
    with pytest.raises(UnavailableError, match=r"no complete answer within 0\.5 s"):
        quick.me()
    assert time.monotonic() - started < 2.5


def test_a_trickling_create_is_an_uncertain_write(quick: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """A POST whose answer trickles is not resent: it is reported as unconfirmed."""
    fake_spotify.answer(r"/v1/me/playlists", {"id": "x" * 22}, method="POST", trickle_s=0.05)
    with pytest.raises(UncertainWriteError, match="no complete answer"):
        quick.create_playlist("Night", "d")
    assert len(fake_spotify.calls("POST", r"/v1/me/playlists")) == 1


def test_a_redirect_to_another_origin_is_never_followed(
    client: SpotifyClient, fake_spotify: FakeSpotify, other_origin: FakeSpotify
) -> None:
    """A 307 on create (which would resend the body) or on adding items: nothing reaches the
    other origin, and the error names only the origin (before: the create and every track URI
    were resent there)."""
    target = f"{other_origin.url}/v1/me/playlists"
    fake_spotify.answer(r"/v1/me/playlists", b"", status=307, method="POST", headers={"Location": target})
    with pytest.raises(RemoteServiceError, match=f"redirect \\(307\\) to {other_origin.url} \\(not followed"):
        client.create_playlist("Night", "d")
    fake_spotify.answer(r"/v1/playlists/.*/items", b"", status=308, headers={"Location": target + "?x=1"})
    with pytest.raises(RemoteServiceError, match="not followed"):
        client.add_items("p" * 22, ["spotify:track:" + "a" * 22])
    assert other_origin.requests == []


@pytest.mark.parametrize(
    ("path", "body", "needle"),
    [
        (r"/v1/me", ["alice"], "expected an object, got list"),
        (r"/v1/me", {"id": 5}, "no text 'id'"),
        (r"/v1/me/playlists", {"items": "abc", "total": 1}, "items are not a list of objects"),
        (r"/v1/me/playlists", {"items": [], "total": "many"}, "page fields of the wrong type"),
        (r"/v1/me/playlists", b"<html>not json</html>", "not JSON"),
    ],
)
def test_answers_of_the_wrong_type_are_clear_errors(
    client: SpotifyClient, fake_spotify: FakeSpotify, path: str, body: object, needle: str
) -> None:
    """Wrong JSON types (or no JSON) from the API: BadAnswerError naming the call, no traceback."""
    fake_spotify.answer(path, body)
    call = client.me if path == r"/v1/me" else lambda: list(client.my_playlists())
    with pytest.raises(BadAnswerError, match=needle):
        call()


def test_malformed_tracks_are_skipped_not_fatal(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """A search hit whose fields have the wrong types is left out; good hits still count."""
    good = next(iter(fake_spotify.catalog.values()))
    bad = dict(good, name=["not", "text"], artists="Kavinsky")
    fake_spotify.answer(r"/v1/search", {"tracks": {"items": [bad, None, good], "total": 3}})
    assert client.search_tracks("track:x") == [good]


def test_an_error_body_of_the_wrong_shape_is_a_clear_error(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """A 400 whose body is a list (spotipy itself raised AttributeError on it)."""
    fake_spotify.answer(r"/v1/me", [1, 2], status=400)
    with pytest.raises(BadRequestError, match=r"rejected GET /me as invalid: \[1, 2\]"):
        client.me()


def test_server_error_text_is_cleaned(client: SpotifyClient, fake_spotify: FakeSpotify, logged_in: TokenCache) -> None:
    """Escape sequences and control characters out, a 100 KB message capped, the login's token
    redacted even when the server echoes it (before: printed raw)."""
    token = (logged_in.get_cached_token() or {})["access_token"]
    message = "\x1b[2J\x1b]0;pwned\x07bad\r\nthing " + token + " code=AC-secret123 " + "x" * 100_000
    fake_spotify.answer(r"/v1/me", {"error": {"status": 400, "message": message}}, status=400)
    with pytest.raises(BadRequestError) as caught:
        client.me()
    text = caught.value.message
    assert "\x1b" not in text and "\r" not in text and "\n" not in text and "\x07" not in text
    assert token not in text and "AC-secret123" not in text
    assert "bad thing *** code=***" in text
    assert len(text) < 400


def test_clean_text_keeps_ordinary_messages() -> None:
    """Plain messages pass unchanged."""
    assert clean_text("Invalid limit") == "Invalid limit"
    assert clean_text("Only valid bearer authentication supported") == "Only valid bearer authentication supported"


def test_pages_stop_at_the_total(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """A page that claims a next page but reaches the total ends the list (one request)."""
    fake_spotify.add_user("bob", "Bob")
    items = [{"id": f"{i:022d}", "name": "p", "description": "", "owner": {"id": "alice"}} for i in range(3)]
    fake_spotify.answer(r"/v1/me/playlists", {"items": items, "total": 3, "next": "http://x/next"}, times=99)
    assert len(list(client.my_playlists())) == 3
    assert len(fake_spotify.calls("GET", r"/v1/me/playlists")) == 1


def test_the_same_page_again_is_an_error(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """A server that ignores the offset and always says "next" (before: an endless loop)."""
    items = [{"id": f"{i:022d}", "name": "p", "description": "", "owner": {"id": "alice"}} for i in range(50)]
    fake_spotify.answer(r"/v1/me/playlists", {"items": items, "next": "http://x/next"}, times=99)
    with pytest.raises(BadAnswerError, match="the same page again at offset 50"):
        list(client.my_playlists())
    assert len(fake_spotify.calls("GET", r"/v1/me/playlists")) == 2


def test_a_list_that_never_ends_is_capped(
    client: SpotifyClient, fake_spotify: FakeSpotify, monkeypatch: pytest.MonkeyPatch
) -> None:
    """New items on every page, no total, always a next page: stops after MAX_PAGES pages."""
    monkeypatch.setattr(client_module, "MAX_PAGES", 4)
    for page in range(6):
        items = [{"id": f"{page:02d}{i:020d}", "name": "p", "owner": {"id": "alice"}} for i in range(50)]
        fake_spotify.answer(r"/v1/me/playlists", {"items": items, "next": "http://x/next"})
    with pytest.raises(RemoteServiceError, match="did not end after 4 pages \\(200 items\\)"):
        list(client.my_playlists())


def test_an_oversized_answer_is_refused() -> None:
    """More than the cap (after decompression) is refused, not read into memory."""
    import requests as http

    from sequencer.adapters.spotify.http import AnswerTooLarge, GuardedSession

    fake = FakeSpotify(seed=1, catalog_size=1).start()
    try:
        fake.answer(r"/big", b"x" * 50_000)
        with pytest.raises(AnswerTooLarge):
            GuardedSession(max_bytes=10_000).get(fake.url + "/big", timeout=2)
        fake.answer(r"/small", b"y" * 5_000)
        assert GuardedSession(max_bytes=10_000).get(fake.url + "/small", timeout=2).content == b"y" * 5_000
        assert issubclass(AnswerTooLarge, http.RequestException)
    finally:
        fake.stop()


@pytest.mark.parametrize(
    "record",
    [
        {"access_token": 5, "refresh_token": "r"},
        {"access_token": "a", "expires_at": "tomorrow", "refresh_token": "r"},
        {"access_token": "a"},
        ["a"],
    ],
)
def test_a_damaged_token_file_means_log_in_again(settings: SpotifySettings, record: object) -> None:
    """A token file with fields of the wrong type (or missing): "not logged in", no traceback."""
    from sequencer.errors import CredentialsError

    settings.token_path.parent.mkdir(parents=True, exist_ok=True)
    settings.token_path.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(CredentialsError, match=r"not logged in|refused"):
        build_client(settings).me()


@pytest.mark.parametrize("value", ["abc", "0", "-3", "nan", "inf"])
def test_a_bad_timeout_setting_is_a_clear_error(value: str, tmp_path: Path) -> None:
    """MOODSEQ_SPOTIFY_TIMEOUT that is not a sensible number of seconds: one line, a hint."""
    from sequencer.adapters.spotify.settings import settings_from_env
    from sequencer.errors import CredentialsError

    with pytest.raises(CredentialsError, match="MOODSEQ_SPOTIFY_TIMEOUT"):
        settings_from_env({"MOODSEQ_SPOTIFY_TIMEOUT": value}, tmp_path)


@pytest.mark.parametrize("body", [b"[" * 100_000 + b"]" * 100_000, b'{"id": ' + b"9" * 5000 + b"}"])
def test_json_nested_too_deep_or_with_huge_numbers(
    client: SpotifyClient, fake_spotify: FakeSpotify, body: bytes
) -> None:
    """Before: RecursionError / ValueError tracebacks.  Now: an answer moodseq cannot read."""
    fake_spotify.answer(r"/v1/me", body, headers={"Content-Type": "application/json"})
    with pytest.raises(BadAnswerError, match="not JSON"):
        client.me()


def test_the_deadline_holds_through_a_proxy() -> None:
    """Through an HTTP proxy (HTTP_PROXY) the connection is watched too."""
    from sequencer.adapters.spotify.http import DeadlineExceeded, GuardedSession

    proxy = FakeSpotify(seed=1, catalog_size=1).start()
    try:
        proxy.answer(r"/slow", b"z" * 200, trickle_s=0.05)
        started = time.monotonic()
        with pytest.raises(DeadlineExceeded):
            GuardedSession().get("http://spotify.invalid/slow", proxies={"http": proxy.url}, timeout=0.5)
        assert time.monotonic() - started < 1.5
    finally:
        proxy.stop()
