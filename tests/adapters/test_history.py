"""The build history store: builds, pushes (interrupted ones found), plays in a window, runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from sequencer.adapters.library import history
from sequencer.adapters.library.store import Store


def record(store: Store, profile: str, songs: list[str], *, refresh_id: int | None = None) -> int:
    tracks = [(f"id-{s}", f"A - {s}", f"a|{s}") for s in songs]
    entry = history.BuildRecord(
        profile=profile, profile_ref=profile, seed=1, mode="build", tracks=tracks, duration_s=60.0 * len(songs)
    )
    if refresh_id is not None:
        entry = history.BuildRecord(**{**entry.__dict__, "refresh_id": refresh_id})
    return history.record_build(store, entry)


def test_builds_pushes_and_interrupted_pushes(tmp_path: Path) -> None:
    with Store.open(tmp_path / "lib.db") as store:
        changes = store.changes()
        one = record(store, "night", ["x", "y"])
        two = record(store, "study", ["z"])
        pid = history.start_push(store, one, sink="spotify", target="Night")
        assert [t.target for t in history.pending_pushes(store)] == ["Night"]
        history.finish_push(store, pid, ok=True, playlist_id="p1", url="https://x/p1")
        history.finish_push(
            store, history.start_push(store, two, sink="spotify", target="Study"), ok=False, note="boom"
        )
        assert history.pending_pushes(store) == []
        targets = {t.target: t for t in history.push_targets(store)}
        assert targets["Night"].status == "done" and targets["Night"].last.tracks[0] == ("id-x", "A - x", "a|x")
        assert targets["Study"].status == "failed" and targets["Study"].key == "spotify:study:Study"
        listed = history.list_builds(store)
        assert [b.bid for b in listed] == [two, one] and listed[1].pushes[0].url == "https://x/p1"
        assert [b.bid for b in history.list_builds(store, profile="night")] == [one]
        assert history.latest_build(store, "night").bid == one  # type: ignore[union-attr]
        assert history.build_detail(store, 99) is None
        assert store.changes() == changes  # bookkeeping never invalidates the feature cache


@given(st.lists(st.lists(st.sampled_from("abcdef"), min_size=1, max_size=4, unique=True), max_size=5))
@settings(max_examples=25, deadline=None)
def test_song_plays_counts_builds_in_the_window(builds: list[list[str]]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder) / "lib.db") as store:
        for songs in builds:
            record(store, "night", songs)
        record(store, "other", ["a", "b"])
        plays = history.song_plays(store, "night", history.since(3600))
        for song in "abcdef":
            assert plays[f"a|{song}"] == sum(song in b for b in builds)
        future = history.since(0, at=datetime.now(UTC) + timedelta(hours=1))
        assert not history.song_plays(store, "night", future)


def test_refresh_runs_remember_what_they_pushed(tmp_path: Path) -> None:
    with Store.open(tmp_path / "lib.db") as store:
        rid = history.open_refresh(store, ["spotify:night:A", "spotify:night:B"])
        assert history.unfinished_refresh(store) == (rid, ["spotify:night:A", "spotify:night:B"])
        bid = record(store, "night", ["x"], refresh_id=rid)
        history.finish_push(store, history.start_push(store, bid, sink="spotify", target="A"), ok=True)
        other = record(store, "night", ["y"], refresh_id=rid)
        history.start_push(store, other, sink="spotify", target="B")  # interrupted
        assert history.refreshed_targets(store, rid) == {"spotify:night:A"}
        history.finish_refresh(store, rid, "done")
        assert history.unfinished_refresh(store) is None
