"""`moodseq push SEQUENCE.json` and `build --push`'s push_sequence_cli, against the fake Spotify."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from sequencer.adapters.exporters import render
from sequencer.adapters.library.store import Store
from sequencer.cli.commands.push import push_sequence_cli
from sequencer.cli.context import AppContext
from sequencer.cli.main import cli
from sequencer.core.profile import Profile
from sequencer.core.sequence import Sequence, make_sequence
from sequencer.core.track import Track
from tests.fakes.spotify_server import FakeSpotify


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, isolated_dirs: Path) -> Iterator[FakeSpotify]:
    """A fake Spotify the commands are pointed at, with alice logged in."""
    server = FakeSpotify(seed=5, catalog_size=300).serve_logged_in(monkeypatch, isolated_dirs / "config")
    yield server
    server.stop()
    assert server.violations == []


def sequence(fake: FakeSpotify) -> Sequence:
    """Three catalog tracks with URIs, one found by search, one nowhere on Spotify."""
    catalog = list(fake.catalog.values())
    tracks = [
        Track(
            id=t["id"],
            title=t["name"],
            artists=(t["artists"][0]["name"],),
            duration_s=t["duration_ms"] / 1000,
            uri=t["uri"],
        )
        for t in catalog[:3]
    ]
    tracks.append(
        Track(
            id="csv1",
            title=catalog[10]["name"],
            artists=(catalog[10]["artists"][0]["name"],),
            duration_s=catalog[10]["duration_ms"] / 1000,
        )
    )
    tracks.append(Track(id="csv2", title="Nothing", artists=("Nobody",), duration_s=200))
    return make_sequence(tracks, Profile(name="night-drive"))


def saved(fake: FakeSpotify, tmp_path: Path) -> Path:
    """The sequence saved as JSON (as `moodseq build --format json` writes it)."""
    path = tmp_path / "night.json"
    path.write_text(render(sequence(fake), "json"), encoding="utf-8")
    return path


def writes(fake: FakeSpotify) -> int:
    """How many writes the fake received."""
    return sum(1 for r in fake.requests if r[0] in ("POST", "PUT", "DELETE"))


def test_dry_run_then_push_then_update(fake: FakeSpotify, tmp_path: Path, isolated_dirs: Path) -> None:
    """--dry-run writes nothing; push creates, lists what was left out; a second push updates
    the same playlist; with no library the links live in a JSON file (no library is created)."""
    path = saved(fake, tmp_path)
    dry = CliRunner().invoke(cli, ["push", str(path), "--name", "Night Drive", "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert dry.stdout == "would create the playlist 'Night Drive' with 4 tracks\n"
    assert "not found on Spotify (left out): Nobody - Nothing" in dry.stderr
    assert writes(fake) == 0

    first = CliRunner().invoke(cli, ["push", str(path), "--name", "Night Drive"])
    assert first.exit_code == 0, first.output
    match = re.fullmatch(
        r"created the playlist 'Night Drive' with 4 tracks \(1 of 5 not found\): "
        r"https://open.spotify.com/playlist/(\w+)\n",
        first.stdout,
    )
    assert match, first.stdout
    (playlist,) = fake.user_playlists()
    assert playlist.id == match[1] and len(playlist.items) == 4

    again = CliRunner().invoke(cli, ["push", str(path), "--name", "Night Drive", "--dry-run"])
    assert again.stdout == "the playlist 'Night Drive' already holds these 4 tracks: nothing to do\n"
    second = CliRunner().invoke(cli, ["push", str(path), "--name", "Night Drive"])
    assert second.stdout.startswith("updated the playlist 'Night Drive' with 4 tracks")
    assert len(fake.user_playlists()) == 1
    links = json.loads((isolated_dirs / "data" / "spotify-playlists.json").read_text())
    assert [v["playlist_id"] for v in links.values()] == [playlist.id]
    assert not (isolated_dirs / "data" / "library.db").exists()


def test_with_a_library_links_and_searches_are_kept_there(
    fake: FakeSpotify, tmp_path: Path, isolated_dirs: Path
) -> None:
    """With a library, the playlist link is stored in it and a second push searches nothing."""
    library = isolated_dirs / "data" / "library.db"
    seq = sequence(fake)
    with Store.open(library) as store:
        store.upsert_tracks(seq.tracks, source="csv")
    path = saved(fake, tmp_path)
    assert CliRunner().invoke(cli, ["push", str(path)]).exit_code == 0
    searched = len(fake.calls("GET", "/v1/search"))
    result = CliRunner().invoke(cli, ["push", str(path)])
    assert result.exit_code == 0, result.output
    assert len(fake.calls("GET", "/v1/search")) == searched
    assert "'Night Drive (moodseq)'" in result.stdout
    with Store.open(library) as store:
        key = "spotify:alice:night-drive:Night Drive (moodseq)"
        link = store.playlist_link(key)
    assert link is not None and link["playlist_id"] == fake.user_playlists()[0].id


def test_push_sequence_cli_for_build(fake: FakeSpotify, capsys: pytest.CaptureFixture[str]) -> None:
    """What `build --push` calls: a built Sequence becomes the profile's playlist."""
    app = AppContext(quiet=True)
    push_sequence_cli(app, sequence(fake), name=None, dry_run=False)
    out = capsys.readouterr()
    assert out.out.startswith("created the playlist 'Night Drive (moodseq)' with 4 tracks")
    assert "Nobody - Nothing" in out.err
    assert "night-drive profile" in fake.user_playlists()[0].description


