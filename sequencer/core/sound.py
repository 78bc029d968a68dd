"""The sound vector of ``flow.md`` v2: where a track sits among tracks that sound alike (pure).

A short dense vector per track, unit length, from the evidence the track has; tracks that sound
alike have a cosine near 1.  It is the concatenation of four blocks, each a unit vector (or
zeros when its evidence is missing) times its weight, then scaled to unit length:

======== ==================== ============================================================
block    numbers              from
======== ==================== ============================================================
genre    :data:`GENRE_DIMS`   genres and crowd tags through the genre graph's embedding
                              (:mod:`sequencer.core.genres`): related genres are near even
                              in a library of ten tracks.  A track without genre evidence
                              but in playlists takes its playlists' mean genre vector
                              (:data:`BORROWED`), so the user's playlists carry genres over;
                              one with genres has the mean of its artist's other tracks'
                              blended in (:data:`ARTIST_BLEND`: per-playlist labels are noisy).
playlist :data:`PLAYLIST_DIMS` co-membership: the leading principal axes of the centred,
                              IDF-weighted track × playlist matrix (playlists of two or more
                              tracks only).
era      2                    release year as an angle: 10 years apart → cosine 0.95,
                              50 years apart → 0.
audio    4                    acousticness, instrumentalness, speechiness, danceability,
                              standardised (how a track is produced, beside the energy and
                              tempo the cost already has).
======== ==================== ============================================================

A track needs genre or playlist evidence (its own genres or tags, a shared playlist, or genres
borrowed from its playlists or, failing those, from its artist's other tracks) for a vector;
without, it has none (``None``). The year and the audio attributes refine a placed track but
never place one alone (:data:`AUDIO_ALONE`): four production attributes and an era put every
such track on an island of its own, where they chain smoothly into each other and crowd tagged
tracks out (on the shared catalogs, night-drive picks without genre went from 77–92 % to 100 %
when they had vectors).

Everything is deterministic: the playlist axes come from a seeded subspace iteration, the genre
embedding from the shipped data.  The audio block
of a track depends on that track only, its genre block on it and its artist's other tracks;
the playlist block and the borrowed genres depend on the library's playlists.

Public: :data:`SOUND_DIMS`, :data:`SOUND_VERSION`, :data:`BLOCKS`, :class:`SoundEvidence`, :func:`sound_vectors`,
:func:`place`, :class:`Placement`, :class:`Membership`, :func:`membership`,
:func:`cosine_to`, :func:`nearest_rows`, :func:`genre_block`, :func:`map_2d`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from sequencer.core.genres import GENRE_DIMS, GenreSpace

PLAYLIST_DIMS = 6
YEAR_DIMS = 2
AUDIO: tuple[str, ...] = ("acousticness", "instrumentalness", "speechiness", "danceability")
#: Typical value and spread of each :data:`AUDIO` attribute in popular music (the shared
#: 35.8k-track catalogs' means and standard deviations, rounded): fixed, so a track's audio
#: block never depends on the rest of the library.
AUDIO_CENTRE: tuple[float, ...] = (0.2, 0.1, 0.1, 0.63)
AUDIO_SPREAD: tuple[float, ...] = (0.25, 0.24, 0.1, 0.15)
#: (name, first column, width, weight) of every block.
BLOCKS: tuple[tuple[str, int, int, float], ...] = (
    ("genre", 0, GENRE_DIMS, 1.0),
    ("playlist", GENRE_DIMS, PLAYLIST_DIMS, 0.8),
    ("era", GENRE_DIMS + PLAYLIST_DIMS, YEAR_DIMS, 0.35),
    ("audio", GENRE_DIMS + PLAYLIST_DIMS + YEAR_DIMS, len(AUDIO), 0.5),
)
SOUND_DIMS = GENRE_DIMS + PLAYLIST_DIMS + YEAR_DIMS + len(AUDIO)
#: Bump whenever a change here or in :mod:`sequencer.core.genres` changes the vectors: stored
#: vectors of another version are recomputed by the next ``moods infer``.
SOUND_VERSION = 5
#: Weight of a genre vector borrowed from the track's playlists or its artist's other tracks,
#: relative to its own genres.
BORROWED = 0.7
#: Weight of the mean genre vector of the artist's other tracks blended into a track's own
#: (:func:`_blend_artists`): a catalog's per-playlist genre labels are noisy, an artist's
#: tracks together are not.
ARTIST_BLEND = 0.6
#: Audio attributes a track needs for an audio block.
MIN_AUDIO = 2
#: Whether audio attributes alone give a track a vector (no: see the module docstring).
AUDIO_ALONE = False
#: Most playlists used for co-membership (the largest ones, then by name).
MAX_PLAYLISTS = 4000

FloatArray = npt.NDArray[np.float32]


@dataclass(frozen=True)
class SoundEvidence:
    """What the library knows of every track's sound, row-aligned (n tracks)."""

    tags: Sequence[Mapping[str, float]]
    """Per track: crowd tags (genres among them) → strength in [0, 1]."""
    playlists: Sequence[Sequence[str]]
    """Per track: the names of the playlists it is in."""
    years: npt.NDArray[np.float64]
    """Release year per track, NaN = unknown."""
    audio: Mapping[str, npt.NDArray[np.floating]]
    """:data:`AUDIO` attribute → column (NaN = unknown); missing names count as unknown."""
    genres: Sequence[Sequence[str]] = ()
    """Per track: its genres (strength 1), or empty when they are among ``tags`` already."""
    artists: Sequence[str] = ()
    """Per track: its first artist, normalised (empty: unknown), for genres borrowed from the
    artist's other tracks."""

    def __len__(self) -> int:
        return len(self.tags)


