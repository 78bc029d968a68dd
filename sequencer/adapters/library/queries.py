"""Finding tracks in the library: by id, by a user's reference, by filters.

Every function takes the connection of a transaction opened by
:meth:`sequencer.adapters.library.store.Store.transaction` (the Store methods of the same names open it).

- :func:`tracks_by_ids`: exact ids, in order; a missing one is a TrackNotFoundError;
- :func:`find`: what a user typed (id, Spotify URI/link, ``Artist - Title``, a title), with
  "did you mean …" suggestions when nothing matches;
- :func:`search`: mood / artist / text filters for ``library list``.

- :func:`tracks_by_uris`: exact Spotify URIs (a name match could pick another recording).
- :func:`same_name_ids`: every recording with a track's exact artist and title.

Public: :func:`tracks_by_ids`, :func:`tracks_by_uris`, :func:`same_name_ids`, :func:`find`,
:func:`search`.
"""

from __future__ import annotations

import difflib
import sqlite3
from collections.abc import Sequence
from typing import Any

from sequencer.adapters.library.rows import SEP, ids_of, load_confidence, load_tracks, tids_for
from sequencer.core.identity import spotify_uri
from sequencer.core.track import Track, normalise_text, parse_track_ref, song_key
from sequencer.errors import TrackNotFoundError


def tracks_by_ids(conn: sqlite3.Connection, ids: Sequence[str]) -> list[Track]:
    """The tracks with these ids, in the same order; TrackNotFoundError names a missing one."""
    tids = tids_for(conn, ids)
    missing = [i for i in ids if i not in tids]
    if missing:
        raise TrackNotFoundError(
            f"no track with id {missing[0]!r} in the library"
            + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""),
            hint="the library changed since the ids were taken; run the command again",
        )
    loaded = {t.id: t for t in load_tracks(conn, list(tids.values()))}
    return [loaded[i] for i in ids]


_URI_CHUNK = 500


def tracks_by_uris(conn: sqlite3.Connection, uris: Sequence[str]) -> dict[str, Track]:
    """The library's tracks whose Spotify URI is one of ``uris``, by URI (absent ones left out)."""
    wanted = list(dict.fromkeys(u for u in uris if u))
    ids: dict[str, str] = {}
    for start in range(0, len(wanted), _URI_CHUNK):
        chunk = wanted[start : start + _URI_CHUNK]
        marks = ",".join("?" * len(chunk))
        for uri, track_id in conn.execute(f"SELECT uri, id FROM tracks WHERE uri IN ({marks})", chunk):
            ids.setdefault(str(uri), str(track_id))
    loaded = {t.id: t for t in tracks_by_ids(conn, list(dict.fromkeys(ids.values())))} if ids else {}
    return {uri: loaded[track_id] for uri, track_id in ids.items()}


def same_name_ids(conn: sqlite3.Connection, track_id: str) -> list[str]:
    """Ids of the recordings sharing ``track_id``'s match key (same artists and title, version
    suffixes included), in the order they were added."""
    return [
        str(row[0])
        for row in conn.execute(
            "SELECT id FROM tracks WHERE match_key = (SELECT match_key FROM tracks WHERE id = ?) ORDER BY tid",
            (track_id,),
        )
    ]


def find(conn: sqlite3.Connection, ref: str) -> Track:
    """The track ``ref`` names: an id, a Spotify URI/link, ``Artist - Title`` or a title."""
    if not ref.strip():  # it found a track whose title has no letters ("+"), and `tag` tagged it
        raise TrackNotFoundError(
            "the track name is empty", hint='name a track: "Artist - Title", its id or its Spotify link'
        )
    tid = _find_tid(conn, ref)
    if tid is None:
        raise TrackNotFoundError(f"no track {ref!r} in the library", hint=_closest_hint(conn, ref))
    return load_tracks(conn, [tid])[0]


def lookup(conn: sqlite3.Connection, ref: str) -> Track | None:
    """Like :func:`find`, but None when nothing matches (no suggestions computed: fast)."""
    tid = _find_tid(conn, ref)
    return None if tid is None else load_tracks(conn, [tid])[0]


def lookup_many(conn: sqlite3.Connection, refs: Sequence[str]) -> list[Track | None]:
    """:func:`lookup` of each ref, in order, with at most one scan of the library: the refs
    that only a bare title could match (the rule that reads every row, e.g. an exemplar
    "Artist - Title" whose artist is not in the library) are looked up together."""
    tids: list[int | None] = [_find_tid(conn, ref, bare=False) for ref in refs]
    pending = [i for i, tid in enumerate(tids) if tid is None and refs[i].strip()]
    if pending:
        titles = {i: normalise_text(refs[i].strip()) for i in pending}
        rows = _rows_by_titles(conn, set(titles.values()))
        for i in pending:
            tids[i] = _by_bare_title(conn, refs[i].strip(), titles[i], rows.get(titles[i], []))
    wanted = sorted({tid for tid in tids if tid is not None})
    by_tid = dict(zip(wanted, load_tracks(conn, wanted), strict=True))  # load_tracks keeps tid order
    return [None if tid is None else by_tid[tid] for tid in tids]


