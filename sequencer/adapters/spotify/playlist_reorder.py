"""Reorder a Spotify playlist: read it, find the order that flows best, write it back if asked.

The use case behind `moodseq reorder --playlist URI [--push] [--dry-run]`; the command only
parses and prints.

- Reading: :func:`~sequencer.adapters.spotify.playlist_source.fetch_playlist` (pages of ≤ 50,
  every page, under the client's retry policy), tracks enriched from the library by URI.
- Ordering: :func:`sequencer.core.build.reorder_tracks` on the tracks in a canonical order
  (sorted by URI, ends kept with ``keep_ends``), so the result depends on *which* tracks the
  playlist holds, not on their current order; and the current order is kept unless the new
  one is strictly smoother.  Together these make a second run a no-op: it finds the order it
  wrote, nothing changes, nothing is written.
- Writing: :func:`~sequencer.adapters.spotify.playlist_rewrite.rewrite_playlist` (the push
  module's PUT + POST chunks + read-back), journaled so that a run stopped mid-write is
  finished by the next run instead of reordering a partial playlist.

Public: :class:`PlaylistReorder`, :func:`reorder_playlist`, :func:`push_reorder`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sequencer.adapters.spotify.client import SpotifyClient
from sequencer.adapters.spotify.playlist_rewrite import (
    Journal,
    RewritePlan,
    RewriteResult,
    plan_rewrite,
    resumable,
    rewrite_playlist,
)
from sequencer.adapters.spotify.playlist_source import (
    RemotePlaylist,
    fetch_playlist,
    library_tracks_by_uri,
    with_library_attributes,
)
from sequencer.core.profile import Profile
from sequencer.core.sequence import Sequence, make_sequence
from sequencer.core.track import Track
from sequencer.errors import RemoteServiceError

Progress = Callable[[int, int], None]

#: The new order replaces the current one only when its flow cost is lower by more than this.
MIN_GAIN = 1e-9


@dataclass(frozen=True)
class PlaylistReorder:
    """A playlist as read, its current and best order, and what the user should know."""

    playlist: RemotePlaylist
    before: Sequence
    after: Sequence
    unknown: int
    """Tracks with no moods and no attributes (neither Spotify nor the library knew them)."""
    from_library: int
    """Tracks whose moods/attributes came from the library."""
    pending: list[str] | None = None
    """The order an interrupted ``--push`` was writing (to be finished), if any."""

    @property
    def uris(self) -> list[str]:
        """The new order as Spotify URIs."""
        return [str(t.uri) for t in self.after.tracks]


def _canonical(tracks: list[Track], keep_ends: bool) -> list[Track]:
    """The tracks sorted by URI (ends in place with ``keep_ends``): an input order that does
    not depend on the playlist's current order."""

    def key(track: Track) -> str:
        return str(track.uri or track.id)

    if keep_ends and len(tracks) > 2:
        return [tracks[0], *sorted(tracks[1:-1], key=key), tracks[-1]]
    return sorted(tracks, key=key)


def reorder_playlist(
    client: SpotifyClient,
    ref: str,
    profile: Profile,
    *,
    seed: int | None,
    keep_ends: bool,
    library_path: Path | None,
    journal: Journal,
    flow_only: bool = False,
) -> PlaylistReorder:
    """Read the playlist ``ref`` and find its best order on the profile's objective (or the
    smoothest, ``flow_only``); nothing is written."""
    from sequencer.core.build import gap_warnings, reorder_tracks

    remote = fetch_playlist(client, ref)
    known: dict[str, Track] = {}
    if library_path is not None and library_path.is_file():
        from sequencer.adapters.library.store import Store

        with Store.open(library_path) as store:
            known = library_tracks_by_uri(store, [t.uri or "" for t in remote.tracks])
    tracks, unknown = with_library_attributes(remote.tracks, known)
    before = make_sequence(tracks, profile, seed=seed, mode="reorder")
    after = reorder_tracks(_canonical(tracks, keep_ends), profile, seed=seed, keep_ends=keep_ends, flow_only=flow_only)
    figure = "flow_cost" if flow_only else "total"
    if getattr(after.score, figure) >= getattr(before.score, figure) - MIN_GAIN:
        # the current order stays: its own artist-gap breaks, not those of the order turned down
        warnings = gap_warnings(tracks, profile.constraints.artist_gap)
        after = make_sequence(tracks, profile, seed=seed, mode="reorder", warnings=warnings)
    pending = journal.pending(remote.id)
    if not resumable(pending, remote.uris) or pending == remote.uris:
        pending = None
    return PlaylistReorder(
        playlist=remote,
        before=before,
        after=after,
        unknown=unknown,
        from_library=sum(1 for t in remote.tracks if t.uri in known),
        pending=pending,
    )


def _check_writable(found: PlaylistReorder) -> None:
    """Refuse a write that would lose items.  (Whether the user may change the playlist is
    Spotify's call: it lets apps read only playlists one owns or collaborates on, and a
    refused write is explained by the client's ForbiddenError.)"""
    remote = found.playlist
    if remote.skipped:
        raise RemoteServiceError(
            f"the playlist {remote.name!r} holds {remote.skipped} item(s) moodseq cannot reorder "
            "(local files, podcast episodes or unavailable tracks); writing the new order would drop them",
            hint="reorder without --push and use the -o file, or remove those items first",
        )


def push_reorder(
    client: SpotifyClient, found: PlaylistReorder, journal: Journal, *, dry_run: bool, progress: Progress | None = None
) -> RewritePlan | RewriteResult:
    """Write the new order (or, after an interrupted run, the order it was writing) back into
    the same playlist; with ``dry_run`` only say what would change."""
    _check_writable(found)
    remote = found.playlist
    wanted = found.pending if found.pending is not None else found.uris
    if dry_run:
        return plan_rewrite(remote.uris, wanted)
    return rewrite_playlist(client, remote.id, remote.uris, wanted, journal, progress=progress)
