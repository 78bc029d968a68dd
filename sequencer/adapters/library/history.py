"""Build history in the library: every build, every push, and the refresh runs.

Tables (migration ``0005_living_build_history``):

- ``builds`` — one row per recorded build: profile (name and the reference it was loaded by),
  seed, mode, the options needed to rebuild it (JSON), its score, and the refresh run it
  belongs to (if any); ``build_tracks`` holds its tracks in order (id, name, song key);
- ``pushes`` — one row per push of a build to a sink (``spotify`` …) and target (the playlist
  name): ``started`` when it begins, ``done`` or ``failed`` when it ends, so a push that was
  interrupted stays ``started`` and :func:`pending_pushes` finds it;
- ``refresh_runs`` — one row per ``moodseq refresh``, with the targets it set out to refresh;
  an unfinished run is resumed by the next one.

All of it is bookkeeping (written with ``bump=False``: it never changes the feature table).
Times are UTC ISO 8601 strings, so they compare as text; order within a second is by row id.

Public: :class:`BuildRecord`, :class:`BuildSummary`, :class:`PushRecord`, :class:`PushTarget`,
:func:`record_build`, :func:`start_push`, :func:`finish_push`, :func:`list_builds`,
:func:`build_detail`, :func:`latest_build`, :func:`song_plays`, :func:`push_targets`,
:func:`pending_pushes`, :func:`open_refresh`, :func:`unfinished_refresh`,
:func:`finish_refresh`, :func:`refreshed_targets`, :func:`since`.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sequencer.adapters.library.rows import now

if TYPE_CHECKING:
    from sequencer.adapters.library.store import Store


@dataclass(frozen=True)
class BuildRecord:
    """What is recorded of one build (the tracks as (id, "Artist - Title", song key))."""

    profile: str
    profile_ref: str
    seed: int | None
    mode: str
    tracks: Sequence[tuple[str, str, str]]
    duration_s: float
    flow_cost: float | None = None
    arc_error: float | None = None
    mood_fit: float | None = None
    options: Mapping[str, Any] = field(default_factory=dict)
    refresh_id: int | None = None


@dataclass(frozen=True)
class PushRecord:
    """One push of a build: where to, how it ended."""

    pid: int
    bid: int
    sink: str
    target: str
    status: str
    started_at: str
    finished_at: str | None
    playlist_id: str | None
    url: str | None
    note: str | None


@dataclass(frozen=True)
class BuildSummary:
    """A recorded build as ``moodseq history`` lists it (``tracks`` only in :func:`build_detail`)."""

    bid: int
    created_at: str
    profile: str
    profile_ref: str
    seed: int | None
    mode: str
    options: Mapping[str, Any]
    duration_s: float
    flow_cost: float | None
    arc_error: float | None
    mood_fit: float | None
    count: int
    refresh_id: int | None = None
    """The refresh run that made it (None for a build asked for by hand)."""
    pushes: tuple[PushRecord, ...] = ()
    tracks: tuple[tuple[str, str, str], ...] = ()


@dataclass(frozen=True)
class PushTarget:
    """A playlist moodseq pushed before: the sink and target, and the build last pushed there."""

    sink: str
    target: str
    last: BuildSummary
    status: str
    """How its latest push ended: ``done``, ``failed`` or ``started`` (interrupted)."""

    @property
    def key(self) -> str:
        """``sink:profile:target``, how refresh runs name it (one playlist per profile and name,
        as the push keys it)."""
        return f"{self.sink}:{self.last.profile}:{self.target}"


def since(seconds: float, *, at: datetime | None = None) -> str:
    """The ISO time ``seconds`` before now (or ``at``), comparable with the stored times."""
    moment = (at or datetime.now(UTC)) - timedelta(seconds=seconds)
    return moment.isoformat(timespec="seconds")


def record_build(store: Store, record: BuildRecord) -> int:
    """Store a build and its tracks; returns its number."""
    with store.transaction(bump=False) as conn:
        cursor = conn.execute(
            "INSERT INTO builds (created_at, profile, profile_ref, seed, mode, options, duration_s, "
            "flow_cost, arc_error, mood_fit, refresh_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                now(),
                record.profile,
                record.profile_ref,
                record.seed,
                record.mode,
                json.dumps(dict(record.options), sort_keys=True),
                record.duration_s,
                record.flow_cost,
                record.arc_error,
                record.mood_fit,
                record.refresh_id,
            ),
        )
        bid = int(cursor.lastrowid or 0)
        conn.executemany(
            "INSERT INTO build_tracks (bid, position, track_id, name, song_key) VALUES (?, ?, ?, ?, ?)",
            [(bid, pos, tid, name, song) for pos, (tid, name, song) in enumerate(record.tracks)],
        )
    return bid


def start_push(store: Store, bid: int, *, sink: str, target: str) -> int:
    """Record that build ``bid`` is being pushed to ``sink``/``target``; returns the push's number."""
    with store.transaction(bump=False) as conn:
        cursor = conn.execute(
            "INSERT INTO pushes (bid, sink, target, status, started_at) VALUES (?, ?, ?, 'started', ?)",
            (bid, sink, target, now()),
        )
        return int(cursor.lastrowid or 0)


