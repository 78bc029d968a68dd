"""The ListenBrainz sink against a local fake that checks every request against the documented
API (tests/fakes/listenbrainz_server.py): create, re-push, reorder, long playlists in chunks of
100, a playlist deleted between pushes, a push killed before or after any request, bad tokens."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sequencer.adapters.sinks.base import ServiceSink
from sequencer.adapters.sinks.listenbrainz import ListenBrainzService
from sequencer.adapters.sinks.settings import ListenBrainzSettings
from sequencer.core.track import Track
from sequencer.errors import CredentialsError
from tests.fakes.listenbrainz_server import FakeListenBrainz, start

_names = itertools.count(1)


def _mbid(n: int) -> str:
    return str(uuid.UUID(int=n + 1))


def _tracks(count: int, start_at: int = 0) -> list[Track]:
    return [
        Track(id=f"t{i}", title=f"Song {i}", artists=("Artist",), duration_s=200.0, mbid=_mbid(i))
        for i in range(start_at, start_at + count)
    ]


@pytest.fixture
def fake() -> Iterator[FakeListenBrainz]:
    state = FakeListenBrainz()
    server = start(state)
    yield state
    server.shutdown()
    server.server_close()
    assert state.violations == [], "requests that break the documented ListenBrainz API"


class Memory:
    def __init__(self) -> None:
        self.links: dict[str, str] = {}

    def playlist_link(self, key: str) -> Any:
        return self.links.get(key)

    def set_playlist_link(self, key: str, *, playlist_id: str, name: str, snapshot_id: str | None) -> None:
        self.links[key] = playlist_id

    def delete_playlist_link(self, key: str) -> None:
        self.links.pop(key, None)


class Stop(Exception):
    """Stands for the process being killed."""


class Killing(requests.Session):
    def __init__(self, at: int = 0, after: bool = False) -> None:
        super().__init__()
        self.at, self.after, self.count = at, after, 0

    def request(self, *args: Any, **kwargs: Any) -> Any:
        self.count += 1
        if self.count == self.at and not self.after:
            raise Stop
        response = super().request(*args, **kwargs)
        if self.count == self.at and self.after:
            raise Stop
        return response


def _sink(fake: FakeListenBrainz, memory: Memory, session: requests.Session | None = None) -> ServiceSink:
    settings = ListenBrainzSettings(url=fake.url, token=fake.token)
    return ServiceSink(ListenBrainzService(settings, session=session), memory)


def _contents(fake: FakeListenBrainz, title: str) -> list[list[str]]:
    return [p.recordings for p in fake.playlists.values() if p.title == title]


def test_push_places_tracks_with_a_musicbrainz_id_and_lists_the_rest(fake: FakeListenBrainz) -> None:
    tracks = _tracks(2)
    tracks.insert(1, Track(id="x", title="No Id", artists=("Somebody",), duration_s=100.0))
    memory = Memory()
    report = _sink(fake, memory).push(tracks, profile_name="study", name=None)
    assert report.action == "created"
    assert "2 of 3 placed; 1 without a MusicBrainz recording id: Somebody - No Id" in report.summary()
    assert _contents(fake, "Study (moodseq)") == [[_mbid(0), _mbid(1)]]
    (playlist,) = fake.playlists.values()
    assert report.url == f"https://listenbrainz.org/playlist/{playlist.mbid}" and not playlist.public
    again = _sink(fake, memory).push(tracks, profile_name="study", name=None)
    assert again.action == "unchanged"
    writes = [r for r in fake.requests if r.startswith("POST")]
    assert len(writes) == 2, writes  # create + one add; the second push wrote nothing


def test_reorder_and_long_playlists_in_chunks(fake: FakeListenBrainz) -> None:
    memory = Memory()
    long = _tracks(250)
    _sink(fake, memory).push(long, profile_name=None, name="Long")
    assert _contents(fake, "Long") == [[t.mbid for t in long]]
    changed = long[:120] + _tracks(30, 1000) + long[200:]
    report = _sink(fake, memory).push(changed, profile_name=None, name="Long")
    assert report.action == "updated"
    assert _contents(fake, "Long") == [[t.mbid for t in changed]]
    dry = _sink(fake, memory).push(long, profile_name=None, name="Long", dry_run=True)
    assert dry.action == "would update" and _contents(fake, "Long") == [[t.mbid for t in changed]]


def test_a_playlist_deleted_between_pushes_is_made_again(fake: FakeListenBrainz) -> None:
    memory = Memory()
    _sink(fake, memory).push(_tracks(3), profile_name=None, name="Gone")
    fake.playlists.clear()
    report = _sink(fake, memory).push(_tracks(3), profile_name=None, name="Gone")
    assert report.action == "recreated" and _contents(fake, "Gone") == [[_mbid(i) for i in range(3)]]


@pytest.mark.parametrize("prior", [True, False], ids=["update", "create"])
def test_a_push_killed_at_any_request_is_finished_exactly_by_the_next(fake: FakeListenBrainz, prior: bool) -> None:
    before = _tracks(130)
    after = _tracks(20, 500) + before[:110]
    counting = Killing()
    memory = Memory()
    if prior:
        _sink(fake, memory).push(before, profile_name=None, name="Probe")
    _sink(fake, memory, counting).push(after, profile_name=None, name="Probe")
    for at, killed_after in itertools.product(range(1, counting.count + 1), (False, True)):
        name = f"Killed {next(_names)}"
        memory = Memory()
        if prior:
            _sink(fake, memory).push(before, profile_name=None, name=name)
        with pytest.raises(Stop):
            _sink(fake, memory, Killing(at, killed_after)).push(after, profile_name=None, name=name)
        _sink(fake, Memory()).push(after, profile_name=None, name=name)  # even without the link
        assert _contents(fake, name) == [[t.mbid for t in after]], f"killed at request {at}"


def test_bad_token_is_one_line(fake: FakeListenBrainz) -> None:
    settings = ListenBrainzSettings(url=fake.url, token="wrong-token")
    sink = ServiceSink(ListenBrainzService(settings), Memory())
    with pytest.raises(CredentialsError, match="says the token is not valid") as caught:
        sink.push(_tracks(1), profile_name=None, name="X")
    assert "wrong-token" not in str(caught.value)
    assert fake.playlists == {}


def test_a_playlist_deleted_between_find_and_write_is_made_again(fake: FakeListenBrainz) -> None:
    """Deleted after moodseq found it (the read that follows finds nothing): made again, exact."""
    memory = Memory()
    _sink(fake, memory).push(_tracks(3), profile_name=None, name="Racy")
    service = ListenBrainzService(ListenBrainzSettings(url=fake.url, token=fake.token))
    original_find = service.find

    def find_then_delete(target: Any, remembered: str | None) -> str | None:
        found = original_find(target, remembered)
        fake.playlists.clear()
        return found

    service.find = find_then_delete  # type: ignore[method-assign]
    report = ServiceSink(service, memory).push(_tracks(4), profile_name=None, name="Racy")
    assert report.action == "recreated" and _contents(fake, "Racy") == [[_mbid(i) for i in range(4)]]
