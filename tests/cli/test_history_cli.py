"""Build history through the CLI: recorded builds, `history`, --fresh, --keep, --like-previous."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from sequencer.adapters.demo import load_demo_tracks
from sequencer.adapters.library import history
from sequencer.adapters.library.store import Store
from sequencer.cli.main import cli


@pytest.fixture
def library(isolated_dirs: Path) -> Path:
    """The demo tracks imported into a library of their own."""
    path = isolated_dirs / "data" / "library.db"
    with Store.open(path) as store:
        store.upsert_tracks(load_demo_tracks(), source="import")
    return path


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["--plain", *args])


def build(*args: str) -> Result:
    result = run("build", "night-drive", "--minutes", "30", *args)
    assert result.exit_code == 0, result.output
    return result


def last_tracks(path: Path) -> list[str]:
    with Store.open(path) as store:
        latest = history.latest_build(store, "night-drive")
    assert latest is not None
    return [name for _, name, _ in latest.tracks]


def test_every_build_is_recorded_and_listed(library: Path) -> None:
    build("--seed", "3")
    build("--seed", "4", "--fresh", "14d")
    listing = run("history")
    assert listing.exit_code == 0, listing.output
    lines = listing.stdout.splitlines()
    assert lines[0].split()[:3] == ["#", "when", "(UTC)"]
    assert [line.split()[0] for line in lines[1:]] == ["2", "1"]
    assert " night-drive " in lines[1] and lines[2].split()[4] == "3"  # seed 3
    show = run("history", "show", "2")
    assert show.exit_code == 0, show.output
    assert show.stdout.startswith("build 2: night-drive (build)")
    assert "options fresh=14d, minutes=30.0" in show.stdout
    names = last_tracks(library)
    assert [line[4:] for line in show.stdout.splitlines()[3:]] == names
    missing = run("history", "show", "9")
    assert missing.exit_code == 2 and "no build number 9" in missing.stderr


def test_hard_fresh_repeats_no_song_and_soft_fresh_says_what_it_did(library: Path) -> None:
    build("--seed", "1")
    first = set(last_tracks(library))
    soft = build("--seed", "1", "--fresh", "14d")
    assert f"note: fresh 14d: {len(first)} recently played songs made less likely" in soft.stderr
    hard = build("--seed", "1", "--fresh", "2w:0")
    assert "recently played songs left out" in hard.stderr
    assert not first & set(last_tracks(library))
    bad = run("build", "night-drive", "--fresh", "fortnight")
    assert bad.exit_code == 2 and "is not a time window" in bad.stderr


def test_keep_by_position_and_name_stays_in_place(library: Path) -> None:
    build("--seed", "2")
    before = last_tracks(library)
    build("--seed", "9", "--keep", "1", "--keep", before[4])
    after = last_tracks(library)
    assert after[0] == before[0]
    assert before[4] in after[3:6]  # in place, give or take a track in the refilled gap
    assert len(set(after) - set(before)) >= 3  # the rest was re-rolled
    with Store.open(library) as store:
        assert history.latest_build(store, "night-drive").mode == "keep"  # type: ignore[union-attr]
    wrong = run("build", "night-drive", "--keep", "99")
    assert wrong.exit_code == 2 and "the previous playlist has" in wrong.stderr


def test_keeping_every_track_of_a_shorter_build_says_why_it_cannot_refill(library: Path) -> None:
    """Keeping every track of a 5-minute build for a 30-minute playlist leaves nothing to
    refill: one line with both lengths and the --minutes that matches (it said "breaks the
    profile's rules (short_s 1420)"); at that length the same keep builds."""
    build("--seed", "2", "--minutes", "5")
    kept = [str(i + 1) for i in range(len(last_tracks(library)))]
    keeps = [arg for position in kept for arg in ("--keep", position)]
    result = run("build", "night-drive", "--minutes", "30", *keeps)
    assert result.exit_code == 2, result.output
    assert "--keep keeps every track of night-drive's last build" in result.stderr
    assert "nothing is left to refill" in result.stderr and "short_s" not in result.stderr
    minutes = result.stderr.split("--minutes ")[-1].split()[0]
    assert run("build", "night-drive", "--minutes", minutes, *keeps).exit_code == 0


def test_keep_of_a_library_track_not_in_the_last_build_says_so(library: Path) -> None:
    build("--seed", "2")
    before = last_tracks(library)
    with Store.open(library) as store:
        outside = next(t.name for t in store.tracks() if t.name not in before)
    result = run("build", "night-drive", "--keep", outside)
    assert result.exit_code == 2, result.output
    error, hint = result.stderr.strip().splitlines()
    assert f"--keep {outside!r}: no such track in night-drive's last build (build 1;" in error
    assert hint.startswith("hint: ") and ("did you mean" in hint or f"(1 to {len(before)})" in hint)


def test_keep_without_a_library_does_not_send_the_user_round_in_circles(isolated_dirs: Path) -> None:
    """With no library, builds use the demo library and are not recorded, so "build it first"
    would never help: the hint says to import music (or keep from a file)."""
    demo = run("build", "night-drive", "--minutes", "30", "--seed", "1")
    assert demo.exit_code == 0, demo.output
    result = run("build", "night-drive", "--keep", "1")
    assert result.exit_code == 2
    assert "--keep needs a previous build, and there is no library yet" in result.stderr
    assert "hint: builds on the demo library are not recorded: import your music first" in result.stderr


def test_keep_the_locked_tracks_of_a_sequence_file(library: Path, tmp_path: Path) -> None:
    saved = tmp_path / "night.json"
    build("--seed", "5", "-o", str(saved))
    data = json.loads(saved.read_text(encoding="utf-8"))
    for index in (0, 2):
        data["tracks"][index]["locked"] = True
    saved.write_text(json.dumps(data), encoding="utf-8")
    build("--seed", "6", "--keep", str(saved))
    after = last_tracks(library)
    names = [f"{', '.join(t['artists'])} - {t['title']}" for t in data["tracks"]]
    assert after[0] == names[0] and names[2] in after[1:4]
    unlocked = tmp_path / "plain.json"
    build("--seed", "5", "-o", str(unlocked))
    none = run("build", "night-drive", "--keep", str(unlocked))
    assert none.exit_code == 2 and 'has no track marked "locked": true' in none.stderr


def test_like_previous_needs_a_previous_build(library: Path) -> None:
    never = run("build", "study", "--like-previous")
    assert never.exit_code == 2 and "was never built" in never.stderr
    build("--seed", "1")
    like = build("--seed", "2", "--like-previous")
    assert "note: like previous:" in like.stderr


def test_demo_builds_record_nothing_and_create_no_library(isolated_dirs: Path) -> None:
    result = run("build", "night-drive", "--minutes", "20", "--fresh", "14d")
    assert result.exit_code == 0, result.output
    assert "no library yet" in result.stderr
    assert not (isolated_dirs / "data" / "library.db").exists()
    empty = run("history")
    assert empty.exit_code == 0 and "builds from the built-in demo library are not recorded" in empty.stderr
    assert not (isolated_dirs / "data" / "library.db").exists()
