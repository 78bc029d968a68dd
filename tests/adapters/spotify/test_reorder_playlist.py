"""`moodseq reorder --playlist URI [--push|--dry-run]` end to end against the fake Spotify.

The fake validates every request against the OpenAPI spec; a test fails on any request the real
API would reject.  Tracks get their moods and attributes from a library keyed by Spotify URI.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from sequencer.adapters.exporters.json import load_sequence_json
from sequencer.adapters.library.store import Store
from sequencer.adapters.spotify.playlist_reorder import push_reorder, reorder_playlist
from sequencer.adapters.spotify.playlist_rewrite import Journal
from sequencer.cli.main import cli
from sequencer.core.profile import Profile
from sequencer.core.track import Track
from sequencer.errors import RemoteServiceError
from tests.fakes.spotify_server import FakeSpotify, Playlist
from tests.strategies import synthetic_library

PID = "R" * 22


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, isolated_dirs: Path) -> Iterator[FakeSpotify]:
    """A fake Spotify the commands are pointed at, alice logged in, no real sleeping."""
    server = FakeSpotify(seed=3, catalog_size=300).serve_logged_in(monkeypatch, isolated_dirs / "config")
    monkeypatch.setattr("sequencer.adapters.spotify.service._sleep", lambda seconds: None)
    yield server
    server.stop()
    assert server.violations == [], "\n".join(server.violations)


def library_tracks(fake: FakeSpotify, n: int) -> list[Track]:
    """The first ``n`` catalog tracks with synthetic moods and attributes (as an import of
    them with audio features would leave them in the library)."""
    catalog = list(fake.catalog.values())[:n]
    sounds = synthetic_library(n, seed=9)
    return [
        sound.evolve(
            id=obj["id"],
            title=obj["name"],
            artists=(obj["artists"][0]["name"],),
            duration_s=obj["duration_ms"] / 1000,
            uri=obj["uri"],
            album="",
        )
        for obj, sound in zip(catalog, sounds, strict=True)
    ]


def make_playlist(fake: FakeSpotify, isolated_dirs: Path, n: int, *, library: bool = True) -> list[str]:
    """Alice's playlist PID with ``n`` catalog tracks in a random order; the tracks are put
    into the library first when ``library``.  Returns the playlist's URIs."""
    tracks = library_tracks(fake, n)
    if library:
        with Store.open(isolated_dirs / "data" / "library.db") as store:
            store.upsert_tracks(tracks, source="csv")
    uris = [str(t.uri) for t in tracks]
    random.Random(n).shuffle(uris)
    fake.playlists[PID] = Playlist(PID, "alice", "Road Mix", "", False, False, list(uris))
    fake.follows["alice"].append(PID)
    return uris


def writes(fake: FakeSpotify) -> list[tuple[str, str, str, bytes]]:
    """Every write the fake received."""
    return [r for r in fake.requests if r[0] in ("POST", "PUT", "DELETE")]


def costs(stdout: str) -> tuple[float, float]:
    """(before, after) from the command's first line."""
    match = re.search(r"flow cost before: ([\d.]+)  after: ([\d.]+)", stdout)
    assert match, stdout
    return float(match[1]), float(match[2])


def test_reorder_and_push_rewrites_the_same_playlist_over_100_tracks(
    fake: FakeSpotify, isolated_dirs: Path, tmp_path: Path
) -> None:
    """130 tracks: read in pages of ≤ 50, a lower flow cost, the new order written into the same
    playlist (PUT of the first 100, one POST of 30, no new playlist), identical to -o's file;
    a second run finds nothing better and writes nothing (idempotent)."""
    before = make_playlist(fake, isolated_dirs, 130)
    out = tmp_path / "road.json"
    result = CliRunner().invoke(cli, ["reorder", "--playlist", f"spotify:playlist:{PID}", "--push", "-o", str(out)])
    assert result.exit_code == 0, result.output
    old, new = costs(result.stdout)
    assert new < old * 0.8
    assert "moods/attributes from your library for 130" in result.stderr
    playlist = fake.playlists[PID]
    assert sorted(playlist.items) == sorted(before) and playlist.items != before
    assert playlist.items == [t.uri for t in load_sequence_json(out).tracks]
    assert f"reordered the playlist 'Road Mix' ({PID})" in result.stdout and "verified" in result.stdout
    reads = fake.calls("GET", rf"/v1/playlists/{PID}/items")
    limits = [re.findall(r"limit=(\d+)", r[2]) for r in reads]
    assert reads and all(found and int(found[0]) <= 50 for found in limits)
    bodies = [(r[0], len(json.loads(r[3])["uris"])) for r in writes(fake)]
    assert bodies == [("PUT", 100), ("POST", 30)]
    assert fake.calls("POST", "/v1/me/playlists") == [] and list(fake.playlists) == [PID]

    done = list(playlist.items)
    again = CliRunner().invoke(
        cli, ["reorder", "--playlist", f"https://open.spotify.com/playlist/{PID}?si=x", "--push"]
    )
    assert again.exit_code == 0, again.output
    assert "already has this order: nothing written" in again.stdout
    assert len(writes(fake)) == 2 and fake.playlists[PID].items == done


