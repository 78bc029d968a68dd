"""Spotify bookkeeping in the library: which playlist a profile was pushed to, and the cached
result of searching Spotify for a track that has no URI.

Both are bookkeeping (they do not change the feature table), so they are written with
``bump=False``.

Public: :func:`playlist_link`, :func:`set_playlist_link`, :func:`delete_playlist_link`,
:func:`resolution`, :func:`set_resolution`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sequencer.adapters.library.rows import now, tid_of

if TYPE_CHECKING:
    from sequencer.adapters.library.store import Store


def playlist_link(store: Store, key: str) -> dict[str, Any] | None:
    """The Spotify playlist stored for ``key`` (profile/name), or None."""
    with store.transaction(write=False) as conn:
        row = conn.execute(
            "SELECT playlist_id, name, snapshot_id, updated_at FROM playlist_links WHERE key = ?",
            (key,),
        ).fetchone()
    if row is None:
        return None
    return {"playlist_id": row[0], "name": row[1], "snapshot_id": row[2], "updated_at": row[3]}


def set_playlist_link(store: Store, key: str, *, playlist_id: str, name: str, snapshot_id: str | None) -> None:
    """Remember which Spotify playlist belongs to ``key``."""
    with store.transaction(bump=False) as conn:
        conn.execute(
            "INSERT OR REPLACE INTO playlist_links (key, playlist_id, name, snapshot_id, updated_at) "
            "VALUES (?, ?, ?, ?, ?)",
            (key, playlist_id, name, snapshot_id, now()),
        )


def delete_playlist_link(store: Store, key: str) -> None:
    """Forget the playlist stored for ``key`` (no error if none)."""
    with store.transaction(bump=False) as conn:
        conn.execute("DELETE FROM playlist_links WHERE key = ?", (key,))


def resolution(store: Store, track_id: str) -> tuple[str | None, float] | None:
    """The cached Spotify search result (uri or None for a miss, confidence), or None."""
    with store.transaction(write=False) as conn:
        tid = tid_of(conn, track_id)
        row = conn.execute("SELECT uri, confidence FROM resolutions WHERE tid = ?", (tid,)).fetchone()
    return None if row is None else (row[0], float(row[1]))


def set_resolution(store: Store, track_id: str, uri: str | None, confidence: float, query: str) -> None:
    """Cache a Spotify search result for a track (``uri=None`` records a miss)."""
    with store.transaction(bump=False) as conn:
        tid = tid_of(conn, track_id)
        conn.execute(
            "INSERT OR REPLACE INTO resolutions (tid, uri, confidence, query, resolved_at) VALUES (?, ?, ?, ?, ?)",
            (tid, uri, float(confidence), query, now()),
        )
