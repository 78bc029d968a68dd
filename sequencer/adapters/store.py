"""The library: a SQLite database of tracks, their moods (with sources), tags and caches.

Everything stored goes through :meth:`Store.transaction` (beets' ``Transaction`` habit): one
``BEGIN IMMEDIATE … COMMIT`` per unit of work, rolled back on any error, so an import killed
halfway leaves whole batches or nothing.  The schema is built by the named migrations in
:mod:`sequencer.adapters.migrations`, with a backup before an existing library is migrated.

Precedence on read
------------------
- moods, per mood name: ``hand`` > ``tag`` > ``inferred`` > ``import`` (a hand weight of 0
  hides a mood other sources gave);
- attributes, per attribute: ``hand`` > ``analysis`` > ``tag`` > ``import``;
- any other source name ranks below these.

Speed
-----
Imports write with ``executemany`` in batches; reads are a handful of queries for the whole
library; :meth:`Store.feature_table` is cached in ``<library>.features.npz`` and rebuilt only
when the library's change counter (bumped by every transaction that changed a row) moved.

Public: :class:`Store`, :data:`MOOD_SOURCES`, :data:`ATTRIBUTE_SOURCES`.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import os
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sequencer.adapters import migrations
from sequencer.adapters.importers.records import ImportRecord, ImportReport
from sequencer.core.identity import clean_isrc, match_key, spotify_id, spotify_uri
from sequencer.core.moods import BUILTIN_MOODS
from sequencer.core.track import Track, normalise_text, parse_track_ref, song_key
from sequencer.errors import LibraryError, TrackNotFoundError

if TYPE_CHECKING:
    from sequencer.core.features import FeatureTable

#: Mood sources, strongest first.
MOOD_SOURCES: tuple[str, ...] = ("hand", "tag", "inferred", "import")
#: Attribute sources, strongest first.
ATTRIBUTE_SOURCES: tuple[str, ...] = ("hand", "analysis", "tag", "import")

ATTRS = migrations.ATTRIBUTE_COLUMNS
SEP = "\x1f"
"""Separator of multi-valued text columns (artists, genres): never typed by users."""
FEATURE_CACHE_FORMAT = 1
CHUNK = 500
"""Ids per ``IN (…)`` query (below SQLite's variable limit)."""

Progress = Callable[[int, int], None]


def _rank(source: str, order: tuple[str, ...]) -> int:
    """Precedence rank of ``source`` in ``order`` (0 = strongest; unknown = weakest)."""
    return order.index(source) if source in order else len(order)


def _now() -> str:
    """The current UTC time, ISO 8601 to the second."""
    return datetime.now(UTC).isoformat(timespec="seconds")


_ENVIRONMENTAL = ("locked", "busy", "readonly", "read-only", "disk", "full", "unable to open",
                  "not a database", "malformed", "corrupt", "permission")


def _is_environmental(error: sqlite3.Error) -> bool:
    """Whether a SQLite error comes from the file or the machine (a user can fix it), not from
    a bug in a query (which must stay a traceback)."""
    text = str(error).lower()
    return any(word in text for word in _ENVIRONMENTAL)


def _library_error(path: Path, error: sqlite3.Error) -> LibraryError:
    """Translate a SQLite error into advice about the library file."""
    text = str(error).lower()
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return LibraryError(
            f"library {path} is damaged or is not a moodseq library ({error})",
            hint=f"restore a backup ({path.name}.bak-*) or move the file away and import again",
        )
    if "locked" in text or "busy" in text:
        return LibraryError(
            f"library {path} is busy: another moodseq process is writing to it",
            hint="wait for the other import to finish, then run this again",
        )
    if "readonly" in text or "read-only" in text or "unable to open" in text or "permission" in text:
        return LibraryError(
            f"cannot open library {path} for writing ({error})",
            hint=f"check the permissions of {path} and its folder, or pick another with --library",
        )
    if "disk" in text or "full" in text:
        return LibraryError(f"cannot write library {path}: {error}", hint="free some disk space")
    return LibraryError(f"library {path}: {error}", hint="run with --debug and report this")


_ATTR_LIST = ", ".join(f'"{a}"' for a in ATTRS)
_TRACK_COLUMNS = (
    "t.tid, t.id, t.title, t.artists, t.duration_s, COALESCE(al.name, ''), t.isrc, t.uri, "
    "t.path, t.explicit, t.genres"
)


class Store:
    """An open library database.  Use :meth:`open`; close it (or use ``with``)."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        """Wrap an open, migrated connection (use :meth:`open` instead)."""
        self._conn = conn
        self.path = path
        self._depth = 0

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, *, timeout: float = 10.0) -> Store:
        """Open (creating if needed) the library at ``path`` and bring its schema up to date.

        ``timeout`` is how long to wait for another process's write to finish before giving
        up with "library is busy".
        """
        path = Path(path).expanduser()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise LibraryError(
                f"cannot create the library folder {path.parent}: {error.strerror}",
                hint="check permissions, or pick another library with --library PATH",
            ) from None
        if path.is_dir():
            raise LibraryError(f"library path {path} is a folder", hint="give a file name, e.g. library.db")
        conn: sqlite3.Connection | None = None
        try:
            conn = sqlite3.connect(path, isolation_level=None, timeout=timeout)
            conn.execute("PRAGMA foreign_keys = ON")
            cls._check_is_library(conn, path)
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA cache_size = -65536")  # 64 MiB: bulk imports touch many index pages
            migrations.apply_pending(conn, path)
            store = cls(conn, path)
            if store.get_meta("library_id") is None:
                store.set_meta("library_id", uuid.uuid4().hex)
            return store
        except sqlite3.Error as error:
            if conn is not None:
                conn.close()
            raise _library_error(path, error) from None
        except BaseException:
            if conn is not None:
                conn.close()
            raise

    @staticmethod
    def _check_is_library(conn: sqlite3.Connection, path: Path) -> None:
        """Refuse a SQLite file that is another program's database, or from a newer moodseq."""
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if tables and "schema_migrations" not in tables:
            raise LibraryError(
                f"{path} is a SQLite database but not a moodseq library",
                hint="pick another file with --library PATH",
            )
        known = {m.name for m in migrations.MIGRATIONS}
        unknown = [name for name in migrations.applied(conn) if name not in known]
        if unknown:
            raise LibraryError(
                f"library {path} was upgraded by a newer moodseq (schema {unknown[-1]})",
                hint="upgrade moodseq (pip install -U moodseq)",
            )

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

    def __enter__(self) -> Store:
        """The store itself; it is closed when the block ends."""
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Close the database."""
        self.close()

    # -- transactions ----------------------------------------------------------------------

    @contextlib.contextmanager
    def transaction(self, *, write: bool = True, bump: bool = True) -> Iterator[sqlite3.Connection]:
        """A unit of work: committed at the end, rolled back on any error.

        ``write=False`` takes a consistent read snapshot without locking writers out.
        Nested calls join the outer transaction (a savepoint, so an inner failure rolls back
        only the inner work when caught).  A transaction that changed rows bumps the
        library's change counter, which the feature cache is stamped with; ``bump=False`` is
        for bookkeeping that cannot change the feature table (import records, caches, tags).
        """
        conn = self._conn
        if self._depth:
            name = f"sp{self._depth}"
            conn.execute(f"SAVEPOINT {name}")
            self._depth += 1
            try:
                yield conn
            except BaseException:
                conn.execute(f"ROLLBACK TO {name}")
                conn.execute(f"RELEASE {name}")
                raise
            finally:
                self._depth -= 1
            conn.execute(f"RELEASE {name}")
            return
        before = conn.total_changes
        try:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        except sqlite3.OperationalError as error:
            raise _library_error(self.path, error) from None
        self._depth = 1
        try:
            yield conn
            if bump and conn.total_changes != before:
                conn.execute(
                    "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'changes'"
                )
            conn.execute("COMMIT")
        except BaseException as error:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            if isinstance(error, sqlite3.OperationalError) and _is_environmental(error):
                raise _library_error(self.path, error) from None
            raise
        finally:
            self._depth = 0

    # -- small key-value store -------------------------------------------------------------

    def get_meta(self, key: str) -> Any | None:
        """The JSON value stored under ``key``, or None."""
        with self.transaction(write=False) as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def set_meta(self, key: str, value: Any) -> None:
        """Store ``value`` (JSON-serialisable) under ``key``."""
        if key == "changes":
            raise ValueError("'changes' is the library's change counter and cannot be set")
        with self.transaction(bump=False) as conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    def changes(self) -> int:
        """The change counter: grows whenever tracks, moods or attributes changed."""
        with self.transaction(write=False) as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'changes'").fetchone()
        return int(row[0])

    # -- reading tracks --------------------------------------------------------------------

    def count(self) -> int:
        """Number of tracks in the library."""
        with self.transaction(write=False) as conn:
            return int(conn.execute("SELECT count(*) FROM tracks").fetchone()[0])

    def tracks(self) -> list[Track]:
        """Every track, in the order they were added, moods and attributes merged by precedence."""
        with self.transaction(write=False) as conn:
            return self._load(conn, None)

    def tracks_by_ids(self, ids: Sequence[str]) -> list[Track]:
        """The tracks with these ids, in the same order; TrackNotFoundError names a missing one."""
        tids: dict[str, int] = {}
        with self.transaction(write=False) as conn:
            for start in range(0, len(ids), CHUNK):
                chunk = list(ids[start:start + CHUNK])
                marks = ",".join("?" * len(chunk))
                tids.update(conn.execute(f"SELECT id, tid FROM tracks WHERE id IN ({marks})", chunk))
            missing = [i for i in ids if i not in tids]
            if missing:
                raise TrackNotFoundError(
                    f"no track with id {missing[0]!r} in the library"
                    + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""),
                    hint="the library changed since the ids were taken; run the command again",
                )
            loaded = {t.id: t for t in self._load(conn, list(tids.values()))}
        return [loaded[i] for i in ids]

    def _load(self, conn: sqlite3.Connection, tids: list[int] | None) -> list[Track]:
        """Build Tracks for ``tids`` (None = all) with three queries per chunk."""
        if tids is None:
            return self._load_where(conn, "", [])
        result: list[Track] = []
        for start in range(0, len(tids), CHUNK):
            chunk = tids[start:start + CHUNK]
            result.extend(self._load_where(conn, f"IN ({','.join('?' * len(chunk))})", chunk))
        return result

    def _load_where(self, conn: sqlite3.Connection, condition: str, params: list[int]) -> list[Track]:
        """Tracks whose tid satisfies ``tid <condition>`` (empty = all)."""
        where = f"WHERE t.tid {condition}" if condition else ""
        rows = conn.execute(
            f"SELECT {_TRACK_COLUMNS} FROM tracks t LEFT JOIN albums al ON al.aid = t.album_id "
            f"{where} ORDER BY t.tid",
            params,
        ).fetchall()
        sub = f"WHERE tid {condition}" if condition else ""
        attrs = _merge_attribute_rows(conn.execute(
            f"SELECT tid, {_ATTR_LIST} FROM attributes {sub} "
            "ORDER BY tid, rank DESC",
            params,
        ))
        moods: dict[int, dict[str, float]] = {}
        for tid, mood, weight, _ in conn.execute(
            f"SELECT tid, mood, weight, MIN(rank) FROM moods {sub} GROUP BY tid, mood", params
        ):
            if weight > 0:
                moods.setdefault(tid, {})[mood] = weight
        return [_track_from_row(row, attrs.get(row[0]), moods.get(row[0], {})) for row in rows]

    def find(self, ref: str) -> Track:
        """The track ``ref`` names: an id, a Spotify URI/link, ``Artist - Title`` or a title."""
        with self.transaction(write=False) as conn:
            tid = self._find_tid(conn, ref)
            if tid is None:
                raise TrackNotFoundError(
                    f"no track {ref!r} in the library", hint=self._closest_hint(conn, ref)
                )
            return self._load(conn, [tid])[0]

    def _find_tid(self, conn: sqlite3.Connection, ref: str) -> int | None:
        """The tid ``ref`` names, or None."""
        ref = ref.strip()
        row = conn.execute("SELECT tid FROM tracks WHERE id = ?", (ref,)).fetchone()
        uri = spotify_uri(ref) if row is None else None
        if row is None and uri:
            row = conn.execute("SELECT tid FROM tracks WHERE uri = ?", (uri,)).fetchone()
        if row is not None:
            return int(row[0])
        artist, title = parse_track_ref(ref)
        candidates: list[tuple[str | None, str]] = [(artist, title)] if artist else []
        candidates.append((None, ref))
        for cand_artist, cand_title in candidates:
            found = self._find_by_name(conn, cand_artist, cand_title)
            if found is not None:
                return found
        return None

    @staticmethod
    def _find_by_name(conn: sqlite3.Connection, artist: str | None, title: str) -> int | None:
        """A track by normalised title (full, then without suffixes), optionally by artist."""
        norm_title = normalise_text(title)
        if artist is not None:
            exact = conn.execute(
                "SELECT tid FROM tracks WHERE match_key = ? ORDER BY tid LIMIT 1",
                (f"{normalise_text(artist)}|{norm_title}",),
            ).fetchone()
            if exact:
                return int(exact[0])
            song = conn.execute(
                "SELECT tid FROM tracks WHERE song_key = ? ORDER BY tid LIMIT 1",
                (song_key((artist,), title),),
            ).fetchone()
            if song:
                return int(song[0])
            # a later artist of a multi-artist track
            rows = conn.execute(
                "SELECT t.tid, t.title FROM tracks t JOIN track_artists ta ON ta.tid = t.tid "
                "JOIN artists a ON a.arid = ta.arid WHERE a.norm = ? ORDER BY t.tid",
                (normalise_text(artist),),
            ).fetchall()
            for tid, stored_title in rows:
                if normalise_text(stored_title) == norm_title:
                    return int(tid)
            return None
        rows = conn.execute(
            "SELECT tid FROM tracks WHERE substr(match_key, instr(match_key, '|') + 1) = ? "
            "ORDER BY tid LIMIT 1",
            (norm_title,),
        ).fetchall()
        return int(rows[0][0]) if rows else None

    @staticmethod
    def _closest_hint(conn: sqlite3.Connection, ref: str) -> str:
        """'did you mean …' with the closest "Artist - Title" names, or how to list tracks."""
        artist = parse_track_ref(ref)[0]
        if artist:
            rows = conn.execute(
                "SELECT artists, title FROM tracks WHERE artist_norm LIKE ? LIMIT 2000",
                (f"%{normalise_text(artist)}%",),
            ).fetchall()
        else:
            rows = []
        if not rows:
            rows = conn.execute("SELECT artists, title FROM tracks LIMIT 50000").fetchall()
        names = {f"{', '.join(a.split(SEP))} - {t}": None for a, t in rows}
        close = difflib.get_close_matches(ref, list(names), n=3, cutoff=0.5)
        if close:
            return "did you mean " + " or ".join(repr(c) for c in close) + "?"
        return "list tracks with `moodseq library list --artist NAME`"

    def search(
        self,
        *,
        mood: str | None = None,
        artist: str | None = None,
        text: str | None = None,
        limit: int | None = None,
    ) -> list[Track]:
        """Tracks matching every given filter (mood: merged weight > 0, strongest first)."""
        joins: list[str] = []
        conditions: list[str] = []
        params: list[Any] = []
        order = "t.tid"
        if mood:
            joins.append(
                "JOIN (SELECT tid, weight, MIN(rank) FROM moods WHERE mood = ? GROUP BY tid) m "
                "ON m.tid = t.tid"
            )
            params.append(mood)
            conditions.append("m.weight > 0")
            order = "m.weight DESC, t.tid"
        if artist:
            conditions.append(
                "t.tid IN (SELECT ta.tid FROM track_artists ta JOIN artists a ON a.arid = ta.arid "
                "WHERE a.norm LIKE ?)"
            )
            params.append(f"%{normalise_text(artist)}%")
        if text:
            conditions.append("(replace(t.match_key, '|', ' ') LIKE ? OR t.id = ?)")
            params.extend([f"%{normalise_text(text)}%", text])
        where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
        sql = f"SELECT t.tid FROM tracks t {' '.join(joins)} {where} ORDER BY {order}"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self.transaction(write=False) as conn:
            tids = [int(r[0]) for r in conn.execute(sql, params)]
            loaded = {t.id: t for t in self._load(conn, sorted(tids))}
            id_of = self._ids_of(conn, tids)
        return [loaded[id_of[tid]] for tid in tids]

    @staticmethod
    def _ids_of(conn: sqlite3.Connection, tids: list[int]) -> dict[int, str]:
        """tid → track id for ``tids``."""
        found: dict[int, str] = {}
        for start in range(0, len(tids), CHUNK):
            chunk = tids[start:start + CHUNK]
            found.update(conn.execute(
                f"SELECT tid, id FROM tracks WHERE tid IN ({','.join('?' * len(chunk))})", chunk
            ))
        return found

    def _tid(self, conn: sqlite3.Connection, track_id: str) -> int:
        """The tid of ``track_id``; TrackNotFoundError if unknown."""
        row = conn.execute("SELECT tid FROM tracks WHERE id = ?", (track_id,)).fetchone()
        if row is None:
            raise TrackNotFoundError(
                f"no track with id {track_id!r} in the library",
                hint="find ids with `moodseq library list`",
            )
        return int(row[0])

    # -- the feature table -----------------------------------------------------------------

    @property
    def feature_cache_path(self) -> Path:
        """Where the feature table is cached: ``<library>.features.npz``."""
        return self.path.with_name(self.path.name + ".features.npz")

    def feature_table(self) -> FeatureTable:
        """The whole library as columns (see :mod:`sequencer.core.features`), cached on disk."""
        with self.transaction(write=False) as conn:
            stamp = self._feature_stamp(conn)
            cached = _load_feature_cache(self.feature_cache_path, stamp)
            if cached is not None:
                return cached
            table = _build_feature_table(conn)
        _save_feature_cache(self.feature_cache_path, stamp, table)
        return table

    @staticmethod
    def _feature_stamp(conn: sqlite3.Connection) -> str:
        """What the feature cache must match: format, library identity and change counter."""
        values = dict(conn.execute("SELECT key, value FROM meta WHERE key IN ('library_id', 'changes')"))
        return f"{FEATURE_CACHE_FORMAT}:{values.get('library_id')}:{values.get('changes')}"

    # -- moods, attributes, tags -----------------------------------------------------------

    def set_moods(
        self, track_id: str, moods: Mapping[str, float], *, source: str, replace: bool = True
    ) -> None:
        """Set ``track_id``'s moods from ``source``.

        ``replace=True`` (default) makes ``moods`` the source's whole set for the track;
        ``replace=False`` adds to or changes only the named moods (hand-tuning one mood).
        """
        _check_mood_source(source)
        rows = _mood_rows(moods)
        with self.transaction() as conn:
            tid = self._tid(conn, track_id)
            if replace:
                conn.execute("DELETE FROM moods WHERE tid = ? AND source = ?", (tid, source))
            conn.executemany(
                "INSERT OR REPLACE INTO moods (tid, mood, source, rank, weight) VALUES (?, ?, ?, ?, ?)",
                [(tid, mood, source, _rank(source, MOOD_SOURCES), w) for mood, w in rows],
            )

    def set_moods_bulk(self, rows: Iterable[tuple[str, Mapping[str, float]]], *, source: str) -> int:
        """Replace ``source``'s moods for many tracks at once; returns the number of tracks set.

        Ids not in the library are skipped (counted out of the result).
        """
        _check_mood_source(source)
        rank = _rank(source, MOOD_SOURCES)
        items = [(track_id, _mood_rows(moods)) for track_id, moods in rows]
        with self.transaction() as conn:
            tids = self._tids_for(conn, [track_id for track_id, _ in items])
            present = [(tids[i], m) for i, m in items if i in tids]
            conn.executemany(
                "DELETE FROM moods WHERE tid = ? AND source = ?", [(t, source) for t, _ in present]
            )
            conn.executemany(
                "INSERT OR REPLACE INTO moods (tid, mood, source, rank, weight) VALUES (?, ?, ?, ?, ?)",
                [(t, mood, source, rank, w) for t, m in present for mood, w in m],
            )
            return len(present)

    def _tids_for(self, conn: sqlite3.Connection, ids: Sequence[str]) -> dict[str, int]:
        """track id → tid for the ids that exist."""
        found: dict[str, int] = {}
        for start in range(0, len(ids), CHUNK):
            chunk = list(ids[start:start + CHUNK])
            found.update(conn.execute(
                f"SELECT id, tid FROM tracks WHERE id IN ({','.join('?' * len(chunk))})", chunk
            ))
        return found

    def mood_sources(self, track_id: str) -> dict[str, list[tuple[str, float]]]:
        """mood → [(source, weight)], strongest source first (what ``library show`` prints)."""
        with self.transaction(write=False) as conn:
            tid = self._tid(conn, track_id)
            rows = conn.execute(
                "SELECT mood, source, weight FROM moods WHERE tid = ? ORDER BY mood, rank", (tid,)
            ).fetchall()
        found: dict[str, list[tuple[str, float]]] = {}
        for mood, source, weight in rows:
            found.setdefault(mood, []).append((source, float(weight)))
        return found

    def set_attributes(self, track_id: str, attrs: Mapping[str, float], *, source: str) -> None:
        """Store attribute values from ``source`` (e.g. "analysis"); unknown names are refused."""
        unknown = [name for name in attrs if name not in ATTRS]
        if unknown:
            raise ValueError(f"unknown attributes {unknown}; known: {', '.join(ATTRS)}")
        names = list(attrs)
        with self.transaction() as conn:
            tid = self._tid(conn, track_id)
            if not names:
                return
            cols = ", ".join(f'"{n}"' for n in names)
            sets = ", ".join(f'"{n}" = excluded."{n}"' for n in names)
            conn.execute(
                f"INSERT INTO attributes (tid, source, rank, {cols}) "
                f"VALUES (?, ?, ?, {', '.join('?' * len(names))}) "
                f"ON CONFLICT (tid, source) DO UPDATE SET {sets}",
                (tid, source, _rank(source, ATTRIBUTE_SOURCES), *(float(attrs[n]) for n in names)),
            )

    def set_tags(
        self, track_id: str, tags: Mapping[str, float], *, source: str, fetched_at: str
    ) -> None:
        """Replace ``source``'s crowd tags of a track and remember when they were fetched."""
        with self.transaction(bump=False) as conn:
            tid = self._tid(conn, track_id)
            conn.execute("DELETE FROM tags WHERE tid = ? AND source = ?", (tid, source))
            conn.executemany(
                "INSERT INTO tags (tid, source, tag, weight) VALUES (?, ?, ?, ?)",
                [(tid, source, tag, float(w)) for tag, w in tags.items()],
            )
            conn.execute(
                "INSERT OR REPLACE INTO tag_fetches (tid, source, fetched_at) VALUES (?, ?, ?)",
                (tid, source, fetched_at),
            )

    def tags_bulk(self, *, source: str | None = None) -> dict[str, dict[str, float]]:
        """track id → {tag: weight} (one source, or all sources with the highest weight per tag)."""
        sql = "SELECT t.id, g.tag, MAX(g.weight) FROM tags g JOIN tracks t ON t.tid = g.tid"
        params: tuple[str, ...] = ()
        if source is not None:
            sql += " WHERE g.source = ?"
            params = (source,)
        sql += " GROUP BY g.tid, g.tag"
        found: dict[str, dict[str, float]] = {}
        with self.transaction(write=False) as conn:
            for track_id, tag, weight in conn.execute(sql, params):
                found.setdefault(track_id, {})[tag] = float(weight)
        return found

    def tag_fetched_at(self, track_id: str, source: str) -> str | None:
        """When ``source``'s tags for the track were last fetched (None = never)."""
        with self.transaction(write=False) as conn:
            tid = self._tid(conn, track_id)
            row = conn.execute(
                "SELECT fetched_at FROM tag_fetches WHERE tid = ? AND source = ?", (tid, source)
            ).fetchone()
        return None if row is None else str(row[0])

    # -- Spotify bookkeeping ---------------------------------------------------------------

    def playlist_link(self, key: str) -> dict[str, Any] | None:
        """The Spotify playlist stored for ``key`` (profile/name), or None."""
        with self.transaction(write=False) as conn:
            row = conn.execute(
                "SELECT playlist_id, name, snapshot_id, updated_at FROM playlist_links WHERE key = ?",
                (key,),
            ).fetchone()
        if row is None:
            return None
        return {"playlist_id": row[0], "name": row[1], "snapshot_id": row[2], "updated_at": row[3]}

    def set_playlist_link(
        self, key: str, *, playlist_id: str, name: str, snapshot_id: str | None
    ) -> None:
        """Remember which Spotify playlist belongs to ``key``."""
        with self.transaction(bump=False) as conn:
            conn.execute(
                "INSERT OR REPLACE INTO playlist_links (key, playlist_id, name, snapshot_id, updated_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (key, playlist_id, name, snapshot_id, _now()),
            )

    def delete_playlist_link(self, key: str) -> None:
        """Forget the playlist stored for ``key`` (no error if none)."""
        with self.transaction(bump=False) as conn:
            conn.execute("DELETE FROM playlist_links WHERE key = ?", (key,))

    def resolution(self, track_id: str) -> tuple[str | None, float] | None:
        """The cached Spotify search result (uri or None for a miss, confidence), or None."""
        with self.transaction(write=False) as conn:
            tid = self._tid(conn, track_id)
            row = conn.execute(
                "SELECT uri, confidence FROM resolutions WHERE tid = ?", (tid,)
            ).fetchone()
        return None if row is None else (row[0], float(row[1]))

    def set_resolution(self, track_id: str, uri: str | None, confidence: float, query: str) -> None:
        """Cache a Spotify search result for a track (``uri=None`` records a miss)."""
        with self.transaction(bump=False) as conn:
            tid = self._tid(conn, track_id)
            conn.execute(
                "INSERT OR REPLACE INTO resolutions (tid, uri, confidence, query, resolved_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (tid, uri, float(confidence), query, _now()),
            )

    # -- importing -------------------------------------------------------------------------

    def upsert_tracks(
        self, tracks: Iterable[Track], *, source: str = "import", progress: Progress | None = None
    ) -> ImportReport:
        """Add or update tracks by identity (see :mod:`sequencer.core.identity`).

        Moods on the tracks are stored under ``source`` when it is a mood source (else as
        "import"); "hand" is refused: hand tags come only from :meth:`set_moods`.
        """
        mood_source = source if source in MOOD_SOURCES else "import"
        records = [ImportRecord(t, mood_source=mood_source, line=i + 1) for i, t in enumerate(tracks)]
        report = ImportReport(source=source, rows_read=len(records))
        return self.upsert_records(records, report=report, kind=source, progress=progress)

    def upsert_records(
        self,
        records: Sequence[ImportRecord],
        *,
        report: ImportReport | None = None,
        kind: str = "import",
        progress: Progress | None = None,
        batch_size: int = 5000,
    ) -> ImportReport:
        """Write validated import records in batches (one transaction each); see the module doc.

        Records for the same recording are merged first, so a rerun after an interrupted
        import and a re-import of the same input find every track unchanged.
        """
        from sequencer.adapters.importers import writer

        report = report if report is not None else ImportReport(rows_read=len(records))
        for record in records:
            if record.mood_source == "hand" and record.track.moods:
                raise ValueError("imports cannot write hand moods; use Store.set_moods")
        with self.transaction(write=False) as conn, writer.gc_paused():
            known = writer.load_known(conn)
            plan = writer.plan(records, known, report)
        report.source = report.source or kind
        iid = self._start_import(report.source, kind, report.rows_read)
        total = len(plan.writes)
        done = 0
        for start in range(0, total, batch_size):
            batch = plan.writes[start:start + batch_size]
            try:
                with self.transaction() as conn, writer.gc_paused():
                    writer.write_batch(conn, batch, known)
                    done += len(batch)
                    conn.execute("UPDATE imports SET rows_done = ? WHERE iid = ?", (done, iid))
            except sqlite3.IntegrityError as error:
                raise LibraryError(
                    f"the library changed while importing ({error}): another import ran at the same time",
                    hint="run this import again: it keeps what was written and adds the rest",
                ) from None
            if progress is not None:
                progress(done, total)
        if progress is not None and total == 0:
            progress(0, 0)
        self._finish_import(iid, report)
        return report

    def _start_import(self, source: str, kind: str, rows: int) -> int:
        """Record that an import started (an interrupted one stays 'running')."""
        with self.transaction(bump=False) as conn:
            cursor = conn.execute(
                "INSERT INTO imports (source, kind, started_at, rows_read, status) "
                "VALUES (?, ?, ?, ?, 'running')",
                (source, kind, _now(), rows),
            )
            return int(cursor.lastrowid or 0)

    def _finish_import(self, iid: int, report: ImportReport) -> None:
        """Record an import's outcome."""
        with self.transaction(bump=False) as conn:
            conn.execute(
                "UPDATE imports SET finished_at = ?, added = ?, updated = ?, skipped = ?, "
                "status = 'done' WHERE iid = ?",
                (_now(), report.added, report.updated, len(report.skipped), iid),
            )
            conn.execute(  # an earlier interrupted run of the same input is now complete
                "UPDATE imports SET status = 'resumed' WHERE status = 'running' AND source = ? AND iid < ?",
                (report.source or "", iid),
            )

    # -- statistics ------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Counts for ``library stats``: tracks, artists, albums, mood and attribute coverage."""
        with self.transaction(write=False) as conn:
            return _stats(conn)


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


def _track_from_row(
    row: tuple[Any, ...], attrs: list[float | None] | None, moods: dict[str, float]
) -> Track:
    """A Track from a ``_TRACK_COLUMNS`` row plus merged attributes and moods."""
    _tid, track_id, title, artists, duration, album, isrc, uri, path, explicit, genres = row
    values: dict[str, Any] = {}
    if attrs is not None:
        for name, value in zip(ATTRS, attrs, strict=True):
            if value is not None:
                values[name] = int(value) if name in ("key", "mode") else float(value)
    return Track(
        id=track_id,
        title=title,
        artists=tuple(artists.split(SEP)) if artists else (),
        duration_s=float(duration),
        album=album,
        isrc=isrc,
        uri=uri,
        moods=moods,
        explicit=None if explicit is None else bool(explicit),
        genres=tuple(genres.split(SEP)) if genres else (),
        path=path,
        **values,
    )


def _stats(conn: sqlite3.Connection) -> dict[str, Any]:
    """Library counts and coverage (fractions of tracks with moods / each attribute)."""

    def one(sql: str) -> int:
        """The single integer ``sql`` selects."""
        return int(conn.execute(sql).fetchone()[0])

    tracks = one("SELECT count(*) FROM tracks")
    by_source = dict(conn.execute(
        "SELECT source, count(DISTINCT tid) FROM moods WHERE weight > 0 GROUP BY source"
    ))
    moods = dict(conn.execute(
        "SELECT mood, count(*) FROM (SELECT tid, mood, weight, MIN(rank) FROM moods GROUP BY tid, mood) "
        "WHERE weight > 0 GROUP BY mood ORDER BY count(*) DESC"
    ))
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
        "with_moods": one(
            "SELECT count(*) FROM (SELECT tid FROM moods GROUP BY tid HAVING max(weight) > 0)"
        ),
        "mood_sources": by_source,
        "moods": moods,
        "attributes": coverage,
        "tags": one("SELECT count(DISTINCT tid) FROM tags"),
        "imports": one("SELECT count(*) FROM imports WHERE status = 'done'"),
        "interrupted_imports": interrupted,
    }


