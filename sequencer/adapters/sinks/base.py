"""The one sink interface: where a sequence can be pushed, and the guarantees every push keeps.

Two levels:

- :class:`Sink` is what ``moodseq push --to NAME`` talks to: ``push(tracks, …) -> SinkReport``.
  Spotify implements it directly over its own (separately hardened) push.
- :class:`PlaylistService` is the small set of operations a playlist server offers — who am I,
  match tracks to the server's items, find a playlist by id or marker, create one, replace its
  items in place, read them back.  :class:`ServiceSink` turns any PlaylistService into a Sink
  with :func:`sync`: find-or-create by name and marker, replace, read back, verify, repair a few
  times, recreate a playlist deleted between two pushes.  Subsonic and ListenBrainz are
  PlaylistServices, so a third (Jellyfin, Plex) is one module of six methods.

Every step starts from what is on the server, not from memory, so a push stopped anywhere and
run again ends with exactly the intended playlist, and never with a second playlist of that name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sequencer.core.track import Track
from sequencer.errors import RemoteServiceError

Progress = Callable[[int, int], None]

REPAIR_ROUNDS = 3
"""Replace-and-verify rounds before a push gives up."""
SHOW_MISSING = 10
"""How many left-out tracks a report names before "… and N more"."""


class PlaylistMemory(Protocol):
    """Which playlist is ours, per key (the library's ``playlist_links``, or a JSON file)."""

    def playlist_link(self, key: str) -> Any:
        """The remembered link for ``key`` (None when there is none)."""

    def set_playlist_link(self, key: str, *, playlist_id: str, name: str, snapshot_id: str | None) -> None:
        """Remember that ``key``'s playlist is ``playlist_id``."""

    def delete_playlist_link(self, key: str) -> None:
        """Forget ``key``'s playlist."""


@dataclass(frozen=True)
class Target:
    """The playlist a push writes: its memory key, visible name and description with a marker."""

    key: str
    name: str
    description: str
    marker: str


def default_name(profile_name: str | None) -> str:
    """``night-drive`` → ``Night Drive (moodseq)``."""
    if not profile_name:
        return "moodseq playlist"
    return f"{profile_name.replace('-', ' ').replace('_', ' ').title()} (moodseq)"


def make_target(sink: str, account: str, profile_name: str | None, name: str | None) -> Target:
    """The target for ``account`` on ``sink`` pushing ``profile_name`` as ``name``."""
    title = name or default_name(profile_name)
    key = f"{sink}:{account}:{profile_name or '-'}:{title}"
    marker = "moodseq:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    origin = f"the {profile_name} profile" if profile_name else "a saved sequence"
    return Target(key=key, name=title, description=f"Made by moodseq from {origin}. [{marker}]", marker=marker)


@dataclass(frozen=True)
class Matching:
    """Tracks matched to a server's items: ``items`` in sequence order (the matched ones), and
    each left-out track with why."""

    items: list[str]
    missing: list[tuple[Track, str]] = field(default_factory=list)


@dataclass(frozen=True)
class SinkReport:
    """What one push (or dry run) did on one sink."""

    sink: str
    """``spotify``, ``subsonic``, ``listenbrainz``…"""
    playlist: str
    """The playlist's name."""
    action: str
    """created, updated, unchanged (nothing to write), recreated; "would create"… for dry runs."""
    placed: int
    total: int
    missing: list[tuple[str, str]] = field(default_factory=list)
    """(track name, why) for every track left out."""
    url: str | None = None
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """``subsonic: updated 'Night Drive (moodseq)': 78 of 80 placed; 2 not in the server's library: …``."""
        head = f"{self.sink}: {self.action} {self.playlist!r}: {self.placed} of {self.total} placed"
        if not self.missing:
            return head + (f" ({self.url})" if self.url else "")
        reasons: dict[str, list[str]] = {}
        for track, why in self.missing:
            reasons.setdefault(why, []).append(track)
        parts = []
        for why, names in reasons.items():
            shown = ", ".join(names[:SHOW_MISSING])
            more = f" … and {len(names) - SHOW_MISSING} more" if len(names) > SHOW_MISSING else ""
            parts.append(f"{len(names)} {why}: {shown}{more}")
        return head + "; " + "; ".join(parts) + (f" ({self.url})" if self.url else "")


class Sink(Protocol):
    """Something a sequence can be pushed to (``moodseq push --to NAME``)."""

    @property
    def name(self) -> str:
        """``spotify``, ``subsonic``…"""

    def push(
        self,
        tracks: Sequence[Track],
        *,
        profile_name: str | None,
        name: str | None,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> SinkReport:
        """Make the playlist hold exactly the matched ``tracks`` (or say what would change)."""


class PlaylistService(Protocol):
    """The operations of one playlist server; :class:`ServiceSink` builds a push from them.

    ``read`` returns None when the playlist no longer exists; every other failure raises a
    :class:`~sequencer.errors.MoodseqError` (one line, with a hint).
    """

    name: str
    missing_reason: str
    """Why an unmatched track is left out ("not in the server's library")."""

    def account(self) -> str:
        """Who we are on the server (checks the URL and credentials)."""

    def match(self, tracks: Sequence[Track]) -> Matching:
        """The server's item for each track, where it has one."""

    def find(self, target: Target, remembered: str | None) -> str | None:
        """Our playlist's id: ``remembered`` if it still exists, else one carrying the marker."""

    def create(self, target: Target) -> str:
        """Create an empty playlist for ``target`` and return its id."""

    def replace(self, playlist_id: str, items: list[str], target: Target) -> None:
        """Make the playlist hold exactly ``items`` (and ``target``'s name and description)."""

    def read(self, playlist_id: str) -> list[str] | None:
        """The playlist's items in order, or None when it is gone."""

    def url(self, playlist_id: str) -> str | None:
        """Where a person opens the playlist, if anywhere."""


def remembered_id(memory: PlaylistMemory, key: str) -> str | None:
    """The remembered playlist id for ``key`` in whatever shape the memory keeps it."""
    link = memory.playlist_link(key)
    if link is None:
        return None
    if isinstance(link, str):
        return link
    value = link.get("playlist_id") if isinstance(link, dict) else getattr(link, "playlist_id", None)
    return str(value) if value else None


def sync(
    service: PlaylistService, memory: PlaylistMemory, target: Target, items: list[str], progress: Progress | None
) -> tuple[str, str]:
    """Make ``target``'s playlist hold exactly ``items``: (playlist id, action)."""
    playlist_id = service.find(target, remembered_id(memory, target.key))
    action = "updated"
    if playlist_id is None:
        action = "recreated" if remembered_id(memory, target.key) else "created"
        playlist_id = service.create(target)
    memory.set_playlist_link(target.key, playlist_id=playlist_id, name=target.name, snapshot_id=None)
    if action == "updated":
        current = service.read(playlist_id)
        if current == items:
            return playlist_id, "unchanged"
        if current is None:  # deleted just after we found it
            playlist_id, action = service.create(target), "recreated"
            memory.set_playlist_link(target.key, playlist_id=playlist_id, name=target.name, snapshot_id=None)
    for _ in range(REPAIR_ROUNDS):
        service.replace(playlist_id, items, target)
        if progress is not None:
            progress(len(items), len(items))
        got = service.read(playlist_id)
        if got is None:  # deleted while we wrote: make it again
            playlist_id = service.create(target)
            memory.set_playlist_link(target.key, playlist_id=playlist_id, name=target.name, snapshot_id=None)
            action = "recreated"
            continue
        if got == items:
            return playlist_id, action
    raise RemoteServiceError(
        f"the {service.name} playlist {target.name!r} did not match the sequence after {REPAIR_ROUNDS} tries",
        hint="make sure nothing else edits the playlist, then push again",
    )


@dataclass
class ServiceSink:
    """A :class:`Sink` over any :class:`PlaylistService`."""

    service: PlaylistService
    memory: PlaylistMemory

    @property
    def name(self) -> str:
        """The service's name."""
        return self.service.name

    def push(
        self,
        tracks: Sequence[Track],
        *,
        profile_name: str | None,
        name: str | None,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> SinkReport:
        """Match, then find-or-create, replace, read back and verify (or only look, ``dry_run``)."""
        service = self.service
        account = service.account()
        matching = service.match(tracks)
        missing = [(track.name, why) for track, why in matching.missing]
        target = make_target(service.name, account, profile_name, name)
        if tracks and not matching.items:
            raise RemoteServiceError(
                f"none of the {len(tracks)} tracks could be placed on {service.name}",
                hint=f"each was {matching.missing[0][1]}; check the server's library and the tracks' tags",
            )
        if dry_run:
            found = service.find(target, remembered_id(self.memory, target.key))
            current = service.read(found) if found is not None else None
            if current is None:
                action = "would create"
            else:
                action = "would leave unchanged" if current == matching.items else "would update"
            url = service.url(found) if found is not None else None
        else:
            playlist_id, action = sync(service, self.memory, target, matching.items, progress)
            url = service.url(playlist_id)
        return SinkReport(service.name, target.name, action, len(matching.items), len(tracks), missing, url)
