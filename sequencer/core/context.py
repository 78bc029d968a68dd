"""What a context wants beyond moods: exemplar tracks, genres preferred, avoided and excluded.

A profile may say what it should *sound* like (``like = ["Kavinsky - Nightcall", …]``) and
which genres it prefers or avoids (``[genres]``); these move a track's **context fit**, the fit
the walk optimises and candidates are ranked by::

    context_fit = (mood_fit + like_weight · like + genres.weight · preference)
                  / (1 + like_weight + genres.weight)

- ``mood_fit`` is ``flow.md``'s (cosine × confidence, :func:`sequencer.core.scoring.mood_fit`);
- an exemplar's own mood fit counts as 1 at least (the profile names it as the context: a
  track whose moods were not inferred, The Midnight's "Days of Thunder", still fits);
- ``like`` in [0, 1] is how close the track sounds to the nearest exemplar: the cosine of the
  sound vectors (``Track.sound``) above :data:`LIKE_FLOOR`, rescaled to [0, 1], when both have
  one; at least :data:`SAME_ARTIST` × its mood fit for a track by an exemplar's artist; 1 for an
  exemplar itself;
- ``preference`` is +1 for a track with a preferred genre, −1 with an avoided one, 0 with
  both or neither.

The context fit is the **weighted mean** of the three, each in [−1, 1], so it stays in
[−1, 1] and is linear in each: a track that sounds like Drive and has the moods is ahead of
one that merely has the moods by its whole ``like`` share.  (A sum clipped at 1.0 made a third
of the night drive's candidates equal; squeezing the sum with a tanh, the fourth session's fix,
still left Janelle Monáe's R&B at 0.981 beside Gunship's 0.982.)  A weight left out (no
exemplar found, no genre list) leaves its term out of the mean, so a profile without exemplars
or genres keeps the mood fit as it is.

An exemplar counts as fully preferred (the user named it): its fit is 1.  The playlist's reported
mood fit stays ``flow.md``'s; the context fit is what chooses.
Genres are compared after :func:`genre_key` (case, spaces, hyphens and underscores ignored),
against the track's genres (imports, tags).  ``[constraints] exclude_genres`` is the hard
version of ``avoid``: :func:`genre_exclusion`.

Public: :data:`SAME_ARTIST`, :func:`genre_key`, :func:`genre_keys`, :func:`genre_exclusion`,
:func:`genre_preference`, :func:`like_similarity`, :func:`context_fit`.
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
    """The fit the walk optimises: the weighted mean of the mood fit, the likeness to the
    exemplars and the genre preference (module docstring), in [−1, 1]."""
    value = mood_fit(profile.moods, track)
    exemplar = any(ex.id == track.id for ex in exemplars)
    if exemplar:  # the user named it as the context's sound: its moods fit, whatever was inferred
        value = max(value, 1.0)
    total = 1.0
    if exemplars and profile.like_weight > 0:
        value += profile.like_weight * like_similarity(track, exemplars, fit=value)
        total += profile.like_weight
    if profile.genres.weight > 0 and (profile.genres.prefer or profile.genres.avoid):
        preference = 1.0 if exemplar else genre_preference(track, profile.genres)
        value += profile.genres.weight * preference
        total += profile.genres.weight
    return value / total