def test_rate_limit_countdown_is_shown(fake: FakeSpotify, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 429 shows how long moodseq waits (Retry-After), then the push completes."""
    slept: list[float] = []
    monkeypatch.setattr("time.sleep", slept.append)
    fake.faults.max_retry_after = 2
    fake.force("rate_limit", method="POST")
    result = CliRunner().invoke(cli, ["push", str(saved(fake, tmp_path))])
    assert result.exit_code == 0, result.output
    assert re.search(r"Spotify rate limit: waiting [12] s …", result.stderr)
    assert 1 <= sum(slept) <= 2


def test_quota_exceeded_stops_with_a_clear_message(fake: FakeSpotify, tmp_path: Path) -> None:
    """QUOTA_EXCEEDED: exit 2, the reason, and that retrying will not help."""
    fake.force("quota")
    result = CliRunner().invoke(cli, ["push", str(saved(fake, tmp_path))])
    assert result.exit_code == 2
    assert "Error: Spotify refused the request: this app's request quota is exhausted" in result.stderr
    assert "retrying now will not help" in result.stderr


def test_not_logged_in(fake: FakeSpotify, tmp_path: Path, isolated_dirs: Path) -> None:
    """Without a login: exit 2 and the command to run."""
    (isolated_dirs / "config" / "spotify-token.json").unlink()
    result = CliRunner().invoke(cli, ["push", str(saved(fake, tmp_path))])
    assert result.exit_code == 2 and result.stdout == ""
    assert "Error: not logged in to Spotify" in result.stderr
    assert "hint: run `moodseq spotify login`" in result.stderr


def test_missing_sequence_file(fake: FakeSpotify, tmp_path: Path) -> None:
    """A sequence file that does not exist is a user error (exit 2), before any request."""
    result = CliRunner().invoke(cli, ["push", str(tmp_path / "nope.json")])
    assert result.exit_code == 2 and "Error:" in result.stderr
    assert fake.requests == []


def test_search_counts_read_in_the_singular_too(fake: FakeSpotify, tmp_path: Path) -> None:
    """One search and no cached answer read "1 Spotify search; 0 answers" (was "searched
    Spotify 1 times"), on `push` and on `push --to spotify` alike."""
    catalog = list(fake.catalog.values())
    found = catalog[10]
    track = Track(
        id="csv1", title=found["name"], artists=(found["artists"][0]["name"],), duration_s=found["duration_ms"] / 1000
    )
    path = tmp_path / "one.json"
    path.write_text(render(make_sequence([track], Profile(name="night-drive")), "json"), encoding="utf-8")
    result = CliRunner().invoke(cli, ["push", str(path), "--name", "One", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "1 Spotify search; 0 answers from the library's cache" in result.stderr
    assert "1 times" not in result.output
    sinks = CliRunner().invoke(cli, ["push", str(path), "--name", "One", "--to", "spotify", "--to", "listenbrainz"])
    assert "1 Spotify search; 0 answers from the cache" in sinks.output, sinks.output
    assert "1 times" not in sinks.output


def test_an_exportify_csv_or_m3u8_is_pushed_under_its_file_name(fake: FakeSpotify, tmp_path: Path) -> None:
    """`push` read only moodseq's JSON and JSPF ("is a CSV playlist: this reads the JSON"),
    while reorder, explain and export read CSV track lists and M3U8 too; it pushes them, named
    after the file, tracks found by their links or by search."""
    catalog = list(fake.catalog.values())[:3]
    rows = ['"Track URI","Track Name","Artist Name(s)","Duration (ms)"']
    rows += [f'"{t["uri"]}","{t["name"]}","{t["artists"][0]["name"]}","{t["duration_ms"]}"' for t in catalog]
    exported = tmp_path / "Road Trip.csv"
    exported.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["push", str(exported)])
    assert result.exit_code == 0, result.output
    assert "created the playlist 'Road Trip' with 3 tracks" in result.stdout
    created = [p for p in fake.user_playlists() if p.name == "Road Trip"]
    assert len(created) == 1 and created[0].items == [t["uri"] for t in catalog]

    m3u = tmp_path / "mix.m3u8"
    m3u.write_text(render(sequence(fake), "m3u8"), encoding="utf-8")
    planned = CliRunner().invoke(cli, ["push", str(m3u), "--dry-run"])
    assert planned.exit_code == 0, planned.output
    assert "would create the playlist 'mix' with 4 tracks" in planned.stdout
