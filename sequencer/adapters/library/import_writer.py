"""Writing import records into the library: identity matching, merging, batched SQL.

Used by :meth:`sequencer.adapters.library.store.Store.upsert_records`, which owns the transactions;
every function here takes the connection of an open transaction.

1. :func:`load_known` reads what the library already holds (one query);
2. :func:`plan` matches each record to a known or new recording, merges records of the same
   recording and drops those whose content digest did not change;
3. :func:`write_batch` writes one batch with ``executemany`` (no per-track round trips).

Public: :class:`Known`, :class:`Write`, :class:`Plan`, :func:`load_known`, :func:`plan`,
:func:`merge_records`, :func:`write_batch`, :func:`write_source_digests`, :func:`source_key`,
:func:`gc_paused`.

Which value a track keeps when several inputs bring it: every input's digest per track is kept
(``track_source_digests``), and an input writes a track only when what *it* brings changed
since its own last import — so two inputs sharing tracks settle after one round instead of
undoing each other on every re-import; the input that changed last wins.  Between kinds of
source the precedence is :data:`~sequencer.adapters.library.rows.MOOD_SOURCES` and
:data:`~sequencer.adapters.library.rows.ATTRIBUTE_SOURCES` (hand tags and measurements beat
imports), declared there only.
"""

from __future__ import annotations

import contextlib
import gc
import operator
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from sequencer.adapters.importers.records import ImportRecord, ImportReport
from sequencer.adapters.library.rows import ATTRIBUTE_SOURCES, MOOD_SOURCES, SEP, rank
from sequencer.core.identity import (
    DURATION_TOLERANCE_S,
    IdentityIndex,
    clean_isrc,
    fast_normalise,
    fast_song_key,
    match_key,
    spotify_uri,
)
from sequencer.core.track import ATTRIBUTES, Track

IMPORT_ATTRIBUTE_SOURCE = "import"
_ATTRIBUTE_VALUES = operator.attrgetter(*ATTRIBUTES)
_NO_ATTRIBUTES = (None,) * len(ATTRIBUTES)


@dataclass
class Known:
    """What the library holds before an import: identities, tids, digests, genres."""

    index: IdentityIndex = field(default_factory=IdentityIndex)
    tids: dict[str, int] = field(default_factory=dict)
    hashes: dict[str, str | None] = field(default_factory=dict)
    genres: dict[str, str] = field(default_factory=dict)
    playlists: dict[str, str] = field(default_factory=dict)
    durations: dict[str, float] = field(default_factory=dict)
    source: str = ""
    """The input being imported (``kind:path``); see :func:`source_key`."""
    source_hashes: dict[str, str] = field(default_factory=dict)
    """Track id → the digest of what this same input brought last time."""


@dataclass(frozen=True)
class Write:
    """One recording to write: its id, the merged record, its digest, and whether it is new."""

    track_id: str
    record: ImportRecord
    digest: str
    new: bool
    uri: str | None
    isrc: str | None
    key: str


@dataclass
class Plan:
    """The writes an import needs, in input order."""

    writes: list[Write] = field(default_factory=list)
    seen: list[tuple[str, str]] = field(default_factory=list)
    """(track id, digest) of known tracks this input brings unchanged but has no digest for yet."""


@contextlib.contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while tens of thousands of records are made.

    Import records hold no reference cycles; without this, CPython's collector walks the
    growing heap again and again and a 32k-row import takes about twice as long.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def source_key(kind: str, source: str) -> str:
    """The name an input's digests are kept under: its kind and, for files, the absolute path."""
    if kind in ("csv", "files") and source:
        source = str(Path(source).absolute())
    return f"{kind}:{source}"


