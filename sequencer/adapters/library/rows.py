"""Library rows ↔ :class:`~sequencer.core.track.Track`: the shared vocabulary of the store modules.

Every ``store_*`` module reads and writes through the helpers here, with the connection of a
transaction opened by :meth:`sequencer.adapters.library.store.Store.transaction`:

- the source precedence (:data:`MOOD_SOURCES`, :data:`ATTRIBUTE_SOURCES`, :func:`rank`);
- track loading: :func:`load_tracks` builds Tracks with three queries per :data:`CHUNK` of ids,
  moods and attributes merged by precedence;
- id lookups: :func:`tid_of` (one id, or TrackNotFoundError), :func:`tids_for`, :func:`ids_of`.

- sound vectors as float32 blobs: :func:`vector_from_blob`, :func:`vector_to_blob`.

Public: the names above, plus :data:`ATTRS`, :data:`SEP`, :data:`Progress`, :func:`now`.
"""

from __future__ import annotations

import array
import sqlite3
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sequencer.adapters.library import migrations
from sequencer.core.track import Track
from sequencer.errors import TrackNotFoundError

#: Mood sources, strongest first.
MOOD_SOURCES: tuple[str, ...] = ("hand", "tag", "inferred", "import")
#: Attribute sources, strongest first.
ATTRIBUTE_SOURCES: tuple[str, ...] = ("hand", "analysis", "tag", "import")

ATTRS = migrations.ATTRIBUTE_COLUMNS
SEP = "\x1f"
"""Separator of multi-valued text columns (artists, genres): never typed by users."""
CHUNK = 500
"""Ids per ``IN (…)`` query (below SQLite's variable limit)."""

Progress = Callable[[int, int], None]

_ATTR_LIST = ", ".join(f'"{a}"' for a in ATTRS)
_TRACK_COLUMNS = (
    "t.tid, t.id, t.title, t.artists, t.duration_s, COALESCE(al.name, ''), t.isrc, t.uri, t.path, t.explicit, "
    "t.genres, t.playlists, t.year, s.vector, t.mbid"
)


#: Confidence of a track with at least one hand-tagged mood (``flow.md`` v2).
HAND_CONFIDENCE = 1.0
#: Confidence of a track without a stored one whose moods come from tags or an import.
TAGGED_CONFIDENCE = 0.75
#: Confidence of a track inferred before confidence was stored (run ``moods infer`` again).
LEGACY_CONFIDENCE = 0.5


def load_confidence(
    conn: sqlite3.Connection, condition: str = "", params: Sequence[int | str] = ()
) -> dict[int, float]:
    """tid → confidence of its moods, for the tracks with moods (``condition`` filters tids as
    in :func:`load_tracks`): 1.0 with a hand-tagged mood, else the confidence inference
    stored, else :data:`TAGGED_CONFIDENCE` for moods from tags or an import, else
    :data:`LEGACY_CONFIDENCE`.  Tracks without moods are absent."""
    where = f"WHERE tid {condition}" if condition else ""
    found: dict[int, float] = {}
    for tid, sources in conn.execute(
        f"SELECT tid, GROUP_CONCAT(DISTINCT source) FROM moods {where} GROUP BY tid", params
    ):
        kinds = set(str(sources).split(","))
        found[tid] = (
            HAND_CONFIDENCE
            if "hand" in kinds
            else TAGGED_CONFIDENCE
            if kinds & {"tag", "import"}
            else LEGACY_CONFIDENCE
        )
    for tid, value in conn.execute(f"SELECT tid, confidence FROM mood_confidence {where}", params):
        if found.get(tid) != HAND_CONFIDENCE:
            found[tid] = float(value)
    return found


def rank(source: str, order: tuple[str, ...]) -> int:
    """Precedence rank of ``source`` in ``order`` (0 = strongest; unknown = weakest)."""
    return order.index(source) if source in order else len(order)


def now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


def load_tracks(conn: sqlite3.Connection, tids: list[int] | None) -> list[Track]:
    """Build Tracks for ``tids`` (None = all) with three queries per chunk."""
    if tids is None:
        return _load_where(conn, "", [])
    result: list[Track] = []
    for start in range(0, len(tids), CHUNK):
        chunk = tids[start : start + CHUNK]
        result.extend(_load_where(conn, f"IN ({','.join('?' * len(chunk))})", chunk))
    return result


