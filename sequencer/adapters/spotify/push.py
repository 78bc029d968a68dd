"""Idempotent push: a sequence becomes exactly one Spotify playlist, however often it fails.

The library remembers, per *key* (Spotify user + profile + playlist name), which playlist is
ours; the playlist's description carries a marker made from the key, so the playlist can be
found again even when the library forgot it (or a create's answer was lost).

One push:

1. find the playlist: the remembered id if it still exists and the user still follows it
   (deleting a playlist in Spotify only unfollows it), else one of the user's playlists whose
   description carries our marker, else ``POST /me/playlists`` — recorded first in
   :class:`~.pending.PendingCreates`; when that POST's answer is lost, the list is read again
   a few times (it may lag), and if the playlist is still not there the run stops: no second
   create is sent until the record is :data:`~.pending.WAIT_S` old, and later runs look for the
   playlist first and remove late duplicates carrying the marker (0 duplicates);
2. write: ``PUT`` the first ≤ 100 URIs (a PUT sets the whole state: safe to repeat), then
   ``POST`` the rest in chunks of ≤ 100; when an append's answer is lost, read the tail back:
   if it holds the chunk, go on; if not, send it again; anything else, start over from the PUT;
3. verify: read the whole playlist back and compare it with the sequence, repairing (from step
   2) at most a few times.

Stopping anywhere (a crash, Ctrl-C, QUOTA_EXCEEDED) and running the push again ends with
exactly the intended playlist: every step starts from what is on Spotify, not from memory.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from sequencer.adapters.spotify.client import MAX_URIS, SpotifyClient
from sequencer.adapters.spotify.errors import ForbiddenError, NotFoundError, UncertainWriteError
from sequencer.adapters.spotify.pending import PendingCreates
from sequencer.errors import RemoteServiceError

Progress = Callable[[int, int], None]

REPAIR_ROUNDS = 4
"""Full write-and-verify rounds before a push gives up."""
RECHECK_S = (1.0, 2.0, 4.0)
"""Pauses before reading the playlist list again after a create's answer was lost."""


class PlaylistMemory(Protocol):
    """What push needs from the library: the key → playlist links."""

    def playlist_link(self, key: str) -> Any:
        """The remembered link for ``key`` (None when there is none)."""

    def set_playlist_link(self, key: str, *, playlist_id: str, name: str, snapshot_id: str | None) -> None:
        """Remember that ``key``'s playlist is ``playlist_id``."""

    def delete_playlist_link(self, key: str) -> None:
        """Forget ``key``'s playlist."""


def link_id(link: Any) -> str | None:
    """The playlist id in whatever the store returned (dict, object, tuple or str)."""
    if link is None:
        return None
    if isinstance(link, str):
        return link
    if isinstance(link, dict):
        value = link.get("playlist_id")
    elif isinstance(link, tuple):
        value = link[0] if link else None
    else:
        value = getattr(link, "playlist_id", None)
    return str(value) if value else None


@dataclass(frozen=True)
class PushTarget:
    """Which playlist a push writes: its key, name and description (with the marker)."""

    key: str
    name: str
    description: str
    marker: str


def default_name(profile_name: str | None) -> str:
    """``night-drive`` → ``Night Drive (moodseq)``."""
    if not profile_name:
        return "moodseq playlist"
    return f"{profile_name.replace('-', ' ').replace('_', ' ').title()} (moodseq)"


def push_target(user_id: str, profile_name: str | None, name: str | None) -> PushTarget:
    """The target for ``user_id`` pushing ``profile_name`` as ``name`` (default from the profile)."""
    title = name or default_name(profile_name)
    key = f"spotify:{user_id}:{profile_name or '-'}:{title}"
    marker = "moodseq:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]
    origin = f"the {profile_name} profile" if profile_name else "a saved sequence"
    description = f"Made by moodseq from {origin}. [{marker}]"
    return PushTarget(key=key, name=title, description=description, marker=marker)


@dataclass(frozen=True)
class PushResult:
    """What a push did."""

    playlist_id: str
    name: str
    created: bool
    tracks: int
    snapshot_id: str | None
    rounds: int
    """Write-and-verify rounds (1 when nothing went wrong)."""
    recoveries: int
    """Lost answers that were checked by reading back."""
    duplicates_removed: int = 0
    """Extra playlists with our marker (from a create applied too late) that were removed."""

    @property
    def url(self) -> str:
        """Where to open the playlist."""
        return f"https://open.spotify.com/playlist/{self.playlist_id}"


@dataclass(frozen=True)
class PushPlan:
    """What a push would do (``--dry-run``): nothing is written to get it."""

    action: str
    """"create", "update" or "unchanged"."""
    name: str
    playlist_id: str | None
    current: int
    target: int
    added: int
    removed: int
    reordered: bool