def finish_push(
    store: Store,
    pid: int,
    *,
    ok: bool,
    playlist_id: str | None = None,
    url: str | None = None,
    note: str | None = None,
) -> None:
    """Record how push ``pid`` ended."""
    with store.transaction(bump=False) as conn:
        conn.execute(
            "UPDATE pushes SET status = ?, finished_at = ?, playlist_id = ?, url = ?, note = ? WHERE pid = ?",
            ("done" if ok else "failed", now(), playlist_id, url, note, pid),
        )


_BUILD_COLUMNS = (
    "b.bid, b.created_at, b.profile, b.profile_ref, b.seed, b.mode, b.options, b.duration_s, "
    "b.flow_cost, b.arc_error, b.mood_fit, (SELECT count(*) FROM build_tracks t WHERE t.bid = b.bid), b.refresh_id"
)
_PUSH_COLUMNS = "pid, bid, sink, target, status, started_at, finished_at, playlist_id, url, note"


def _summary(row: Sequence[Any], pushes: Sequence[PushRecord] = ()) -> BuildSummary:
    return BuildSummary(
        bid=int(row[0]),
        created_at=row[1],
        profile=row[2],
        profile_ref=row[3],
        seed=row[4],
        mode=row[5],
        options=json.loads(row[6]),
        duration_s=float(row[7]),
        flow_cost=row[8],
        arc_error=row[9],
        mood_fit=row[10],
        count=int(row[11]),
        refresh_id=row[12],
        pushes=tuple(pushes),
    )


def _push(row: Sequence[Any]) -> PushRecord:
    return PushRecord(*row)


def list_builds(store: Store, *, limit: int = 20, profile: str | None = None) -> list[BuildSummary]:
    """The latest ``limit`` builds (of ``profile``, or all), newest first, with their pushes."""
    where, args = ("WHERE b.profile = ?", [profile]) if profile is not None else ("", [])
    with store.transaction(write=False) as conn:
        rows = conn.execute(
            f"SELECT {_BUILD_COLUMNS} FROM builds b {where} ORDER BY b.bid DESC LIMIT ?", (*args, limit)
        ).fetchall()
        bids = [int(r[0]) for r in rows]
        marks = ",".join("?" * len(bids))
        pushes: dict[int, list[PushRecord]] = {}
        if bids:
            for prow in conn.execute(f"SELECT {_PUSH_COLUMNS} FROM pushes WHERE bid IN ({marks}) ORDER BY pid", bids):
                pushes.setdefault(int(prow[1]), []).append(_push(prow))
    return [_summary(r, pushes.get(int(r[0]), ())) for r in rows]


def build_detail(store: Store, bid: int) -> BuildSummary | None:
    """Build ``bid`` with its tracks and pushes (None when there is no such build)."""
    with store.transaction(write=False) as conn:
        row = conn.execute(f"SELECT {_BUILD_COLUMNS} FROM builds b WHERE b.bid = ?", (bid,)).fetchone()
        if row is None:
            return None
        pushes = [
            _push(p) for p in conn.execute(f"SELECT {_PUSH_COLUMNS} FROM pushes WHERE bid = ? ORDER BY pid", (bid,))
        ]
        tracks = conn.execute(
            "SELECT track_id, name, song_key FROM build_tracks WHERE bid = ? ORDER BY position", (bid,)
        ).fetchall()
    summary = _summary(row, pushes)
    return BuildSummary(**{**summary.__dict__, "tracks": tuple((t[0], t[1], t[2]) for t in tracks)})