def test_dry_run_says_what_would_move_and_writes_nothing(fake: FakeSpotify, isolated_dirs: Path) -> None:
    """--dry-run prints the costs, the order and how many tracks would move; no write at all."""
    make_playlist(fake, isolated_dirs, 40)
    result = CliRunner().invoke(cli, ["reorder", "--playlist", PID, "--dry-run"])
    assert result.exit_code == 0, result.output
    match = re.search(rf"would reorder the playlist 'Road Mix' \({PID}\): (\d+) of 40 tracks move", result.stdout)
    assert match and int(match[1]) > 0
    assert writes(fake) == []


def test_push_under_random_faults_ends_with_exactly_the_new_order(
    fake: FakeSpotify, isolated_dirs: Path, tmp_path: Path
) -> None:
    """429s with Retry-After, 5xx and dropped connections (some after the write was applied)
    on 250 tracks: the playlist ends exactly as the printed order, no track lost or doubled."""
    before = make_playlist(fake, isolated_dirs, 250)
    fake.faults.rate_limit = 0.08
    fake.faults.server_error = 0.08
    fake.faults.drop = 0.06
    out = tmp_path / "road.json"
    result = CliRunner().invoke(cli, ["reorder", "--playlist", PID, "--push", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert sum(fake.fault_counts.values()) >= 3, fake.fault_counts
    items = fake.playlists[PID].items
    assert items == [t.uri for t in load_sequence_json(out).tracks]
    assert sorted(items) == sorted(before) and items != before


def test_an_interrupted_push_is_finished_by_the_next_run(
    fake: FakeSpotify, isolated_dirs: Path, tmp_path: Path
) -> None:
    """QUOTA_EXCEEDED right after the PUT leaves 100 of 180 tracks on Spotify; the next run
    does not reorder that partial playlist but finishes the order it was writing."""
    before = make_playlist(fake, isolated_dirs, 180)
    out = tmp_path / "road.json"
    fake.force("quota", method="POST", path=rf"/v1/playlists/{PID}/items")
    stopped = CliRunner().invoke(cli, ["reorder", "--playlist", PID, "--push", "-o", str(out)])
    assert stopped.exit_code == 2 and "Error:" in stopped.stderr
    assert len(fake.playlists[PID].items) == 100
    intended = [str(t.uri) for t in load_sequence_json(out).tracks]

    resumed = CliRunner().invoke(cli, ["reorder", "--playlist", PID, "--push"])
    assert resumed.exit_code == 0, resumed.output
    assert "was interrupted: 100 of 180 tracks are on Spotify" in resumed.stderr
    assert fake.playlists[PID].items == intended and sorted(intended) == sorted(before)
    assert not list((isolated_dirs / "data" / "spotify-reorder").glob("*.json"))


def test_without_a_library_tracks_are_unknown_and_counted(fake: FakeSpotify, isolated_dirs: Path) -> None:
    """No library: every track takes part with unknown attributes and the output says how many;
    nothing is reordered for nothing (the current order is kept, flow cost unchanged)."""
    before = make_playlist(fake, isolated_dirs, 12, library=False)
    result = CliRunner().invoke(cli, ["reorder", "--playlist", PID, "--push"])
    assert result.exit_code == 0, result.output
    assert "12 of 12 tracks have unknown moods and attributes" in result.stderr
    old, new = costs(result.stdout)
    assert new == old
    assert "already has this order: nothing written" in result.stdout
    assert fake.playlists[PID].items == before and writes(fake) == []


class StubClient:
    """A client answering a playlist with a local file, an episode and a null entry (forms the
    fake does not serve) besides three tracks."""

    def __init__(self, fake: FakeSpotify) -> None:
        self.objects = list(fake.catalog.values())[:3]

    def playlist(self, playlist_id: str) -> dict[str, Any]:
        """Details."""
        return {"id": playlist_id, "name": "Mixed", "owner": {"id": "alice"}, "snapshot_id": "s"}

    def playlist_entries(self, playlist_id: str) -> Iterator[dict[str, Any]]:
        """Three tracks, a local file, an episode and an unavailable item."""
        yield from ({"item": obj} for obj in self.objects)
        yield {"item": {"type": "track", "is_local": True, "uri": "spotify:local:A:B:C:200", "id": None}}
        yield {"item": {"type": "episode", "id": "E1", "uri": "spotify:episode:E1"}}
        yield {"item": None}


def test_push_refuses_a_playlist_with_items_it_would_drop(fake: FakeSpotify, tmp_path: Path) -> None:
    """Local files, episodes and unavailable items are counted; reordering works on the tracks,
    but writing back is refused with a hint instead of silently dropping those items."""
    stub = StubClient(fake)
    journal = Journal(tmp_path / "journal")
    found = reorder_playlist(
        stub,  # type: ignore[arg-type]
        PID,
        Profile(name="r"),
        seed=None,
        keep_ends=False,
        library_path=None,
        journal=journal,
    )
    assert found.playlist.skipped == 3 and len(found.after.tracks) == 3 and found.unknown == 3
    assert found.playlist.uris[3:] == ["spotify:local:A:B:C:200", "spotify:episode:E1", ""]
    with pytest.raises(RemoteServiceError, match=r"3 item.* moodseq cannot reorder") as info:
        push_reorder(stub, found, journal, dry_run=True)  # type: ignore[arg-type]
    assert "without --push" in str(info.value.hint)


def test_push_refuses_someone_elses_playlist(fake: FakeSpotify, isolated_dirs: Path) -> None:
    """A playlist alice neither owns nor collaborates on: Spotify refuses to list its items;
    the command says so with a hint and writes nothing."""
    make_playlist(fake, isolated_dirs, 10)
    fake.add_user("bob", "Bob")
    fake.playlists[PID].owner = "bob"
    result = CliRunner().invoke(cli, ["reorder", "--playlist", PID, "--push"])
    assert result.exit_code == 2
    assert "refused to list the items" in result.stderr and "hint:" in result.stderr
    assert writes(fake) == []


def test_file_and_playlist_are_exclusive(fake: FakeSpotify, tmp_path: Path) -> None:
    """Neither or both of SEQUENCE.json and --playlist, or --push without --playlist: exit 2."""
    for args in (["reorder"], ["reorder", "x.json", "--playlist", PID], ["reorder", "x.json", "--push"]):
        result = CliRunner().invoke(cli, args)
        assert result.exit_code == 2 and "Error:" in result.stderr, args


def test_a_kept_order_warns_about_its_own_artist_gaps_only(
    fake: FakeSpotify, isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the order found is no better, the playlist keeps its order, and the warnings are
    that order's: a gap the turned-down order broke is not reported (it named an artist as
    playing twice "within 3 tracks" in a playlist that kept them 4 apart)."""
    from sequencer.core import build
    from sequencer.core.sequence import make_sequence

    before = make_playlist(fake, isolated_dirs, 12)  # 12 artists: the current order breaks no gap

    def no_better(tracks: Any, profile: Profile, **_: Any) -> Any:
        return make_sequence(list(tracks), profile, mode="reorder", warnings=["Artist 01 plays twice within 3 tracks"])

    monkeypatch.setattr(build, "reorder_tracks", no_better)
    result = CliRunner().invoke(cli, ["reorder", "--playlist", PID, "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "already has this order" in result.stdout and fake.playlists[PID].items == before
    assert "plays twice" not in result.output


def test_a_playlist_moodseq_pushed_is_reordered_against_its_profile(fake: FakeSpotify, isolated_dirs: Path) -> None:
    """A playlist moodseq pushed for a profile is scored against that profile by default (by
    flow alone its arc and moods were thrown away: arc error and mood fit read 0), with a note;
    --profile still chooses, and a playlist moodseq never pushed stays flow alone."""
    from sequencer.adapters import living
    from sequencer.core.profile import profile_from_mapping
    from sequencer.core.sequence import make_sequence

    make_playlist(fake, isolated_dirs, 20)
    library = isolated_dirs / "data" / "library.db"
    study = profile_from_mapping({"name": "study", "moods": {"study": 1.0}, "arc": {"shape": "flat"}})
    bid = living.record_sequence(library, make_sequence([], study), profile_ref="study", options={})
    pid = living.start_push(library, bid, sink="spotify", target="Road Mix")
    living.finish_push(library, pid, ok=True, playlist_id=PID, url="https://open.spotify.com/playlist/" + PID)

    pushed = CliRunner().invoke(cli, ["reorder", "--playlist", PID, "--dry-run"])
    assert pushed.exit_code == 0, pushed.output
    assert "note: moodseq pushed this playlist for the profile study" in pushed.stderr
    assert re.search(r"arc error before: 0\.0*[1-9]", pushed.stdout), pushed.stdout

    chosen = CliRunner().invoke(cli, ["reorder", "--playlist", PID, "--dry-run", "--profile", "night-drive"])
    assert chosen.exit_code == 0 and "moodseq pushed" not in chosen.stderr

    fake.playlists["O" * 22] = Playlist("O" * 22, "alice", "Other", "", False, False, list(fake.playlists[PID].items))
    fake.follows["alice"].append("O" * 22)
    other = CliRunner().invoke(cli, ["reorder", "--playlist", "O" * 22, "--dry-run"])
    assert other.exit_code == 0 and "moodseq pushed" not in other.stderr
    assert "arc error before: 0.0000" in other.stdout