def _alive(client: SpotifyClient, playlist_id: str, user_id: str) -> dict[str, Any] | None:
    """The playlist if it still exists, is the user's and is followed; else None."""
    try:
        details = client.playlist(playlist_id)
    except (NotFoundError, ForbiddenError):
        return None
    owner = (details.get("owner") or {}).get("id")
    if owner not in (None, user_id) or not client.follows(playlist_id):
        return None
    return details


def _marked(client: SpotifyClient, target: PushTarget, user_id: str) -> list[dict[str, Any]]:
    """The user's playlists whose description carries the target's marker (normally ≤ 1)."""
    found = []
    for playlist in client.my_playlists():
        if not playlist:
            continue
        owner = (playlist.get("owner") or {}).get("id")
        if target.marker in (playlist.get("description") or "") and owner in (None, user_id):
            found.append(playlist)
    return found


@dataclass
class _Found:
    """The playlist a push writes, and any other playlists carrying our marker."""

    playlist: dict[str, Any]
    created: bool
    others: list[str]
    uncertain_create: bool = False


def find_playlist(
    client: SpotifyClient, memory: PlaylistMemory, target: PushTarget, user_id: str, *, forget_dead: bool = True
) -> dict[str, Any] | None:
    """Our existing playlist for ``target`` (remembered, or found by marker), or None."""
    found = _find(client, memory, target, user_id, forget_dead=forget_dead)
    return None if found is None else found.playlist


def _find(
    client: SpotifyClient, memory: PlaylistMemory, target: PushTarget, user_id: str, *, forget_dead: bool = True
) -> _Found | None:
    remembered = link_id(memory.playlist_link(target.key))
    if remembered:
        details = _alive(client, remembered, user_id)
        if details is not None:
            return _Found(details, created=False, others=[])
        if forget_dead:
            memory.delete_playlist_link(target.key)
    marked = _marked(client, target, user_id)
    if not marked:
        return None
    return _Found(marked[0], created=False, others=[str(p["id"]) for p in marked[1:]])


def _ensure_playlist(
    client: SpotifyClient,
    memory: PlaylistMemory,
    target: PushTarget,
    user_id: str,
    counters: dict[str, Any],
    pending: PendingCreates,
) -> _Found:
    """Find or create the playlist; a lost create answer never leads to a second playlist."""
    found = _find(client, memory, target, user_id)
    if found is None and pending.blocks_create(target.key):
        found = _recheck(client, target, user_id)
        if found is None:
            raise _not_confirmed(target, pending)
    if found is not None:
        found.uncertain_create = pending.since(target.key) is not None  # look for late duplicates
        return found
    earlier = pending.begin(target.key)
    try:
        created = client.create_playlist(target.name, target.description)
    except UncertainWriteError:
        counters["recoveries"] += 1
        found = _recheck(client, target, user_id)
        if found is None:
            raise _not_confirmed(target, pending) from None
        found.created = found.uncertain_create = True
        return found
    pending.confirmed(target.key, earlier)
    return _Found(created, True, [], earlier is not None)


def _recheck(client: SpotifyClient, target: PushTarget, user_id: str) -> _Found | None:
    """Read the playlist list again a few times (it lags behind creates); our playlist, if seen."""
    for pause in RECHECK_S:
        client.policy.sleep(pause)
        marked = _marked(client, target, user_id)
        if marked:
            return _Found(marked[0], False, [str(p["id"]) for p in marked[1:]], True)
    return None


def _not_confirmed(target: PushTarget, pending: PendingCreates) -> RemoteServiceError:
    """The error for a create Spotify has not confirmed and does not list yet."""
    at = time.strftime("%H:%M", time.localtime(pending.retry_at(target.key)))
    return RemoteServiceError(
        f"Spotify did not confirm creating the playlist {target.name!r} and does not list it yet "
        "(its list can lag behind)",
        hint=f"run the same command again in a few minutes: moodseq looks for that playlist first "
        f"and creates none before {at}, so no duplicate is left",
    )


def _remove_others(client: SpotifyClient, found: _Found, target: PushTarget, user_id: str) -> int:
    """Remove (unfollow) extra playlists with our marker — left by a create that was applied
    after we had given up on it.  Only playlists carrying this target's marker are touched."""
    keep = str(found.playlist["id"])
    others = set(found.others)
    if found.uncertain_create:
        others |= {str(p["id"]) for p in _marked(client, target, user_id)}
    others.discard(keep)
    removed = 0
    for playlist_id in sorted(others):
        try:
            client.unfollow(playlist_id)
        except ForbiddenError:
            continue
        removed += 1
    return removed