def _unit_rows(block: npt.NDArray[np.float64]) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
    """Rows scaled to unit length, and which rows were non-zero."""
    norms = np.linalg.norm(block, axis=1)
    has = norms > 1e-9
    out = np.zeros_like(block)
    out[has] = block[has] / norms[has, None]
    return out, has


def genre_vectors(
    space: GenreSpace, tags: Sequence[Mapping[str, float]], genres: Sequence[Sequence[str]] = ()
) -> npt.NDArray[np.float64]:
    """Each track's weighted genre vector from its tags and genres (a genre counts as a tag of
    strength 1); zeros when none names a genre."""
    emb = space.embedding().astype(np.float64)
    out = np.zeros((len(tags), emb.shape[1]))
    cache: dict[tuple[tuple[tuple[str, float], ...], tuple[str, ...]], npt.NDArray[np.float64]] = {}
    for row, track_tags in enumerate(tags):
        own = tuple(genres[row]) if genres else ()
        if not track_tags and not own:
            continue
        key = (tuple(track_tags.items()), own)
        vector = cache.get(key)
        if vector is None:
            profile = space.profile({**track_tags, **dict.fromkeys(own, 1.0)})
            vector = np.zeros(emb.shape[1])
            for genre, weight in profile.items():
                vector += weight * emb[genre]
            cache[key] = vector
        out[row] = vector
    return out


@dataclass(frozen=True)
class Membership:
    """The usable playlists (two or more members, the largest :data:`MAX_PLAYLISTS`) as a sparse
    track × playlist matrix: entry k puts track ``rows[k]`` in playlist ``cols[k]`` with IDF
    weight ``weights[k]``, each track's weights scaled to unit length."""

    names: list[str]
    rows: npt.NDArray[np.int64]
    cols: npt.NDArray[np.int64]
    weights: npt.NDArray[np.float64]


def membership(playlists: Sequence[Sequence[str]]) -> Membership:
    """The :class:`Membership` matrix of ``playlists`` (per track: the names it is in)."""
    sizes: dict[str, int] = {}
    for names in playlists:
        for name in set(names):
            sizes[name] = sizes.get(name, 0) + 1
    usable = sorted(sorted((n for n, c in sizes.items() if c >= 2), key=lambda n: (-sizes[n], n))[:MAX_PLAYLISTS])
    column = {name: i for i, name in enumerate(usable)}
    rows: list[int] = []
    cols: list[int] = []
    for row, names in enumerate(playlists):
        for col in sorted({column[n] for n in names if n in column}):
            rows.append(row)
            cols.append(col)
    r = np.asarray(rows, dtype=np.int64)
    c = np.asarray(cols, dtype=np.int64)
    members = len(set(rows))
    size = np.array([sizes[n] for n in usable], dtype=np.float64)
    w = np.log1p(members / size[c]) if len(c) else np.zeros(0)
    norms = np.sqrt(np.bincount(r, weights=w * w, minlength=len(playlists))) if len(r) else np.zeros(0)
    w = w / norms[r] if len(r) else w
    return Membership(names=usable, rows=r, cols=c, weights=w)


