"""Listening history in the library: play counts and loved tracks per song, per source.

Rows are keyed by song (:func:`~sequencer.core.track.song_key` of the artist and title the
source gave), so they meet the library's tracks whatever recording the user has; a fetch from a
source replaces everything that source said before (``lastfm``: top tracks and loved tracks;
``spotify``: recently played).  Bookkeeping: written with ``bump=False``.

Public: :class:`Listen`, :func:`replace_listening`, :func:`listening_evidence`,
:func:`listening_summary`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sequencer.adapters.library.rows import now
from sequencer.core.track import song_key

if TYPE_CHECKING:
    from sequencer.adapters.library.store import Store


@dataclass(frozen=True)
class Listen:
    """What a source says about one song: how often it was played, whether it is loved."""

    artist: str
    title: str
    plays: int = 0
    loved: bool = False


def replace_listening(store: Store, source: str, listens: Iterable[Listen]) -> int:
    """Replace ``source``'s listening rows with ``listens`` (merged per song); the songs stored."""
    merged: dict[str, Listen] = {}
    for item in listens:
        key = song_key((item.artist,), item.title)
        old = merged.get(key)
        if old is None:
            merged[key] = item
        else:
            merged[key] = Listen(old.artist, old.title, old.plays + item.plays, old.loved or item.loved)
    stamp = now()
    with store.transaction(bump=False) as conn:
        conn.execute("DELETE FROM listening WHERE source = ?", (source,))
        conn.executemany(
            "INSERT INTO listening (song_key, source, artist, title, plays, loved, fetched_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(k, source, v.artist, v.title, v.plays, int(v.loved), stamp) for k, v in merged.items()],
        )
    return len(merged)


def listening_evidence(store: Store) -> dict[str, tuple[int, bool]]:
    """Song key → (plays: the most any source counted, loved by any source)."""
    with store.transaction(write=False) as conn:
        rows = conn.execute("SELECT song_key, max(plays), max(loved) FROM listening GROUP BY song_key").fetchall()
    return {str(key): (int(plays), bool(loved)) for key, plays, loved in rows}


def listening_summary(store: Store) -> list[tuple[str, int, int, int, str]]:
    """Per source: (source, songs, plays, loved songs, when fetched)."""
    with store.transaction(write=False) as conn:
        rows = conn.execute(
            "SELECT source, count(*), sum(plays), sum(loved), max(fetched_at) FROM listening GROUP BY source "
            "ORDER BY source"
        ).fetchall()
    return [(str(r[0]), int(r[1]), int(r[2] or 0), int(r[3] or 0), str(r[4])) for r in rows]
