"""`moodseq refresh` end to end against the local fake Spotify: rebuild and re-push every pushed
playlist, cron-style (one summary line, exit codes), and an interrupted run finished exactly."""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from sequencer.adapters.library import history
from sequencer.adapters.library.store import Store
from sequencer.cli.main import cli
from sequencer.core.track import Track
from tests.fakes.spotify_server import FakeSpotify

PROFILE = """
minutes = 14
tolerance_minutes = 2
[moods]
{mood} = 1.0
[constraints]
artist_gap = 1
"""


@pytest.fixture
def fake(monkeypatch: pytest.MonkeyPatch, isolated_dirs: Path) -> Iterator[FakeSpotify]:
    """A fake Spotify with alice logged in, a library of its catalog with moods, two profiles."""
    server = FakeSpotify(seed=3, catalog_size=240).serve_logged_in(monkeypatch, isolated_dirs / "config")
    rng = random.Random(1)
    tracks = []
    for item in server.catalog.values():
        mood = rng.choice(["night-driving", "study"])
        tracks.append(
            Track(
                id=item["id"],
                title=item["name"],
                artists=(item["artists"][0]["name"],),
                duration_s=item["duration_ms"] / 1000,
                uri=item["uri"],
                moods={mood: rng.uniform(0.5, 1.0), "atmospheric": rng.uniform(0.0, 1.0)},
                energy=rng.uniform(0.2, 0.8),
            )
        )
    with Store.open(isolated_dirs / "data" / "library.db") as store:
        store.upsert_tracks(tracks, source="import")
    profiles = isolated_dirs / "config" / "profiles"
    profiles.mkdir(parents=True)
    (profiles / "drive.toml").write_text(PROFILE.format(mood="night-driving"), encoding="utf-8")
    (profiles / "calm.toml").write_text(PROFILE.format(mood="study"), encoding="utf-8")
    yield server
    server.stop()
    assert server.violations == []


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def library(isolated_dirs: Path) -> Store:
    return Store.open(isolated_dirs / "data" / "library.db")


def pushed_twice(fake: FakeSpotify) -> None:
    """The two playlists refresh will find: drive under its default name, calm under its own."""
    for args in (["build", "drive", "--push"], ["build", "calm", "--push", "--name", "Calm Evening"]):
        result = run(*args)
        assert result.exit_code == 0, result.output
    assert len(fake.user_playlists()) == 2


def playlists_match_history(fake: FakeSpotify, store: Store) -> None:
    """Every playlist on Spotify holds exactly the tracks of the build last pushed to it."""
    targets = history.push_targets(store)
    assert len(targets) == len(fake.user_playlists())
    by_name = {p.name: p for p in fake.user_playlists()}
    for target in targets:
        assert target.status == "done"
        uris = [fake.catalog[tid]["uri"] for tid, _, _ in target.last.tracks]
        assert by_name[target.target].items == uris


def test_refresh_rebuilds_and_repushes_every_pushed_playlist(fake: FakeSpotify, isolated_dirs: Path) -> None:
    """Both playlists are rebuilt (a new seed, recorded in a refresh run) and pushed to the same
    playlists, which end exactly as the new builds; one summary line on stdout, exit 0."""
    pushed_twice(fake)
    with library(isolated_dirs) as store:
        before = {t.target: t.last for t in history.push_targets(store)}
    result = run("refresh")
    assert result.exit_code == 0, result.output
    assert result.stdout == "refresh: refreshed 2 of 2 playlists\n"
    with library(isolated_dirs) as store:
        after = {t.target: t.last for t in history.push_targets(store)}
        playlists_match_history(fake, store)
        assert len(history.list_builds(store)) == 4
    assert set(after) == {"Drive (moodseq)", "Calm Evening"}
    for name, build in after.items():
        assert build.bid != before[name].bid and build.profile == before[name].profile
        assert build.options.get("fresh") == "14d"
        assert build.tracks != before[name].tracks  # fresh: the recently built songs were made less likely