def _rows_by_titles(conn: sqlite3.Connection, titles: set[str]) -> dict[str, list[tuple[Any, ...]]]:
    """normalised title → the first rows (tid, artists, title, match key) with that title, by
    tid (as many as :func:`_by_bare_title` looks at), for all ``titles`` in one scan."""
    found: dict[str, list[tuple[Any, ...]]] = {}
    listed = sorted(titles)
    for start in range(0, len(listed), _URI_CHUNK):
        chunk = listed[start : start + _URI_CHUNK]
        for tid, artists, title, key, bare in conn.execute(
            "SELECT tid, artists, title, match_key, substr(match_key, instr(match_key, '|') + 1) AS bare "
            f"FROM tracks WHERE bare IN ({','.join('?' * len(chunk))}) ORDER BY tid",
            chunk,
        ):
            rows = found.setdefault(str(bare), [])
            if len(rows) <= _AMBIGUOUS_SHOWN:
                rows.append((tid, artists, title, key))
    return found


def _find_tid(conn: sqlite3.Connection, ref: str, *, bare: bool = True) -> int | None:
    """The tid ``ref`` names, or None (``bare=False``: without the last rule, a bare title,
    which reads every row; see :func:`lookup_many`)."""
    ref = ref.strip()
    if not ref:  # names nothing (its normalised title "" is that of "+" or "?")
        return None
    row = conn.execute("SELECT tid FROM tracks WHERE id = ?", (ref,)).fetchone()
    uri = spotify_uri(ref) if row is None else None
    if row is None and uri:
        row = conn.execute("SELECT tid FROM tracks WHERE uri = ?", (uri,)).fetchone()
    if row is not None:
        return int(row[0])
    artist, title = parse_track_ref(ref)
    candidates: list[tuple[str | None, str]] = [(artist, title)] if artist else []
    if bare:
        candidates.append((None, ref))
    for cand_artist, cand_title in candidates:
        found = _find_by_name(conn, cand_artist, cand_title)
        if found is not None:
            return found
    return None


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
        "SELECT tid, artists, title, match_key FROM tracks "
        "WHERE substr(match_key, instr(match_key, '|') + 1) = ? ORDER BY tid LIMIT ?",
        (norm_title, _AMBIGUOUS_SHOWN + 1),
    ).fetchall()
    return _by_bare_title(conn, title, norm_title, rows)


def _by_bare_title(
    conn: sqlite3.Connection, title: str, norm_title: str, rows: Sequence[tuple[Any, ...]]
) -> int | None:
    """The tid among the first rows with this bare title; an error when they are several
    artists' songs rather than recordings of one song. A title of no letters or digits ("?",
    "+") normalises to "", so it must be the very title (MF DOOM's "?" is not Aitana's "+")."""
    if not norm_title:
        rows = [row for row in rows if str(row[2]).strip().casefold() == title.strip().casefold()]
    if len({row[3] for row in rows}) > 1:
        _raise_ambiguous(conn, title, norm_title, rows)
    return int(rows[0][0]) if rows else None


_AMBIGUOUS_SHOWN = 5


def _raise_ambiguous(conn: sqlite3.Connection, title: str, norm_title: str, rows: Sequence[tuple[Any, ...]]) -> None:
    """A bare title several tracks share: an error naming them, so that a hand tag or a
    journey's start never lands on a track picked silently."""
    count = int(
        conn.execute(
            "SELECT COUNT(*) FROM tracks WHERE substr(match_key, instr(match_key, '|') + 1) = ?",
            (norm_title,),
        ).fetchone()[0]
    )
    names = list(dict.fromkeys(f"{', '.join(a.split(SEP))} - {t}" for _, a, t, _ in rows[:_AMBIGUOUS_SHOWN]))
    more = f" (and {count - _AMBIGUOUS_SHOWN} more)" if count > _AMBIGUOUS_SHOWN else ""
    raise TrackNotFoundError(
        f"{title!r} names {count} tracks in the library",
        hint="say which, with its artist: "
        + " or ".join(repr(n) for n in names)
        + more
        + f"; or use an id from `moodseq library list --text {title!r} --ids`",
    )


def _closest_hint(conn: sqlite3.Connection, ref: str) -> str:
    """'did you mean …' with the closest "Artist - Title" names, or how to list tracks."""
    close = closest_names(conn, ref)
    if close:
        return "did you mean " + " or ".join(repr(c) for c in close) + "?"
    return "list tracks with `moodseq library list --artist NAME`"


