"""Living playlists at the edge: the library's build history read into a bias, builds recorded.

Every function takes the library's path and does nothing (returns None / an empty answer) when
no library exists yet: building from the demo must not create one.

Refresh: :func:`plan_refresh` picks the playlists a ``moodseq refresh`` run handles and resumes
an interrupted run (what it pushed stays, a half-done push is finished with the same build);
:func:`finish_refresh` closes the run.

Public: :func:`history_bias`, :func:`previous_tracks`, :func:`record_sequence`,
:func:`profile_ref_for`, :func:`track_rows`, :func:`start_push`, :func:`finish_push`,
:class:`RefreshItem`, :class:`RefreshPlan`, :func:`select_targets`, :func:`plan_refresh`,
:func:`finish_refresh`, :func:`build_tracks`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sequencer.core.living import FreshRule, TrackBias, combine, fresh_bias, like_bias, listening_bias
from sequencer.core.profile import Listening
from sequencer.core.sequence import Sequence as PlaylistSequence
from sequencer.core.track import Track, song_key
from sequencer.errors import InputFileError

if TYPE_CHECKING:
    from sequencer.adapters.library.history import BuildSummary, PushTarget


def profile_ref_for(ref: str) -> str:
    """How a build remembers its profile: a name as given, a file as its absolute path."""
    path = Path(ref).expanduser()
    if path.suffix.lower() == ".toml" or path.is_file():
        return str(path.resolve())
    return ref


def track_rows(tracks: Sequence[Track]) -> list[tuple[str, str, str]]:
    """(id, "Artist - Title", song key) for each track, as the history stores them."""
    return [(t.id, t.name, song_key(t.artists, t.title)) for t in tracks]


def history_bias(
    library_path: Path,
    profile: str,
    *,
    fresh: FreshRule | None,
    like_previous: bool,
    listening: Listening | None = None,
) -> TrackBias | None:
    """The bias the profile's history makes: freshness, likeness and the listening history
    (``listening``: the profile's ``[listening]`` section; ignored when it is off).  None when
    none of them was asked for.

    Raises
    ------
    InputFileError
        when ``like_previous`` is asked and the profile was never built in this library.
    """
    listen = listening is not None and listening != Listening()
    if fresh is None and not like_previous and not listen:
        return None
    if not library_path.is_file():
        if like_previous:
            raise InputFileError(
                "--like-previous needs the build history, kept in your library, and there is none yet",
                hint="import music first (moodseq import csv FILE), build once, then use --like-previous",
            )
        return TrackBias(notes=("no library yet, so no build or listening history",))
    from sequencer.adapters.library import history
    from sequencer.adapters.library.listening import listening_evidence
    from sequencer.adapters.library.store import Store

    parts: list[TrackBias] = []
    with Store.open(library_path, read_only=True) as store:  # a library in a read-only folder builds too
        if fresh is not None:
            parts.append(fresh_bias(history.song_plays(store, profile, history.since(fresh.window_s)), fresh))
        if like_previous:
            last = history.latest_build(store, profile)
            if last is None:
                raise InputFileError(
                    f"--like-previous: the profile {profile!r} was never built with this library",
                    hint=f"build it once first: moodseq build {profile}",
                )
            parts.append(like_bias(song for _, _, song in last.tracks))
        if listen and listening is not None:
            parts.append(listening_bias(listening_evidence(store), listening))
    return combine(*parts)


def pushed_profile(library_path: Path, sink: str, playlist_id: str) -> tuple[str, str] | None:
    """(profile name, reference) moodseq last pushed to that playlist, None when it never did
    (or there is no library)."""
    if not library_path.is_file():
        return None
    from sequencer.adapters.library import history
    from sequencer.adapters.library.store import Store

    with Store.open(library_path, read_only=True) as store:
        return history.pushed_profile(store, sink, playlist_id)


def previous_tracks(library_path: Path, profile: str) -> tuple[int, list[Track]]:
    """The profile's latest recorded build: (its number, its tracks as the library has them).

    Raises
    ------
    InputFileError
        when there is no history for the profile, or a track of it left the library.
    """
    hint = f"build it first (moodseq build {profile}), or keep from a file: --keep night.json"
    if not library_path.is_file():  # building again would not help: demo builds are not recorded
        raise InputFileError(
            "--keep needs a previous build, and there is no library yet",
            hint="builds on the demo library are not recorded: import your music first "
            "(moodseq import csv FILE), or keep from a file: --keep night.json",
        )
    from sequencer.adapters.library import history
    from sequencer.adapters.library.store import Store
    from sequencer.errors import TrackNotFoundError

    with Store.open(library_path, read_only=True) as store:
        last = history.latest_build(store, profile)
        if last is None:
            raise InputFileError(f"--keep: the profile {profile!r} has no recorded build", hint=hint)
        try:
            tracks = store.tracks_by_ids([tid for tid, _, _ in last.tracks])
        except TrackNotFoundError as error:
            raise InputFileError(
                f"--keep: build {last.bid} holds a track the library no longer has ({error.message})",
                hint="keep from a saved file instead: --keep night.json",
            ) from None
    return last.bid, tracks


def record_sequence(
    library_path: Path,
    sequence: PlaylistSequence,
    *,
    profile_ref: str,
    options: Mapping[str, Any],
    mode: str | None = None,
    refresh_id: int | None = None,
) -> int | None:
    """Record a build in the library's history; its number, or None without a library."""
    if not library_path.is_file():
        return None
    from sequencer.adapters.library import history
    from sequencer.adapters.library.store import Store

    score = sequence.score
    record = history.BuildRecord(
        profile=sequence.profile.name,
        profile_ref=profile_ref,
        seed=sequence.seed,
        mode=mode or sequence.mode,
        tracks=track_rows(sequence.tracks),
        duration_s=sequence.duration_s,
        flow_cost=score.flow_cost,
        arc_error=score.arc_error,
        mood_fit=score.mood_fit,
        options={k: v for k, v in options.items() if v is not None and v is not False},
        refresh_id=refresh_id,
    )
    with Store.open(library_path) as store:
        return history.record_build(store, record)


def start_push(library_path: Path, bid: int | None, *, sink: str, target: str) -> int | None:
    """Record that build ``bid`` is being pushed (None without a library or a build)."""
    if bid is None or not library_path.is_file():
        return None
    from sequencer.adapters.library import history
    from sequencer.adapters.library.store import Store

    with Store.open(library_path) as store:
        return history.start_push(store, bid, sink=sink, target=target)


def finish_push(
    library_path: Path,
    pid: int | None,
    *,
    ok: bool,
    playlist_id: str | None = None,
    url: str | None = None,
    note: str | None = None,
) -> None:
    """Record how push ``pid`` ended (nothing when it was not recorded)."""
    if pid is None or not library_path.is_file():
        return
    from sequencer.adapters.library import history
    from sequencer.adapters.library.store import Store

    with Store.open(library_path) as store:
        history.finish_push(store, pid, ok=ok, playlist_id=playlist_id, url=url, note=note)


@dataclass(frozen=True)
class RefreshItem:
    """One playlist a refresh run handles: rebuild it, or re-push an interrupted build exactly."""

    target: PushTarget
    repush: bool
    """True: the run was interrupted while pushing ``target.last``: push that same build again."""


@dataclass(frozen=True)
class RefreshPlan:
    """What a refresh run will do (``rid`` None for a dry run, which records nothing)."""

    rid: int | None
    items: tuple[RefreshItem, ...]
    done: tuple[PushTarget, ...]
    """Already refreshed by the interrupted run this one resumes."""
    resumed: bool
    unsupported: tuple[PushTarget, ...] = ()
    """Targets of sinks this moodseq cannot push to (skipped, and said so)."""


def select_targets(targets: Sequence[PushTarget], names: Sequence[str]) -> list[PushTarget]:
    """The targets ``names`` pick (a playlist name or a profile name each; all when empty).

    Raises
    ------
    InputFileError
        naming a name that matches nothing, with the names that exist.
    """
    if not names:
        return list(targets)
    chosen: list[PushTarget] = []
    for name in names:
        hits = [t for t in targets if name in (t.target, t.last.profile, t.key)]
        if not hits:
            known = ", ".join(repr(t.target) for t in targets) or "none yet"
            raise InputFileError(f"no pushed playlist is called {name!r}", hint=f"pushed playlists: {known}")
        chosen.extend(t for t in hits if t not in chosen)
    return chosen


def plan_refresh(
    library_path: Path, names: Sequence[str], *, dry_run: bool, sinks: Sequence[str] = ("spotify",)
) -> RefreshPlan:
    """Which playlists a refresh run handles, resuming an interrupted run over the same ones.

    An unfinished run over the same targets is resumed: what it already pushed is left alone,
    and a push it left half done is finished with that same build (so the playlist ends
    exactly as recorded, and nothing is rebuilt twice).  An unfinished run over other targets
    is marked abandoned.  A dry run records nothing.

    Raises
    ------
    LibraryError
        when there is no library (hence no history).
    """
    from sequencer.adapters.library import history
    from sequencer.adapters.library.store import Store
    from sequencer.errors import LibraryError

    if not library_path.is_file():
        raise LibraryError(f"no library at {library_path}", hint="refresh re-pushes playlists pushed with a library")
    with Store.open(library_path, read_only=dry_run) as store:  # a dry run records nothing: read-only works
        chosen = select_targets(history.push_targets(store), names)
        supported = [t for t in chosen if t.sink in sinks]
        unsupported = tuple(t for t in chosen if t.sink not in sinks)
        keys = sorted(t.key for t in supported)
        unfinished = history.unfinished_refresh(store)
        resumed = unfinished is not None and sorted(unfinished[1]) == keys
        if dry_run:
            rid = unfinished[0] if resumed and unfinished is not None else None
        elif resumed and unfinished is not None:
            rid = unfinished[0]
        else:
            if unfinished is not None:
                history.finish_refresh(store, unfinished[0], "abandoned")
            rid = history.open_refresh(store, keys)
        done_keys = history.refreshed_targets(store, rid) if rid is not None and resumed else set()
    items = tuple(
        RefreshItem(t, repush=resumed and t.status == "started" and t.last.refresh_id == rid)
        for t in supported
        if t.key not in done_keys
    )
    done = tuple(t for t in supported if t.key in done_keys)
    return RefreshPlan(rid=None if dry_run else rid, items=items, done=done, resumed=resumed, unsupported=unsupported)


def finish_refresh(library_path: Path, rid: int | None, *, ok: bool) -> None:
    """Close refresh run ``rid``: done, or failed (the next run starts afresh)."""
    if rid is None:
        return
    from sequencer.adapters.library import history
    from sequencer.adapters.library.store import Store

    with Store.open(library_path) as store:
        history.finish_refresh(store, rid, "done" if ok else "failed")


def build_tracks(library_path: Path, build: BuildSummary) -> list[Track]:
    """A recorded build's tracks as the library has them (to push that build again)."""
    from sequencer.adapters.library.store import Store

    with Store.open(library_path) as store:
        return store.tracks_by_ids([tid for tid, _, _ in build.tracks])