def playlist_vectors(matrix: Membership, n: int) -> npt.NDArray[np.float64]:
    """Co-membership vectors (n, :data:`PLAYLIST_DIMS`): each member track's row of the centred
    matrix projected on its leading principal axes; zeros for tracks in no usable playlist."""
    out = np.zeros((n, PLAYLIST_DIMS))
    p = len(matrix.names)
    member_rows = np.unique(matrix.rows)
    if p < 2 or len(member_rows) < 3:
        return out
    gram = np.zeros((p, p))
    order = np.argsort(matrix.rows, kind="stable")
    rows, cols, weights = matrix.rows[order], matrix.cols[order], matrix.weights[order]
    starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]])
    ends = np.r_[starts[1:], len(rows)]
    single = starts[ends - starts == 1]
    gram[np.diag_indices(p)] += np.bincount(cols[single], weights=weights[single] ** 2, minlength=p)
    for a, b in zip(starts[ends - starts > 1].tolist(), ends[ends - starts > 1].tolist(), strict=True):
        gram[np.ix_(cols[a:b], cols[a:b])] += np.outer(weights[a:b], weights[a:b])
    mean = np.bincount(cols, weights=weights, minlength=p) / len(member_rows)
    centred_gram = gram - len(member_rows) * np.outer(mean, mean)
    axes = _top_axes(centred_gram, min(PLAYLIST_DIMS, p - 1))
    projected = np.zeros((n, axes.shape[1]))
    projected[rows[starts]] = np.add.reduceat(weights[:, None] * axes[cols], starts, axis=0)
    projected[member_rows] -= mean @ axes
    out[:, : axes.shape[1]] = projected
    return out


def _top_axes(gram: npt.NDArray[np.float64], k: int) -> npt.NDArray[np.float64]:
    """The ``k`` leading eigenvectors of the symmetric ``gram`` (seeded subspace iteration;
    signs fixed so the largest entry of each is positive)."""
    rng = np.random.default_rng(0)
    basis, _r = np.linalg.qr(rng.standard_normal((gram.shape[0], min(gram.shape[0], k + 8))))
    for _ in range(15):
        basis, _r = np.linalg.qr(gram @ basis)
    values, vectors = np.linalg.eigh(basis.T @ gram @ basis)
    top = np.argsort(-values, kind="stable")[:k]
    axes = basis @ vectors[:, top]
    axes *= np.sign(axes[np.abs(axes).argmax(axis=0), np.arange(k)])[None, :]
    return np.asarray(axes)