def load_known(conn: sqlite3.Connection, source: str = "") -> Known:
    """Read every stored recording's identities (one query), and what ``source`` brought last."""
    known = Known(source=source)
    if source:
        query = "SELECT t.id, d.digest FROM track_source_digests d JOIN tracks t ON t.tid = d.tid WHERE d.source = ?"
        known.source_hashes = dict(conn.execute(query, (source,)))
    rows = conn.execute(
        "SELECT tid, id, uri, isrc, match_key, duration_s, content_hash, genres, playlists FROM tracks ORDER BY tid"
    ).fetchall()
    known.index = IdentityIndex.from_rows(row[1:6] for row in rows)
    known.tids = {row[1]: row[0] for row in rows}
    known.durations = {row[1]: row[5] for row in rows}
    known.hashes = {row[1]: row[6] for row in rows}
    known.genres = {row[1]: row[7] for row in rows}
    known.playlists = {row[1]: row[8] for row in rows}
    return known


def _identities(track: Track) -> tuple[str | None, str | None, str]:
    """(Spotify URI, ISRC, match key) of a track."""
    uri = spotify_uri(track.uri) or spotify_uri(track.id)
    return uri, clean_isrc(track.isrc), match_key(track.artists, track.title)


def plan(records: Sequence[ImportRecord], known: Known, report: ImportReport) -> Plan:
    """Match records to recordings, merge duplicates, and keep only what changes the library.

    Two passes make the grouping independent of what the library already held: the first
    creates a recording for every record that matches none; the second assigns each record
    to its best match among all of them.  (With one pass, a chain of durations 281 s, 279 s,
    277 s groups differently on a first import and a re-import, and the re-import would
    "update" a track.)  A new recording keeps the duration of the record that created it, a
    known one its stored duration, so a re-import finds the very same recordings.
    """
    from sequencer.adapters.library.imports import content_hash, new_track_id

    index = known.index
    idents = [_identities(record.track) for record in records]
    creators: dict[str, ImportRecord] = {}
    first_pass: list[str] = []
    for record, (uri, isrc, key) in zip(records, idents, strict=True):
        track = record.track
        found = index.find(track.id or None, uri, isrc, key, track.duration_s)
        if found is None:
            found = new_track_id(record, index.ids)
            creators[found] = record
        index.add(found, uri, isrc, key, track.duration_s)
        first_pass.append(found)
    groups: dict[str, list[int]] = {}
    for position, (record, (uri, isrc, key), found) in enumerate(zip(records, idents, first_pass, strict=True)):
        if key and len(index.by_key.get(key, ())) > 1:  # only name matches can change
            track = record.track
            found = index.find(track.id or None, uri, isrc, key, track.duration_s) or found
        groups.setdefault(found, []).append(position)
    report.duplicates += len(records) - len(groups)
    result = Plan()
    for track_id, positions in groups.items():
        if len(positions) == 1:
            record, identities = records[positions[0]], idents[positions[0]]
            if track_id in known.tids:  # align its duration with the stored one
                record = _aligned(record, known.durations.get(track_id))
        else:
            record = _merge_group(track_id, [records[i] for i in positions], creators, known)
            identities = _identities(record.track)
        digest = content_hash(record)
        is_new = track_id not in known.tids
        if not is_new and _unchanged(track_id, digest, known, result):
            report.unchanged += 1
            continue
        if is_new:
            report.added += 1
        else:
            report.updated += 1
        result.writes.append(Write(track_id, record, digest, is_new, *identities))
    return result


def _unchanged(track_id: str, digest: str, known: Known, result: Plan) -> bool:
    """Whether this input brings nothing new for a known track: the same digest as this input
    brought last time (another input may have written the track since: that is no reason to
    write it back, or two inputs sharing tracks would undo each other on every re-import).
    Without a digest of its own (its first import, or a library from before digests were kept)
    it is unchanged when it matches what was written last; that digest is then recorded."""
    own = known.source_hashes.get(track_id)
    if own is not None:
        return own == digest
    if known.hashes.get(track_id) == digest:
        if known.source:
            result.seen.append((track_id, digest))
        return True
    return False


def _merge_group(
    track_id: str, members: list[ImportRecord], creators: dict[str, ImportRecord], known: Known
) -> ImportRecord:
    """One record for a recording: members closest in duration to it first, gaps filled by the
    rest (the same order on a first import and on a re-import)."""
    creator = creators.get(track_id)
    reference = creator.track.duration_s if creator else known.durations.get(track_id, 0.0)

    def gap(record: ImportRecord) -> float:
        """Distance of the record's duration from the recording's (0 when one is unknown)."""
        duration = record.track.duration_s
        return abs(duration - reference) if duration > 0 and reference > 0 else 0.0

    ordered = sorted(members, key=gap)  # stable: input order among equals
    merged = ordered[0]
    for other in ordered[1:]:
        merged = merge_records(merged, other)
    return _aligned(merged, known.durations.get(track_id))


