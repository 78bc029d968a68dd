"""The library: a SQLite database of tracks, their moods (with sources), tags and caches.

Everything stored goes through :meth:`Store.transaction` (beets' ``Transaction`` habit): one
``BEGIN IMMEDIATE … COMMIT`` per unit of work, rolled back on any error, so an import killed
halfway leaves whole batches or nothing.  The schema is built by the named migrations in
:mod:`sequencer.adapters.library.migrations`, with a backup before an existing library is migrated.

This module owns the connection: opening (with SQLite errors translated into advice),
transactions, the change counter and the small key-value ``meta`` table.  :class:`Store` is
the one object the rest of moodseq uses; each of its other methods is a thin door to the
module that does the work:

- :mod:`~sequencer.adapters.library.rows` — rows ↔ Track, source precedence, id lookups;
- :mod:`~sequencer.adapters.library.queries` — ``tracks_by_ids``, ``find``, ``search``;
- :mod:`~sequencer.adapters.library.features` — the cached feature table;
- :mod:`~sequencer.adapters.library.moods` — moods and attributes per source;
- :mod:`~sequencer.adapters.library.tags` — crowd tags;
- :mod:`~sequencer.adapters.library.sound` — sound vectors and their evidence (playlists, year);
- :mod:`~sequencer.adapters.library.spotify_links` — playlist links and search resolutions;
- :mod:`~sequencer.adapters.library.imports` — batched, resumable imports;
- :mod:`~sequencer.adapters.library.stats` — ``library stats``.

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
import json
import sqlite3
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any

from sequencer.adapters.library import features as store_features
from sequencer.adapters.library import imports as store_imports
from sequencer.adapters.library import migrations
from sequencer.adapters.library import moods as store_moods
from sequencer.adapters.library import queries as store_queries
from sequencer.adapters.library import sound as store_sound
from sequencer.adapters.library import spotify_links as store_spotify
from sequencer.adapters.library import stats as store_stats
from sequencer.adapters.library import tags as store_tags
from sequencer.adapters.library.imports import content_hash, new_track_id
from sequencer.adapters.library.rows import ATTRIBUTE_SOURCES, MOOD_SOURCES, Progress, load_tracks
from sequencer.errors import LibraryError

if TYPE_CHECKING:
    from sequencer.adapters.importers.records import ImportRecord, ImportReport
    from sequencer.adapters.library.references import Unmatched
    from sequencer.core.features import FeatureTable
    from sequencer.core.profile import Constraints
    from sequencer.core.track import Track

_ENVIRONMENTAL = (
    "locked",
    "busy",
    "readonly",
    "read-only",
    "disk",
    "full",
    "unable to open",
    "not a database",
    "malformed",
    "corrupt",
    "permission",
)


def _is_environmental(error: sqlite3.Error) -> bool:
    """Whether a SQLite error comes from the file or the machine (a user can fix it), not from
    a bug in a query (which must stay a traceback)."""
    text = str(error).lower()
    return any(word in text for word in _ENVIRONMENTAL)


def _has_sqlite_header(path: Path) -> bool:
    """Whether ``path`` starts like a SQLite database (a damaged library usually still does)."""
    try:
        with path.open("rb") as handle:
            return handle.read(16) == b"SQLite format 3\x00"
    except OSError:
        return True  # cannot tell: keep the damaged-library advice


def _library_error(path: Path, error: sqlite3.Error) -> LibraryError:
    """Translate a SQLite error into advice about the library file."""
    text = str(error).lower()
    track_list = {".csv", ".tsv", ".json", ".jsonl", ".gz", ".txt"}
    if "not a database" in text and path.suffix.lower() in track_list:
        return LibraryError(
            f"{path} is a track list, not a moodseq library",
            hint=f"import it into a library first: moodseq import csv {path} "
            "(then build without --library, or with --library NEW.db on both commands)",
        )
    if "not a database" in text and not _has_sqlite_header(path):  # e.g. --library ~/.bashrc
        return LibraryError(
            f"{path} is not a moodseq library (not a SQLite database)",
            hint="check --library and MOODSEQ_LIBRARY: they name some other file, which moodseq leaves "
            f"alone; if it was your library, restore a backup ({path.name}.bak-*)",
        )
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


def _use_wal(conn: sqlite3.Connection, timeout: float) -> None:
    """Switch the database to WAL, retrying for up to ``timeout`` seconds: while another
    connection is switching the same new file, SQLite answers "locked" at once instead of
    waiting (its busy handler is not used there)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            text = str(error).lower()
            if ("locked" not in text and "busy" not in text) or time.monotonic() >= deadline:
                raise
            time.sleep(0.02)


