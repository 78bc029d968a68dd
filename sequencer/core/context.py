"""What a context wants beyond moods: exemplar tracks, genres preferred, avoided and excluded.

A profile may say what it should *sound* like (``like = ["Kavinsky - Nightcall", …]``) and
which genres it prefers or avoids (``[genres]``); these move a track's **context fit**, the fit
the walk optimises and candidates are ranked by::

    context_fit = squash(mood_fit + like_weight · like + genres.weight · preference)

- ``mood_fit`` is ``flow.md``'s (cosine × confidence, :func:`sequencer.core.scoring.mood_fit`);
- an exemplar's own mood fit counts as 1 at least (the profile names it as the context: a
  track whose moods were not inferred, The Midnight's "Days of Thunder", still fits);
- ``like`` in [0, 1] is how close the track sounds to the nearest exemplar: the cosine of the
  sound vectors (``Track.sound``) above :data:`LIKE_FLOOR`, rescaled to [0, 1], when both have
  one; at least :data:`SAME_ARTIST` × its mood fit for a track by an exemplar's artist; 1 for an
  exemplar itself;
- ``preference`` is +1 for a track with a preferred genre, −1 with an avoided one, 0 with
  both or neither.

A profile without exemplars or genres keeps the mood fit as it is; with them, ``squash``
(:func:`squash`) keeps a sum up to :data:`SQUASH_FROM` in size as it is and
squeezes larger ones towards ±1 without reaching it: a hard clip made a third of the night
drive's candidates and nine tenths of catharsis's equal at 1.0, so the fit no longer told a
track that sounds like Drive from one that merely has the moods.

An exemplar's own genres are not held against it (the user named it).  The playlist's reported
mood fit stays ``flow.md``'s; the context fit is what chooses.
Genres are compared after :func:`genre_key` (case, spaces, hyphens and underscores ignored),
against the track's genres (imports, tags).  ``[constraints] exclude_genres`` is the hard
version of ``avoid``: :func:`genre_exclusion`.

Public: :data:`SAME_ARTIST`, :func:`genre_key`, :func:`genre_keys`, :func:`genre_exclusion`,
:func:`genre_preference`, :func:`like_similarity`, :func:`context_fit`, :func:`squash`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sequencer.core.profile import Genres, Profile
from sequencer.core.scoring import mood_fit
from sequencer.core.track import Track, normalise_text

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

#: How close a track by an exemplar's artist counts, at least (the same artist mostly sounds
#: alike, even where no sound vector is known).
SAME_ARTIST = 0.7

#: Cosine of two sound vectors that counts as "not alike at all": every sound vector shares its
#: era and audio blocks with most others, so on the shared catalogs a country ballad's cosine to
#: "Nightcall" is 0.78 and a synthwave track's 0.98; the like term counts only what is above.
LIKE_FLOOR = 0.7
#: Context fits up to this size count as they are; larger sums are squeezed towards ±1.
SQUASH_FROM = 0.5

_SEPARATORS = re.compile(r"[\s_\-]+")


@lru_cache(maxsize=65536)
def genre_key(name: str) -> str:
    """A genre name for comparison: lower case, words joined by one space ("Synth-Pop" →
    ``synth pop``); remembered (a library has a few thousand genre names, met once per track)."""
    return _SEPARATORS.sub(" ", name.strip().casefold()).strip()


def genre_keys(names: Iterable[str]) -> frozenset[str]:
    """:func:`genre_key` of each name."""
    return frozenset(genre_key(n) for n in names if n.strip())


def genre_exclusion(track: Track, excluded: Iterable[str]) -> str | None:
    """The first of the track's genres that ``excluded`` names (None = none)."""
    banned = genre_keys(excluded)
    for genre in track.genres:
        if genre_key(genre) in banned:
            return genre
    return None


def genre_preference(track: Track, genres: Genres) -> float:
    """+1 when the track has a preferred genre and no avoided one, −1 the other way round, else 0
    (both: the crowd disagrees, nothing is said)."""
    have = genre_keys(track.genres)
    liked = bool(have & genre_keys(genres.prefer))
    avoided = bool(have & genre_keys(genres.avoid))
    return float(liked) - float(avoided)


def _cosine(a: Sequence[float], b: Sequence[float]) -> float | None:
    dot = sum(x * y for x, y in zip(a, b, strict=False))
    na = math.sqrt(sum(x * x for x in a))
    nb = math.sqrt(sum(y * y for y in b))
    if na == 0.0 or nb == 0.0:
        return None
    return dot / (na * nb)


def _primary(track: Track) -> str:
    return normalise_text(track.artists[0]) if track.artists else ""


def like_from_cosine(cos: float) -> float:
    """How alike two sound vectors make two tracks, in [0, 1]: their cosine above
    :data:`LIKE_FLOOR`, rescaled to [0, 1] (a float; :func:`like_from_cosines` for arrays)."""
    return max(0.0, min(1.0, (cos - LIKE_FLOOR) / (1.0 - LIKE_FLOOR)))


def like_from_cosines(cos: npt.NDArray[np.floating[Any]]) -> npt.NDArray[np.float64]:
    """:func:`like_from_cosine` of every cosine in an array (the candidate ranking's fast copy,
    pinned to it by a test)."""
    import numpy as np

    return np.clip((np.asarray(cos, dtype=np.float64) - LIKE_FLOOR) / (1.0 - LIKE_FLOOR), 0.0, 1.0)


def like_similarity(track: Track, exemplars: Sequence[Track], fit: float = 1.0) -> float:
    """How close ``track`` sounds to the nearest exemplar, in [0, 1] (see the module docstring).

    A track by an exemplar's artist counts :data:`SAME_ARTIST` × ``max(0, fit)`` at least
    (``fit``: its mood fit): an artist's catalogue is not all one sound, so the same artist
    only counts for tracks that also have the context's moods."""
    best = 0.0
    artist = _primary(track)
    for ex in exemplars:
        if ex.id == track.id:
            return 1.0
        if artist and artist == _primary(ex):
            best = max(best, SAME_ARTIST * max(0.0, min(1.0, fit)))
        if track.sound is not None and ex.sound is not None and len(track.sound) == len(ex.sound):
            cos = _cosine(track.sound, ex.sound)
            if cos is not None:
                best = max(best, like_from_cosine(cos))
    return max(0.0, min(1.0, best))


def context_fit(profile: Profile, track: Track, exemplars: Sequence[Track] = ()) -> float:
    """The fit the walk optimises: mood fit plus exemplars and genres (module docstring)."""
    value = mood_fit(profile.moods, track)
    exemplar = any(ex.id == track.id for ex in exemplars)
    if exemplar:  # the user named it as the context's sound: its moods fit, whatever was inferred
        value = max(value, 1.0)
    extras = False
    if exemplars and profile.like_weight > 0:
        value += profile.like_weight * like_similarity(track, exemplars, fit=value)
        extras = True
    if profile.genres.weight > 0 and (profile.genres.prefer or profile.genres.avoid):
        extras = True
        if not exemplar:
            value += profile.genres.weight * genre_preference(track, profile.genres)
    return squash(value) if extras else value


def squash(value: float) -> float:
    """``value`` when its size is at most :data:`SQUASH_FROM`, else squeezed into (−1, 1) by a
    tanh that joins smoothly (same slope) and keeps the order of any two sums."""
    size = abs(value)
    if size <= SQUASH_FROM:
        return value
    room = 1.0 - SQUASH_FROM
    return math.copysign(SQUASH_FROM + room * math.tanh((size - SQUASH_FROM) / room), value)
