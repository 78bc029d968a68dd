"""The sink guarantees, for any PlaylistService: whatever is pushed, wherever a push is stopped
(before or after any server operation), and whatever is deleted in between, the next push ends
with exactly the sequence, in one playlist of that name (hypothesis over an in-memory server)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sequencer.adapters.sinks.base import Matching, ServiceSink, Target
from sequencer.core.track import Track


class Stop(Exception):
    """The process died here."""


@dataclass
class InMemoryServer:
    """A playlist server with a fault plan: stop at operation ``fail_at`` (before or after it)."""

    playlists: dict[str, dict[str, Any]] = field(default_factory=dict)
    next_id: int = 0
    ops: int = 0
    fail_at: int | None = None
    after: bool = False

    def op(self, apply: Any) -> Any:
        self.ops += 1
        if self.ops == self.fail_at and not self.after:
            raise Stop
        result = apply()
        if self.ops == self.fail_at and self.after:
            raise Stop
        return result


@dataclass
class InMemoryService:
    server: InMemoryServer
    name: str = "memory"
    missing_reason: str = "not on the server"

    def account(self) -> str:
        return "me"

    def match(self, tracks: Sequence[Track]) -> Matching:
        return Matching(
            [t.id for t in tracks if not t.id.startswith("x")], [(t, "x") for t in tracks if t.id[0] == "x"]
        )

    def find(self, target: Target, remembered: str | None) -> str | None:
        def look() -> str | None:
            if remembered in self.server.playlists:
                return remembered
            for pid, p in self.server.playlists.items():
                if target.marker in p["comment"]:
                    return pid
            for pid, p in self.server.playlists.items():
                if p["name"] == target.name and "moodseq:" not in p["comment"]:
                    return pid
            return None

        found: str | None = self.server.op(look)
        return found

    def create(self, target: Target) -> str:
        def make() -> str:
            self.server.next_id += 1
            pid = f"p{self.server.next_id}"
            self.server.playlists[pid] = {"name": target.name, "comment": "", "items": []}
            return pid

        made: str = self.server.op(make)
        return made

    def replace(self, playlist_id: str, items: list[str], target: Target) -> None:
        def swap() -> None:
            if playlist_id in self.server.playlists:
                self.server.playlists[playlist_id] |= {"items": list(items), "comment": target.description}

        self.server.op(swap)

    def read(self, playlist_id: str) -> list[str] | None:
        def get() -> list[str] | None:
            found = self.server.playlists.get(playlist_id)
            return None if found is None else list(found["items"])

        got: list[str] | None = self.server.op(get)
        return got

    def url(self, playlist_id: str) -> str | None:
        return None


class Memory:
    def __init__(self) -> None:
        self.links: dict[str, str] = {}

    def playlist_link(self, key: str) -> Any:
        return self.links.get(key)

    def set_playlist_link(self, key: str, *, playlist_id: str, name: str, snapshot_id: str | None) -> None:
        self.links[key] = playlist_id

    def delete_playlist_link(self, key: str) -> None:
        self.links.pop(key, None)


def _tracks(ids: list[str]) -> list[Track]:
    return [Track(i, f"Song {i}", ("A",), 100.0) for i in ids]


item_lists = st.lists(st.sampled_from(["a", "b", "c", "d", "e", "xf"]), min_size=1, max_size=6, unique=True).filter(
    lambda ids: any(not i.startswith("x") for i in ids)
)


@given(
    pushes=st.lists(
        st.tuples(item_lists, st.integers(1, 8), st.booleans(), st.booleans(), st.booleans()), min_size=1, max_size=5
    )
)
def test_any_push_stopped_anywhere_is_finished_exactly_by_the_next(
    pushes: list[tuple[list[str], int, bool, bool, bool]],
) -> None:
    server = InMemoryServer()
    memory = Memory()
    for ids, fail_at, after, delete_first, forget in pushes:
        if delete_first:
            server.playlists.clear()
        if forget:
            memory = Memory()
        sink = ServiceSink(InMemoryService(server), memory)
        server.ops, server.fail_at, server.after = 0, fail_at, after
        with contextlib.suppress(Stop):
            sink.push(_tracks(ids), profile_name="p", name="Night")
        server.fail_at = None
        report = sink.push(_tracks(ids), profile_name="p", name="Night")
        wanted = [i for i in ids if not i.startswith("x")]
        named = [p for p in server.playlists.values() if p["name"] == "Night"]
        assert [p["items"] for p in named] == [wanted]
        assert (report.placed, report.total) == (len(wanted), len(ids))


def test_nothing_placed_is_an_error_and_writes_nothing() -> None:
    from sequencer.errors import RemoteServiceError

    server = InMemoryServer()
    with pytest.raises(RemoteServiceError, match="none of the 1 tracks could be placed on memory"):
        ServiceSink(InMemoryService(server), Memory()).push(_tracks(["xa"]), profile_name=None, name="N")
    assert server.playlists == {}