def _aligned(record: ImportRecord, stored: float | None) -> ImportRecord:
    """The record with the stored duration of its recording when its own is unknown or within
    the tolerance of it (so a re-import finds the very same track unchanged)."""
    current = record.track.duration_s
    if not stored or current == stored:
        return record
    if current <= 0 or abs(current - stored) <= DURATION_TOLERANCE_S:
        return replace(record, track=record.track.evolve(duration_s=stored))
    return record


def _union(first: Sequence[str], second: Sequence[str]) -> tuple[str, ...]:
    """Items of both, first's order, no repeats."""
    return tuple(dict.fromkeys([*first, *second]))


def merge_records(first: ImportRecord, second: ImportRecord) -> ImportRecord:
    """Two records of one recording as one: first's values win, gaps filled from second,
    genres/tags/moods united (highest weight)."""
    a, b = first.track, second.track
    changes: dict[str, object] = {
        "genres": _union(a.genres, b.genres),
        "playlists": _union(a.playlists, b.playlists),
        "moods": {**b.moods, **{m: max(w, b.moods.get(m, 0.0)) for m, w in a.moods.items()}},
    }
    for name in (*ATTRIBUTES, "isrc", "uri", "path", "explicit", "year", "mbid"):
        if getattr(a, name) is None and getattr(b, name) is not None:
            changes[name] = getattr(b, name)
    if not a.album and b.album:
        changes["album"] = b.album
    if a.duration_s <= 0 < b.duration_s:
        changes["duration_s"] = b.duration_s
    tags = {**second.tags, **{t: max(w, second.tags.get(t, 0.0)) for t, w in first.tags.items()}}
    return ImportRecord(
        track=a.evolve(**changes),
        tags=tags,
        tag_source=first.tag_source,
        mood_source=first.mood_source,
        line=first.line,
        own_export=first.own_export and second.own_export,
    )


def _name_ids(
    conn: sqlite3.Connection, table: str, rows: set[tuple[str, str]], insert: str, select: str
) -> dict[tuple[str, str], int]:
    """Insert missing (name, extra) pairs and return their ids, via a temp table (3 statements)."""
    conn.execute(f"CREATE TEMP TABLE IF NOT EXISTS _names_{table} (name TEXT, extra TEXT)")
    conn.execute(f"DELETE FROM _names_{table}")
    conn.executemany(f"INSERT INTO _names_{table} VALUES (?, ?)", sorted(rows))
    conn.execute(insert.format(temp=f"_names_{table}"))
    return {(n, e): int(i) for i, n, e in conn.execute(select.format(temp=f"_names_{table}"))}


