"""The glue between the library and :mod:`sequencer.core.sound`: place, explain and map tracks.

- :func:`update_sound` computes every track's sound vector from what the library knows (genres
  and crowd tags, playlists, release year, audio attributes) and stores the ones that changed
  (``moods infer`` runs it);
- :func:`explain_sound` gives a track's nearest genres and nearest tracks in sound
  (``moods explain``);
- :func:`library_map` places a sample of the library and a playlist's tracks on a 2-D map
  (the report's and the plot's map).

Public: :class:`SoundSummary`, :func:`update_sound`, :class:`SoundNeighbours`,
:func:`explain_sound`, :class:`SoundMap`, :func:`library_map`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from sequencer.adapters.library.store import Store
    from sequencer.core.track import Track


@dataclass(frozen=True)
class SoundSummary:
    """What a sound update did."""

    tracks: int
    with_vector: int
    written: int
    """Tracks whose stored vector was added, changed or removed (0 on an unchanged library)."""
    from_genres: int
    from_playlists: int
    from_audio: int


def update_sound(store: Store, *, write: bool = True) -> SoundSummary:
    """Compute every track's sound vector and store those that changed (unless ``write`` is off).

    When nothing the vectors rest on changed since the last update (same evidence stamp, same
    genre data), nothing is computed or written: the last summary is returned with 0 written.
    """
    import dataclasses

    import numpy as np

    from sequencer.adapters.genre_data import data_digest, load_genre_space
    from sequencer.core.features import COLUMNS
    from sequencer.core.sound import AUDIO, SOUND_DIMS, SOUND_VERSION, SoundEvidence, place

    stamp = f"{SOUND_VERSION}:{data_digest()}:{SOUND_DIMS}:{store.sound_stamp()}"
    last = store.get_meta("sound_update")
    if write and isinstance(last, dict) and last.get("stamp") == stamp:
        fields = {f.name for f in dataclasses.fields(SoundSummary)}
        return SoundSummary(**{**{k: v for k, v in last.items() if k in fields}, "written": 0})
    space = load_genre_space()
    evidence = store.sound_evidence()
    table = store.feature_table()
    tags = store.tags_bulk()
    keys = store.song_keys()  # one read: the first artist is the song key's first part
    artists = {i: key.split("|", 1)[0] for i, key in keys.items()}
    row_of = {str(i): r for r, i in enumerate(table.ids)}
    rows = [row_of[i] for i in evidence.ids]
    audio = {name: table.attrs[rows, COLUMNS.index(name)] for name in AUDIO}
    years = np.array([np.nan if y is None else float(y) for y in evidence.years])
    inputs = SoundEvidence(
        tags=[tags.get(i, {}) for i in evidence.ids],
        playlists=evidence.playlists,
        years=years,
        audio=audio,
        genres=_with_known_genres(keys, evidence.ids, evidence.genres, tags),
        artists=[artists.get(str(i), "") for i in evidence.ids],
    )
    placed = place(space, inputs)
    written = store.set_sound_vectors(evidence.ids, placed.vectors) if write else 0
    has = np.abs(placed.vectors).sum(axis=1) > 0
    summary = SoundSummary(
        tracks=len(evidence.ids),
        with_vector=int(has.sum()),
        written=written,
        from_genres=int(placed.from_genres.sum()),
        from_playlists=int(placed.from_playlists.sum()),
        from_audio=int(placed.from_audio.sum()),
    )
    if write:
        store.set_meta("sound_update", {**dataclasses.asdict(summary), "stamp": stamp})
    return summary


def _with_known_genres(
    keys: dict[str, str],
    ids: Sequence[str],
    genres: Sequence[Sequence[str]],
    tags: dict[str, dict[str, float]],
) -> list[Sequence[str]]:
    """Each track's genres, where a track without genres or tags that moodseq knows (a song of
    the built-in demo library: the soundtracks behind the profiles, "Burn", "A Real Hero",
    "Solar Sailer"…) takes the genres moodseq knows for it.  On the shared catalogs the
    exemplars of catharsis and night-drive came without genres: every candidate was 0.00–0.18
    alike to "Burn", so sounding like The Crow counted for nothing."""
    from sequencer.adapters.demo import known_genres

    known = known_genres()
    out: list[Sequence[str]] = []
    for i, own in zip(ids, genres or [()] * len(ids), strict=True):
        if not own and not tags.get(str(i)):
            own = known.get(keys.get(str(i), ""), ())
        out.append(own)
    return out


@dataclass(frozen=True)
class SoundNeighbours:
    """A track's place in sound: nearest genres and nearest tracks (with cosines)."""

    track: Track
    genres: list[tuple[str, float]]
    tracks: list[tuple[Track, float]]


def explain_sound(store: Store, track: Track, *, genres: int = 5, neighbours: int = 10) -> SoundNeighbours:
    """The genres and library tracks nearest ``track`` in sound (empty without a vector)."""
    from sequencer.adapters.genre_data import load_genre_space
    from sequencer.core.sound import genre_block, nearest_rows

    if track.sound is None:
        return SoundNeighbours(track=track, genres=[], tracks=[])
    table = store.feature_table()
    self_row = next((r for r, i in enumerate(table.ids) if str(i) == track.id), -1)
    found = nearest_rows(table.sound, track.sound, neighbours, exclude=self_row)
    near = store.tracks_by_ids([str(table.ids[r]) for r, _ in found])
    return SoundNeighbours(
        track=track,
        genres=load_genre_space().nearest(genre_block(track.sound), genres),
        tracks=[(t, cos) for t, (_, cos) in zip(near, found, strict=True)],
    )


@dataclass(frozen=True)
class SoundMap:
    """2-D positions of a library sample (``background``) and of a playlist's tracks, in order."""

    background: npt.NDArray[np.float64]
    """Shape (m, 2): the sample of the library (tracks with a vector)."""
    playlist: list[tuple[float, float] | None]
    """One position per playlist track (None: the track has no sound vector)."""


def library_map(tracks: Sequence[Track], library: npt.NDArray[np.float32], *, sample: int = 2000) -> SoundMap:
    """Map a playlist's ``tracks`` inside a library whose sound vectors are ``library`` (rows of
    the feature table): the library's first two principal axes in sound, with an even, fixed
    sample of its tracks as the background."""
    import numpy as np

    from sequencer.core.sound import map_2d

    width = library.shape[1] if library.ndim == 2 else 0
    has = np.flatnonzero(np.abs(library).sum(axis=1) > 0) if width else np.zeros(0, dtype=np.int64)
    step = max(1, len(has) // sample) if len(has) else 1
    picked = library[has[::step][:sample]] if len(has) else np.zeros((0, width), dtype=np.float32)
    own = [t.sound if t.sound is not None and len(t.sound) == width else None for t in tracks]
    rows = [np.asarray(v, dtype=np.float32) for v in own if v is not None]
    stacked = np.vstack([picked, *rows]) if width else np.zeros((0, 2))
    coords = map_2d(stacked) if len(stacked) else np.zeros((0, 2))
    background = coords[: len(picked)]
    ahead = iter(coords[len(picked) :].tolist())
    placed: list[tuple[float, float] | None] = []
    for vector in own:
        if vector is None:
            placed.append(None)
        else:
            x, y = next(ahead)
            placed.append((float(x), float(y)))
    return SoundMap(background=background, playlist=placed)
