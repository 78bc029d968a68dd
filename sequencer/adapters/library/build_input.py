"""Which tracks a build starts from: the user's library (candidates first) or the demo.

For a library of any size the build must not turn every row into a Track: the store's cached
:class:`~sequencer.core.features.FeatureTable` (a numpy file beside the database, loaded in
milliseconds) is scored with :func:`sequencer.core.candidates.candidate_rows`, and only the few
hundred rows it keeps (plus the start/end tracks) are loaded as Track objects.

Sources, in order:

1. the library database at ``library_path`` when the file exists and holds tracks;
2. an explicitly named library (``--library`` / ``MOODSEQ_LIBRARY``) that does not exist is an
   error (a typo must not silently fall back to the demo);
3. otherwise the built-in demo library.

Public: :class:`LibraryInput`, :func:`load_for_build`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sequencer.adapters.library.references import Unmatched, unmatched_in_tracks
from sequencer.core.profile import Profile
from sequencer.core.track import Track
from sequencer.errors import LibraryError, TrackNotFoundError

if TYPE_CHECKING:
    from sequencer.adapters.library.store import Store
    from sequencer.core.features import FeatureTable

#: Rows kept from the table, as a multiple of the build's own candidate budget: the margin
#: lets artist/track exclusions (which the columns cannot decide) remove some and still leave
#: enough.
MARGIN = 1.5


@dataclass(frozen=True)
class LibraryInput:
    """The tracks a build works on, and what to tell the user about where they came from."""

    tracks: list[Track]
    library_size: int
    """Tracks in the whole library (``tracks`` may be a pre-selected part of it)."""
    description: str
    is_demo: bool
    refs: Mapping[str, str] = field(default_factory=dict)
    """Each ``include_refs`` entry → the id of the track the library resolved it to (pass the id
    on to ``build_playlist(start=…, end=…)`` so both sides agree on the track)."""
    unmatched: Sequence[Unmatched] = ()
    """The profile's exclude_tracks/exclude_artists entries that name nothing in the library."""
    sound: Any = None
    """The whole library's sound vectors (``FeatureTable.sound``), for the report's map; None
    for the demo library."""


def load_for_build(
    library_path: Path, profile: Profile, *, explicit: bool = False, include_refs: Sequence[str] = ()
) -> LibraryInput:
    """The tracks to build ``profile`` from, with the tracks named in ``include_refs`` included.

    ``explicit`` says the user named the library (``--library`` / ``MOODSEQ_LIBRARY``): then a
    missing or empty file is an error instead of a fall-back to the demo.

    Raises
    ------
    LibraryError
        when an explicitly named library does not exist or is empty.
    TrackNotFoundError
        when a ref names no track in the library (with suggestions).
    """
    path = library_path
    if path.is_file():
        loaded = _from_store(path, profile, include_refs)
        if loaded is not None:
            return loaded
        if explicit:
            raise LibraryError(
                f"the library at {path} has no tracks", hint="import music first: moodseq import csv FILE"
            )
    elif explicit:
        raise LibraryError(f"no library at {path}", hint="import music first: moodseq import csv FILE")
    from sequencer.adapters.demo import load_demo_tracks

    tracks = load_demo_tracks()
    return LibraryInput(
        tracks=tracks,
        library_size=len(tracks),
        description=f"the built-in demo library ({len(tracks)} tracks)",
        is_demo=True,
        unmatched=_excludes(unmatched_in_tracks(tracks, profile.constraints)),
    )


def _optional_tracks(store: Store, refs: Sequence[str]) -> list[Track]:
    """The tracks ``refs`` name; those not in the library are left out (the build reports them)."""
    found: list[Track] = []
    for track in store.lookup_many(list(dict.fromkeys(refs))):
        if track is not None and all(track.id != t.id for t in found):
            found.append(track)
    return found