def write_batch(conn: sqlite3.Connection, batch: Sequence[Write], known: Known) -> None:
    """Write one batch of planned writes (inside the caller's transaction)."""
    now = datetime.now(UTC).isoformat(timespec="seconds")
    artist_ids = _name_ids(
        conn,
        "artists",
        {(name, fast_normalise(name)) for w in batch for name in w.record.track.artists},
        "INSERT OR IGNORE INTO artists (name, norm) SELECT name, extra FROM {temp}",
        "SELECT a.arid, a.name, a.norm FROM artists a JOIN {temp} n ON a.name = n.name",
    )
    artist_by_name = {name: arid for (name, _norm), arid in artist_ids.items()}
    album_ids = _name_ids(
        conn,
        "albums",
        {(w.record.track.album, _first(w.record.track)) for w in batch if w.record.track.album},
        "INSERT OR IGNORE INTO albums (name, artist) SELECT name, extra FROM {temp}",
        "SELECT a.aid, a.name, a.artist FROM albums a JOIN {temp} n ON a.name = n.name AND a.artist = n.extra",
    )
    next_tid = int(conn.execute("SELECT COALESCE(MAX(tid), 0) + 1 FROM tracks").fetchone()[0])
    # the genres known tracks had before this batch (an export's genres are tags only when new)
    had_genres = {
        w.track_id: set(filter(None, (known.genres.get(w.track_id) or "").split(SEP)))
        for w in batch
        if w.record.own_export and not w.new
    }
    new_rows, update_rows = [], []
    for write in batch:
        track = write.record.track
        album_id = album_ids.get((track.album, _first(track))) if track.album else None
        genres = _joined(known.genres.get(write.track_id), track.genres)
        playlists = _joined(known.playlists.get(write.track_id), track.playlists)
        shared = (
            track.title,
            SEP.join(track.artists),
            fast_normalise(track.artist),
            album_id,
            track.duration_s,
            write.isrc,
            write.uri,
            track.path,
            None if track.explicit is None else int(track.explicit),
            genres,
            playlists,
            track.year,
            write.key,
            fast_song_key(_first(track), track.title),
            write.digest,
            now,
            track.mbid,
        )
        if write.new:
            known.tids[write.track_id] = next_tid
            new_rows.append((next_tid, write.track_id, *shared, now))
            next_tid += 1
        else:
            update_rows.append((*shared, known.tids[write.track_id]))
        known.hashes[write.track_id] = write.digest
        known.genres[write.track_id] = genres
        known.playlists[write.track_id] = playlists
    conn.executemany(
        "INSERT INTO tracks (tid, id, title, artists, artist_norm, album_id, duration_s, isrc, uri, "
        "path, explicit, genres, playlists, year, match_key, song_key, content_hash, updated_at, mbid, added_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        new_rows,
    )
    conn.executemany(
        "UPDATE tracks SET title = ?, artists = ?, artist_norm = ?, "
        "album_id = COALESCE(?, album_id), "
        "duration_s = CASE WHEN ? > 0 THEN ? ELSE duration_s END, "
        "isrc = COALESCE(?, isrc), uri = COALESCE(?, uri), path = COALESCE(?, path), "
        "explicit = COALESCE(?, explicit), genres = ?, playlists = ?, year = COALESCE(?, year), "
        "match_key = ?, song_key = ?, "
        "content_hash = ?, updated_at = ?, mbid = COALESCE(?, mbid) WHERE tid = ?",
        [_update_params(row) for row in update_rows],
    )
    _write_children(conn, batch, known, artist_by_name, had_genres)


def _joined(stored: str | None, added: Sequence[str]) -> str:
    """The stored ``SEP``-joined list with ``added``'s new items after it, joined again."""
    if not stored:
        if not added:
            return ""
        return added[0] if len(added) == 1 else SEP.join(dict.fromkeys(added))
    return SEP.join(_union([item for item in stored.split(SEP) if item], added))


def _update_params(row: tuple[object, ...]) -> tuple[object, ...]:
    """Parameters for the UPDATE statement (duration used twice)."""
    title, artists, norm, album_id, duration, *rest = row
    return (title, artists, norm, album_id, duration, duration, *rest)


def _first(track: Track) -> str:
    """The track's first artist ('' if none): the album's artist for album identity."""
    return track.artists[0] if track.artists else ""


