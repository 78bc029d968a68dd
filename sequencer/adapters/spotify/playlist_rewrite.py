"""Write a new order back into an existing Spotify playlist (`moodseq reorder --playlist --push`).

The writing itself is the push module's: ``PUT`` the first ≤ 100 URIs, ``POST`` the rest in
chunks of ≤ 100, lost answers checked by reading the tail back, then the whole playlist read
back and compared, repairing a few rounds — the same steps and the same write function as
:func:`sequencer.adapters.spotify.push.push_uris`, here for a playlist that already exists.

What is special here is that the playlist being rewritten is also the *input*: a run stopped
between the ``PUT`` and the last ``POST`` leaves only part of the playlist on Spotify, and
reordering that part again would lose the rest.  So before the first write the intended order
is saved in a small journal file (per playlist, in moodseq's data folder); the next run finds
it and finishes that order instead of reordering a partial playlist.  The journal is removed
once the playlist reads back exactly right.  A journal whose playlist has since gained tracks
it does not know is stale (the user edited the playlist) and is ignored.

Public: :class:`RewritePlan`, :class:`RewriteResult`, :class:`Journal`, :func:`plan_rewrite`,
:func:`rewrite_playlist`.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sequencer.adapters.spotify.client import SpotifyClient
from sequencer.adapters.spotify.push import REPAIR_ROUNDS
from sequencer.adapters.spotify.push import write_items as write_chunks
from sequencer.errors import RemoteServiceError

Progress = Callable[[int, int], None]


class Journal:
    """The intended order of playlists being rewritten, one JSON file per playlist."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _path(self, playlist_id: str) -> Path:
        return self.folder / f"{playlist_id}.json"

    def pending(self, playlist_id: str) -> list[str] | None:
        """The order an unfinished rewrite of ``playlist_id`` was writing (None if none)."""
        try:
            data: Any = json.loads(self._path(playlist_id).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        uris = data.get("uris") if isinstance(data, dict) else None
        if not isinstance(uris, list) or not all(isinstance(u, str) for u in uris):
            return None
        return list(uris)

    def begin(self, playlist_id: str, uris: Sequence[str]) -> None:
        """Record the order about to be written (atomically: a crash leaves old or new)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".journal-", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump({"playlist_id": playlist_id, "uris": list(uris)}, handle)
        Path(tmp).replace(self._path(playlist_id))

    def finish(self, playlist_id: str) -> None:
        """Forget the rewrite of ``playlist_id`` (it is done)."""
        self._path(playlist_id).unlink(missing_ok=True)


def resumable(pending: Sequence[str] | None, current: Sequence[str]) -> bool:
    """Whether ``current`` (the playlist now) can be a stopped write of ``pending``: it holds
    nothing the pending order does not (a PUT and some POSTs of it, or the old order, which
    holds the same tracks)."""
    if pending is None:
        return False
    have, want = Counter(current), Counter(pending)
    return all(want[u] >= n for u, n in have.items())


@dataclass(frozen=True)
class RewritePlan:
    """What a rewrite would do (``--dry-run``)."""

    tracks: int
    moved: int
    """Tracks whose position changes."""

    @property
    def unchanged(self) -> bool:
        """Whether the playlist already has this order."""
        return self.moved == 0


@dataclass(frozen=True)
class RewriteResult:
    """What a rewrite did."""

    tracks: int
    moved: int
    written: bool
    """False when the playlist already had the order (nothing was sent)."""
    rounds: int
    recoveries: int
    snapshot_id: str | None


def plan_rewrite(current: Sequence[str], uris: Sequence[str]) -> RewritePlan:
    """Compare the playlist now with the new order (nothing is read or written)."""
    moved = sum(1 for a, b in zip(current, uris, strict=False) if a != b) + abs(len(current) - len(uris))
    return RewritePlan(tracks=len(uris), moved=moved)


def rewrite_playlist(
    client: SpotifyClient,
    playlist_id: str,
    current: Sequence[str],
    uris: Sequence[str],
    journal: Journal,
    *,
    progress: Progress | None = None,
) -> RewriteResult:
    """Make the playlist hold exactly ``uris``, verified by reading back; journaled.

    ``current`` is the playlist as just read.  Writing nothing when it already matches keeps a
    repeated run free of writes (and of new snapshot ids).
    """
    wanted = list(uris)
    plan = plan_rewrite(current, wanted)
    if plan.unchanged:
        journal.finish(playlist_id)
        return RewriteResult(len(wanted), 0, False, 0, 0, None)
    journal.begin(playlist_id, wanted)
    counters: dict[str, Any] = {"recoveries": 0, "snapshot": None}
    for rounds in range(1, REPAIR_ROUNDS + 1):
        write_chunks(client, playlist_id, wanted, counters, progress)
        if client.playlist_uris(playlist_id) == wanted:
            journal.finish(playlist_id)
            return RewriteResult(len(wanted), plan.moved, True, rounds, counters["recoveries"], counters["snapshot"])
    raise RemoteServiceError(
        f"the Spotify playlist {playlist_id} did not hold the new order after {REPAIR_ROUNDS} tries",
        hint="make sure nothing else edits the playlist, then run the same command again "
        "(it finishes the order it was writing)",
    )
