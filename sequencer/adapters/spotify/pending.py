"""Playlist creates whose answer was lost, remembered across runs (``spotify-pending.json``).

When ``POST /me/playlists`` is sent but no answer comes back (a 503 after the server applied
it, a dropped connection), the playlist may exist — and Spotify's list of the user's playlists
can lag behind for a while, so "not in the list" does not mean "not created".  Creating again
would leave an empty duplicate each run.  So push records the create here *before* sending it,
and while a record is fresh (:data:`WAIT_S`) no run creates again: each run looks for the
playlist by its marker first, and says when it will try anew.  A record is kept for
:data:`SETTLE_S`, during which every push also looks for late duplicates carrying the marker
and removes them; then it is forgotten.

The file is written atomically; an unreadable one counts as empty (it only ever prevents a
create, it never causes a write).
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

WAIT_S = 10 * 60
"""How long after an unconfirmed create no second create is sent (Spotify's list may lag)."""
SETTLE_S = 24 * 3600
"""How long pushes keep looking for late duplicates of an unconfirmed create."""


class PendingCreates:
    """Unconfirmed creates by push key: a JSON file, or memory when ``path`` is None."""

    def __init__(self, path: Path | None = None, clock: Callable[[], float] = time.time) -> None:
        self.path = path
        self.clock = clock
        self._memory: dict[str, float] = {}

    def _load(self) -> dict[str, float]:
        if self.path is None:
            return dict(self._memory)
        try:
            data: Any = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        if not isinstance(data, dict):
            return {}
        return {k: float(v) for k, v in data.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}

    def _save(self, data: dict[str, float]) -> None:
        if self.path is None:
            self._memory = dict(data)
            return
        if not data:
            with contextlib.suppress(FileNotFoundError):
                self.path.unlink()
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(self.path)

    def since(self, key: str) -> float | None:
        """When an unconfirmed create for ``key`` was sent (None when there is none)."""
        return self._load().get(key)

    def blocks_create(self, key: str) -> bool:
        """Whether a create for ``key`` must wait (an unconfirmed one is still fresh)."""
        since = self.since(key)
        return since is not None and self.clock() - since < WAIT_S

    def retry_at(self, key: str) -> float:
        """When a new create for ``key`` will be allowed."""
        return (self.since(key) or self.clock()) + WAIT_S

    def begin(self, key: str) -> float | None:
        """Record a create about to be sent; return the earlier record (None if none)."""
        data = self._load()
        earlier = data.get(key)
        data[key] = self.clock()
        self._save(data)
        return earlier

    def settle(self, key: str) -> None:
        """Forget ``key``'s record once it is older than :data:`SETTLE_S`."""
        data = self._load()
        since = data.get(key)
        if since is not None and self.clock() - since >= SETTLE_S:
            del data[key]
            self._save(data)

    def confirmed(self, key: str, earlier: float | None) -> None:
        """The create was answered: drop the record it made, back to the ``earlier`` one (an
        older unconfirmed create may still show up late, so that one stays)."""
        data = self._load()
        if earlier is None:
            data.pop(key, None)
        else:
            data[key] = earlier
        self._save(data)