def latest_build(store: Store, profile: str) -> BuildSummary | None:
    """The newest build of ``profile``, with its tracks (None when it was never built)."""
    with store.transaction(write=False) as conn:
        row = conn.execute("SELECT max(bid) FROM builds WHERE profile = ?", (profile,)).fetchone()
    return None if row is None or row[0] is None else build_detail(store, int(row[0]))


def pushed_profile(store: Store, sink: str, playlist_id: str) -> tuple[str, str] | None:
    """(profile name, profile reference) of the build last pushed to ``sink``'s playlist
    ``playlist_id`` (the reference loads it: a name, or a file's path), None when moodseq never
    pushed to that playlist."""
    with store.transaction(write=False) as conn:
        row = conn.execute(
            "SELECT b.profile, b.profile_ref FROM pushes p JOIN builds b ON b.bid = p.bid "
            "WHERE p.sink = ? AND p.playlist_id = ? ORDER BY p.pid DESC LIMIT 1",
            (sink, playlist_id),
        ).fetchone()
    return None if row is None else (str(row[0]), str(row[1]))


def song_plays(store: Store, profile: str, since_iso: str) -> Counter[str]:
    """Song key → in how many of ``profile``'s builds since ``since_iso`` it played."""
    with store.transaction(write=False) as conn:
        rows = conn.execute(
            "SELECT t.song_key, count(DISTINCT b.bid) FROM builds b JOIN build_tracks t ON t.bid = b.bid "
            "WHERE b.profile = ? AND b.created_at >= ? GROUP BY t.song_key",
            (profile, since_iso),
        ).fetchall()
    return Counter({str(song): int(n) for song, n in rows})


def push_targets(store: Store) -> list[PushTarget]:
    """Every (sink, target, profile) pushed to before, with its latest push's build and status."""
    with store.transaction(write=False) as conn:
        rows = conn.execute(
            "SELECT p.sink, p.target, p.status, p.bid FROM pushes p JOIN builds b ON b.bid = p.bid "
            "WHERE p.pid = (SELECT max(q.pid) FROM pushes q JOIN builds c ON c.bid = q.bid "
            "WHERE q.sink = p.sink AND q.target = p.target AND c.profile = b.profile) ORDER BY p.pid"
        ).fetchall()
    out: list[PushTarget] = []
    for sink, target, status, bid in rows:
        last = build_detail(store, int(bid))
        assert last is not None  # pushes reference builds (foreign key)
        out.append(PushTarget(sink=sink, target=target, last=last, status=status))
    return out


def pending_pushes(store: Store) -> list[PushTarget]:
    """The targets whose latest push never finished (interrupted): re-push that same build."""
    return [t for t in push_targets(store) if t.status == "started"]


def open_refresh(store: Store, targets: Sequence[str]) -> int:
    """Start a refresh run over ``targets`` (``sink:profile:target`` keys); returns its number."""
    with store.transaction(bump=False) as conn:
        cursor = conn.execute(
            "INSERT INTO refresh_runs (started_at, targets, status) VALUES (?, ?, 'running')",
            (now(), json.dumps(list(targets))),
        )
        return int(cursor.lastrowid or 0)


def unfinished_refresh(store: Store) -> tuple[int, list[str]] | None:
    """The newest refresh run that never finished: (its number, its targets), or None."""
    with store.transaction(write=False) as conn:
        row = conn.execute(
            "SELECT rid, targets FROM refresh_runs WHERE status = 'running' ORDER BY rid DESC LIMIT 1"
        ).fetchone()
    return None if row is None else (int(row[0]), list(json.loads(row[1])))


def finish_refresh(store: Store, rid: int, status: str) -> None:
    """Close refresh run ``rid`` (``done``, ``failed`` or ``abandoned``)."""
    with store.transaction(bump=False) as conn:
        conn.execute("UPDATE refresh_runs SET status = ?, finished_at = ? WHERE rid = ?", (status, now(), rid))


def refreshed_targets(store: Store, rid: int) -> set[str]:
    """The ``sink:profile:target`` keys refresh run ``rid`` already pushed successfully."""
    with store.transaction(write=False) as conn:
        rows = conn.execute(
            "SELECT DISTINCT p.sink, b.profile, p.target FROM pushes p JOIN builds b ON b.bid = p.bid "
            "WHERE b.refresh_id = ? AND p.status = 'done'",
            (rid,),
        ).fetchall()
    return {f"{sink}:{profile}:{target}" for sink, profile, target in rows}
