"""The fake Spotify rejects what the real API would, so passing tests mean something."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import spotipy

from tests.fakes.spotify_server import FakeSpotify, validate_response_against_spec


@pytest.fixture
def fake() -> Iterator[FakeSpotify]:
    """A fake whose violations this module inspects itself."""
    server = FakeSpotify(seed=3, catalog_size=50).start()
    yield server
    server.stop()


def call(fake: FakeSpotify, method: str, path: str, **kwargs: Any) -> requests.Response:
    """One raw request with alice's token."""
    token = fake.issue_token()["access_token"]
    headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
    return requests.request(method, fake.api_url + path, headers=headers, timeout=5, **kwargs)


def playlist_id(fake: FakeSpotify) -> str:
    """A fresh playlist of alice's."""
    response = call(fake, "POST", "/me/playlists", json={"name": "t"})
    assert response.status_code == 201
    return str(response.json()["id"])


def test_valid_requests_pass(fake: FakeSpotify) -> None:
    """The calls moodseq makes are accepted, including spotipy's `me/` quirk."""
    pid = playlist_id(fake)
    uri = next(iter(fake.catalog.values()))["uri"]
    assert call(fake, "PUT", f"/playlists/{pid}/items", json={"uris": [uri]}).status_code == 200
    assert call(fake, "POST", f"/playlists/{pid}/items", json={"uris": [uri]}).status_code == 201
    assert call(fake, "GET", f"/playlists/{pid}/items", params={"limit": 50}).json()["total"] == 2
    assert call(fake, "GET", "/me/").status_code == 200
    assert fake.violations == []


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "why"),
    [
        ("GET", "/search", {"params": {"q": "x", "type": "track", "limit": 11}}, "maximum of 10"),
        ("GET", "/me/tracks", {"params": {"limit": 51}}, "maximum of 50"),
        ("POST", "/me/playlists", {"json": {"public": False}}, "'name' is a required property"),
        ("POST", "/users/alice/playlists", {"json": {"name": "x"}}, "POST /me/playlists"),
        ("GET", "/nope", {}, "PathNotFound"),
        ("GET", "/search", {"params": {"q": "x", "type": "song"}}, "type"),
    ],
)
def test_rejected_by_the_spec(fake: FakeSpotify, method: str, path: str, kwargs: dict[str, Any], why: str) -> None:
    """Wrong paths, limits over the maximum, missing fields and retired endpoints are refused."""
    response = call(fake, method, path, **kwargs)
    assert response.status_code in (400, 403)
    assert len(fake.violations) == 1 and why in fake.violations[0]


def test_bare_array_body_and_over_100_uris_are_refused(fake: FakeSpotify) -> None:
    """spotipy's playlist_add_items (a bare JSON array) and 101 URIs are both violations."""
    pid = playlist_id(fake)
    sp = spotipy.Spotify(auth=fake.issue_token()["access_token"], retries=0)
    sp.prefix = fake.api_url + "/"
    uri = next(iter(fake.catalog.values()))["uri"]
    with pytest.raises(spotipy.SpotifyException):
        sp.playlist_add_items(pid, [uri])
    assert "not of type 'object'" in fake.violations[0]
    response = call(fake, "PUT", f"/playlists/{pid}/items", json={"uris": [uri] * 101})
    assert response.status_code == 400 and "101 URIs" in fake.violations[1]


def test_no_token_is_refused(fake: FakeSpotify) -> None:
    """API calls without a bearer token are violations."""
    assert requests.get(fake.api_url + "/me", timeout=5).status_code == 401
    assert "no bearer token" in fake.violations[0]


def test_pkce_refresh_tokens_are_single_use(fake: FakeSpotify) -> None:
    """A refresh token works once; the rotated one works next."""
    first = fake.issue_token()

    def refresh(token: str) -> requests.Response:
        """One refresh_token grant."""
        return requests.post(
            fake.url + "/api/token",
            timeout=5,
            data={"grant_type": "refresh_token", "refresh_token": token, "client_id": "test-client"},
        )

    second = refresh(first["refresh_token"])
    assert second.status_code == 200
    assert refresh(first["refresh_token"]).json()["error"] == "invalid_grant"
    assert refresh(second.json()["refresh_token"]).status_code == 200


def test_faults_are_seeded(fake: FakeSpotify) -> None:
    """The same seed injects the same faults in the same order."""

    def run() -> list[int]:
        """Twenty calls on a fresh seeded fake: their status codes."""
        server = FakeSpotify(seed=11, catalog_size=5).start()
        server.faults.server_error = 0.5
        token = server.issue_token()["access_token"]
        codes = [
            requests.get(server.api_url + "/me", headers={"Authorization": f"Bearer {token}"}, timeout=5).status_code
            for _ in range(20)
        ]
        server.stop()
        return codes

    first = run()
    assert first == run() and {200} < set(first)


def test_answers_have_the_shape_the_spec_describes(fake: FakeSpotify) -> None:
    """The fake's answers to the calls moodseq makes validate as responses against the spec, so
    the client is tested against realistic shapes."""
    pid = playlist_id(fake)
    track = next(iter(fake.catalog.values()))
    fake.saved["alice"] = [track["id"]]
    fake.audio_features_allowed = True
    calls: list[tuple[str, str, dict[str, Any]]] = [
        ("GET", "/me", {}),
        ("POST", "/me/playlists", {"json": {"name": "x", "public": False}}),
        ("PUT", f"/playlists/{pid}/items", {"json": {"uris": [track["uri"]] * 3}}),
        ("POST", f"/playlists/{pid}/items", {"json": {"uris": [track["uri"]]}}),
        ("GET", f"/playlists/{pid}/items", {"params": {"limit": 50, "offset": 0}}),
        ("GET", f"/playlists/{pid}", {"params": {"fields": "id,name"}}),
        ("PUT", f"/playlists/{pid}", {"json": {"name": "y", "description": "d"}}),
        ("GET", "/me/playlists", {"params": {"limit": 50}}),
        ("GET", "/me/tracks", {"params": {"limit": 50}}),
        ("GET", "/search", {"params": {"q": "track:Song artist:Artist", "type": "track", "limit": 10}}),
        ("GET", "/me/library/contains", {"params": {"uris": f"spotify:playlist:{pid}"}}),
        ("GET", f"/tracks/{track['id']}", {}),
        ("GET", "/audio-features", {"params": {"ids": track["id"]}}),
        ("DELETE", "/me/library", {"params": {"uris": f"spotify:playlist:{pid}"}}),
    ]
    for method, path, kwargs in calls:
        response = call(fake, method, path, **kwargs)
        query = [(k, str(v)) for k, v in kwargs.get("params", {}).items()]
        problem = validate_response_against_spec(
            method, "/v1" + path, query, response.status_code, dict(response.headers), response.content
        )
        assert problem is None, f"{method} {path}: {problem}"
    assert fake.violations == []


def test_without_the_shared_spec_a_test_is_skipped_not_failed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A checkout without ../shared: starting the fake skips the test, as the shared data's
    tests are skipped (every Spotify test failed on FileNotFoundError inside the fake)."""
    from tests.fakes import spotify_server

    monkeypatch.setattr(spotify_server, "SPEC_PATH", tmp_path / "missing.yml")
    monkeypatch.setattr(spotify_server, "_openapi", None)
    with pytest.raises(pytest.skip.Exception, match=r"\.\./shared is not beside the repository"):
        FakeSpotify(catalog_size=1).start()
