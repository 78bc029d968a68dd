"""Saved playlists read back (``explain``, ``export``, ``compare``, ``reorder``): what the
library knows about their tracks.

A moodseq JSON file carries every track's moods, attributes and sound, so it is scored as it
was saved; a JSPF file (ListenBrainz, or ``build -o x.jspf``) carries names and identifiers
only. Scored from the file alone, every transition of a JSPF playlist costs 0.5 ("nothing
comparable known") and every mood fit is 0, while ``reorder`` of the same file uses the
library: the same playlist would get different figures from different commands. So every
command that reads a JSPF file takes each track the library knows (same id or Spotify URI)
from the library, and says how many it knew.

A CSV or TSV track list (an Exportify export of a Spotify playlist, moodseq's own CSV export,
any file ``import csv`` reads) and an M3U/M3U8 playlist (a player's, or moodseq's own) are read
the same way: their entries in order, as a playlist without a profile, each track the library
knows taken from the library.

Public: :func:`load_saved`, :func:`load_file`, :func:`from_library`, :func:`is_bare`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    from sequencer.adapters.exporters.json import LoadedSequence
    from sequencer.cli.context import AppContext
    from sequencer.core.sequence import Sequence
    from sequencer.core.track import Track


def load_saved(app: AppContext, path: Path, profile_ref: str | None = None) -> tuple[Sequence, LoadedSequence]:
    """A saved playlist's :class:`Sequence` (every number recomputed) and the file as read; a
    JSPF file's or a CSV track list's tracks come from the library where it knows them
    (:func:`from_library`).

    ``profile_ref`` (``--profile NAME``) scores it against that profile instead of the file's;
    without one, a file that has no profile is scored against an empty one, and that is said.
    """
    from sequencer.adapters.exporters.json import sequence_of
    from sequencer.core.sequence import make_sequence

    loaded = load_file(app, path)
    sequence = sequence_of(loaded)
    profile = sequence.profile
    if profile_ref is not None:
        from sequencer.adapters.profiles_toml import load_profile

        profile = load_profile(profile_ref, app.user_profiles_dir, app.vocabulary())
    elif loaded.profile is None:
        app.say(f"note: {path} has no profile; mood fit and arc use an empty profile (--profile NAME scores it)")
    tracks = list(sequence.tracks)
    if is_bare(loaded):
        tracks = from_library(app, tracks, source=str(path))
    if profile is not sequence.profile or is_bare(loaded):
        sequence = make_sequence(tracks, profile, seed=sequence.seed, mode=sequence.mode, warnings=sequence.warnings)
    return sequence, loaded


#: Names of the track lists read as playlists (what ``import csv`` reads, gzip too).
TRACK_LISTS = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz", ".txt.gz")


def load_file(app: AppContext, path: Path) -> LoadedSequence:
    """A saved playlist as read: moodseq's JSON or a JSPF file, or a CSV/TSV track list (its
    rows in order; a song listed twice kept once, and that said)."""
    from sequencer.adapters.exporters.json import LoadedSequence, load_sequence_json
    from sequencer.adapters.importers.m3u import M3U_SUFFIXES, read_m3u

    if path.suffix.lower() in M3U_SUFFIXES and path.is_file():
        try:
            entries = read_m3u(path)
        except OSError as error:  # a line no file system takes as a path (binary junk, 300 bytes long)
            from sequencer.errors import InputFileError

            raise InputFileError(
                f"{path}: an entry is no location this system can look up ({error.strerror})",
                hint="give a text playlist of file paths, links or URIs, one per line "
                "(an entry longer than 255 bytes is no file name)",
            ) from None
        return LoadedSequence(tracks=entries, profile=None, name=path.stem, seed=None, data={"format": "m3u8"})
    if not path.name.lower().endswith(TRACK_LISTS) or not path.is_file():
        return load_sequence_json(path, vocabulary=app.vocabulary())
    from sequencer.adapters.importers.tabular import read_table
    from sequencer.errors import InputFileError

    read = read_table(path, vocabulary=app.vocabulary())
    tracks: dict[str, Track] = {}
    for number, record in enumerate(read.records, 1):
        key = record.track.id or f"csv:{number}"  # a row without an id or URI: by its place, as in JSPF
        tracks.setdefault(key, record.track.evolve(id=key))
    skipped = read.report.skipped
    twice = len(read.records) - len(tracks)
    if skipped:
        more = f" and {len(skipped) - 1} more" if len(skipped) > 1 else ""
        app.say(
            f"{path}: {len(skipped)} unreadable row{'s' if len(skipped) != 1 else ''} left out ({skipped[0]}{more})"
        )
    if twice:
        app.say(f"{path}: {twice} repeated track{'s' if twice != 1 else ''} kept once")
    if not tracks:
        raise InputFileError(f"{path} has no tracks moodseq can read", hint="give a CSV with title and artist columns")
    return LoadedSequence(
        tracks=list(tracks.values()), profile=None, name=path.name.split(".")[0], seed=None, data={"format": "csv"}
    )


def _same_length(track: Track, known: Track) -> bool:
    """Whether a track matched by name is that recording (lengths within 5 s, or unknown)."""
    return not track.duration_s or abs(track.duration_s - known.duration_s) <= 5.0


def is_bare(loaded: LoadedSequence) -> bool:
    """Whether the file carries names and identifiers, not moodseq's record of each track
    (JSPF, a CSV track list, M3U): its tracks are taken from the library where it knows them."""
    return loaded.data.get("format") in ("jspf", "csv", "m3u8")


def from_library(app: AppContext, tracks: list[Track], *, source: str = "") -> list[Track]:
    """``tracks`` with each one the library knows (same Spotify URI, else same id, else for a
    track without a URI the same "Artist - Title" and length) replaced by the library's track
    (its moods, sound and attributes; the file's URI kept), in order.

    Until you have a library, the built-in demo library is it (as for ``build`` and ``library``).
    Says on stderr how many tracks it knew (``source``, when given, names the file).
    """
    where = f"{source}: " if source else ""
    if app.library_path.is_file():
        known, label = _in_store(app, tracks), "your library"
    else:
        from sequencer.adapters.demo import load_demo_tracks

        known, label = _in_list(load_demo_tracks(), tracks), "the built-in demo library"
        if not any(known):
            app.say(
                f"{where}no library at {app.library_path} to take the tracks' moods and attributes from: "
                "scored on what the file carries (`moodseq import csv FILE` makes one)"
            )
            return tracks
    found = sum(1 for k in known if k is not None)
    app.say(
        f"{where}moods and attributes from {label} for {found} of {len(tracks)} tracks"
        + (f"; {len(tracks) - found} unknown to it, scored on what the file carries" if found < len(tracks) else "")
    )
    return [t if k is None else k.evolve(uri=t.uri or k.uri) for t, k in zip(tracks, known, strict=True)]


def _in_store(app: AppContext, tracks: list[Track]) -> list[Track | None]:
    """Per track, the library's track it is (None: unknown to the library)."""
    from sequencer.adapters.library.store import Store
    from sequencer.errors import TrackNotFoundError

    by_id: dict[str, Track] = {}
    with Store.open(app.library_path, read_only=True) as store:
        by_uri = store.tracks_by_uris([t.uri or "" for t in tracks])
        for track in tracks:
            if not (track.uri and track.uri in by_uri):
                try:
                    by_id[track.id] = store.tracks_by_ids([track.id])[0]
                except TrackNotFoundError:
                    continue
        # a track without an identifier the library holds (a file without URIs): by its name
        unnamed = [t for t in tracks if not (t.uri and t.uri in by_uri) and t.id not in by_id and not t.uri]
        taken = {t.id for t in by_uri.values()} | {t.id for t in by_id.values()}
        for track, known in zip(unnamed, store.lookup_many([t.name for t in unnamed]), strict=True):
            if known is not None and known.id not in taken and _same_length(track, known):
                by_id[track.id] = known
                taken.add(known.id)
    return [(by_uri.get(t.uri) if t.uri else None) or by_id.get(t.id) for t in tracks]


def _in_list(library: list[Track], tracks: list[Track]) -> list[Track | None]:
    """:func:`_in_store` against a list of tracks (the built-in demo library)."""
    from sequencer.core.track import normalise_text

    by_uri = {t.uri: t for t in library if t.uri}
    by_id = {t.id: t for t in library}
    by_name = {normalise_text(t.name): t for t in library}
    out: list[Track | None] = []
    for track in tracks:
        known = (by_uri.get(track.uri) if track.uri else None) or by_id.get(track.id)
        if known is None and not track.uri:
            named = by_name.get(normalise_text(track.name))
            known = named if named is not None and _same_length(track, named) else None
        out.append(known)
    return out
