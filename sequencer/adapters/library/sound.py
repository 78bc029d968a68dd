"""Sound vectors and the evidence behind them: what the ``sound`` table and two track columns hold.

- :func:`sound_evidence` reads, for every track in ``tid`` order, its genres, playlists and
  release year (the crowd tags and audio attributes come from :func:`tags_bulk` and the
  feature table);
- :func:`set_sound_vectors` stores vectors as float32 blobs, writing only the rows that changed
  (a new vector, a changed one, or one that is gone), so a second ``moods infer`` on an
  unchanged library writes nothing and keeps the feature cache;
- :func:`sound_matrix` reads every stored vector into the feature table's ``sound`` column.

- :func:`evidence_stamp` fingerprints that evidence, so an unchanged library is not placed again.

Public: :class:`Evidence`, :func:`sound_evidence`, :func:`set_sound_vectors`, :func:`sound_matrix`,
:func:`evidence_stamp`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sequencer.adapters.library.rows import SEP

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from sequencer.adapters.library.store import Store


@dataclass(frozen=True)
class Evidence:
    """Per track (``tid`` order): id, genres, playlists and release year (None = unknown)."""

    ids: list[str]
    genres: list[tuple[str, ...]]
    playlists: list[tuple[str, ...]]
    years: list[int | None]


def sound_evidence(store: Store) -> Evidence:
    """Every track's genres, playlists and year (one query)."""
    with store.transaction(write=False) as conn:
        rows = conn.execute("SELECT id, genres, playlists, year FROM tracks ORDER BY tid").fetchall()
    return Evidence(
        ids=[r[0] for r in rows],
        genres=[tuple(r[1].split(SEP)) if r[1] else () for r in rows],
        playlists=[tuple(r[2].split(SEP)) if r[2] else () for r in rows],
        years=[None if r[3] is None else int(r[3]) for r in rows],
    )


def evidence_stamp(store: Store) -> str:
    """A cheap fingerprint of everything sound vectors are computed from: the tracks (count,
    last change, the size of their genres and playlists, their years), crowd tags (count, total
    weight, last fetch) and the audio attributes the vectors use (count and totals).  Equal
    stamps: the vectors would come out the same."""
    from sequencer.core.sound import AUDIO

    totals = " + ".join(f'total("{name}")' for name in AUDIO)
    with store.transaction(write=False) as conn:
        parts = [
            conn.execute(
                "SELECT count(*), max(updated_at), total(length(genres)), total(length(playlists)), total(year) "
                "FROM tracks"
            ).fetchone(),
            conn.execute("SELECT count(*), round(total(weight), 6) FROM tags").fetchone(),
            conn.execute("SELECT max(fetched_at) FROM tag_fetches").fetchone(),
            conn.execute(f"SELECT count(*), round({totals}, 6) FROM attributes").fetchone(),
        ]
    return repr(parts)


def set_sound_vectors(store: Store, ids: Sequence[str], vectors: npt.NDArray[np.float32]) -> int:
    """Store ``vectors`` (row i = ``ids[i]``; an all-zero row = no vector); returns how many
    tracks' vectors were written or removed.  A vector whose float32 bytes equal the stored
    ones is not written (the computation is deterministic, so an unchanged track's vector is
    bit-for-bit the same)."""
    import numpy as np

    vectors = np.ascontiguousarray(vectors, dtype="<f4")
    has = np.abs(vectors).sum(axis=1) > 0 if vectors.size else np.zeros(len(ids), dtype=bool)
    with store.transaction() as conn:
        tids = dict(conn.execute("SELECT id, tid FROM tracks"))
        stored = dict(conn.execute("SELECT tid, vector FROM sound"))
        writes: list[tuple[int, bytes]] = []
        removes: list[tuple[int]] = []
        for row, track_id in enumerate(ids):
            tid = tids.get(track_id)
            if tid is None:
                continue
            before = stored.get(tid)
            if not has[row]:
                if before is not None:
                    removes.append((tid,))
                continue
            blob = vectors[row].tobytes()
            if blob != before:
                writes.append((tid, blob))
        conn.executemany("DELETE FROM sound WHERE tid = ?", removes)
        conn.executemany(
            "INSERT INTO sound (tid, vector) VALUES (?, ?) ON CONFLICT (tid) DO UPDATE SET vector = excluded.vector",
            writes,
        )
    return len(writes) + len(removes)


def sound_matrix(conn: sqlite3.Connection, tids: npt.NDArray[np.int64]) -> npt.NDArray[np.float32]:
    """The stored vectors of ``tids`` (sorted) as rows, shape (len(tids), d), zero rows for
    tracks without one; d = 0 when no track has a vector."""
    import numpy as np

    rows = conn.execute("SELECT tid, vector FROM sound ORDER BY tid").fetchall()
    if not rows:
        return np.zeros((len(tids), 0), dtype=np.float32)
    width = max(len(blob) for _, blob in rows) // 4
    out = np.zeros((len(tids), width), dtype=np.float32)
    found = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    where = np.searchsorted(tids, found)
    valid = (where < len(tids)) & (tids[np.minimum(where, len(tids) - 1)] == found)
    data = [np.frombuffer(blob, dtype="<f4") for _, blob in rows]
    for row, vector, ok in zip(where.tolist(), data, valid.tolist(), strict=True):
        if ok and vector.shape[0] == width:
            out[row] = vector
    return out
