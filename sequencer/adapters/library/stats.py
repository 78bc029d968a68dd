"""Library statistics for ``moodseq library stats``: counts, mood and attribute coverage,
imports that were interrupted (and can be completed by running them again).

Public: :func:`stats`, :func:`count_without_moods`, :func:`count_without_moods_with_evidence`.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from sequencer.adapters.library.rows import ATTRS


def stats(conn: sqlite3.Connection) -> dict[str, Any]:
    """Library counts and coverage (fractions of tracks with moods / each attribute)."""

    def one(sql: str) -> int:
        """The single integer ``sql`` selects."""
        return int(conn.execute(sql).fetchone()[0])

    tracks = one("SELECT count(*) FROM tracks")
    by_source = dict(conn.execute("SELECT source, count(DISTINCT tid) FROM moods WHERE weight > 0 GROUP BY source"))
    moods = dict(
        conn.execute(
            "SELECT mood, count(*) FROM (SELECT tid, mood, weight, MIN(rank) FROM moods GROUP BY tid, mood) "
            "WHERE weight > 0 GROUP BY mood ORDER BY count(*) DESC"
        )
    )
    coverage = {}
    for name in ATTRS:
        coverage[name] = one(f'SELECT count(DISTINCT tid) FROM attributes WHERE "{name}" IS NOT NULL')
    interrupted = [
        {"source": s, "started_at": a, "rows_done": d, "rows_read": r}
        for s, a, d, r in conn.execute(
            "SELECT source, started_at, rows_done, rows_read FROM imports WHERE status = 'running'"
        )
    ]
    return {
        "tracks": tracks,
        "artists": one("SELECT count(*) FROM artists"),
        "albums": one("SELECT count(*) FROM albums"),
        "songs": one("SELECT count(DISTINCT song_key) FROM tracks"),
        "with_spotify_uri": one("SELECT count(*) FROM tracks WHERE uri IS NOT NULL"),
        "with_moods": one("SELECT count(*) FROM (SELECT tid FROM moods GROUP BY tid HAVING max(weight) > 0)"),
        "mood_sources": by_source,
        "moods": moods,
        "attributes": coverage,
        "tags": one("SELECT count(DISTINCT tid) FROM tags"),
        "with_sound": one("SELECT count(*) FROM sound"),
        "in_playlists": one("SELECT count(*) FROM tracks WHERE playlists != ''"),
        "with_year": one("SELECT count(*) FROM tracks WHERE year IS NOT NULL"),
        "imports": one("SELECT count(*) FROM imports WHERE status = 'done'"),
        "interrupted_imports": interrupted,
    }


def count_without_moods(conn: sqlite3.Connection) -> int:
    """How many tracks have no mood with a weight above 0 from any source (one query)."""
    return int(
        conn.execute(
            "SELECT count(*) FROM tracks WHERE tid NOT IN (SELECT tid FROM moods GROUP BY tid HAVING max(weight) > 0)"
        ).fetchone()[0]
    )


def count_without_moods_with_evidence(conn: sqlite3.Connection) -> int:
    """How many tracks without moods carry something mood inference reads: an energy or
    valence, genres, playlists or crowd tags, or an artist whose other tracks have tags (the
    rest can only get moods from new evidence)."""
    return int(
        conn.execute(
            "SELECT count(*) FROM tracks t "
            "WHERE tid NOT IN (SELECT tid FROM moods GROUP BY tid HAVING max(weight) > 0) "
            "AND (t.genres != '' OR t.playlists != '' "
            "OR EXISTS (SELECT 1 FROM attributes a "
            "WHERE a.tid = t.tid AND (a.energy IS NOT NULL OR a.valence IS NOT NULL)) "
            "OR EXISTS (SELECT 1 FROM tags g WHERE g.tid = t.tid) "
            "OR EXISTS (SELECT 1 FROM track_artists a1 JOIN track_artists a2 ON a2.arid = a1.arid "
            "AND a2.position = 0 AND a2.tid != a1.tid JOIN tags g2 ON g2.tid = a2.tid "
            "WHERE a1.tid = t.tid AND a1.position = 0))"
        ).fetchone()[0]
    )