def _build_feature_table(conn: sqlite3.Connection) -> FeatureTable:
    """The feature table straight from SQL: four queries, numpy for the merging."""
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
    mrows = conn.execute(
        "SELECT tid, mood, weight, MIN(rank) FROM moods GROUP BY tid, mood"
    ).fetchall()
    present = sorted({r[1] for r in mrows} - set(BUILTIN_MOODS))
    mood_names = (*BUILTIN_MOODS, *present)
    moods = np.zeros((n, len(mood_names)), dtype=np.float32)
    if mrows:
        column = {m: i for i, m in enumerate(mood_names)}
        where = np.searchsorted(tids, np.fromiter((r[0] for r in mrows), dtype=np.int64))
        cols_at = np.fromiter((column[r[1]] for r in mrows), dtype=np.int64)
        moods[where, cols_at] = np.fromiter((r[2] for r in mrows), dtype=np.float32)
    return FeatureTable(ids=ids, mood_names=mood_names, moods=moods, attrs=attrs, explicit=explicit)


def _load_feature_cache(path: Path, stamp: str) -> FeatureTable | None:
    """The cached table at ``path`` if it was written for ``stamp``; None otherwise."""
    import numpy as np

    from sequencer.core.features import FeatureTable

    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["stamp"]) != stamp:
                return None
            return FeatureTable(
                ids=data["ids"],
                mood_names=tuple(str(m) for m in data["mood_names"]),
                moods=data["moods"],
                attrs=data["attrs"],
                explicit=data["explicit"],
            )
    except (OSError, KeyError, ValueError):
        return None


