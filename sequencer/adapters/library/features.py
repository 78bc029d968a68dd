"""The library as columns (:class:`~sequencer.core.features.FeatureTable`), cached on disk.

Building the table is five SQL queries with numpy doing the precedence merge; the result is
kept in ``<library>.features.npz`` stamped with the cache format, the library's id and its
change counter (bumped by every transaction that changed tracks, moods, attributes or sound
vectors), so a stale cache is never read.  A cache that cannot be written is simply not kept.

The genre lists a build's genre rules read (every track's genres and crowd tags) are cached the
same way in ``<library>.genres.npz``, stamped with the feature stamp and the tag counter (crowd
tags from an enrichment do not bump the change counter; :func:`~sequencer.adapters.library.tags.set_tags`
bumps ``tag_changes`` instead).

Public: :func:`feature_cache_path`, :func:`feature_table`, :func:`build_feature_table`,
:func:`load_feature_cache`, :func:`save_feature_cache`, :data:`FEATURE_CACHE_FORMAT`,
:func:`genre_cache_path`, :func:`genre_groups`.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

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


def genre_cache_path(library: Path) -> Path:
    """Where the genre lists of the library at ``library`` are cached: ``<library>.genres.npz``."""
    return library.with_name(library.name + ".genres.npz")


GenreGroups = dict[tuple[str, ...], list[str]]
"""Each distinct list of genres and crowd tags (sorted) → the ids of the tracks that have it."""


def genre_groups(store: Store, read: Callable[[sqlite3.Connection], GenreGroups]) -> GenreGroups:
    """``read(conn)``'s genre groups, from the cache beside the library when it is current."""
    path = genre_cache_path(store.path)
    with store.transaction(write=False) as conn:
        tags = conn.execute("SELECT value FROM meta WHERE key = 'tag_changes'").fetchone()
        stamp = f"{_feature_stamp(conn)}:{tags[0] if tags else 0}"
        cached = _load_genre_cache(path, stamp)
        if cached is not None:
            return cached
        groups = read(conn)
    _save_genre_cache(path, stamp, groups)
    return groups


def _load_genre_cache(path: Path, stamp: str) -> GenreGroups | None:
    """The cached groups at ``path`` if they were written for ``stamp``; None otherwise."""
    import numpy as np

    try:
        with path.open("rb") as handle, np.load(handle, allow_pickle=False) as data:
            if str(data["stamp"]) != stamp:
                return None
            lists, sizes, ids = data["lists"].tolist(), data["sizes"].tolist(), data["ids"].tolist()
    except (OSError, KeyError, ValueError, EOFError, zipfile.BadZipFile, zlib.error):
        return None  # a damaged cache is read again from the database
    if len(lists) != len(sizes) or sum(sizes) != len(ids):
        return None
    groups: GenreGroups = {}
    start = 0
    for names, size in zip(lists, sizes, strict=True):
        groups[tuple(json.loads(names))] = ids[start : start + size]
        start += size
    return groups


def _save_genre_cache(path: Path, stamp: str, groups: GenreGroups) -> None:
    """Write the genre cache atomically; one that cannot be written is simply not kept."""
    import numpy as np

    _save_npz(
        path,
        stamp=np.array(stamp),
        lists=np.array([json.dumps(names) for names in groups], dtype=np.str_),
        sizes=np.array([len(ids) for ids in groups.values()], dtype=np.int64),
        ids=np.array([i for ids in groups.values() for i in ids], dtype=np.str_),
    )


def _save_npz(path: Path, **arrays: Any) -> None:
    """Write ``arrays`` to ``path`` atomically (a temporary file, then a rename); a cache that
    cannot be written is simply not kept."""
    import numpy as np

    temp = path.with_name(f"{path.name}.{os.getpid()}.tmp.npz")
    try:
        np.savez(temp, **arrays)
        temp.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()


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

    _save_npz(
        path,
        stamp=np.array(stamp),
        ids=table.ids,
        mood_names=np.array(table.mood_names, dtype=np.str_),
        moods=table.moods,
        attrs=table.attrs,
        explicit=table.explicit,
        sound=table.sound,
        confidence=table.confidences(),
    )
