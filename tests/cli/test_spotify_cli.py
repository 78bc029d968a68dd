"""`moodseq spotify login|whoami|logout` and `import spotify`, against the fake Spotify."""

from __future__ import annotations

import stat
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from sequencer.adapters.library.store import Store
from sequencer.cli.commands import spotify as spotify_cmd
from sequencer.cli.commands._import_spotify import cli as import_spotify
from sequencer.cli.context import AppContext
from sequencer.cli.main import cli
from tests.fakes.spotify_server import FakeSpotify


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeSpotify]:
    """A fake Spotify the commands are pointed at (nobody logged in yet)."""
    server = FakeSpotify(seed=9, catalog_size=200).start()
    for key, value in server.env().items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("MOODSEQ_SPOTIFY_REDIRECT_URI", "http://127.0.0.1:0/callback")
    yield server
    server.stop()
    assert server.violations == []


@pytest.fixture
def token_path(isolated_dirs: Path) -> Path:
    """Where the login is saved."""
    return isolated_dirs / "config" / "spotify-token.json"


def test_login_no_browser_end_to_end(fake: FakeSpotify, token_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """--no-browser prints the link; opening it (simulated) completes the PKCE login; the
    token is saved 0600 and never printed."""
    shown = spotify_cmd._show_url

    def user_opens_link(url: str) -> None:
        """Print the link as the command does, then open it as the user would."""
        shown(url)
        threading.Thread(target=requests.get, args=(url,), kwargs={"timeout": 5}, daemon=True).start()

    monkeypatch.setattr(spotify_cmd, "_show_url", user_opens_link)
    result = CliRunner().invoke(cli, ["spotify", "login", "--no-browser", "--timeout", "10"])
    assert result.exit_code == 0, result.output
    assert f"{fake.url}/authorize?client_id=test-client" in result.stdout
    assert "code_challenge_method=S256" in result.stdout
    assert "logged in to Spotify as Alice (alice)" in result.stdout
    assert stat.S_IMODE(token_path.stat().st_mode) == 0o600
    for token in [*fake.tokens, *fake.refresh_tokens]:
        assert token not in result.stdout and token not in result.stderr


def test_login_without_client_id(fake: FakeSpotify, monkeypatch: pytest.MonkeyPatch) -> None:
    """No SPOTIPY_CLIENT_ID: exit 2 with how to get one."""
    monkeypatch.delenv("SPOTIPY_CLIENT_ID")
    result = CliRunner().invoke(cli, ["spotify", "login", "--no-browser"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "Error: no Spotify client id" in result.stderr
    assert "hint: create an app at https://developer.spotify.com/dashboard" in result.stderr
    assert "SPOTIPY_CLIENT_ID" in result.stderr
    assert result.stderr.startswith("Error: no Spotify client id")  # no "waiting for the redirect" first


def test_login_refuses_localhost(fake: FakeSpotify, monkeypatch: pytest.MonkeyPatch) -> None:
    """A localhost redirect URI is refused before anything starts."""
    monkeypatch.setenv("MOODSEQ_SPOTIFY_REDIRECT_URI", "http://localhost:8888/callback")
    result = CliRunner().invoke(cli, ["spotify", "login", "--no-browser"])
    assert result.exit_code == 2
    assert "uses `localhost`, which Spotify refuses" in result.stderr
    assert "http://127.0.0.1:PORT/callback" in result.stderr


def test_whoami_logout(fake: FakeSpotify, token_path: Path) -> None:
    """whoami names the account; logout deletes the login; whoami then says to log in."""
    fake.save_login(token_path)
    result = CliRunner().invoke(cli, ["spotify", "whoami"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Alice (alice), premium account\n"
    out = CliRunner().invoke(cli, ["spotify", "logout"])
    assert out.stdout == f"logged out: deleted {token_path}\n" and not token_path.exists()
    assert CliRunner().invoke(cli, ["spotify", "logout"]).stdout == "not logged in: nothing to forget\n"
    after = CliRunner().invoke(cli, ["spotify", "whoami"])
    assert after.exit_code == 2 and "hint: run `moodseq spotify login`" in after.stderr


def test_whoami_with_a_bearer_token(fake: FakeSpotify, monkeypatch: pytest.MonkeyPatch) -> None:
    """MOODSEQ_SPOTIFY_TOKEN is used as is (automation), and said so."""
    monkeypatch.setenv("MOODSEQ_SPOTIFY_TOKEN", fake.issue_token()["access_token"])
    result = CliRunner().invoke(cli, ["spotify", "whoami"])
    assert result.stdout == "Alice (alice), premium account (token from MOODSEQ_SPOTIFY_TOKEN)\n"


def test_import_spotify_liked_and_playlist(fake: FakeSpotify, token_path: Path, isolated_dirs: Path) -> None:
    """`import spotify --liked --playlist URL` fills the library; features' 403 is explained."""
    fake.save_login(token_path)
    ids = list(fake.catalog)
    fake.saved["alice"] = ids[:70]
    from tests.fakes.spotify_server import Playlist

    fake.playlists["Q" * 22] = Playlist(
        "Q" * 22, "alice", "Mix", "", False, False, [f"spotify:track:{i}" for i in ids[60:90]]
    )
    result = CliRunner().invoke(
        import_spotify,
        ["--liked", "--playlist", f"https://open.spotify.com/playlist/{'Q' * 22}"],
        obj=AppContext(),
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "Imported 90 tracks from Spotify (70 liked, 30 from playlist 'Mix'): 90 new, 0 updated, 0 unchanged\n"
    )
    # like every import: the library's size and the next step for its moods (stderr)
    assert f"library {isolated_dirs / 'data' / 'library.db'}: 90 tracks" in result.stderr
    assert "no moods" in result.stderr
    assert "audio features: not available to this Spotify app" in result.stderr
    with Store.open(isolated_dirs / "data" / "library.db") as store:
        assert store.count() == 90
        in_mix = [t for t in store.tracks() if t.playlists]
        assert len(in_mix) == 30 and all(t.playlists == ("Mix",) for t in in_mix)


def test_import_spotify_needs_a_source(fake: FakeSpotify) -> None:
    """Neither --liked nor --playlist: a usage error (exit 2), no request."""
    result = CliRunner().invoke(import_spotify, [], obj=AppContext())
    assert result.exit_code == 2 and "--liked and/or --playlist" in result.stderr
    assert fake.requests == []
