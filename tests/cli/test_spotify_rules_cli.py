"""Spotify's rules as they are today, and hostile answers, seen from the commands: exit 2 with
one line and a hint, never a traceback; dry runs and build checks without a login."""

from __future__ import annotations

import errno
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from click.testing import CliRunner

from sequencer.adapters.exporters import render
from sequencer.adapters.spotify.tokens import LOGIN_LIFETIME_S, TokenCache
from sequencer.cli.commands import spotify as spotify_cmd
from sequencer.cli.main import cli
from sequencer.core.profile import Profile
from sequencer.core.sequence import make_sequence
from sequencer.core.track import Track
from tests.fakes.spotify_server import FakeSpotify


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, isolated_dirs: Path) -> Iterator[FakeSpotify]:
    """A fake Spotify the commands are pointed at, with alice logged in."""
    server = FakeSpotify(seed=5, catalog_size=50).serve_logged_in(monkeypatch, isolated_dirs / "config")
    yield server
    server.stop()
    assert server.violations == []


@pytest.fixture
def token_path(isolated_dirs: Path) -> Path:
    """Where the login is saved."""
    return isolated_dirs / "config" / "spotify-token.json"


def saved(fake: FakeSpotify, tmp_path: Path) -> Path:
    """Two tracks with Spotify links and one without, saved as a sequence file."""
    catalog = list(fake.catalog.values())[:2]
    tracks = [
        Track(id=t["id"], title=t["name"], artists=(t["artists"][0]["name"],), duration_s=200, uri=t["uri"])
        for t in catalog
    ]
    tracks.append(Track(id="csv1", title="Nightcall", artists=("Kavinsky",), duration_s=258))
    path = tmp_path / "night.json"
    path.write_text(render(make_sequence(tracks, Profile(name="night-drive")), "json"), encoding="utf-8")
    return path