class Store:
    """An open library database.  Use :meth:`open`; close it (or use ``with``)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, *, read_only: bool = False) -> None:
        """Wrap an open, migrated connection (use :meth:`open` instead)."""
        self._conn = conn
        self.path = path
        self._depth = 0
        self.read_only = read_only
        self._tags_memo: dict[str | None, dict[str, dict[str, float]]] = {}
        """tags_bulk results of this open store (cleared by its own tag and import writes)."""

    # -- opening ---------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, *, timeout: float = 10.0, read_only: bool = False) -> Store:
        """Open (creating if needed) the library at ``path`` and bring its schema up to date.

        ``timeout`` is how long to wait for another process's write to finish before giving
        up with "library is busy".  ``read_only`` opens an existing library for reading only
        (nothing created, no migration, works in a read-only folder or on a read-only file).
        """
        path = Path(path).expanduser()
        if read_only:
            return cls._open_read_only(path, timeout)
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
            _use_wal(conn, timeout)
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

    @classmethod
    def _open_read_only(cls, path: Path, timeout: float) -> Store:
        """Open ``path`` for reading only.  In a folder where SQLite cannot create its shared
        memory file beside a WAL database, it is opened as immutable (nobody can write there
        either).  A library with pending migrations is opened normally, to be upgraded."""
        if not path.is_file():
            raise LibraryError(f"no library at {path}", hint="import music first: moodseq import csv FILE")
        last: sqlite3.Error | None = None
        for flags in ("mode=ro", "mode=ro&immutable=1"):
            conn: sqlite3.Connection | None = None
            try:
                uri = f"{path.resolve().as_uri()}?{flags}"
                conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=timeout)
                conn.execute("PRAGMA query_only = ON")
                cls._check_is_library(conn, path)
                if migrations.pending(conn):  # an older schema: upgrade it first (needs writing)
                    conn.close()
                    conn = None
                    return cls.open(path, timeout=timeout)
                conn.execute("SELECT count(*) FROM tracks").fetchone()
                return cls(conn, path, read_only=True)
            except sqlite3.Error as error:
                if conn is not None:
                    conn.close()
                last = error
                if "unable to open" not in str(error).lower() and "readonly" not in str(error).lower():
                    break
            except BaseException:
                if conn is not None:
                    conn.close()
                raise
        assert last is not None
        raise _library_error(path, last) from None

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
        if write and self.read_only:
            raise LibraryError(f"library {self.path} was opened for reading only", hint="this command cannot change it")
        try:
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
        except sqlite3.DatabaseError as error:
            raise _library_error(self.path, error) from None
        self._depth = 1
        try:
            yield conn
            if bump and conn.total_changes != before:
                conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'changes'")
            conn.execute("COMMIT")
        except BaseException as error:
            if conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):  # a damaged file may refuse even this
                    conn.execute("ROLLBACK")
            if isinstance(error, sqlite3.DatabaseError) and _is_environmental(error):
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
                "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, json.dumps(value)),
            )

    def changes(self) -> int:
        """The change counter: grows whenever tracks, moods or attributes changed."""
        with self.transaction(write=False) as conn:
            row = conn.execute("SELECT value FROM meta WHERE key = 'changes'").fetchone()
        return int(row[0])

    def count(self) -> int:
        """Number of tracks in the library."""
        with self.transaction(write=False) as conn:
            return int(conn.execute("SELECT count(*) FROM tracks").fetchone()[0])

    def tracks(self) -> list[Track]:
        """Every track, in the order they were added, moods and attributes merged by precedence."""
        with self.transaction(write=False) as conn:
            return load_tracks(conn, None)

    def tracks_by_ids(self, ids: Sequence[str]) -> list[Track]:
        """The tracks with these ids, in the same order; TrackNotFoundError names a missing one."""
        with self.transaction(write=False) as conn:
            return store_queries.tracks_by_ids(conn, ids)

    def same_name_ids(self, track_id: str) -> list[str]:
        """Ids of every recording with exactly this track's artist and title (itself included)."""
        with self.transaction(write=False) as conn:
            return store_queries.same_name_ids(conn, track_id)

    def tracks_by_uris(self, uris: Sequence[str]) -> dict[str, Track]:
        """The tracks whose Spotify URI is one of ``uris``, by URI (exact matches only)."""
        with self.transaction(write=False) as conn:
            return store_queries.tracks_by_uris(conn, uris)

    def find(self, ref: str) -> Track:
        """The track ``ref`` names: an id, a Spotify URI/link, ``Artist - Title`` or a title."""
        with self.transaction(write=False) as conn:
            return store_queries.find(conn, ref)

    def lookup(self, ref: str) -> Track | None:
        """Like :meth:`find`, but None when nothing matches (fast: no suggestions)."""
        with self.transaction(write=False) as conn:
            return store_queries.lookup(conn, ref)

    def lookup_many(self, refs: Sequence[str]) -> list[Track | None]:
        """:meth:`lookup` of each ref, in order (one scan at most for all of them)."""
        with self.transaction(write=False) as conn:
            return store_queries.lookup_many(conn, refs)

    def unmatched_references(self, constraints: Constraints) -> list[Unmatched]:
        """The profile's start/end/exclude/must_include entries that name nothing in the library."""
        from sequencer.adapters.library.references import unmatched_references

        with self.transaction(write=False) as conn:
            return unmatched_references(conn, constraints)

    def unmatched_exemplars(self, like: Sequence[str]) -> list[Unmatched]:
        """The profile's exemplars that name nothing in the library (with "did you mean")."""
        from sequencer.adapters.library.references import unmatched_exemplars

        with self.transaction(write=False) as conn:
            return unmatched_exemplars(conn, like)

    def search(
        self,
        *,
        mood: str | None = None,
        artist: str | None = None,
        text: str | None = None,
        limit: int | None = None,
    ) -> list[Track]:
        """Tracks matching every given filter (mood: merged weight > 0, surest first: weight × confidence)."""
        with self.transaction(write=False) as conn:
            return store_queries.search(conn, mood=mood, artist=artist, text=text, limit=limit)

    # -- the feature table -----------------------------------------------------------------

    @property
    def feature_cache_path(self) -> Path:
        """Where the feature table is cached: ``<library>.features.npz``."""
        return store_features.feature_cache_path(self.path)

    def feature_table(self) -> FeatureTable:
        """The whole library as columns (see :mod:`sequencer.core.features`), cached on disk."""
        return store_features.feature_table(self)

    # -- moods, attributes, tags -----------------------------------------------------------

    def set_moods(self, track_id: str, moods: Mapping[str, float], *, source: str, replace: bool = True) -> None:
        """Set ``track_id``'s moods from ``source`` (``replace=False``: only the named moods)."""
        store_moods.set_moods(self, track_id, moods, source=source, replace=replace)

    def set_moods_bulk(self, rows: Iterable[tuple[str, Mapping[str, float]]], *, source: str) -> int:
        """Replace ``source``'s moods for many tracks at once; returns the number of tracks set."""
        return store_moods.set_moods_bulk(self, rows, source=source)

    def set_confidence_bulk(self, rows: Iterable[tuple[str, float]]) -> int:
        """Store how much evidence each track's inferred moods rest on (flow.md v2)."""
        return store_moods.set_confidence_bulk(self, rows)

    def genre_groups(self) -> dict[tuple[str, ...], list[str]]:
        """Each distinct list of genres and crowd tags (sorted) → the ids of the tracks that
        have it (for a profile's genre rules, decided once per list)."""
        return store_moods.genre_groups(self)

    def primary_artists(self) -> dict[str, str]:
        """track id → its first artist, normalised."""
        return store_moods.primary_artists(self)

    def song_keys(self) -> dict[str, str]:
        """track id → its song key (first artist and base title, normalised)."""
        return store_moods.song_keys(self)

    def same_artist_ids(self, track_ids: Sequence[str]) -> list[str]:
        """Ids of every track whose first artist (normalised) is the first artist of one of
        ``track_ids`` (those included)."""
        return store_moods.same_artist_ids(self, track_ids)

    def mood_sources(self, track_id: str) -> dict[str, list[tuple[str, float]]]:
        """mood → [(source, weight)], strongest source first (what ``library show`` prints)."""
        return store_moods.mood_sources(self, track_id)

    def set_attributes(self, track_id: str, attrs: Mapping[str, float], *, source: str) -> None:
        """Store attribute values from ``source`` (e.g. "analysis"); unknown names are refused."""
        store_moods.set_attributes(self, track_id, attrs, source=source)

    def set_tags(self, track_id: str, tags: Mapping[str, float], *, source: str, fetched_at: str) -> None:
        """Replace ``source``'s crowd tags of a track and remember when they were fetched."""
        self._tags_memo.clear()
        store_tags.set_tags(self, track_id, tags, source=source, fetched_at=fetched_at)

    def tags_bulk(self, *, source: str | None = None) -> dict[str, dict[str, float]]:
        """track id → {tag: weight} (one source, or all sources with the highest weight per tag).

        Read once per open store (``moods infer`` needs them twice) until this store writes
        tags or imports; treat the result as read-only.
        """
        found = self._tags_memo.get(source)
        if found is None:
            found = self._tags_memo[source] = store_tags.tags_bulk(self, source=source)
        return found

    def tag_fetched_at(self, track_id: str, source: str) -> str | None:
        """When ``source``'s tags for the track were last fetched (None = never)."""
        return store_tags.tag_fetched_at(self, track_id, source)

    # -- sound ---------------------------------------------------------------------------

    def sound_evidence(self) -> store_sound.Evidence:
        """Every track's genres, playlists and release year, in library order."""
        return store_sound.sound_evidence(self)

    def sound_stamp(self) -> str:
        """A fingerprint of the evidence sound vectors are computed from (see ``sound``)."""
        return store_sound.evidence_stamp(self)

    def set_sound_vectors(self, ids: Sequence[str], vectors: Any) -> int:
        """Store sound vectors (row i = ``ids[i]``, zero row = none); returns rows changed."""
        return store_sound.set_sound_vectors(self, ids, vectors)

    # -- Spotify bookkeeping ---------------------------------------------------------------

    def playlist_link(self, key: str) -> dict[str, Any] | None:
        """The Spotify playlist stored for ``key`` (profile/name), or None."""
        return store_spotify.playlist_link(self, key)

    def set_playlist_link(self, key: str, *, playlist_id: str, name: str, snapshot_id: str | None) -> None:
        """Remember which Spotify playlist belongs to ``key``."""
        store_spotify.set_playlist_link(self, key, playlist_id=playlist_id, name=name, snapshot_id=snapshot_id)

    def delete_playlist_link(self, key: str) -> None:
        """Forget the playlist stored for ``key`` (no error if none)."""
        store_spotify.delete_playlist_link(self, key)

    def resolution(self, track_id: str) -> tuple[str | None, float] | None:
        """The cached Spotify search result (uri or None for a miss, confidence), or None."""
        return store_spotify.resolution(self, track_id)

    def set_resolution(self, track_id: str, uri: str | None, confidence: float, query: str) -> None:
        """Cache a Spotify search result for a track (``uri=None`` records a miss)."""
        store_spotify.set_resolution(self, track_id, uri, confidence, query)

    # -- importing -------------------------------------------------------------------------

    def upsert_tracks(
        self, tracks: Iterable[Track], *, source: str = "import", progress: Progress | None = None
    ) -> ImportReport:
        """Add or update tracks by identity; moods are stored under ``source`` ("hand" refused)."""
        self._tags_memo.clear()
        return store_imports.upsert_tracks(self, tracks, source=source, progress=progress)

    def upsert_records(
        self,
        records: Sequence[ImportRecord],
        *,
        report: ImportReport | None = None,
        kind: str = "import",
        progress: Progress | None = None,
        batch_size: int = 5000,
    ) -> ImportReport:
        """Write validated import records in batches (one transaction each), resumably."""
        self._tags_memo.clear()
        return store_imports.upsert_records(
            self, records, report=report, kind=kind, progress=progress, batch_size=batch_size
        )

    # -- statistics ------------------------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Counts for ``library stats``: tracks, artists, albums, mood and attribute coverage."""
        with self.transaction(write=False) as conn:
            return store_stats.stats(conn)

    def count_without_moods(self) -> int:
        """How many tracks have no mood at all yet (what ``moods infer`` would fill)."""
        with self.transaction(write=False) as conn:
            return store_stats.count_without_moods(conn)

    def count_without_moods_with_evidence(self) -> int:
        """How many tracks without moods have attributes, genres, playlists or tags to infer from."""
        with self.transaction(write=False) as conn:
            return store_stats.count_without_moods_with_evidence(conn)


# The cache helpers' old private names: benchmarks/import_bench.py imports them from here.
_load_feature_cache = store_features.load_feature_cache
_save_feature_cache = store_features.save_feature_cache

__all__ = [
    "ATTRIBUTE_SOURCES",
    "MOOD_SOURCES",
    "Progress",
    "Store",
    "content_hash",
    "new_track_id",
]