def test_dry_run_writes_nothing_and_names_limit_the_run(fake: FakeSpotify, isolated_dirs: Path) -> None:
    """--dry-run rebuilds without recording or pushing; a name picks one playlist; an unknown
    name is a usage error (exit 2) before anything runs."""
    pushed_twice(fake)
    writes = len([r for r in fake.requests if r[0] in ("POST", "PUT", "DELETE")])
    dry = run("refresh", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.stdout == "refresh: would refresh 2 of 2 playlists\n"
    assert "would push" in dry.stderr
    assert len([r for r in fake.requests if r[0] in ("POST", "PUT", "DELETE")]) == writes
    with library(isolated_dirs) as store:
        assert len(history.list_builds(store)) == 2
    one = run("refresh", "calm")
    assert one.exit_code == 0, one.output
    assert one.stdout == "refresh: refreshed 1 of 1 playlist\n"
    unknown = run("refresh", "nowhere")
    assert unknown.exit_code == 2
    assert "no pushed playlist is called 'nowhere'" in unknown.stderr


def test_pushed_playlist_names_complete(fake: FakeSpotify) -> None:
    pushed_twice(fake)
    variables = {"_MOODSEQ_COMPLETE": "bash_complete", "COMP_WORDS": "moodseq refresh ca", "COMP_CWORD": "2"}
    result = CliRunner().invoke(cli, [], env=variables, prog_name="moodseq")
    assert result.stdout.split("\n")[:2] == ["plain,Calm Evening", "plain,calm"]


def test_one_failure_leaves_the_others_refreshed_and_exits_1(fake: FakeSpotify, isolated_dirs: Path) -> None:
    """A playlist whose profile is gone fails on its own line; the other is refreshed; exit 1."""
    pushed_twice(fake)
    (isolated_dirs / "config" / "profiles" / "calm.toml").unlink()
    result = run("refresh")
    assert result.exit_code == 1, result.output
    assert result.stdout == "refresh: refreshed 1 of 2 playlists, 1 failed\n"
    assert "failed 'Calm Evening'" in result.stderr


def test_not_logged_in_is_a_usage_error_and_leaves_no_run_open(
    fake: FakeSpotify, isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pushed_twice(fake)
    (isolated_dirs / "config" / "spotify-token.json").unlink()
    result = run("refresh")
    assert result.exit_code == 2 and "not logged in" in result.stderr
    with library(isolated_dirs) as store:
        assert history.unfinished_refresh(store) is None
        assert len(history.list_builds(store)) == 2


def test_no_library_is_a_usage_error(isolated_dirs: Path) -> None:
    result = run("refresh")
    assert result.exit_code == 2
    assert "no library" in result.stderr


def test_interrupted_refresh_rerun_ends_exact_without_duplicates(
    fake: FakeSpotify, isolated_dirs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C in the middle of the second playlist's push (half of it written): the rerun
    leaves the first playlist alone, finishes the second with the very build it was pushing,
    and every playlist ends exactly as its build, with no second playlist anywhere."""
    pushed_twice(fake)
    from sequencer.adapters.spotify import service
    from sequencer.adapters.spotify.push import push_uris as real

    calls = {"n": 0}

    def interrupted(client: Any, memory: Any, target: Any, uris: list[str], **kw: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 2:
            real(client, memory, target, uris[: len(uris) // 2], **kw)
            raise KeyboardInterrupt
        return real(client, memory, target, uris, **kw)

    monkeypatch.setattr(service, "push_uris", interrupted)
    first = run("refresh")
    assert first.exit_code != 0
    with library(isolated_dirs) as store:
        states = {t.target: t for t in history.push_targets(store)}
        assert sorted(t.status for t in states.values()) == ["done", "started"]
        (stuck,) = [t for t in states.values() if t.status == "started"]
        (done,) = [t for t in states.values() if t.status == "done"]
        builds = len(history.list_builds(store, limit=100))
    half = {p.name: p for p in fake.user_playlists()}[stuck.target]
    assert len(half.items) < len(stuck.last.tracks)  # the playlist is half written

    monkeypatch.setattr(service, "push_uris", real)
    again = run("refresh")
    assert again.exit_code == 0, again.output
    assert again.stdout == "refresh: refreshed 1 of 1 playlist (resumed: 1 done before)\n"
    with library(isolated_dirs) as store:
        now = {t.target: t for t in history.push_targets(store)}
        assert now[stuck.target].last.bid == stuck.last.bid  # the same build, not a re-roll
        assert now[done.target].last.bid == done.last.bid  # left alone
        assert len(history.list_builds(store, limit=100)) == builds
        playlists_match_history(fake, store)
    assert len(fake.user_playlists()) == 2

    third = run("refresh")  # the run is finished: the next one refreshes everything again
    assert third.stdout == "refresh: refreshed 2 of 2 playlists\n"
    with library(isolated_dirs) as store:
        playlists_match_history(fake, store)
    assert len(fake.user_playlists()) == 2


def test_nothing_pushed_yet_says_how_to_push_one(isolated_dirs: Path) -> None:
    """A library with builds but no push: the one summary line says why there is nothing to
    refresh and what pushes a playlist (was a bare 'nothing to refresh'), exit 0."""
    Store.open(isolated_dirs / "data" / "library.db").close()
    result = run("refresh")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "refresh: nothing to refresh: no playlist was pushed yet (`moodseq build PROFILE --push` pushes one)\n"
    )


def test_a_failure_says_its_fix_and_how_to_refresh_the_others(fake: FakeSpotify, isolated_dirs: Path) -> None:
    """A deleted profile fails every scheduled run: its line carries the error's hint, and a last
    line names the command that refreshes only the playlists that work (it said neither)."""
    pushed_twice(fake)
    (isolated_dirs / "config" / "profiles" / "calm.toml").unlink()
    result = run("refresh", "--dry-run")
    assert result.exit_code == 1, result.output
    failed = next(line for line in result.stderr.splitlines() if line.startswith("failed 'Calm Evening'"))
    assert failed.endswith("(`moodseq profiles list` shows the profiles; `moodseq profiles new NAME` makes one)")
    assert "hint: fix what failed, or refresh only the others: moodseq refresh 'Drive (moodseq)'\n" in result.stderr