def _save_feature_cache(path: Path, stamp: str, table: FeatureTable) -> None:
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
        )
        temp.replace(path)
    except OSError:
        with contextlib.suppress(OSError):
            temp.unlink()


def content_hash(record: ImportRecord) -> str:
    """A digest of everything an import record would store (to skip unchanged re-imports)."""
    payload = (
        f"{record.track!r}|{record.mood_source}|{sorted(record.tags.items())!r}|{record.tag_source}"
    )
    return hashlib.blake2b(payload.encode("utf-8"), digest_size=12).hexdigest()


def new_track_id(record: ImportRecord, taken: set[str]) -> str:
    """A stable id for a new recording: its Spotify id, else a digest of its identity."""
    t = record.track
    wanted = t.id or spotify_id(t.uri) or ""
    if wanted and wanted not in taken:
        return wanted
    basis = "|".join([
        match_key(t.artists, t.title), str(round(t.duration_s)), normalise_text(t.album),
        clean_isrc(t.isrc) or "", t.path or "",
    ])
    digest = hashlib.blake2b(basis.encode("utf-8"), digest_size=8).hexdigest()
    candidate = f"x{digest}"
    suffix = 2
    while candidate in taken:
        candidate = f"x{digest}-{suffix}"
        suffix += 1
    return candidate


__all__ = ["ATTRIBUTE_SOURCES", "MOOD_SOURCES", "Store", "content_hash", "new_track_id"]