def year_vectors(years: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """Release years as unit 2-vectors on a half circle from 1900 to 2050 (zeros if unknown)."""
    known = np.isfinite(years)
    angle = np.pi * (np.clip(np.where(known, years, 1975.0), 1900.0, 2050.0) - 1900.0) / 100.0
    out = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    out[~known] = 0.0
    return out


def audio_vectors(audio: Mapping[str, npt.NDArray[np.floating]], n: int) -> npt.NDArray[np.float64]:
    """Standardised :data:`AUDIO` attributes (unknown = 0); zeros for tracks with fewer than
    :data:`MIN_AUDIO` known."""
    out = np.zeros((n, len(AUDIO)))
    known = np.zeros(n, dtype=np.int64)
    for col, (name, centre, spread) in enumerate(zip(AUDIO, AUDIO_CENTRE, AUDIO_SPREAD, strict=True)):
        values = np.asarray(audio.get(name, np.full(n, np.nan)), dtype=np.float64)
        present = np.isfinite(values)
        out[present, col] = np.clip((values[present] - centre) / spread, -3.0, 3.0)
        known += present
    out[known < MIN_AUDIO] = 0.0
    return out


@dataclass(frozen=True)
class Placement:
    """Sound vectors and which evidence each rests on (boolean rows)."""

    vectors: FloatArray
    """Shape (n, :data:`SOUND_DIMS`), unit rows; a zero row = no vector."""
    from_genres: npt.NDArray[np.bool_]
    """Own genres or crowd tags that name a genre."""
    from_playlists: npt.NDArray[np.bool_]
    """Co-membership in a playlist of two or more tracks (and genres borrowed from it or from the
    artist's other tracks)."""
    from_audio: npt.NDArray[np.bool_]
    """Audio attributes in the vector (they refine a placed track; see :data:`AUDIO_ALONE`)."""


def place(space: GenreSpace, evidence: SoundEvidence) -> Placement:
    """Every track's sound vector and its evidence (see the module docstring)."""
    n = len(evidence)
    genre, has_genre = _unit_rows(genre_vectors(space, evidence.tags, evidence.genres))
    matrix = membership(evidence.playlists)
    playlist, has_playlist = _unit_rows(playlist_vectors(matrix, n))
    genre, has_genre_now = _unit_rows(_borrow_genres(genre, has_genre, matrix))
    genre, has_genre_now = _unit_rows(_borrow_from_artists(genre, has_genre_now, evidence.artists))
    genre, _ = _unit_rows(_blend_artists(genre, has_genre, evidence.artists))
    borrowed = has_genre_now & ~has_genre
    era, _has_era = _unit_rows(year_vectors(np.asarray(evidence.years, dtype=np.float64)))
    audio, has_audio = _unit_rows(audio_vectors(evidence.audio, n))
    parts = (genre * np.where(borrowed, BORROWED, 1.0)[:, None], playlist, era, audio)
    out = np.zeros((n, SOUND_DIMS))
    for (_name, start, width, weight), part in zip(BLOCKS, parts, strict=True):
        out[:, start : start + width] = weight * part
    placed = has_genre_now | has_playlist
    if AUDIO_ALONE:
        placed = placed | has_audio
    out[~placed] = 0.0  # the year (and, by default, the audio block) alone is no evidence
    out, _ = _unit_rows(out)
    return Placement(
        vectors=out.astype(np.float32),
        from_genres=has_genre,
        from_playlists=has_playlist | borrowed,
        from_audio=has_audio & placed,
    )


def sound_vectors(space: GenreSpace, evidence: SoundEvidence) -> FloatArray:
    """Every track's sound vector, shape (n, :data:`SOUND_DIMS`) float32, unit rows; a zero row
    is a track without evidence of its sound (see the module docstring)."""
    return place(space, evidence).vectors


def _borrow_genres(
    genre: npt.NDArray[np.float64], has_genre: npt.NDArray[np.bool_], matrix: Membership
) -> npt.NDArray[np.float64]:
    """Genre vectors for tracks without genres: the summed genre vectors of the tracks that
    share a playlist with them (unchanged rows otherwise)."""
    if not len(matrix.rows) or has_genre.all() or not has_genre.any():
        return genre
    sums = np.zeros((len(matrix.names), genre.shape[1]))
    own = has_genre[matrix.rows]
    np.add.at(sums, matrix.cols[own], genre[matrix.rows[own]])
    borrowed = np.zeros_like(genre)
    takers = ~has_genre[matrix.rows]
    np.add.at(borrowed, matrix.rows[takers], sums[matrix.cols[takers]])
    return np.where(has_genre[:, None], genre, borrowed)


def _artist_sums(
    genre: npt.NDArray[np.float64], has_genre: npt.NDArray[np.bool_], artists: Sequence[str]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Per track its artist's code (−1: unknown), and per artist the summed genre vectors and
    the number of its tracks that have genres."""
    codes: dict[str, int] = {}
    keys = np.array([codes.setdefault(a, len(codes)) if a else -1 for a in artists], dtype=np.int64)
    givers = has_genre & (keys >= 0)
    sums = np.zeros((len(codes), genre.shape[1]))
    counts = np.zeros(len(codes))
    np.add.at(sums, keys[givers], genre[givers])
    np.add.at(counts, keys[givers], 1.0)
    return keys, sums, counts


def _borrow_from_artists(
    genre: npt.NDArray[np.float64], has_genre: npt.NDArray[np.bool_], artists: Sequence[str]
) -> npt.NDArray[np.float64]:
    """Genre vectors for tracks still without genres: the summed genre vectors of the same
    artist's tracks that have them (Spotify's own genres belong to artists, not tracks; a track
    from a genre-less file by an artist the library knows sounds like that artist)."""
    if not artists or has_genre.all() or not has_genre.any():
        return genre
    keys, sums, _ = _artist_sums(genre, has_genre, artists)
    takers = ~has_genre & (keys >= 0)
    out = genre.copy()
    out[takers] = sums[keys[takers]]
    return out


def _blend_artists(
    genre: npt.NDArray[np.float64], has_genre: npt.NDArray[np.bool_], artists: Sequence[str]
) -> npt.NDArray[np.float64]:
    """Own genre vectors (unit rows) blended with the mean of the same artist's *other* tracks'
    own genre vectors at :data:`ARTIST_BLEND`: a catalog that files each track under the
    playlist it was found in (John Legend's "Preach" under electropop, from "Electropop 2019")
    is corrected by what the artist's other tracks are (R&B, neo soul); an artist whose tracks
    agree, or with one track, is unchanged in direction."""
    if not artists or ARTIST_BLEND <= 0 or not has_genre.any():
        return genre
    keys, sums, counts = _artist_sums(genre, has_genre, artists)
    rows = np.flatnonzero(has_genre & (keys >= 0))
    others = counts[keys[rows]] - 1.0
    rows, others = rows[others > 0], others[others > 0]
    if not len(rows):
        return genre
    mean = (sums[keys[rows]] - genre[rows]) / others[:, None]
    out = genre.copy()
    out[rows] = genre[rows] + ARTIST_BLEND * mean
    return out


def genre_block(vector: Sequence[float] | npt.NDArray[np.floating]) -> npt.NDArray[np.float64]:
    """The genre part of a sound vector (for "nearest genres")."""
    return np.asarray(vector, dtype=np.float64)[:GENRE_DIMS]


def cosine_to(matrix: npt.NDArray[np.floating], vector: Sequence[float] | npt.NDArray[np.floating]) -> FloatArray:
    """Cosine of every row of ``matrix`` (unit or zero rows) with ``vector`` (0 for zero rows)."""
    v = np.asarray(vector, dtype=np.float32)
    norm = float(np.linalg.norm(v))
    if matrix.shape[0] == 0 or matrix.shape[1] != v.shape[0] or norm == 0.0:
        return np.zeros(matrix.shape[0], dtype=np.float32)
    return np.asarray(matrix @ (v / norm), dtype=np.float32)


def nearest_rows(
    matrix: npt.NDArray[np.floating], vector: Sequence[float] | npt.NDArray[np.floating], k: int, exclude: int = -1
) -> list[tuple[int, float]]:
    """The ``k`` rows nearest ``vector`` by cosine (rows without a vector never), best first,
    ties by row; ``exclude`` leaves one row out (the track itself)."""
    v = np.asarray(vector, dtype=np.float32)
    if not np.any(v) or matrix.ndim != 2 or matrix.shape[1] != v.shape[0]:
        return []
    cos = cosine_to(matrix, vector)
    has = np.abs(matrix).sum(axis=1) > 0 if matrix.shape[0] else np.zeros(0, dtype=bool)
    cos = np.where(has, cos, -np.inf)
    if 0 <= exclude < cos.shape[0]:
        cos[exclude] = -np.inf
    k = min(k, int(np.isfinite(cos).sum()))
    if k <= 0:
        return []
    part = np.argpartition(-cos, k - 1)[:k]
    order = sorted(part.tolist(), key=lambda i: (-float(cos[i]), i))
    return [(int(i), float(cos[i])) for i in order]


def map_2d(vectors: npt.NDArray[np.floating]) -> npt.NDArray[np.float64]:
    """2-D coordinates of sound vectors (their first two principal axes; zero rows map to the
    centre of the others).  Deterministic: axis signs are fixed."""
    data = np.asarray(vectors, dtype=np.float64)
    if data.shape[0] == 0:
        return np.zeros((0, 2))
    has = np.abs(data).sum(axis=1) > 0
    centre = data[has].mean(axis=0) if has.any() else np.zeros(data.shape[1])
    centred = np.where(has[:, None], data - centre, 0.0)
    if has.sum() < 2:
        return np.zeros((data.shape[0], 2))
    _u, _s, vt = np.linalg.svd(centred[has], full_matrices=False)
    axes = vt[:2].T
    if axes.shape[1] < 2:
        axes = np.pad(axes, ((0, 0), (0, 2 - axes.shape[1])))
    axes *= np.sign(axes[np.abs(axes).argmax(axis=0), np.arange(2)] + 1e-300)[None, :]
    return np.asarray(centred @ axes, dtype=np.float64)