def _write_children(
    conn: sqlite3.Connection,
    batch: Sequence[Write],
    known: Known,
    artist_by_name: dict[str, int],
    had_genres: dict[str, set[str]],
) -> None:
    """Artist links, import attributes, moods and crowd tags of a batch (``had_genres``: the
    genres of the known tracks whose records only add tags, before the batch)."""
    tids = [(known.tids[w.track_id], w) for w in batch]
    updated = [(tid,) for tid, w in tids if not w.new]
    conn.executemany("DELETE FROM track_artists WHERE tid = ?", updated)
    conn.executemany(
        "INSERT INTO track_artists (tid, position, arid) VALUES (?, ?, ?)",
        [
            (tid, pos, artist_by_name[name])
            for tid, w in tids
            for pos, name in enumerate(dict.fromkeys(w.record.track.artists))
        ],
    )
    cols = ", ".join(f'"{a}"' for a in ATTRIBUTES)
    sets = ", ".join(f'"{a}" = COALESCE(excluded."{a}", "{a}")' for a in ATTRIBUTES)
    attribute_rows = []
    import_rank = rank(IMPORT_ATTRIBUTE_SOURCE, ATTRIBUTE_SOURCES)
    has = _attributes_held(conn, [tid for tid, w in tids if w.record.own_export and not w.new])
    for tid, w in tids:
        values = _ATTRIBUTE_VALUES(w.record.track)
        if tid in has:  # an export read back: only the attributes no source gave the track
            values = tuple(None if held else v for v, held in zip(values, has[tid], strict=True))
        if values != _NO_ATTRIBUTES:
            attribute_rows.append((tid, IMPORT_ATTRIBUTE_SOURCE, import_rank, *values))
    conn.executemany(
        f"INSERT INTO attributes (tid, source, rank, {cols}) "
        f"VALUES (?, ?, ?, {', '.join('?' * len(ATTRIBUTES))}) "
        f"ON CONFLICT (tid, source) DO UPDATE SET {sets}",
        attribute_rows,
    )
    with_moods = [
        (tid, w.record, w.new) for tid, w in tids if w.record.track.moods and (w.new or not w.record.own_export)
    ]
    conn.executemany(
        "DELETE FROM moods WHERE tid = ? AND source = ?",
        [(tid, r.mood_source) for tid, r, new in with_moods if not new],
    )
    conn.executemany(
        "INSERT INTO moods (tid, mood, source, rank, weight) VALUES (?, ?, ?, ?, ?)",
        [
            (tid, mood, r.mood_source, rank(r.mood_source, MOOD_SOURCES), weight)
            for tid, r, _ in with_moods
            for mood, weight in r.track.moods.items()
        ],
    )
    if known.source:
        write_source_digests(conn, known, [(w.track_id, w.digest) for w in batch])
    with_tags = [(tid, w.record, w.new) for tid, w in tids if w.record.tags and not w.record.own_export]
    conn.executemany(
        "DELETE FROM tags WHERE tid = ? AND source = ?",
        [(tid, r.tag_source) for tid, r, new in with_tags if not new],
    )
    conn.executemany(
        "INSERT INTO tags (tid, source, tag, weight) VALUES (?, ?, ?, ?)",
        [(tid, r.tag_source, tag, w) for tid, r, _ in with_tags for tag, w in r.tags.items()],
    )
    added = [
        (tid, w.record.tag_source, tag, weight)
        for tid, w in tids
        if w.record.own_export
        for tag, weight in w.record.tags.items()
        if w.new or tag not in had_genres.get(w.track_id, ())
    ]
    conn.executemany("INSERT INTO tags (tid, source, tag, weight) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING", added)


def _attributes_held(conn: sqlite3.Connection, tids: Sequence[int]) -> dict[int, tuple[bool, ...]]:
    """tid → for each of :data:`ATTRIBUTES`, whether any source gave the track that attribute."""
    held: dict[int, list[bool]] = {tid: [False] * len(ATTRIBUTES) for tid in tids}
    cols = ", ".join(f'"{a}"' for a in ATTRIBUTES)
    for start in range(0, len(tids), 500):
        chunk = tids[start : start + 500]
        query = f"SELECT tid, {cols} FROM attributes WHERE tid IN ({','.join('?' * len(chunk))})"
        for tid, *values in conn.execute(query, chunk):
            held[tid] = [h or v is not None for h, v in zip(held[tid], values, strict=True)]
    return {tid: tuple(flags) for tid, flags in held.items()}


def write_source_digests(conn: sqlite3.Connection, known: Known, digests: Sequence[tuple[str, str]]) -> None:
    """Record what ``known.source`` brought for each (track id, digest)."""
    conn.executemany(
        "INSERT INTO track_source_digests (tid, source, digest) VALUES (?, ?, ?) "
        "ON CONFLICT (tid, source) DO UPDATE SET digest = excluded.digest",
        [(known.tids[track_id], known.source, digest) for track_id, digest in digests],
    )
    known.source_hashes.update(digests)
