"""Named, recorded schema migrations for the library database.

Each :class:`Migration` has a unique ``name`` and the SQL that moves the schema one step
forward.  Applied migrations are recorded in the ``schema_migrations`` table, so opening a
library runs exactly the ones it has not seen, in order.  Before any migration runs on an
existing database, :func:`backup_database` copies it beside itself
(``library.db.bak-<first pending migration>``), so a failed upgrade can be undone by hand.

Conventions: migrations are append-only (never edit or reorder a released one); each one runs
inside a single transaction together with its record, so it is applied entirely or not at all.

Public: :class:`Migration`, :data:`MIGRATIONS`, :func:`pending`, :func:`apply_pending`,
:func:`backup_database`, :data:`ATTRIBUTE_COLUMNS`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sequencer.core.track import ATTRIBUTES

#: The numeric attribute columns of the ``attributes`` table (Spotify audio-feature names).
ATTRIBUTE_COLUMNS: tuple[str, ...] = ATTRIBUTES

_ATTR_SQL = ",\n    ".join(f'"{name}" REAL' for name in ATTRIBUTE_COLUMNS)

_INITIAL = f"""
CREATE TABLE meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE artists (
    arid INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    norm TEXT NOT NULL
);
CREATE TABLE albums (
    aid INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    artist TEXT NOT NULL DEFAULT '',
    UNIQUE (name, artist)
);
CREATE TABLE tracks (
    tid INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    artists TEXT NOT NULL,
    artist_norm TEXT NOT NULL,
    album_id INTEGER REFERENCES albums (aid),
    duration_s REAL NOT NULL,
    isrc TEXT,
    uri TEXT,
    path TEXT,
    explicit INTEGER,
    genres TEXT NOT NULL DEFAULT '',
    match_key TEXT NOT NULL,
    song_key TEXT NOT NULL,
    content_hash TEXT,
    added_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE track_artists (
    tid INTEGER NOT NULL REFERENCES tracks (tid) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    arid INTEGER NOT NULL REFERENCES artists (arid),
    PRIMARY KEY (tid, position)
) WITHOUT ROWID;
CREATE TABLE attributes (
    tid INTEGER NOT NULL REFERENCES tracks (tid) ON DELETE CASCADE,
    source TEXT NOT NULL,
    rank INTEGER NOT NULL,
    {_ATTR_SQL},
    PRIMARY KEY (tid, source)
) WITHOUT ROWID;
CREATE TABLE moods (
    tid INTEGER NOT NULL REFERENCES tracks (tid) ON DELETE CASCADE,
    mood TEXT NOT NULL,
    source TEXT NOT NULL,
    rank INTEGER NOT NULL,
    weight REAL NOT NULL CHECK (weight >= 0 AND weight <= 1),
    PRIMARY KEY (tid, mood, source)
) WITHOUT ROWID;
CREATE TABLE tags (
    tid INTEGER NOT NULL REFERENCES tracks (tid) ON DELETE CASCADE,
    source TEXT NOT NULL,
    tag TEXT NOT NULL,
    weight REAL NOT NULL,
    PRIMARY KEY (tid, source, tag)
) WITHOUT ROWID;
CREATE TABLE tag_fetches (
    tid INTEGER NOT NULL REFERENCES tracks (tid) ON DELETE CASCADE,
    source TEXT NOT NULL,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (tid, source)
) WITHOUT ROWID;
CREATE TABLE playlist_links (
    key TEXT PRIMARY KEY,
    playlist_id TEXT NOT NULL,
    name TEXT NOT NULL,
    snapshot_id TEXT,
    updated_at TEXT NOT NULL
);
CREATE TABLE resolutions (
    tid INTEGER PRIMARY KEY REFERENCES tracks (tid) ON DELETE CASCADE,
    uri TEXT,
    confidence REAL NOT NULL,
    query TEXT NOT NULL,
    resolved_at TEXT NOT NULL
);
CREATE TABLE imports (
    iid INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    rows_read INTEGER NOT NULL DEFAULT 0,
    rows_done INTEGER NOT NULL DEFAULT 0,
    added INTEGER NOT NULL DEFAULT 0,
    updated INTEGER NOT NULL DEFAULT 0,
    skipped INTEGER NOT NULL DEFAULT 0,
    status TEXT NOT NULL
);
INSERT INTO meta (key, value) VALUES ('changes', '0');
"""

_INDEXES = """
CREATE INDEX tracks_uri ON tracks (uri) WHERE uri IS NOT NULL;
CREATE INDEX tracks_isrc ON tracks (isrc) WHERE isrc IS NOT NULL;
CREATE INDEX tracks_match ON tracks (match_key);
CREATE INDEX tracks_song ON tracks (song_key);
CREATE INDEX moods_by_mood ON moods (mood, weight);
CREATE INDEX track_artists_by_artist ON track_artists (arid);
"""

_SOURCE_DIGESTS = """
CREATE TABLE track_source_digests (
    tid INTEGER NOT NULL REFERENCES tracks (tid) ON DELETE CASCADE,
    source TEXT NOT NULL,
    digest TEXT NOT NULL,
    PRIMARY KEY (tid, source)
) WITHOUT ROWID;
"""


_SOUND = """
ALTER TABLE tracks ADD COLUMN playlists TEXT NOT NULL DEFAULT '';
ALTER TABLE tracks ADD COLUMN year INTEGER;
CREATE TABLE sound (
    tid INTEGER PRIMARY KEY REFERENCES tracks (tid) ON DELETE CASCADE,
    vector BLOB NOT NULL
)
"""


_HISTORY = """
CREATE TABLE refresh_runs (
    rid INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    targets TEXT NOT NULL,
    status TEXT NOT NULL
);
CREATE TABLE builds (
    bid INTEGER PRIMARY KEY,
    created_at TEXT NOT NULL,
    profile TEXT NOT NULL,
    profile_ref TEXT NOT NULL,
    seed INTEGER,
    mode TEXT NOT NULL,
    options TEXT NOT NULL DEFAULT '{}',
    duration_s REAL NOT NULL,
    flow_cost REAL,
    arc_error REAL,
    mood_fit REAL,
    refresh_id INTEGER REFERENCES refresh_runs (rid)
);
CREATE INDEX builds_by_profile ON builds (profile, created_at);
CREATE TABLE build_tracks (
    bid INTEGER NOT NULL REFERENCES builds (bid) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    track_id TEXT NOT NULL,
    name TEXT NOT NULL,
    song_key TEXT NOT NULL,
    PRIMARY KEY (bid, position)
) WITHOUT ROWID;
CREATE TABLE pushes (
    pid INTEGER PRIMARY KEY,
    bid INTEGER NOT NULL REFERENCES builds (bid) ON DELETE CASCADE,
    sink TEXT NOT NULL,
    target TEXT NOT NULL,
    status TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    playlist_id TEXT,
    url TEXT,
    note TEXT
);
CREATE INDEX pushes_by_target ON pushes (sink, target, started_at);
CREATE TABLE listening (
    song_key TEXT NOT NULL,
    source TEXT NOT NULL,
    artist TEXT NOT NULL,
    title TEXT NOT NULL,
    plays INTEGER NOT NULL DEFAULT 0,
    loved INTEGER NOT NULL DEFAULT 0,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (song_key, source)
) WITHOUT ROWID;
"""


@dataclass(frozen=True)
class Migration:
    """One named schema step: ``sql`` is run as a script inside one transaction."""

    name: str
    sql: str
    description: str = ""


#: Every migration, in the order they apply.  Append only.
MIGRATIONS: tuple[Migration, ...] = (
    Migration("0001_initial", _INITIAL, "tracks, artists, albums, moods with sources, tags, caches"),
    Migration("0002_lookup_indexes", _INDEXES, "indexes for identity matching and searches"),
    Migration(
        "0003_sound_evidence",
        _SOUND,
        "playlist membership and release year per track; sound vectors (float32 blobs)",
    ),
    Migration(
        "0004_sinks_recording_mbid",
        "ALTER TABLE tracks ADD COLUMN mbid TEXT;\nCREATE INDEX tracks_mbid ON tracks (mbid) WHERE mbid IS NOT NULL;\n",
        "MusicBrainz recording ids (for ListenBrainz, Subsonic matching and JSPF)",
    ),
    Migration(
        "0005_living_build_history", _HISTORY, "build and push history, refresh runs, listening history (issue #14)"
    ),
    Migration(
        "0006_source_digests",
        _SOURCE_DIGESTS,
        "what each input last brought per track, so re-importing two sources that share tracks changes nothing",
    ),
    Migration(
        "0007_taste_mood_confidence",
        """
CREATE TABLE mood_confidence (
    tid INTEGER PRIMARY KEY REFERENCES tracks (tid) ON DELETE CASCADE,
    confidence REAL NOT NULL CHECK (confidence >= 0 AND confidence <= 1)
);
""",
        "per track, how much evidence its inferred moods rest on (flow.md v2 confidence)",
    ),
)

_RECORD_TABLE = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    name TEXT PRIMARY KEY,
    applied_at TEXT NOT NULL
)
"""


def applied(conn: sqlite3.Connection) -> list[str]:
    """Names of the migrations already recorded in ``conn``'s database."""
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").fetchone()
    if not exists:
        return []
    return [row[0] for row in conn.execute("SELECT name FROM schema_migrations ORDER BY rowid")]


def pending(conn: sqlite3.Connection, migrations: Sequence[Migration] = MIGRATIONS) -> list[Migration]:
    """The migrations not yet applied to ``conn``'s database, in order."""
    done = set(applied(conn))
    return [m for m in migrations if m.name not in done]


def backup_database(conn: sqlite3.Connection, path: Path, label: str) -> Path:
    """Copy the database behind ``conn`` to ``<path>.bak-<label>`` (SQLite online backup)."""
    target = path.with_name(f"{path.name}.bak-{label}")
    dest = sqlite3.connect(target)
    try:
        conn.backup(dest)
    finally:
        dest.close()
    return target


def apply_pending(
    conn: sqlite3.Connection,
    path: Path | None,
    migrations: Sequence[Migration] = MIGRATIONS,
) -> list[str]:
    """Apply every pending migration, each in its own transaction, recording each by name.

    When the database already holds data (some migration was applied before) and ``path`` is
    a file, it is backed up first.  Returns the names applied.
    """
    todo = pending(conn, migrations)
    if not todo:
        return []
    if path is not None and applied(conn) and path.is_file():
        backup_database(conn, path, todo[0].name)
    names: list[str] = []
    for migration in todo:
        if _apply_one(conn, migration):
            names.append(migration.name)
    return names


def _apply_one(conn: sqlite3.Connection, migration: Migration) -> bool:
    """Run one migration and its record atomically (statement by statement, one transaction).

    False when it turns out to be recorded already: another process opening the same new
    library applied it between our look at the pending list and our write lock.
    """
    statements = [s.strip() for s in migration.sql.split(";") if s.strip()]
    conn.execute("BEGIN IMMEDIATE")
    try:
        conn.execute(_RECORD_TABLE)
        if conn.execute("SELECT 1 FROM schema_migrations WHERE name = ?", (migration.name,)).fetchone():
            conn.execute("ROLLBACK")
            return False
        for statement in statements:
            conn.execute(statement)
        conn.execute(
            "INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)",
            (migration.name, datetime.now(UTC).isoformat(timespec="seconds")),
        )
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
    return True