def test_dry_run_without_a_login_uses_the_cache_and_says_so(
    fake: FakeSpotify, tmp_path: Path, token_path: Path
) -> None:
    """Before: `push --dry-run` refused without a login.  Now it answers from what is known,
    marked as such, and asks Spotify nothing."""
    token_path.unlink()
    path = saved(fake, tmp_path)
    result = CliRunner().invoke(cli, ["push", str(path), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        "not logged in — from the library's search cache, Spotify not asked: would push 2 tracks to the "
        "playlist 'Night Drive (moodseq)'; 1 of 3 not in the cache (a real push searches Spotify for them)\n"
    )
    assert "no Spotify link in the library's cache: Kavinsky - Nightcall" in result.stderr
    assert fake.requests == []
    real = CliRunner().invoke(cli, ["push", str(path)])
    assert real.exit_code == 2 and "Error: not logged in to Spotify" in real.stderr


def test_build_push_checks_the_login_before_building(fake: FakeSpotify, token_path: Path, tmp_path: Path) -> None:
    """Before: the playlist was built, printed and written, then the push failed.  Now nothing
    is built or written without a working login."""
    token_path.unlink()
    out = tmp_path / "night.m3u8"
    result = CliRunner().invoke(cli, ["build", "night-drive", "--seed", "1", "--push", "-o", str(out)])
    assert result.exit_code == 2
    assert result.stdout == "" and not out.exists()
    assert "Error: not logged in to Spotify" in result.stderr


def test_build_push_with_an_ended_login(fake: FakeSpotify, token_path: Path) -> None:
    """A login Spotify ended (six months): said in words, before building."""
    cache = TokenCache(token_path)
    record = cache.read() or {}
    record.update(first_login_at=int(time.time()) - LOGIN_LIFETIME_S - 60, expires_at=0)
    cache.write(record)
    fake.refresh_tokens.clear()
    result = CliRunner().invoke(cli, ["build", "night-drive", "--seed", "1", "--push"])
    assert result.exit_code == 2 and result.stdout == ""
    assert "Spotify ends every login six months after the sign-in" in result.stderr
    assert "hint: run `moodseq spotify login`" in result.stderr


def test_a_login_ending_within_a_week_is_warned_about(fake: FakeSpotify, token_path: Path, tmp_path: Path) -> None:
    """Pushing with a login that ends in three days: a warning with the date."""
    cache = TokenCache(token_path)
    record = cache.read() or {}
    record["first_login_at"] = int(time.time()) - LOGIN_LIFETIME_S + 3 * 86400
    cache.write(record)
    result = CliRunner().invoke(cli, ["push", str(saved(fake, tmp_path)), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "warning: your Spotify login ends on" in result.stderr
    who = CliRunner().invoke(cli, ["spotify", "whoami"])
    assert "this login ends on" in who.stderr


def test_paste_login(fake: FakeSpotify, token_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`spotify login --paste`: no redirect server; the pasted address completes the login."""
    token_path.unlink()
    monkeypatch.setenv("MOODSEQ_SPOTIFY_REDIRECT_URI", "http://127.0.0.1:8888/callback")
    shown: list[str] = []
    printed = spotify_cmd._show_url

    def show(url: str) -> None:
        shown.append(url)
        printed(url)

    monkeypatch.setattr(spotify_cmd, "_show_url", show)
    monkeypatch.setattr(
        spotify_cmd,
        "_read_pasted",
        lambda: requests.get(shown[0], allow_redirects=False, timeout=5).headers["Location"],
    )
    result = CliRunner().invoke(cli, ["spotify", "login", "--paste"])
    assert result.exit_code == 0, result.output
    assert "logged in to Spotify as Alice (alice)" in result.stdout
    assert "six months" in result.stderr


def test_logout_on_a_read_only_disk(fake: FakeSpotify, monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: a traceback.  Now: exit 2, one line, a hint."""

    def read_only(self: Path, missing_ok: bool = False) -> None:
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(Path, "unlink", read_only)
    result = CliRunner().invoke(cli, ["spotify", "logout"])
    assert result.exit_code == 2 and result.exception is not None and isinstance(result.exception, SystemExit)
    assert "Error: cannot delete the Spotify login" in result.stderr and "Read-only file system" in result.stderr


def test_wrong_types_from_the_api_are_one_line(fake: FakeSpotify) -> None:
    """`spotify whoami` against an answer of the wrong type: exit 2, no traceback."""
    fake.answer(r"/v1/me", {"id": ["alice"]})
    result = CliRunner().invoke(cli, ["spotify", "whoami"])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    assert "Error: Spotify sent an answer to GET /me that moodseq cannot read (no text 'id')" in result.stderr


def test_push_after_a_lost_create_leaves_no_duplicate(
    fake: FakeSpotify, tmp_path: Path, isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`moodseq push` three times while every create is answered 503 after being applied and the
    playlist list lags: one playlist in the end (before: three empty duplicates per run)."""
    monkeypatch.setattr("time.sleep", lambda s: None)
    fake.list_lag = 6
    for _ in range(9):
        fake.force("server_error", after=True, method="POST", path="/v1/me/playlists")
    path = saved(fake, tmp_path)
    first = CliRunner().invoke(cli, ["push", str(path), "--name", "Night"])
    assert first.exit_code == 2 and isinstance(first.exception, SystemExit)
    assert "Error: Spotify did not confirm creating the playlist 'Night'" in first.stderr
    assert (isolated_dirs / "data" / "spotify-pending.json").exists()
    for _ in range(2):
        again = CliRunner().invoke(cli, ["push", str(path), "--name", "Night"])
        assert again.exit_code == 0, again.output
    assert len(fake.calls("POST", "/v1/me/playlists")) == 1
    assert [p.name for p in fake.user_playlists()] == ["Night"]


def test_a_display_name_with_terminal_escapes_prints_clean(fake: FakeSpotify) -> None:
    """Text from Spotify shown by a command carries no escape sequences."""
    fake.users["alice"]["display_name"] = "Al\x1b]0;owned\x07ice\x1b[2J"
    result = CliRunner().invoke(cli, ["spotify", "whoami"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "Alice (alice), premium account\n"


def test_dry_run_with_an_ended_login_falls_back_to_the_cache(
    fake: FakeSpotify, tmp_path: Path, token_path: Path
) -> None:
    """A login Spotify refuses (ended after six months): the dry run still answers, marked so;
    a real push says the login has ended."""
    cache = TokenCache(token_path)
    record = cache.read() or {}
    record.update(expires_at=0)
    cache.write(record)
    fake.refresh_tokens.clear()
    path = saved(fake, tmp_path)
    dry = CliRunner().invoke(cli, ["push", str(path), "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert dry.stdout.startswith("the saved Spotify login is not usable — from the library's search cache")
    real = CliRunner().invoke(cli, ["push", str(path)])
    assert real.exit_code == 2 and "the login has ended (invalid_grant)" in real.stderr
