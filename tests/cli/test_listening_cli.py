"""Listening history as evidence: Last.fm (through its local fake, via pylast) and Spotify's
recently played (through the fake Spotify, validated against the OpenAPI spec)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sequencer.adapters.demo import load_demo_tracks
from sequencer.adapters.lastfm import LastfmClient, lastfm_listening
from sequencer.adapters.library import history
from sequencer.adapters.library.listening import listening_evidence
from sequencer.adapters.library.store import Store
from sequencer.cli.main import cli
from sequencer.core.track import song_key
from sequencer.errors import InputFileError
from tests.fakes.lastfm_server import FakeLastfm
from tests.fakes.spotify_server import FakeSpotify

PROFILE = """
minutes = 30
[moods]
night-driving = 1.0
brooding = 0.6
{extra}
"""


@pytest.fixture
def library(isolated_dirs: Path) -> Path:
    path = isolated_dirs / "data" / "library.db"
    with Store.open(path) as store:
        store.upsert_tracks(load_demo_tracks(), source="import")
    return path


@pytest.fixture
def lastfm(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeLastfm]:
    with FakeLastfm(api_key="k") as fake:
        monkeypatch.setenv("LASTFM_API_KEY", "k")
        monkeypatch.setenv("MOODSEQ_LASTFM_API_URL", fake.url)
        yield fake


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["--plain", *args])


def profile(isolated_dirs: Path, name: str, extra: str = "") -> None:
    folder = isolated_dirs / "config" / "profiles"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.toml").write_text(PROFILE.format(extra=extra), encoding="utf-8")


def built(library: Path, name: str) -> list[str]:
    with Store.open(library) as store:
        last = history.latest_build(store, name)
    assert last is not None
    return [song for _, _, song in last.tracks]


def test_pylast_reads_top_and_loved_tracks(lastfm: FakeLastfm) -> None:
    lastfm.top_tracks["ann"] = [(f"Artist {i}", f"Song {i}", 100 - i) for i in range(75)]
    lastfm.loved["ann"] = [("Kavinsky", "Nightcall"), ("Vangelis", "Blush Response")]
    client = LastfmClient("k", api_url=lastfm.url, sleep=lambda _s: None)
    top, loved = lastfm_listening(client, "ann", limit=60)
    assert top[:2] == [("Artist 0", "Song 0", 100), ("Artist 1", "Song 1", 99)] and len(top) == 60
    assert loved == [("Kavinsky", "Nightcall"), ("Vangelis", "Blush Response")]
    assert lastfm.methods() == ["user.getTopTracks", "user.getLovedTracks"]
    with pytest.raises(InputFileError, match=r"Last\.fm has no user .bob."):
        lastfm_listening(client, "bob", limit=10)
    client.close()


def test_loved_and_played_songs_are_favoured_and_overplayed_ones_left_out(
    library: Path, lastfm: FakeLastfm, isolated_dirs: Path
) -> None:
    """Off by default: without a [listening] section the history changes nothing. With weight 1
    the loved songs that the plain build left out come in; avoid_plays leaves out the most played."""
    profile(isolated_dirs, "plain")
    assert run("build", "plain", "--seed", "3").exit_code == 0
    plain = built(library, "plain")
    night = [t for t in load_demo_tracks() if t.moods.get("night-driving", 0) >= 0.6]
    outside = [t for t in night if song_key(t.artists, t.title) not in plain][:12]
    lastfm.loved["ann"] = [(t.artists[0], t.title) for t in outside]
    lastfm.top_tracks["ann"] = [(t.artists[0], t.title, 40) for t in outside] + [
        (t.artists[0], t.title, 500) for t in night if song_key(t.artists, t.title) in plain[:3]
    ]
    fetched = run("listening", "lastfm", "ann")
    assert fetched.exit_code == 0, fetched.output
    assert fetched.stdout == "Last.fm ann: 15 top tracks, 12 loved; 15 songs stored\n"
    shown = run("listening")
    assert shown.stdout.startswith("lastfm: 15 songs, 1980 plays, 12 loved")

    assert run("build", "plain", "--seed", "3").exit_code == 0
    assert built(library, "plain") == plain  # off by default
    profile(isolated_dirs, "loving", "[listening]\nweight = 1.0\n")
    loving = run("build", "loving", "--seed", "3")
    assert "listening history: 15 played or loved songs favoured" in loving.stderr
    favoured = {song_key(t.artists, t.title) for t in outside}
    assert not favoured & set(plain) and len(favoured & set(built(library, "loving"))) >= 2
    profile(isolated_dirs, "tired", "[listening]\navoid_plays = 100\n")
    assert run("build", "tired", "--seed", "3").exit_code == 0
    assert not set(plain[:3]) & set(built(library, "tired"))


def test_bad_listening_settings_are_profile_errors(isolated_dirs: Path) -> None:
    profile(isolated_dirs, "bad", "[listening]\nweight = 2\navoid_plays = 0\nwieght = 1\n")
    result = run("profiles", "check", "bad")
    assert result.exit_code == 2
    assert "listening.weight" in result.stderr and "listening.avoid_plays" in result.stderr
    assert "did you mean 'weight'" in result.stderr


def test_spotify_recently_played_needs_its_permission(
    library: Path, isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = FakeSpotify(seed=2, catalog_size=20).serve_logged_in(monkeypatch, isolated_dirs / "config")
    try:
        ids = list(fake.catalog)
        fake.recent["alice"] = [(ids[0], "2026-12-01T20:00:00Z"), (ids[1], "2026-12-01T19:55:00Z")]
        fake.recent["alice"].append((ids[0], "2026-12-01T19:50:00Z"))
        old_login = run("listening", "spotify")
        assert old_login.exit_code == 2
        assert "moodseq spotify login" in old_login.stderr
        scope = "playlist-modify-private user-library-read user-read-recently-played"
        info = fake.issue_token("alice", "test-client", scope=scope)
        monkeypatch.setenv("MOODSEQ_SPOTIFY_TOKEN", info["access_token"])
        fetched = run("listening", "spotify")
        assert fetched.exit_code == 0, fetched.output
        assert fetched.stdout == "Spotify: 3 recent plays; 2 songs stored\n"
        with Store.open(library) as store:
            evidence = listening_evidence(store)
        first = fake.catalog[ids[0]]
        key = song_key((first["artists"][0]["name"],), first["name"])
        assert evidence[key] == (2, False)
    finally:
        fake.stop()
    assert fake.violations == []


def test_listening_needs_a_library(isolated_dirs: Path) -> None:
    result = run("listening")
    assert result.exit_code == 2 and "no library" in result.stderr