def closest_names(conn: sqlite3.Connection, ref: str) -> list[str]:
    """Up to three "Artist - Title" names of the library closest to ``ref``, closest first."""
    artist = parse_track_ref(ref)[0]
    if artist:
        rows = conn.execute(
            "SELECT artists, title FROM tracks WHERE artist_norm LIKE ? LIMIT 2000",
            (f"%{normalise_text(artist)}%",),
        ).fetchall()
    else:
        rows = []
    whole = not rows
    if whole:
        rows = conn.execute("SELECT artists, title FROM tracks LIMIT 50000").fetchall()
    names = list({f"{', '.join(a.split(SEP))} - {t}": None for a, t in rows})
    if whole:  # difflib over a whole library takes seconds: only names sharing a word's start
        starts = {w[:4] for w in ref.casefold().replace("-", " ").split() if len(w) >= 3}
        names = [n for n in names if any(s in n.casefold() for s in starts)]
    return difflib.get_close_matches(ref, names, n=3, cutoff=0.5)


def _contains(norm: str) -> str:
    """A LIKE pattern for "contains ``norm``" with ``%``, ``_`` and ``\\`` taken literally."""
    escaped = norm.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def search(
    conn: sqlite3.Connection,
    *,
    mood: str | None = None,
    artist: str | None = None,
    text: str | None = None,
    limit: int | None = None,
) -> list[Track]:
    """Tracks matching every given filter (mood: merged weight > 0, surest first: weight ×
    the confidence of the track's moods, so a mood read off audio attributes alone does not
    lead the list over one the crowd's tags agree with)."""
    joins: list[str] = []
    conditions: list[str] = []
    params: list[Any] = []
    if mood:
        joins.append("JOIN (SELECT tid, weight, MIN(rank) FROM moods WHERE mood = ? GROUP BY tid) m ON m.tid = t.tid")
        params.append(mood)
        conditions.append("m.weight > 0")
    if artist:
        norm = normalise_text(artist)
        match = "a.norm LIKE ? ESCAPE '\\'" if norm else "instr(lower(a.name), lower(?)) > 0"
        conditions.append(
            f"t.tid IN (SELECT ta.tid FROM track_artists ta JOIN artists a ON a.arid = ta.arid WHERE {match})"
        )
        params.append(_contains(norm) if norm else artist.strip())
    if text:
        norm = normalise_text(text)
        if norm:
            conditions.append("(replace(t.match_key, '|', ' ') LIKE ? ESCAPE '\\' OR t.id = ?)")
            params.extend([_contains(norm), text])
        else:  # punctuation only ("!!!"): look for it as typed
            conditions.append(
                "(instr(lower(t.title), lower(?)) > 0 OR instr(lower(t.artists), lower(?)) > 0 OR t.id = ?)"
            )
            params.extend([text.strip(), text.strip(), text])
    where = ("WHERE " + " AND ".join(conditions)) if conditions else ""
    if mood:
        tids = _surest_first(conn, f"SELECT t.tid, m.weight FROM tracks t {' '.join(joins)} {where}", params, mood)
        tids = tids[:limit] if limit is not None else tids
    else:
        sql = f"SELECT t.tid FROM tracks t {' '.join(joins)} {where} ORDER BY t.tid"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        tids = [int(r[0]) for r in conn.execute(sql, params)]
    loaded = {t.id: t for t in load_tracks(conn, sorted(tids))}
    id_of = ids_of(conn, tids)
    return [loaded[id_of[tid]] for tid in tids]


def _surest_first(conn: sqlite3.Connection, sql: str, params: Sequence[Any], mood: str) -> list[int]:
    """The tids ``sql`` selects (tid, weight), by weight × confidence of their moods (highest
    first; ties by tid)."""
    confidence = load_confidence(conn, "IN (SELECT tid FROM moods WHERE mood = ?)", [mood])
    rows = [(int(tid), float(weight) * confidence.get(int(tid), 1.0)) for tid, weight in conn.execute(sql, params)]
    rows.sort(key=lambda row: (-row[1], row[0]))
    return [tid for tid, _ in rows]


def artist_known(conn: sqlite3.Connection, name: str) -> bool:
    """Whether some track of the library has an artist named ``name`` (compared normalised)."""
    return conn.execute("SELECT 1 FROM artists WHERE norm = ? LIMIT 1", (normalise_text(name),)).fetchone() is not None


def closest_artists(conn: sqlite3.Connection, name: str) -> list[str]:
    """Up to three artist names of the library closest to ``name``."""
    names = [str(row[0]) for row in conn.execute("SELECT name FROM artists LIMIT 200000")]
    return difflib.get_close_matches(name, names, n=3, cutoff=0.6)