def _append(client: SpotifyClient, playlist_id: str, uris: list[str], done: int, counters: dict[str, Any]) -> int:
    """Append ``uris[done:done+100]``; return how many of ``uris`` are now in place.

    When the answer is lost, the tail is read back: 0 means "start over from the PUT".
    """
    chunk = uris[done : done + MAX_URIS]
    try:
        counters["snapshot"] = client.add_items(playlist_id, chunk)
    except UncertainWriteError:
        counters["snapshot"] = None
        counters["recoveries"] += 1
        tail = client.playlist_uris(playlist_id, offset=done)
        if not tail:
            return done  # not applied: send it again
        if tail == chunk:
            return done + len(chunk)  # applied; only the answer was lost
        return 0  # something else is there: rewrite from the start
    return done + len(chunk)


def write_items(
    client: SpotifyClient, playlist_id: str, uris: list[str], counters: dict[str, Any], progress: Progress | None
) -> None:
    """PUT the first ≤ 100, then append the rest in chunks of ≤ 100, checking lost answers."""
    done = 0
    restarts = 0
    while True:
        if done == 0:
            counters["snapshot"] = client.replace_items(playlist_id, uris[:MAX_URIS])
            done = min(MAX_URIS, len(uris))
        if progress is not None:
            progress(done, len(uris))
        if done >= len(uris):
            return
        done = _append(client, playlist_id, uris, done, counters)
        if done == 0:
            restarts += 1
            if restarts > REPAIR_ROUNDS:
                raise RemoteServiceError(
                    "the Spotify playlist keeps changing while moodseq writes it",
                    hint="make sure nothing else edits the playlist, then push again",
                )


def push_uris(
    client: SpotifyClient,
    memory: PlaylistMemory,
    target: PushTarget,
    uris: list[str],
    *,
    user_id: str | None = None,
    progress: Progress | None = None,
    pending: PendingCreates | None = None,
) -> PushResult:
    """Make ``target``'s playlist hold exactly ``uris``, in order; verified by reading back.

    ``pending`` remembers unconfirmed creates across runs (in memory when None)."""
    user = user_id or str(client.me()["id"])
    pending = pending if pending is not None else PendingCreates()
    counters: dict[str, Any] = {"recoveries": 0, "snapshot": None}
    found = _ensure_playlist(client, memory, target, user, counters, pending)
    playlist, created = found.playlist, found.created
    playlist_id = str(playlist["id"])
    memory.set_playlist_link(
        target.key, playlist_id=playlist_id, name=target.name, snapshot_id=playlist.get("snapshot_id")
    )
    if not created and (playlist.get("name") != target.name or playlist.get("description") != target.description):
        client.change_details(playlist_id, target.name, target.description)
    for rounds in range(1, REPAIR_ROUNDS + 1):
        write_items(client, playlist_id, uris, counters, progress)
        if client.playlist_uris(playlist_id) == uris:
            removed = _remove_others(client, found, target, user)
            pending.settle(target.key)
            snapshot = counters["snapshot"] or client.playlist(playlist_id).get("snapshot_id")
            memory.set_playlist_link(target.key, playlist_id=playlist_id, name=target.name, snapshot_id=snapshot)
            return PushResult(
                playlist_id=playlist_id,
                name=target.name,
                created=created,
                tracks=len(uris),
                snapshot_id=snapshot,
                rounds=rounds,
                recoveries=counters["recoveries"],
                duplicates_removed=removed,
            )
    raise RemoteServiceError(
        f"the Spotify playlist {target.name!r} did not match the sequence after {REPAIR_ROUNDS} tries",
        hint="make sure nothing else edits the playlist, then push again",
    )


def plan_push(
    client: SpotifyClient, memory: PlaylistMemory, target: PushTarget, uris: list[str], *, user_id: str | None = None
) -> PushPlan:
    """What :func:`push_uris` would change, found by reading only."""
    user = user_id or str(client.me()["id"])
    found = find_playlist(client, memory, target, user, forget_dead=False)
    if found is None:
        return PushPlan("create", target.name, None, 0, len(uris), len(uris), 0, False)
    current = client.playlist_uris(str(found["id"]))
    wanted = set(uris)
    have = set(current)
    added = sum(1 for u in uris if u not in have)
    removed = sum(1 for u in current if u not in wanted)
    common_now = [u for u in current if u in wanted]
    common_new = [u for u in uris if u in have]
    action = "unchanged" if current == uris else "update"
    return PushPlan(
        action, target.name, str(found["id"]), len(current), len(uris), added, removed, common_now != common_new
    )
