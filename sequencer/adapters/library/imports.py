"""Writing imports into the library: batches, resumable runs, stable ids for new recordings.

:func:`upsert_records` plans the whole input against what the library holds (one read
transaction, :mod:`sequencer.adapters.library.import_writer`), then writes it in batches of one
transaction each, recording in the ``imports`` table how far it got: an import killed halfway
leaves whole batches, and running it again finds those unchanged and writes the rest.

Public: :func:`upsert_tracks`, :func:`upsert_records`, :func:`content_hash`, :func:`new_track_id`.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from sequencer.adapters.importers.records import ImportRecord, ImportReport
from sequencer.adapters.library.rows import MOOD_SOURCES, Progress, now
from sequencer.core.identity import clean_isrc, match_key, spotify_id
from sequencer.core.track import Track, normalise_text
from sequencer.errors import LibraryError

if TYPE_CHECKING:
    from sequencer.adapters.library.import_writer import Known, Write
    from sequencer.adapters.library.store import Store


def upsert_tracks(
    store: Store, tracks: Iterable[Track], *, source: str = "import", progress: Progress | None = None
) -> ImportReport:
    """Add or update tracks by identity (see :mod:`sequencer.core.identity`).

    Moods on the tracks are stored under ``source`` when it is a mood source (else as
    "import"); "hand" is refused: hand tags come only from :meth:`Store.set_moods`.
    """
    mood_source = source if source in MOOD_SOURCES else "import"
    records = [ImportRecord(t, mood_source=mood_source, line=i + 1) for i, t in enumerate(tracks)]
    report = ImportReport(source=source, rows_read=len(records))
    return upsert_records(store, records, report=report, kind=source, progress=progress)


def _check_intact(conn: sqlite3.Connection) -> None:
    """Refuse to import into a damaged library: SQLite's quick check reads every page (tens of
    milliseconds for a catalog of 30k tracks), so damage where this import would not look is
    found too.  A failed check raises ``DatabaseError``, which the transaction turns into the
    one-line "library is damaged" error."""
    verdict = conn.execute("PRAGMA quick_check(1)").fetchone()
    if verdict is None or verdict[0] != "ok":
        raise sqlite3.DatabaseError("database disk image is malformed")


def upsert_records(
    store: Store,
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
    from sequencer.adapters.library import import_writer as writer

    report = report if report is not None else ImportReport(rows_read=len(records))
    for record in records:
        if record.mood_source == "hand" and record.track.moods:
            raise ValueError("imports cannot write hand moods; use Store.set_moods")
    report.source = report.source or kind
    source = writer.source_key(kind, report.source)
    with store.transaction(write=False) as conn, writer.gc_paused():
        _check_intact(conn)
        stamp = _change_count(conn)
        known = writer.load_known(conn, source)
        plan = writer.plan(records, known, report)
    iid = _start_import(store, report.source, kind, report.rows_read)
    writes = plan.writes
    done = 0
    while done < len(writes):
        try:
            with store.transaction(bump=False) as conn, writer.gc_paused():
                if _change_count(conn) != stamp:  # another process wrote since the plan
                    writes, known = _replan(conn, writes, done, report, known.source)
                batch = writes[done : done + batch_size]
                if batch:
                    # known tracks this input brings for the first time (an export read back, an
                    # overlapping catalog) may bring nothing new: compare what the library holds
                    first = [
                        known.tids[w.track_id] for w in batch if not w.new and w.track_id not in known.source_hashes
                    ]
                    before = stored_state(conn, first)
                    writer.write_batch(conn, batch, known)
                    same = sum(1 for tid, state in stored_state(conn, first).items() if before.get(tid) == state)
                    report.updated -= same  # written, but what the library holds did not change
                    report.unchanged += same
                    done += len(batch)
                    conn.execute("UPDATE imports SET rows_done = ? WHERE iid = ?", (done, iid))
                    if same < len(batch):
                        stamp = _bump_change_count(conn)
        except sqlite3.IntegrityError as error:
            raise LibraryError(
                f"the library changed while importing ({error}): another import ran at the same time",
                hint="run this import again: it keeps what was written and adds the rest",
            ) from None
        if progress is not None:
            progress(done, len(writes))
    if plan.seen:  # known tracks this input brings unchanged: remember its digest for them
        with store.transaction(bump=False) as conn:
            writer.write_source_digests(conn, known, [s for s in plan.seen if s[0] in known.tids])
    total = len(writes)
    if progress is not None and total == 0:
        progress(0, 0)
    _finish_import(store, iid, report)
    return report


def stored_state(conn: sqlite3.Connection, tids: Sequence[int]) -> dict[int, tuple[object, ...]]:
    """tid → everything the library holds about that track (its row but for the bookkeeping
    columns content_hash and updated_at, its artists, attributes, moods and tags): an update
    that leaves this the same changed nothing a user could see (e.g. re-importing an export)."""
    state: dict[int, list[object]] = {tid: [] for tid in tids}
    queries = (
        "SELECT * FROM tracks WHERE tid IN ({})",
        "SELECT * FROM track_artists WHERE tid IN ({}) ORDER BY tid, position",
        "SELECT * FROM attributes WHERE tid IN ({}) ORDER BY tid, source",
        "SELECT * FROM moods WHERE tid IN ({}) ORDER BY tid, mood, source",
        "SELECT * FROM tags WHERE tid IN ({}) ORDER BY tid, source, tag",
    )
    for start in range(0, len(tids), 500):
        chunk = tids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for number, query in enumerate(queries):
            cursor = conn.execute(query.format(marks), chunk)
            names = [d[0] for d in cursor.description]
            at = names.index("tid")
            if number == 0:  # the track row: leave out the bookkeeping columns
                keep = [i for i, name in enumerate(names) if name not in ("content_hash", "updated_at")]
                for row in cursor:
                    state[row[at]].append(tuple(row[i] for i in keep))
            else:
                for row in cursor:
                    state[row[at]].append((number, row))
    return {tid: tuple(rows) for tid, rows in state.items()}


def _change_count(conn: sqlite3.Connection) -> int:
    """The library's change counter (bumped by every transaction that changes tracks)."""
    row = conn.execute("SELECT value FROM meta WHERE key = 'changes'").fetchone()
    return int(row[0]) if row else 0


