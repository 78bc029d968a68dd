"""Crowd tags (Last.fm and the like) per track and source, and when they were fetched.

Tags are bookkeeping for mood inference, not moods: writing them does not bump the library's
change counter, so the cached feature table stays valid; it bumps ``tag_changes`` in ``meta``,
which the cached genre lists (:mod:`sequencer.adapters.library.features`) are stamped with.
``tag_fetched_at`` lets enrichment skip tracks it asked about before (an interrupted run resumes).

Public: :func:`set_tags`, :func:`tags_bulk`, :func:`tag_fetched_at`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from sequencer.adapters.library.rows import tid_of

if TYPE_CHECKING:
    from sequencer.adapters.library.store import Store


def set_tags(store: Store, track_id: str, tags: Mapping[str, float], *, source: str, fetched_at: str) -> None:
    """Replace ``source``'s crowd tags of a track and remember when they were fetched."""
    with store.transaction(bump=False) as conn:
        tid = tid_of(conn, track_id)
        conn.execute("DELETE FROM tags WHERE tid = ? AND source = ?", (tid, source))
        conn.executemany(
            "INSERT INTO tags (tid, source, tag, weight) VALUES (?, ?, ?, ?)",
            [(tid, source, tag, float(w)) for tag, w in tags.items()],
        )
        conn.execute(
            "INSERT OR REPLACE INTO tag_fetches (tid, source, fetched_at) VALUES (?, ?, ?)",
            (tid, source, fetched_at),
        )
        conn.execute(  # what the cached genre lists are stamped with (see library.features)
            "INSERT INTO meta (key, value) VALUES ('tag_changes', '1') "
            "ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )


def tags_bulk(store: Store, *, source: str | None = None) -> dict[str, dict[str, float]]:
    """track id → {tag: weight} (one source, or all sources with the highest weight per tag)."""
    sql = "SELECT t.id, g.tag, MAX(g.weight) FROM tags g JOIN tracks t ON t.tid = g.tid"
    params: tuple[str, ...] = ()
    if source is not None:
        sql += " WHERE g.source = ?"
        params = (source,)
    sql += " GROUP BY g.tid, g.tag"
    found: dict[str, dict[str, float]] = {}
    with store.transaction(write=False) as conn:
        for track_id, tag, weight in conn.execute(sql, params):
            found.setdefault(track_id, {})[tag] = float(weight)
    return found


def tag_fetched_at(store: Store, track_id: str, source: str) -> str | None:
    """When ``source``'s tags for the track were last fetched (None = never)."""
    with store.transaction(write=False) as conn:
        tid = tid_of(conn, track_id)
        row = conn.execute("SELECT fetched_at FROM tag_fetches WHERE tid = ? AND source = ?", (tid, source)).fetchone()
    return None if row is None else str(row[0])