def context_rows(store: Store, table: FeatureTable, profile: Profile, exemplars: Sequence[Track]) -> tuple[Any, Any]:
    """Per row of ``table``: the rank boost of the profile's exemplars and genres, and the rows
    an excluded genre rules out (:mod:`sequencer.core.context`, the same rules on columns)."""
    import numpy as np

    from sequencer.core.candidates import table_fit
    from sequencer.core.context import SAME_ARTIST, genre_keys, like_from_cosines

    n = len(table)
    boost = np.zeros(n, dtype=np.float64)
    excluded = np.zeros(n, dtype=bool)
    genres = profile.genres
    rules = genres.prefer or genres.avoid or profile.constraints.exclude_genres
    row_of: dict[str, int] | None = None
    if rules:
        row_of = {track_id: row for row, track_id in enumerate(table.ids.tolist())}
        prefer, avoid = genre_keys(genres.prefer), genre_keys(genres.avoid)
        banned = genre_keys(profile.constraints.exclude_genres)
        for names, ids in store.genre_groups().items():  # a verdict per distinct genre list
            have = genre_keys(names)
            rows = [row_of[i] for i in ids if i in row_of]
            excluded[rows] = bool(have & banned)
            boost[rows] += genres.weight * (float(bool(have & prefer)) - float(bool(have & avoid)))
    if exemplars and profile.like_weight > 0:
        like = np.zeros(n, dtype=np.float64)
        if row_of is None:
            row_of = {track_id: row for row, track_id in enumerate(table.ids.tolist())}
        same = np.zeros(n, dtype=bool)
        same[[row_of[i] for i in store.same_artist_ids([t.id for t in exemplars]) if i in row_of]] = True
        fit = np.clip(table_fit(table, profile.moods) * table.confidences(), 0.0, 1.0)
        like[same] = SAME_ARTIST * fit[same]
        sound = getattr(table, "sound", None)  # FeatureTable.sound: (n, d) float32, zero row = none
        if sound is not None and sound.shape[1] > 0:
            rows = [int(np.flatnonzero(table.ids == t.id)[0]) for t in exemplars if (table.ids == t.id).any()]
            norms = np.linalg.norm(sound, axis=1)
            unit = sound / np.where(norms > 0, norms, 1.0)[:, None]
            for row in rows:
                if norms[row] > 0:
                    like = np.maximum(like, like_from_cosines(unit @ unit[row]))
        boost += profile.like_weight * like
    return boost, excluded


def _excludes(found: Sequence[Unmatched]) -> tuple[Unmatched, ...]:
    """The exclusions among ``found`` (an unknown start or end stops the build on its own)."""
    return tuple(u for u in found if u.key.startswith("constraints.exclude"))


def _refuse_unmatched_must_include(store: Store, profile: Profile) -> None:
    """A must-include track the library lacks stops the build, with the library's own "did you
    mean" (the build's fallback compares the ref with every name and suggests worse)."""
    for unmatched in store.unmatched_references(profile.constraints):
        if unmatched.key == "constraints.must_include":
            raise TrackNotFoundError(
                f"{unmatched.message}: a must-include track plays in every playlist",
                hint=unmatched.hint or "list tracks with `moodseq library list --text WORD`",
            )


def _from_store(path: Path, profile: Profile, include_refs: Sequence[str]) -> LibraryInput | None:
    """Candidates from the library database (None when it has no tracks)."""
    import numpy as np

    from sequencer.adapters.library.store import Store
    from sequencer.core.candidates import candidate_budget, candidate_rows

    with Store.open(path, read_only=True) as store:
        table = store.feature_table()
        if len(table) == 0:
            return None
        pinned: list[Track] = []
        refs: dict[str, str] = {}
        for ref in dict.fromkeys(include_refs):
            track = store.find(ref)
            refs[ref] = track.id
            if all(track.id != p.id for p in pinned):
                pinned.append(track)
        exemplars = _optional_tracks(store, profile.like)
        must = _optional_tracks(store, profile.constraints.must_include)
        if len(must) < len(set(profile.constraints.must_include)):
            _refuse_unmatched_must_include(store, profile)
        for track in [*must, *exemplars]:
            if all(track.id != p.id for p in pinned):
                pinned.append(track)
        anchors = [int(np.flatnonzero(table.ids == p.id)[0]) for p in pinned if (table.ids == p.id).any()]
        boost, excluded = context_rows(store, table, profile, exemplars)
        rows = candidate_rows(
            table,
            profile,
            keep=int(MARGIN * candidate_budget(profile)),
            anchors=anchors[: len(include_refs)],
            boost=boost,
            excluded=excluded,
        )
        rows = np.union1d(rows, np.asarray(anchors, dtype=np.int64))
        pinned_ids = {p.id for p in pinned}
        ids = [str(i) for i in table.ids[rows] if str(i) not in pinned_ids]
        tracks = pinned + store.tracks_by_ids(ids)
        unmatched = _excludes(store.unmatched_references(profile.constraints))
    return LibraryInput(
        tracks=tracks,
        library_size=len(table),
        description=f"your library {path} ({len(table):,} tracks)",
        is_demo=False,
        refs=refs,
        unmatched=unmatched,
        sound=table.sound,
    )
