"""The library as columns (:class:`~sequencer.core.features.FeatureTable`), cached on disk.

Building the table is five SQL queries with numpy doing the precedence merge; the result is
kept in ``<library>.features.npz`` stamped with the cache format, the library's id and its
change counter (bumped by every transaction that changed tracks, moods, attributes or sound
vectors), so a stale cache is never read.  A cache that cannot be written is simply not kept.

Public: :func:`feature_cache_path`, :func:`feature_table`, :func:`build_feature_table`,
:func:`load_feature_cache`, :func:`save_feature_cache`, :data:`FEATURE_CACHE_FORMAT`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import zipfile
import zlib
from pathlib import Path
from typing import TYPE_CHECKING

from sequencer.adapters.library.rows import ATTRS, load_confidence
from sequencer.adapters.library.sound import sound_matrix
from sequencer.core.moods import BUILTIN_MOODS

if TYPE_CHECKING:
    from sequencer.adapters.library.store import Store
    from sequencer.core.features import FeatureTable

FEATURE_CACHE_FORMAT = 3


def feature_cache_path(library: Path) -> Path:
    """Where the feature table of the library at ``library`` is cached: ``<library>.features.npz``."""
    return library.with_name(library.name + ".features.npz")


def feature_table(store: Store) -> FeatureTable:
    """The whole library as columns (see :mod:`sequencer.core.features`), cached on disk."""
    with store.transaction(write=False) as conn:
        stamp = _feature_stamp(conn)
        cached = load_feature_cache(store.feature_cache_path, stamp)
        if cached is not None:
            return cached
        table = build_feature_table(conn)
    save_feature_cache(store.feature_cache_path, stamp, table)
    return table


def _feature_stamp(conn: sqlite3.Connection) -> str:
    """What the feature cache must match: format, library identity and change counter."""
    values = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('library_id', 'changes')"))
    return f"{FEATURE_CACHE_FORMAT}:{values.get('library_id')}:{values.get('changes')}"


def build_feature_table(conn: sqlite3.Connection) -> FeatureTable:
    """The feature table straight from SQL: five queries, numpy for the merging."""
    import numpy as np

    from sequencer.core.features import COLUMNS, FeatureTable

    rows = conn.execute("SELECT tid, id, duration_s, explicit FROM tracks ORDER BY tid").fetchall()
    n = len(rows)
    tids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=n)
    ids = np.array([r[1] for r in rows], dtype=np.str_) if n else np.array([], dtype="<U1")
    attrs = np.full((n, len(COLUMNS)), np.nan, dtype=np.float32)
    attrs[:, -1] = np.fromiter((r[2] for r in rows), dtype=np.float32, count=n)
    explicit = np.fromiter((bool(r[3]) for r in rows), dtype=bool, count=n)
    cols = ", ".join(f'"{a}"' for a in ATTRS)
    arows = conn.execute(f"SELECT tid, rank, {cols} FROM attributes").fetchall()
    if arows:
        data = np.array(arows, dtype=np.float64)
        where = np.searchsorted(tids, data[:, 0].astype(np.int64))
        for rank in sorted(set(data[:, 1].tolist()), reverse=True):
            group = data[:, 1] == rank
            rows_at = where[group]
            values = data[group, 2:].astype(np.float32)
            current = attrs[rows_at, : len(ATTRS)]
            attrs[rows_at, : len(ATTRS)] = np.where(np.isnan(values), current, values)
    mrows = conn.execute("SELECT tid, mood, weight, MIN(rank) FROM moods GROUP BY tid, mood").fetchall()
    present = sorted({r[1] for r in mrows} - set(BUILTIN_MOODS))
    mood_names = (*BUILTIN_MOODS, *present)
    moods = np.zeros((n, len(mood_names)), dtype=np.float32)
    if mrows:
        column = {m: i for i, m in enumerate(mood_names)}
        where = np.searchsorted(tids, np.fromiter((r[0] for r in mrows), dtype=np.int64))
        cols_at = np.fromiter((column[r[1]] for r in mrows), dtype=np.int64)
        moods[where, cols_at] = np.fromiter((r[2] for r in mrows), dtype=np.float32)
    confidence = np.ones(n, dtype=np.float32)
    known = load_confidence(conn)
    if known:
        confidence[np.searchsorted(tids, np.fromiter(known.keys(), dtype=np.int64))] = np.fromiter(
            known.values(), dtype=np.float32
        )
    sound = sound_matrix(conn, tids)
    return FeatureTable(
        ids=ids, mood_names=mood_names, moods=moods, attrs=attrs, explicit=explicit, sound=sound, confidence=confidence
    )


def load_feature_cache(path: Path, stamp: str) -> FeatureTable | None:
    """The cached table at ``path`` if it was written for ``stamp``; None otherwise."""
    import numpy as np

    from sequencer.core.features import COLUMNS, FeatureTable

    try:
        # our own handle: np.load leaves its file open when the zip inside is damaged
        with path.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
            if str(data["stamp"]) != stamp:
                return None
            table = FeatureTable(
                ids=data["ids"],
                mood_names=tuple(str(m) for m in data["mood_names"]),
                moods=data["moods"],
                attrs=data["attrs"],
                explicit=data["explicit"],
                sound=data["sound"],
                confidence=data["confidence"],
            )
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile, zlib.error):
        return None  # a damaged cache is rebuilt from the database
    rows = len(table.ids)
    consistent = (
        table.ids.ndim == 1
        and table.moods.shape == (rows, len(table.mood_names))
        and table.attrs.shape == (rows, len(COLUMNS))
        and table.explicit.shape == (rows,)
    )
    return table if consistent else None


def save_feature_cache(path: Path, stamp: str, table: FeatureTable) -> None:
    """Write the cache atomically; a cache that cannot be written is simply not kept."""
    import numpy as np

    temp = path.with_name(f"{path.name}.{os.getpid()}.tmp.npz")
    try:
        np.savez(
            temp,
            stamp=np.array(stamp),
            ids=table.ids,
            mood_names=np.array(table.mood_names, dtype=np.str_),
            moods=table.moods,
            attrs=table.attrs,
            explicit=table.explicit,
            sound=table.sound,
            confidence=table.confidences(),
        )
        temp.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()
