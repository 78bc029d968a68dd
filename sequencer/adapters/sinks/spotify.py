"""Spotify as a :class:`~sequencer.adapters.sinks.base.Sink`: an adapter over the existing push.

Spotify's push (``sequencer/adapters/spotify/push.py``: marker, lost-answer recovery, chunked
writes, read-back) is kept exactly as it is; this module only turns its outcome into a
:class:`~sequencer.adapters.sinks.base.SinkReport`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sequencer.adapters.sinks.base import Progress, SinkReport
from sequencer.core.track import Track

MISSING = "not found on Spotify"


@dataclass
class SpotifySink:
    """Pushes through :func:`sequencer.adapters.spotify.service.push_tracks`."""

    client: Any
    links: Any
    cache: Any
    name: str = "spotify"
    pending: Any = None
    """The journal of unconfirmed playlist creates (``PendingCreates``): a create whose answer
    is lost is not repeated, so a push through the sinks leaves no duplicate either."""

    def push(
        self,
        tracks: Sequence[Track],
        *,
        profile_name: str | None,
        name: str | None,
        dry_run: bool = False,
        progress: Progress | None = None,
    ) -> SinkReport:
        """Resolve, push (or plan) and report."""
        from sequencer.adapters.spotify.service import push_tracks

        outcome = push_tracks(
            self.client,
            tracks,
            profile_name=profile_name,
            name=name,
            links=self.links,
            cache=self.cache,
            dry_run=dry_run,
            progress=progress,
            pending=self.pending,
        )
        resolution = outcome.resolution
        missing = [(track.name, MISSING) for track in resolution.unresolved]
        notes = []
        if resolution.searched:
            searched, cached = resolution.searched, resolution.cached
            notes.append(
                f"{searched:,} Spotify search{'' if searched == 1 else 'es'}; "
                f"{cached:,} answer{'' if cached == 1 else 's'} from the cache"
            )
        placed, total = len(resolution.uris), len(tracks)
        if outcome.plan is not None:
            plan = outcome.plan
            action = {"create": "would create", "unchanged": "would leave unchanged"}.get(plan.action, "would update")
            url = f"https://open.spotify.com/playlist/{plan.playlist_id}" if plan.playlist_id else None
            return SinkReport(self.name, plan.name, action, placed, total, missing, url, notes)
        result = outcome.result
        assert result is not None
        action = "created" if result.created else "updated"
        return SinkReport(self.name, result.name, action, placed, total, missing, result.url, notes)
