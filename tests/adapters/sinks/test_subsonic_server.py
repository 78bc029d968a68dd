"""The Subsonic sink against a real Subsonic server (supysonic on 127.0.0.1, see this folder's conftest).

Push, push again (nothing changes, no second playlist), reorder, a playlist deleted between two
pushes, a push interrupted before or after every single request and then run again (always
exactly the sequence, always one playlist of that name), and the one-line errors.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
import requests

from sequencer.adapters.sinks.base import PlaylistMemory, ServiceSink
from sequencer.adapters.sinks.subsonic import SubsonicService
from sequencer.adapters.sinks.subsonic_client import SubsonicClient
from sequencer.adapters.spotify.links import JsonLinks
from sequencer.core.track import Track
from sequencer.errors import CredentialsError
from tests.fakes.subsonic_library import Server

_names = itertools.count(1)


def _name() -> str:
    """A playlist name no other test uses (the server lives for the whole session)."""
    return f"Night Drive {next(_names)} (moodseq)"


class Stop(Exception):
    """Stands for the process being killed at a chosen request."""


class KillingSession(requests.Session):
    """Raises :class:`Stop` before (or after) the ``at``-th request."""

    def __init__(self, at: int | None = None, after: bool = False) -> None:
        super().__init__()
        self.at, self.after, self.count = at, after, 0
        self.methods: list[str] = []

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        self.count += 1
        self.methods.append(url.rsplit("/", 1)[-1])
        if self.count == self.at and not self.after:
            raise Stop
        response = super().request(method, url, *args, **kwargs)
        if self.count == self.at and self.after:
            raise Stop
        return response


def _sink(server: Server, memory: PlaylistMemory, session: requests.Session | None = None) -> ServiceSink:
    return ServiceSink(SubsonicService(SubsonicClient(server.settings(), session=session)), memory)


def _titles(server: Server, name: str) -> list[list[str]]:
    """The titles of every playlist called ``name`` on the server (one list per playlist)."""
    client = SubsonicClient(server.settings())
    client.ping()
    found = []
    for playlist in client.playlists():
        if playlist.get("name") == name:
            full = client.playlist(str(playlist["id"]))
            assert full is not None
            found.append([str(entry["title"]) for entry in full.get("entry") or []])
    return found


def test_push_reports_placed_and_missing_then_repush_changes_nothing(subsonic_server: Server, tmp_path: Path) -> None:
    memory = JsonLinks(tmp_path / "links.json")
    tracks = [
        subsonic_server.tracks[3],  # by path
        Track(id="x1", title="Blush Response", artists=("Vangelis",), duration_s=6.0),  # by artist+title+duration
        Track(id="x2", title="Tears in Rain", artists=("Vangelis",), duration_s=100.0),  # not there
        subsonic_server.tracks[7],
        Track(id="x3", title="Nightcall", artists=("Kavinsky",), duration_s=250.0),  # duration too far off
    ]
    name = _name()
    report = _sink(subsonic_server, memory).push(tracks, profile_name="night-drive", name=name)
    assert (report.action, report.placed, report.total) == ("created", 3, 5)
    assert "3 of 5 placed; 2 not in the server's library: Vangelis - Tears in Rain, Kavinsky - Nightcall" in (
        report.summary()
    )
    assert _titles(subsonic_server, name) == [["Nightcall", "Blush Response", "Derezzed"]]
    again = _sink(subsonic_server, memory).push(tracks, profile_name="night-drive", name=name)
    assert again.action == "unchanged"
    assert _titles(subsonic_server, name) == [["Nightcall", "Blush Response", "Derezzed"]]


def test_reorder_and_shrink_replace_in_place(subsonic_server: Server, tmp_path: Path) -> None:
    memory = JsonLinks(tmp_path / "links.json")
    name = _name()
    tracks = subsonic_server.tracks
    _sink(subsonic_server, memory).push(tracks, profile_name=None, name=name)
    assert _titles(subsonic_server, name) == [[t.title for t in tracks]]
    shuffled = [tracks[i] for i in (9, 2, 5, 0)]
    report = _sink(subsonic_server, memory).push(shuffled, profile_name=None, name=name)
    assert report.action == "updated"
    assert _titles(subsonic_server, name) == [[t.title for t in shuffled]]
    plan = _sink(subsonic_server, memory).push(tracks, profile_name=None, name=name, dry_run=True)
    assert plan.action == "would update"
    assert _titles(subsonic_server, name) == [[t.title for t in shuffled]]


def test_a_playlist_deleted_between_pushes_is_made_again(subsonic_server: Server, tmp_path: Path) -> None:
    memory = JsonLinks(tmp_path / "links.json")
    name = _name()
    tracks = subsonic_server.tracks[:4]
    _sink(subsonic_server, memory).push(tracks, profile_name=None, name=name)
    client = SubsonicClient(subsonic_server.settings())
    client.ping()
    (playlist,) = [p for p in client.playlists() if p["name"] == name]
    client.call("deletePlaylist", {"id": playlist["id"]}, write=True)
    report = _sink(subsonic_server, memory).push(tracks, profile_name=None, name=name)
    assert report.action == "recreated"
    assert _titles(subsonic_server, name) == [[t.title for t in tracks]]


def _requests_of_a_first_push(server: Server, tracks: list[Track]) -> list[str]:
    """The Subsonic methods a first push calls, in order."""
    counting = KillingSession()
    name = _name()
    _sink(server, _MemoryDict(), counting).push(tracks, profile_name=None, name=name)
    _delete(server, name)
    return counting.methods


class _MemoryDict:
    """An in-memory playlist memory."""

    def __init__(self) -> None:
        self.links: dict[str, str] = {}

    def playlist_link(self, key: str) -> Any:
        return self.links.get(key)

    def set_playlist_link(self, key: str, *, playlist_id: str, name: str, snapshot_id: str | None) -> None:
        self.links[key] = playlist_id

    def delete_playlist_link(self, key: str) -> None:
        self.links.pop(key, None)


@pytest.mark.slow
def test_a_push_killed_at_any_request_is_finished_exactly_by_the_next(subsonic_server: Server) -> None:
    """Killed before each request from the first write on, and after each write (its answer
    lost), then pushed again."""
    tracks = [subsonic_server.tracks[i] for i in (4, 1, 8, 6)]
    methods = _requests_of_a_first_push(subsonic_server, tracks)
    assert {"createPlaylist", "updatePlaylist", "getPlaylist"} <= set(methods), methods
    writes = [at for at, method in enumerate(methods, start=1) if method in ("createPlaylist", "updatePlaylist")]
    # why: killed before the first write, nothing was written: one such kill stands for all of them
    kills = [(at, False) for at in range(writes[0], len(methods) + 1)] + [(at, True) for at in writes]
    for at, after in kills:
        memory = _MemoryDict()
        name = _name()
        with pytest.raises(Stop):
            _sink(subsonic_server, memory, KillingSession(at, after)).push(tracks, profile_name=None, name=name)
        report = _sink(subsonic_server, memory).push(tracks, profile_name=None, name=name)
        assert report.placed == 4
        forgetful = _sink(subsonic_server, _MemoryDict()).push(tracks, profile_name=None, name=name)
        assert forgetful.action == "unchanged", "a push that forgot its link finds the playlist again"
        where = f"killed {'after' if after else 'before'} request {at} ({methods[at - 1]})"
        assert _titles(subsonic_server, name) == [[t.title for t in tracks]], where
        _delete(subsonic_server, name)  # why: supysonic lists playlists in time linear in their number


def _delete(server: Server, name: str) -> None:
    client = SubsonicClient(server.settings())
    client.ping()
    for playlist in client.playlists():
        if playlist.get("name") == name:
            client.call("deletePlaylist", {"id": playlist["id"]}, write=True)


def test_wrong_password_is_one_line(subsonic_server: Server, tmp_path: Path) -> None:
    client = SubsonicClient(subsonic_server.settings(password="wrong"))
    sink = ServiceSink(SubsonicService(client), JsonLinks(tmp_path / "l.json"))
    with pytest.raises(CredentialsError, match="refused the login for user 'moodseq'") as caught:
        sink.push(subsonic_server.tracks[:2], profile_name=None, name=_name())
    assert "wrong" not in str(caught.value) and "wrong" not in (caught.value.hint or "")


def test_the_password_never_travels_in_a_url(subsonic_server: Server) -> None:
    seen: list[str] = []

    class Spy(requests.Session):
        def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
            seen.append(url + str(kwargs.get("params") or ""))
            return super().request(method, url, *args, **kwargs)

    client = SubsonicClient(subsonic_server.settings(), session=Spy())
    client.ping()
    client.playlists()
    assert seen and not any("sesame" in url or "736573616d65" in url for url in seen)


@pytest.mark.slow
def test_a_real_moodseq_push_killed_mid_way_is_finished_by_the_next(
    subsonic_server: Server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGKILL a real `moodseq push --to subsonic` process late in its run (at 75 and 95 % of
    the time a whole push takes here), then push again: exactly the sequence, once."""
    import json
    import os
    import signal
    import subprocess
    import sys
    import time

    monkeypatch.setenv("MOODSEQ_SUBSONIC_URL", subsonic_server.url)
    monkeypatch.setenv("MOODSEQ_SUBSONIC_USER", "moodseq")
    monkeypatch.setenv("MOODSEQ_SUBSONIC_PASSWORD", "sesame")
    tracks = [subsonic_server.tracks[i] for i in (2, 9, 0, 5)]
    entries = [{"title": t.title, "artists": list(t.artists), "duration_ms": 1000 * t.duration_s} for t in tracks]
    sequence = tmp_path / "s.json"
    sequence.write_text(json.dumps({"tracks": [e | {"path": t.path} for e, t in zip(entries, tracks, strict=True)]}))

    def command(name: str) -> list[str]:
        return [sys.executable, "-m", "sequencer", "push", str(sequence), "--to", "subsonic", "--name", name]

    probe = _name()
    started = time.monotonic()
    subprocess.run(command(probe), capture_output=True, timeout=60, env=dict(os.environ), check=True)
    whole = time.monotonic() - started
    _delete(subsonic_server, probe)
    for share in (0.75, 0.95):
        name = _name()
        process = subprocess.Popen(command(name), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            process.wait(timeout=whole * share)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
        finished = subprocess.run(command(name), capture_output=True, text=True, timeout=60, env=dict(os.environ))
        assert finished.returncode == 0, finished.stderr
        assert _titles(subsonic_server, name) == [[t.title for t in tracks]], f"killed at {share:.0%}"
        _delete(subsonic_server, name)
