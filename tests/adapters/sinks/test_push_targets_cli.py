"""`moodseq push FILE --to spotify --to subsonic --to listenbrainz`: one sequence to every target,
each reported; one failing target does not stop the others and the exit code says so."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from sequencer.cli.main import cli
from tests.fakes.listenbrainz_server import FakeListenBrainz, start
from tests.fakes.spotify_server import FakeSpotify
from tests.fakes.subsonic_library import Server


@pytest.fixture
def listenbrainz(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeListenBrainz]:
    state = FakeListenBrainz()
    server = start(state)
    monkeypatch.setenv("MOODSEQ_LISTENBRAINZ_URL", state.url)
    monkeypatch.setenv("MOODSEQ_LISTENBRAINZ_TOKEN", state.token)
    yield state
    server.shutdown()
    server.server_close()
    assert state.violations == []


@pytest.fixture
def subsonic(subsonic_server: Server, monkeypatch: pytest.MonkeyPatch) -> Server:
    monkeypatch.setenv("MOODSEQ_SUBSONIC_URL", subsonic_server.url)
    monkeypatch.setenv("MOODSEQ_SUBSONIC_USER", "moodseq")
    monkeypatch.setenv("MOODSEQ_SUBSONIC_PASSWORD", "sesame")
    return subsonic_server


def _sequence_file(tmp_path: Path, server: Server, spotify: FakeSpotify | None = None) -> Path:
    """Three of the server's songs (two with MusicBrainz ids), one the server lacks."""
    entries = []
    catalog = list(spotify.catalog.values()) if spotify else []
    for i, track in enumerate(server.tracks[:3]):
        entry = {"title": track.title, "artists": list(track.artists), "duration_ms": track.duration_s * 1000}
        entry |= {"path": track.path, "mbid": str(uuid.UUID(int=i + 1)) if i < 2 else None}
        if catalog:
            entry["uri"] = catalog[i]["uri"]
        entries.append(entry)
    entries.append({"title": "Tears in Rain", "artists": ["Vangelis"], "duration_ms": 102000})
    path = tmp_path / "night.json"
    path.write_text(json.dumps({"tracks": entries}), encoding="utf-8")
    return path


def test_push_to_every_target_reports_each(
    subsonic: Server,
    listenbrainz: FakeListenBrainz,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    isolated_dirs: Path,
) -> None:
    spotify = FakeSpotify(seed=5, catalog_size=50).serve_logged_in(monkeypatch, isolated_dirs / "config")
    try:
        path = _sequence_file(tmp_path, subsonic, spotify)
        args = ["push", str(path), "--name", "Every Player", "--to", "spotify", "--to", "subsonic"]
        result = CliRunner().invoke(cli, [*args, "--to", "listenbrainz"])
        assert result.exit_code == 0, result.output
        lines = result.stdout.splitlines()
        assert lines[0].startswith("spotify: created 'Every Player': 3 of 4 placed; 1 not found on Spotify")
        assert lines[1].startswith("subsonic: created 'Every Player': 3 of 4 placed; 1 not in the server's library")
        assert lines[2].startswith("listenbrainz: created 'Every Player': 2 of 4 placed; 2 without a MusicBrainz")
        again = CliRunner().invoke(cli, [*args, "--to", "listenbrainz"])
        assert again.exit_code == 0, again.output
        assert "subsonic: unchanged" in again.stdout and "listenbrainz: unchanged" in again.stdout
        assert spotify.violations == []
    finally:
        spotify.stop()


def test_one_failing_target_does_not_stop_the_others(
    subsonic: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("MOODSEQ_LISTENBRAINZ_TOKEN", raising=False)
    path = _sequence_file(tmp_path, subsonic)
    result = CliRunner().invoke(cli, ["push", str(path), "--to", "listenbrainz", "--to", "subsonic", "--name", "Half"])
    assert result.exit_code == 2
    assert "listenbrainz: failed: no ListenBrainz token configured" in result.stderr
    assert "subsonic: created 'Half': 3 of 4 placed" in result.stdout
    assert "Error: 1 of 2 pushes failed: listenbrainz" in result.stderr
    assert "Traceback" not in result.output


def test_build_push_to_subsonic(subsonic: Server, tmp_path: Path) -> None:
    """`build --push-to` pushes the built playlist (here from the demo library, which the test
    server does not hold: every track is listed as missing and nothing is created)."""
    args = ["build", "night-drive", "--seed", "7", "--minutes", "15", "--push-to", "subsonic", "-q"]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 2
    assert "subsonic: failed: none of the" in result.stderr and "not in the server's library" in result.stderr


def test_one_target_that_fails_is_counted_in_the_singular(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One target, not configured: 'Error: 1 of 1 push failed' (was '1 of 1 pushes')."""
    for name in ("MOODSEQ_SUBSONIC_URL", "MOODSEQ_SUBSONIC_USER", "MOODSEQ_SUBSONIC_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    saved = tmp_path / "night.json"
    assert CliRunner().invoke(cli, ["demo", "--minutes", "20", "-o", str(saved)]).exit_code == 0
    result = CliRunner().invoke(cli, ["push", str(saved), "--to", "subsonic"])
    assert result.exit_code == 2
    assert "Error: 1 of 1 push failed: subsonic\n" in result.stderr
