"""Playlist links kept in a small JSON file, for pushes made before any library exists.

Pushing the demo must not create an (empty) library — `build` would then stop using the demo —
so until a library exists the key → playlist links live in ``<data dir>/spotify-playlists.json``
(written atomically).  With a library, :class:`~sequencer.adapters.library.store.Store` keeps them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any


class JsonLinks:
    """The PlaylistMemory contract over a JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def _load(self) -> dict[str, dict[str, Any]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _save(self, data: dict[str, dict[str, Any]]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(self.path)

    def playlist_link(self, key: str) -> dict[str, Any] | None:
        """The link for ``key``, or None."""
        return self._load().get(key)

    def set_playlist_link(self, key: str, *, playlist_id: str, name: str, snapshot_id: str | None) -> None:
        """Remember ``key``'s playlist."""
        data = self._load()
        data[key] = {"playlist_id": playlist_id, "name": name, "snapshot_id": snapshot_id}
        self._save(data)

    def delete_playlist_link(self, key: str) -> None:
        """Forget ``key``'s playlist."""
        data = self._load()
        if data.pop(key, None) is not None:
            self._save(data)
