"""Push: create once, update in place, chunk by 100, recover from lost answers, resume."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from sequencer.adapters.spotify.client import SpotifyClient
from sequencer.adapters.spotify.pending import SETTLE_S, WAIT_S, PendingCreates
from sequencer.adapters.spotify.push import plan_push, push_target, push_uris
from sequencer.errors import RemoteServiceError
from tests.adapters.spotify.conftest import MemoryLinks
from tests.fakes.spotify_server import FakeSpotify


def uris(fake: FakeSpotify, n: int, start: int = 0) -> list[str]:
    """``n`` catalog URIs."""
    return [t["uri"] for t in list(fake.catalog.values())[start : start + n]]


def bodies(fake: FakeSpotify, method: str) -> list[list[str]]:
    """The uris lists sent with ``method`` to playlist items."""
    return [json.loads(r[3])["uris"] for r in fake.calls(method, r"/v1/playlists/\w+/items")]


TARGET = push_target("alice", "night-drive", None)


def test_first_push_creates_then_updates_the_same_playlist(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """One POST /me/playlists ever; later pushes rewrite that playlist to the new order."""
    memory = MemoryLinks()
    first = push_uris(client, memory, TARGET, uris(fake_spotify, 30))
    assert first.created and first.tracks == 30 and first.rounds == 1
    second = push_uris(client, memory, TARGET, uris(fake_spotify, 12, start=5)[::-1])
    assert not second.created and second.playlist_id == first.playlist_id
    assert len(fake_spotify.calls("POST", "/v1/me/playlists")) == 1
    (playlist,) = fake_spotify.user_playlists()
    assert playlist.items == uris(fake_spotify, 12, start=5)[::-1]
    assert playlist.name == "Night Drive (moodseq)" and playlist.public is False
    assert "Made by moodseq from the night-drive profile" in playlist.description
    assert TARGET.marker in playlist.description
    assert memory.links[TARGET.key]["playlist_id"] == playlist.id
    assert memory.links[TARGET.key]["snapshot_id"] == playlist.snapshot_id


@pytest.mark.parametrize(("n", "posts"), [(0, 0), (1, 0), (100, 0), (101, 1), (250, 2), (1000, 9)])
def test_put_first_hundred_then_post_chunks(
    client: SpotifyClient, fake_spotify: FakeSpotify, n: int, posts: int
) -> None:
    """PUT carries the first ≤ 100 URIs, then POSTs of ≤ 100 in order; the result is exact."""
    wanted = uris(fake_spotify, n)
    push_uris(client, MemoryLinks(), TARGET, wanted)
    puts, adds = bodies(fake_spotify, "PUT"), bodies(fake_spotify, "POST")
    assert puts == [wanted[:100]]
    assert len(adds) == posts and all(0 < len(b) <= 100 for b in adds)
    assert [u for b in puts + adds for u in b] == wanted
    assert fake_spotify.user_playlists()[0].items == wanted


def test_pages_read_back_are_at_most_50(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """Verification reads the playlist in pages of 50 (the spec's maximum)."""
    push_uris(client, MemoryLinks(), TARGET, uris(fake_spotify, 120))
    reads = fake_spotify.calls("GET", r"/v1/playlists/\w+/items")
    assert reads and all("limit=50" in r[2] for r in reads)


def test_a_deleted_playlist_is_recreated(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """Deleting (= unfollowing) the remembered playlist makes the next push create a new one."""
    memory = MemoryLinks()
    first = push_uris(client, memory, TARGET, uris(fake_spotify, 3))
    fake_spotify.delete_playlist(first.playlist_id)
    second = push_uris(client, memory, TARGET, uris(fake_spotify, 4))
    assert second.created and second.playlist_id != first.playlist_id
    assert [p.id for p in fake_spotify.user_playlists()] == [second.playlist_id]
    assert memory.links[TARGET.key]["playlist_id"] == second.playlist_id


def test_a_forgotten_link_is_found_again_by_marker(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """A library that lost the link (or a new machine) finds our playlist by its marker."""
    first = push_uris(client, MemoryLinks(), TARGET, uris(fake_spotify, 3))
    again = push_uris(client, MemoryLinks(), TARGET, uris(fake_spotify, 5))
    assert not again.created and again.playlist_id == first.playlist_id
    assert len(fake_spotify.user_playlists()) == 1


def test_other_names_and_profiles_get_their_own_playlists(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """Each (profile, name) is its own playlist; description names the profile."""
    memory = MemoryLinks()
    push_uris(client, memory, push_target("alice", "night-drive", "A"), uris(fake_spotify, 2))
    push_uris(client, memory, push_target("alice", "study", "A"), uris(fake_spotify, 2))
    push_uris(client, memory, push_target("alice", "study", "B"), uris(fake_spotify, 2))
    assert len(fake_spotify.user_playlists()) == 3
    assert sum("study profile" in p.description for p in fake_spotify.user_playlists()) == 2


@pytest.mark.parametrize("kind", ["drop", "server_error", "slow"])
def test_lost_create_answer_never_makes_a_second_playlist(
    client: SpotifyClient, fake_spotify: FakeSpotify, kind: str
) -> None:
    """Create applied but the answer lost: the playlist is found by marker, not created twice."""
    client.sp.requests_timeout = 0.5
    fake_spotify.faults.slow_s = 0.7
    fake_spotify.force(kind, after=True, method="POST", path="/v1/me/playlists")
    result = push_uris(client, MemoryLinks(), TARGET, uris(fake_spotify, 7))
    assert result.recoveries == 1
    assert len(fake_spotify.calls("POST", "/v1/me/playlists")) == 1
    assert [p.items for p in fake_spotify.user_playlists()] == [uris(fake_spotify, 7)]


def test_a_late_duplicate_is_removed(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """Two playlists with our marker (a create applied after we gave up on it): the push keeps
    one, removes the other, and leaves other playlists alone."""
    first = push_uris(client, MemoryLinks(), TARGET, uris(fake_spotify, 3))
    late = fake_spotify._create("alice", {"name": TARGET.name, "description": TARGET.description})
    other = push_uris(client, MemoryLinks(), push_target("alice", "study", None), uris(fake_spotify, 2))
    assert len(fake_spotify.user_playlists()) == 3 and late[0] == 201
    result = push_uris(client, MemoryLinks(), TARGET, uris(fake_spotify, 5))
    assert result.duplicates_removed == 1
    remaining = {p.id for p in fake_spotify.user_playlists()}
    assert remaining == {result.playlist_id, other.playlist_id}
    assert result.playlist_id in {first.playlist_id, json.loads(late[2])["id"]}


def test_create_not_applied_is_sent_again_only_after_the_wait(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """Create dropped before the server applied it: the run stops (the list may just lag); a
    run within the wait sends no create; one after it creates, once."""
    now = [1_000_000.0]
    pending = PendingCreates(clock=lambda: now[0])
    fake_spotify.force("drop", after=False, method="POST", path="/v1/me/playlists")
    for _ in range(2):
        with pytest.raises(RemoteServiceError, match="did not confirm creating"):
            push_uris(client, MemoryLinks(), TARGET, uris(fake_spotify, 2), pending=pending)
    assert len(fake_spotify.calls("POST", "/v1/me/playlists")) == 1
    now[0] += WAIT_S
    push_uris(client, MemoryLinks(), TARGET, uris(fake_spotify, 2), pending=pending)
    assert len(fake_spotify.calls("POST", "/v1/me/playlists")) == 2
    assert len(fake_spotify.user_playlists()) == 1


@pytest.mark.parametrize("after", [True, False])
def test_lost_append_answer_never_duplicates(client: SpotifyClient, fake_spotify: FakeSpotify, after: bool) -> None:
    """An append whose answer is lost is checked by reading the tail back: no duplicates."""
    wanted = uris(fake_spotify, 250)
    fake_spotify.force("server_error", after=after, method="POST", path=r"/v1/playlists/\w+/items")
    result = push_uris(client, MemoryLinks(), TARGET, wanted)
    assert result.recoveries == 1
    assert fake_spotify.user_playlists()[0].items == wanted
    assert len(bodies(fake_spotify, "POST")) == (2 if after else 3)


def test_someone_else_editing_midway_is_repaired(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """If the tail read back is neither empty nor our chunk, the push starts over and ends exact."""
    wanted = uris(fake_spotify, 150)
    memory = MemoryLinks()
    push_uris(client, memory, TARGET, wanted)
    playlist = fake_spotify.user_playlists()[0]
    original = fake_spotify._api

    def meddle(method: str, path: str, query: dict[str, str], body: bytes, user: str) -> Any:
        """Apply the request, then let another app add a track and lose our answer (once)."""
        answer = original(method, path, query, body, user)
        if method == "POST" and path.endswith("/items"):
            playlist.items.append(uris(fake_spotify, 1, start=900)[0])  # another app adds a track
            fake_spotify._api = original  # type: ignore[method-assign]  # once
            raise_drop()
        return answer

    def raise_drop() -> None:
        """Drop the connection."""
        from tests.fakes.spotify_server import _Drop

        raise _Drop()

    fake_spotify._api = meddle  # type: ignore[method-assign]
    result = push_uris(client, memory, TARGET, wanted[::-1])
    assert playlist.items == wanted[::-1]
    assert result.recoveries == 1 and len(bodies(fake_spotify, "PUT")) == 3


class Killed(Exception):
    """The process died here."""


def dies_after(real: Any, n: int) -> Any:
    """``real`` that raises Killed right after its ``n``-th call returned (its effect applied)."""
    count = {"calls": 0}

    def dying(*args: Any, **kwargs: Any) -> Any:
        """The real call, then death on the n-th."""
        answer = real(*args, **kwargs)
        count["calls"] += 1
        if count["calls"] == n:
            raise Killed()
        return answer

    return dying


def test_interrupted_anywhere_then_rerun_ends_exact(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """A push killed after any request (its effect applied) and run again gives exactly the
    intended playlist, one playlist in all — also when the library never saw the link."""
    wanted = uris(fake_spotify, 230)
    clean = len(fake_spotify.requests)
    push_uris(client, MemoryLinks(), push_target("alice", "probe", None), wanted)
    steps = len(fake_spotify.requests) - clean

    for kill_after in range(1, steps + 1):
        target = push_target("alice", "interrupt", f"k{kill_after}")
        memory = MemoryLinks()
        real = client.request
        client.request = dies_after(real, kill_after)  # type: ignore[method-assign]
        with pytest.raises(Killed):
            push_uris(client, memory, target, wanted)
        client.request = real  # type: ignore[method-assign]
        rerun_memory = memory if kill_after % 2 else MemoryLinks()
        push_uris(client, rerun_memory, target, wanted)
        ours = [p for p in fake_spotify.user_playlists() if p.name == target.name]
        assert len(ours) == 1 and ours[0].items == wanted, f"killed after request {kill_after}"


def test_dry_run_plans_without_writing(client: SpotifyClient, fake_spotify: FakeSpotify) -> None:
    """plan_push reads only: create, then update counts, then unchanged."""
    memory = MemoryLinks()
    wanted = uris(fake_spotify, 20)
    plan = plan_push(client, memory, TARGET, wanted)
    assert (plan.action, plan.target, plan.added) == ("create", 20, 20)
    push_uris(client, memory, TARGET, wanted)
    writes = [r for r in fake_spotify.requests if r[0] in ("POST", "PUT", "DELETE")]
    changed = uris(fake_spotify, 15, start=10)[::-1]
    plan = plan_push(client, memory, TARGET, changed)
    assert (plan.action, plan.current, plan.target, plan.added, plan.removed, plan.reordered) == (
        "update",
        20,
        15,
        5,
        10,
        True,
    )
    assert plan_push(client, memory, TARGET, wanted).action == "unchanged"
    assert [r for r in fake_spotify.requests if r[0] in ("POST", "PUT", "DELETE")] == writes


def marked(fake: FakeSpotify) -> list[str]:
    """The ids of alice's playlists carrying TARGET's marker."""
    return [p.id for p in fake.user_playlists() if TARGET.marker in p.description]


def test_503_after_create_with_a_lagging_list_never_duplicates(
    client: SpotifyClient, fake_spotify: FakeSpotify, tmp_path: Path
) -> None:
    """The create is applied but answered 503, and the playlist list lags six reads behind.
    Before: every run created again (3 empty duplicates per run).  Now: one create; the run
    stops and says so; the next run finds the playlist and fills it."""
    pending = PendingCreates(tmp_path / "pending.json")
    fake_spotify.list_lag = 6
    for _ in range(3):
        fake_spotify.force("server_error", after=True, method="POST", path="/v1/me/playlists")
    wanted = uris(fake_spotify, 7)
    with pytest.raises(RemoteServiceError, match="did not confirm creating") as caught:
        push_uris(client, MemoryLinks(), TARGET, wanted, pending=pending)
    assert "creates none before" in (caught.value.hint or "")
    assert (tmp_path / "pending.json").exists()
    result = push_uris(client, MemoryLinks(), TARGET, wanted, pending=pending)
    assert len(fake_spotify.calls("POST", "/v1/me/playlists")) == 1
    assert marked(fake_spotify) == [result.playlist_id]
    assert fake_spotify.playlists[result.playlist_id].items == wanted


def test_a_create_that_shows_up_after_the_wait_is_removed_later(
    client: SpotifyClient, fake_spotify: FakeSpotify, tmp_path: Path
) -> None:
    """A list lagging past the wait: the run after it creates anew; when the first create
    finally shows, the next push removes it (still remembered), and the record settles."""
    now = [1_000_000.0]
    pending = PendingCreates(tmp_path / "pending.json", clock=lambda: now[0])
    memory = MemoryLinks()
    fake_spotify.list_lag = 1000
    fake_spotify.force("server_error", after=True, method="POST", path="/v1/me/playlists")
    with pytest.raises(RemoteServiceError):
        push_uris(client, memory, TARGET, uris(fake_spotify, 3), pending=pending)
    now[0] += WAIT_S
    fake_spotify.list_lag = 0
    second = push_uris(client, memory, TARGET, uris(fake_spotify, 3), pending=pending)
    assert len(fake_spotify.calls("POST", "/v1/me/playlists")) == 2
    fake_spotify._hidden.clear()  # the first create finally shows up
    assert len(marked(fake_spotify)) == 2
    third = push_uris(client, memory, TARGET, uris(fake_spotify, 4), pending=pending)
    assert third.duplicates_removed == 1 and marked(fake_spotify) == [second.playlist_id]
    now[0] += SETTLE_S
    push_uris(client, memory, TARGET, uris(fake_spotify, 4), pending=pending)
    assert not (tmp_path / "pending.json").exists()
