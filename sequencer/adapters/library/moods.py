"""Moods and audio attributes per source: the writes behind hand tags, inference and analysis.

Each value is stored with its source and the source's rank (see :mod:`sequencer.adapters.library.rows`),
so reading merges them by precedence without rewriting anything: a ``hand`` weight wins over an
``inferred`` one, an ``analysis`` tempo over an imported one.  Every function validates first
and then writes in one transaction of ``store`` (these writes bump the change counter: they
change the feature table).

Confidence (``flow.md`` v2: how much evidence a track's moods rest on) is stored per track by
inference (:func:`set_confidence_bulk`) and read back by
:func:`sequencer.adapters.library.rows.load_confidence` (hand tags count 1.0).

Public: :func:`set_moods`, :func:`set_moods_bulk`, :func:`mood_sources`, :func:`set_attributes`,
:func:`set_confidence_bulk`, :func:`primary_artists`, :func:`genre_groups`,
:func:`same_artist_ids`.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from sequencer.adapters.library.rows import ATTRIBUTE_SOURCES, ATTRS, MOOD_SOURCES, SEP, rank, tid_of, tids_for

if TYPE_CHECKING:
    from sequencer.adapters.library.store import Store


def set_moods(store: Store, track_id: str, moods: Mapping[str, float], *, source: str, replace: bool = True) -> None:
    """Set ``track_id``'s moods from ``source``.

    ``replace=True`` (default) makes ``moods`` the source's whole set for the track;
    ``replace=False`` adds to or changes only the named moods (hand-tuning one mood).
    """
    _check_mood_source(source)
    rows = _mood_rows(moods)
    with store.transaction() as conn:
        tid = tid_of(conn, track_id)
        if replace:
            conn.execute("DELETE FROM moods WHERE tid = ? AND source = ?", (tid, source))
        conn.executemany(
            "INSERT OR REPLACE INTO moods (tid, mood, source, rank, weight) VALUES (?, ?, ?, ?, ?)",
            [(tid, mood, source, rank(source, MOOD_SOURCES), w) for mood, w in rows],
        )


def set_moods_bulk(store: Store, rows: Iterable[tuple[str, Mapping[str, float]]], *, source: str) -> int:
    """Replace ``source``'s moods for many tracks at once; returns the number of tracks set.

    Ids not in the library are skipped (counted out of the result).
    """
    _check_mood_source(source)
    source_rank = rank(source, MOOD_SOURCES)
    items = [(track_id, _mood_rows(moods)) for track_id, moods in rows]
    with store.transaction() as conn:
        tids = tids_for(conn, [track_id for track_id, _ in items])
        present = [(tids[i], m) for i, m in items if i in tids]
        conn.executemany("DELETE FROM moods WHERE tid = ? AND source = ?", [(t, source) for t, _ in present])
        conn.executemany(
            "INSERT OR REPLACE INTO moods (tid, mood, source, rank, weight) VALUES (?, ?, ?, ?, ?)",
            [(t, mood, source, source_rank, w) for t, m in present for mood, w in m],
        )
        return len(present)


def set_confidence_bulk(store: Store, rows: Iterable[tuple[str, float]]) -> int:
    """Replace the stored confidence of many tracks (values clipped to [0, 1]); returns how
    many were set (ids not in the library are skipped)."""
    items = [(track_id, min(1.0, max(0.0, float(value)))) for track_id, value in rows]
    with store.transaction() as conn:
        tids = tids_for(conn, [track_id for track_id, _ in items])
        present = [(tids[i], c) for i, c in items if i in tids]
        conn.executemany("INSERT OR REPLACE INTO mood_confidence (tid, confidence) VALUES (?, ?)", present)
        return len(present)


def song_keys(store: Store) -> dict[str, str]:
    """track id → its song key (:func:`~sequencer.core.track.song_key`: first artist and base
    title, normalised)."""
    with store.transaction(write=False) as conn:
        rows = conn.execute("SELECT id, song_key FROM tracks").fetchall()
    return {str(track_id): str(key) for track_id, key in rows}


def primary_artists(store: Store) -> dict[str, str]:
    """track id → its first artist, normalised (what artist-level evidence groups by)."""
    return {track_id: key.split("|", 1)[0] for track_id, key in song_keys(store).items()}


def genre_groups(store: Store) -> dict[tuple[str, ...], list[str]]:
    """Each distinct list of genres and crowd tags (the import's genres and every tag, sorted)
    → the ids of the tracks that have it; tracks with neither are left out.  Cached beside the
    library (:func:`sequencer.adapters.library.features.genre_groups`)."""
    from sequencer.adapters.library.features import genre_groups as cached

    return cached(store, read_genre_groups)


def read_genre_groups(conn: sqlite3.Connection) -> dict[tuple[str, ...], list[str]]:
    """:func:`genre_groups` from the database: one query; the text of a list is split and
    sorted once per distinct text, not once per track."""
    by_text: dict[tuple[str, str | None], list[str]] = {}
    for track_id, genres, tags in conn.execute(
        "SELECT t.id, t.genres, (SELECT json_group_array(g.tag) FROM tags g WHERE g.tid = t.tid) FROM tracks t"
    ):
        by_text.setdefault((str(genres), None if tags == "[]" else str(tags)), []).append(str(track_id))
    groups: dict[tuple[str, ...], list[str]] = {}
    for (genres, tags), ids in by_text.items():
        names = set(genres.split(SEP)) if genres else set()
        if tags is not None:
            names.update(str(tag) for tag in json.loads(tags))
        if names:
            groups.setdefault(tuple(sorted(names)), []).extend(ids)
    return groups


def same_artist_ids(store: Store, track_ids: Sequence[str]) -> list[str]:
    """Ids of every track whose first artist is that of one of ``track_ids`` (the part of the
    song key before ``|``, as :func:`primary_artists` says), found on the song-key index."""
    with store.transaction(write=False) as conn:
        artists = {str(key).split("|", 1)[0] for key in _song_keys(conn, track_ids)} - {""}
        found: list[str] = []
        for artist in sorted(artists):  # every key starting "artist|" sorts before "artist}"
            rows = conn.execute(
                "SELECT id FROM tracks WHERE song_key >= ? AND song_key < ? ORDER BY tid", (f"{artist}|", f"{artist}}}")
            )
            found.extend(str(row[0]) for row in rows)
    return found


def _song_keys(conn: sqlite3.Connection, track_ids: Sequence[str]) -> list[str]:
    """The song keys of ``track_ids`` (unknown ids left out)."""
    keys: list[str] = []
    for start in range(0, len(track_ids), 500):
        chunk = list(track_ids[start : start + 500])
        marks = ",".join("?" * len(chunk))
        keys.extend(str(r[0]) for r in conn.execute(f"SELECT song_key FROM tracks WHERE id IN ({marks})", chunk))
    return keys


def mood_sources(store: Store, track_id: str) -> dict[str, list[tuple[str, float]]]:
    """mood → [(source, weight)], strongest source first (what ``library show`` prints)."""
    with store.transaction(write=False) as conn:
        tid = tid_of(conn, track_id)
        rows = conn.execute(
            "SELECT mood, source, weight FROM moods WHERE tid = ? ORDER BY mood, rank", (tid,)
        ).fetchall()
    found: dict[str, list[tuple[str, float]]] = {}
    for mood, source, weight in rows:
        found.setdefault(mood, []).append((source, float(weight)))
    return found


def set_attributes(store: Store, track_id: str, attrs: Mapping[str, float], *, source: str) -> None:
    """Store attribute values from ``source`` (e.g. "analysis"); unknown names are refused."""
    unknown = [name for name in attrs if name not in ATTRS]
    if unknown:
        raise ValueError(f"unknown attributes {unknown}; known: {', '.join(ATTRS)}")
    names = list(attrs)
    with store.transaction() as conn:
        tid = tid_of(conn, track_id)
        if not names:
            return
        cols = ", ".join(f'"{n}"' for n in names)
        sets = ", ".join(f'"{n}" = excluded."{n}"' for n in names)
        conn.execute(
            f"INSERT INTO attributes (tid, source, rank, {cols}) "
            f"VALUES (?, ?, ?, {', '.join('?' * len(names))}) "
            f"ON CONFLICT (tid, source) DO UPDATE SET {sets}",
            (tid, source, rank(source, ATTRIBUTE_SOURCES), *(float(attrs[n]) for n in names)),
        )


def _check_mood_source(source: str) -> None:
    """Refuse a mood source outside :data:`MOOD_SOURCES`."""
    if source not in MOOD_SOURCES:
        raise ValueError(f"mood source {source!r} must be one of {', '.join(MOOD_SOURCES)}")


def _mood_rows(moods: Mapping[str, float]) -> list[tuple[str, float]]:
    """Validated (mood, weight) pairs: weights must lie in [0, 1]."""
    rows = []
    for mood, weight in moods.items():
        value = float(weight)
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"mood weight {mood}={weight} must be in [0, 1]")
        rows.append((mood, value))
    return rows