def _bump_change_count(conn: sqlite3.Connection) -> int:
    """Bump the change counter inside this import's write transaction; its new value."""
    conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key = 'changes'")
    return _change_count(conn)


def _replan(
    conn: sqlite3.Connection, writes: list[Write], done: int, report: ImportReport, source: str
) -> tuple[list[Write], Known]:
    """Plan the writes not done yet again, against the library as it is now.

    Another import (another process) wrote tracks after this one planned; writing the stale
    plan would add the same songs a second time.  Runs inside the write transaction, so the
    library cannot change again before the next batch.  The report's counts for the
    remaining writes are replaced by the new plan's.
    """
    from sequencer.adapters.library import import_writer as writer

    remaining = writes[done:]
    report.added -= sum(1 for w in remaining if w.new)
    report.updated -= sum(1 for w in remaining if not w.new)
    known = writer.load_known(conn, source)
    replanned = writer.plan([w.record for w in remaining], known, report)
    return writes[:done] + replanned.writes, known


def _start_import(store: Store, source: str, kind: str, rows: int) -> int:
    """Record that an import started (an interrupted one stays 'running')."""
    with store.transaction(bump=False) as conn:
        cursor = conn.execute(
            "INSERT INTO imports (source, kind, started_at, rows_read, status) VALUES (?, ?, ?, ?, 'running')",
            (source, kind, now(), rows),
        )
        return int(cursor.lastrowid or 0)


def _finish_import(store: Store, iid: int, report: ImportReport) -> None:
    """Record an import's outcome."""
    with store.transaction(bump=False) as conn:
        conn.execute(
            "UPDATE imports SET finished_at = ?, added = ?, updated = ?, skipped = ?, status = 'done' WHERE iid = ?",
            (now(), report.added, report.updated, len(report.skipped), iid),
        )
        conn.execute(  # an earlier interrupted run of the same input is now complete
            "UPDATE imports SET status = 'resumed' WHERE status = 'running' AND source = ? AND iid < ?",
            (report.source or "", iid),
        )


def content_hash(record: ImportRecord) -> str:
    """A digest of everything an import record would store (to skip unchanged re-imports)."""
    payload = f"{record.track!r}|{record.mood_source}|{sorted(record.tags.items())!r}|{record.tag_source}"
    return hashlib.blake2b(payload.encode("utf-8"), digest_size=12).hexdigest()


def new_track_id(record: ImportRecord, taken: set[str]) -> str:
    """A stable id for a new recording: its Spotify id, else a digest of its identity."""
    t = record.track
    wanted = t.id or spotify_id(t.uri) or ""
    if wanted and wanted not in taken:
        return wanted
    basis = "|".join(
        [
            match_key(t.artists, t.title),
            str(round(t.duration_s)),
            normalise_text(t.album),
            clean_isrc(t.isrc) or "",
            t.path or "",
        ]
    )
    digest = hashlib.blake2b(basis.encode("utf-8"), digest_size=8).hexdigest()
    candidate = f"x{digest}"
    suffix = 2
    while candidate in taken:
        candidate = f"x{digest}-{suffix}"
        suffix += 1
    return candidate