def _load_where(conn: sqlite3.Connection, condition: str, params: list[int]) -> list[Track]:
    """Tracks whose tid satisfies ``tid <condition>`` (empty = all)."""
    where = f"WHERE t.tid {condition}" if condition else ""
    rows = conn.execute(
        f"SELECT {_TRACK_COLUMNS} FROM tracks t LEFT JOIN albums al ON al.aid = t.album_id "
        f"LEFT JOIN sound s ON s.tid = t.tid {where} ORDER BY t.tid",
        params,
    ).fetchall()
    sub = f"WHERE tid {condition}" if condition else ""
    attrs = _merge_attribute_rows(
        conn.execute(
            f"SELECT tid, {_ATTR_LIST} FROM attributes {sub} ORDER BY tid, rank DESC",
            params,
        )
    )
    moods: dict[int, dict[str, float]] = {}
    for tid, mood, weight, _ in conn.execute(
        f"SELECT tid, mood, weight, MIN(rank) FROM moods {sub} GROUP BY tid, mood", params
    ):
        if weight > 0:
            moods.setdefault(tid, {})[mood] = weight
    confidence = load_confidence(conn, condition, params)
    return [_track_from_row(row, attrs.get(row[0]), moods.get(row[0], {}), confidence.get(row[0], 1.0)) for row in rows]


def _merge_attribute_rows(rows: Iterable[tuple[Any, ...]]) -> dict[int, list[float | None]]:
    """tid → attribute values; rows come weakest source first, stronger values overwrite."""
    merged: dict[int, list[float | None]] = {}
    for row in rows:
        tid = row[0]
        values = list(row[1:])
        current = merged.get(tid)
        if current is None:
            merged[tid] = values
        else:
            for i, value in enumerate(values):
                if value is not None:
                    current[i] = value
    return merged


#: A track with every default, copied by :meth:`Track.with_values` for each stored row.
_BLANK = Track(id="", title="", artists=(), duration_s=0.0)


def _track_from_row(
    row: tuple[Any, ...], attrs: list[float | None] | None, moods: dict[str, float], confidence: float
) -> Track:
    """A Track from a ``_TRACK_COLUMNS`` row plus merged attributes, moods and confidence
    (made by copying a blank track: ``Track(...)`` with two dozen keywords costs several times
    more, and a library load makes tens of thousands)."""
    _tid, track_id, title, artists, duration, album, isrc, uri, path, explicit, genres, playlists, year, sound, mbid = (
        row
    )
    values: dict[str, Any] = {
        "id": track_id,
        "title": title,
        "artists": tuple(artists.split(SEP)) if artists else (),
        "duration_s": float(duration),
        "album": album,
        "isrc": isrc,
        "uri": uri,
        "moods": moods,
        "explicit": None if explicit is None else bool(explicit),
        "genres": tuple(genres.split(SEP)) if genres else (),
        "playlists": tuple(playlists.split(SEP)) if playlists else (),
        "year": None if year is None else int(year),
        "sound": vector_from_blob(sound),
        "path": path,
        "mbid": mbid,
        "confidence": confidence,
    }
    if attrs is not None:
        for name, value in zip(ATTRS, attrs, strict=True):
            if value is not None:
                values[name] = int(value) if name in ("key", "mode") else float(value)
    return _BLANK.with_values(values)


def vector_from_blob(blob: bytes | None) -> tuple[float, ...] | None:
    """A stored sound vector (little-endian float32 bytes) as a tuple; None for no vector."""
    if not blob:
        return None
    values = array.array("f", blob)
    if sys.byteorder == "big":  # pragma: no cover - stored little-endian everywhere
        values.byteswap()
    return tuple(values.tolist())  # the same floats as float(x) per item, without a generator


def vector_to_blob(vector: Sequence[float]) -> bytes:
    """A sound vector as little-endian float32 bytes (how the ``sound`` table stores it)."""
    values = array.array("f", [float(x) for x in vector])
    if sys.byteorder == "big":  # pragma: no cover
        values.byteswap()
    return values.tobytes()


def tid_of(conn: sqlite3.Connection, track_id: str) -> int:
    """The tid of ``track_id``; TrackNotFoundError if unknown."""
    row = conn.execute("SELECT tid FROM tracks WHERE id = ?", (track_id,)).fetchone()
    if row is None:
        raise TrackNotFoundError(
            f"no track with id {track_id!r} in the library",
            hint="find ids with `moodseq library list`",
        )
    return int(row[0])


def tids_for(conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, int]:
    """track id → tid for the ids that exist."""
    found: dict[str, int] = {}
    for start in range(0, len(ids), CHUNK):
        chunk = list(ids[start : start + CHUNK])
        found.update(conn.execute(f"SELECT id, tid FROM tracks WHERE id IN ({','.join('?' * len(chunk))})", chunk))
    return found


def ids_of(conn: sqlite3.Connection, tids: list[int]) -> dict[int, str]:
    """tid → track id for ``tids``."""
    found: dict[int, str] = {}
    for start in range(0, len(tids), CHUNK):
        chunk = tids[start : start + CHUNK]
        found.update(conn.execute(f"SELECT tid, id FROM tracks WHERE tid IN ({','.join('?' * len(chunk))})", chunk))
    return found
