"""Transition cost between two tracks: the reference objective of ``shared/design/flow.md`` v2.

Every term is in [0, 1] (0 = seamless).  When an attribute is unknown on either side its term
is dropped and the remaining weights are renormalised; when no term is known the cost is 0.5,
so a missing value never looks better than a known one.

========  ==========================================================================  ======
term      definition                                                                  weight
========  ==========================================================================  ======
mood      1 − soft-cosine(m_a, m_b) with the mood similarity S (identity = cosine)    0.30
sound     1 − max(0, cosine(sound vectors))                                           0.25
energy    |energy_b − energy_a|                                                       0.20
tempo     min over r ∈ {1, 2, ½} of |log2(r·bpm_b/bpm_a)| / log2(1.25), capped at 1   0.15
key       Camelot: same 0; ±1 or relative major/minor 0.25; ±2 same letter 0.6; else 1  0.10
========  ==========================================================================  ======

Public: :data:`TERMS`, :class:`TransitionCost`, :func:`camelot`, :func:`term_mood`,
:func:`term_sound`, :func:`term_energy`, :func:`term_tempo`, :func:`term_key`,
:func:`transition_cost`, :func:`transition_terms`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sequencer.core.mood_similarity import MoodSimilarity
from sequencer.core.moods import cosine
from sequencer.core.profile import TransitionWeights
from sequencer.core.track import Track

#: Term names in the order they are reported.
TERMS: tuple[str, ...] = ("mood", "sound", "energy", "tempo", "key")

#: Cost when nothing is known about either track.
UNKNOWN_COST = 0.5

_LOG2_125 = math.log2(1.25)
# Camelot number for each pitch class: major (B) and minor (A).  C major = 8B, A minor = 8A.
_CAMELOT_MAJOR = {0: 8, 7: 9, 2: 10, 9: 11, 4: 12, 11: 1, 6: 2, 1: 3, 8: 4, 3: 5, 10: 6, 5: 7}
_CAMELOT_MINOR = {9: 8, 4: 9, 11: 10, 6: 11, 1: 12, 8: 1, 3: 2, 10: 3, 5: 4, 0: 5, 7: 6, 2: 7}


@dataclass(frozen=True)
class TransitionCost:
    """A transition's cost with its terms: raw term values (None = unknown) and the total."""

    terms: Mapping[str, float | None]
    weights: Mapping[str, float]
    total: float

    def contributions(self) -> list[tuple[str, float]]:
        """(term, weighted share of the total) for the known terms, largest first."""
        known = {t: v for t, v in self.terms.items() if v is not None}
        weight_sum = sum(self.weights[t] for t in known)
        if weight_sum <= 0:
            return []
        shares = [(t, self.weights[t] * v / weight_sum) for t, v in known.items()]
        return sorted(shares, key=lambda item: -item[1])


def camelot(key: int, mode: int) -> tuple[int, str]:
    """Camelot wheel position (1–12, "A" minor / "B" major) of a pitch class and mode.

    Examples
    --------
    >>> camelot(0, 1), camelot(9, 0), camelot(7, 1), camelot(4, 0)
    ((8, 'B'), (8, 'A'), (9, 'B'), (9, 'A'))
    """
    if mode == 1:
        return _CAMELOT_MAJOR[key % 12], "B"
    return _CAMELOT_MINOR[key % 12], "A"


def term_mood(a: Mapping[str, float], b: Mapping[str, float], similarity: MoodSimilarity | None = None) -> float | None:
    """1 − soft-cosine of the mood vectors under ``similarity`` (plain cosine without it), or
    None when either has no moods."""
    value = cosine(a, b) if similarity is None or not similarity.pairs else similarity.soft_cosine(a, b)
    return None if value is None else min(1.0, max(0.0, 1.0 - value))


def term_sound(a: Sequence[float] | None, b: Sequence[float] | None) -> float | None:
    """1 − max(0, cosine of the sound vectors), or None when either is unknown (or all zero)."""
    if a is None or b is None or len(a) != len(b) or not a:
        return None
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a) * sum(y * y for y in b))
    if norm <= 0.0:
        return None
    return min(1.0, 1.0 - max(0.0, dot / norm))


def term_energy(a: float | None, b: float | None) -> float | None:
    """The absolute energy step."""
    return None if a is None or b is None else min(1.0, abs(b - a))


def term_tempo(a: float | None, b: float | None) -> float | None:
    """Tempo distance allowing half/double time; a 25 % jump costs the full 1."""
    if a is None or b is None or a <= 0 or b <= 0:
        return None
    ratio = b / a
    best = min(abs(math.log2(r * ratio)) for r in (1.0, 2.0, 0.5))
    return min(1.0, best / _LOG2_125)


def term_key(key_a: int | None, mode_a: int | None, key_b: int | None, mode_b: int | None) -> float | None:
    """Harmonic distance on the Camelot wheel (see the module table)."""
    if key_a is None or key_b is None or mode_a is None or mode_b is None or key_a < 0 or key_b < 0:
        return None
    num_a, letter_a = camelot(key_a, mode_a)
    num_b, letter_b = camelot(key_b, mode_b)
    step = min((num_a - num_b) % 12, (num_b - num_a) % 12)
    if letter_a == letter_b:
        return {0: 0.0, 1: 0.25, 2: 0.6}.get(step, 1.0)
    return 0.25 if step == 0 else 1.0


def transition_terms(a: Track, b: Track, similarity: MoodSimilarity | None = None) -> dict[str, float | None]:
    """The raw value of each term for ``a → b`` (None where unknown)."""
    return {
        "mood": term_mood(a.moods, b.moods, similarity),
        "sound": term_sound(a.sound, b.sound),
        "energy": term_energy(a.energy, b.energy),
        "tempo": term_tempo(a.tempo, b.tempo),
        "key": term_key(a.key, a.mode, b.key, b.mode),
    }


def combine(terms: Mapping[str, float | None], weights: Mapping[str, float]) -> float:
    """Σ wᵢ·termᵢ / Σ wᵢ over the known terms with weight > 0 (0.5 if none)."""
    num = den = 0.0
    for name, value in terms.items():
        w = weights.get(name, 0.0)
        if value is not None and w > 0:
            num += w * value
            den += w
    return num / den if den > 0 else UNKNOWN_COST


def transition_cost(a: Track, b: Track, weights: TransitionWeights | None = None) -> TransitionCost:
    """The cost of playing ``b`` right after ``a``, with its breakdown.

    Examples
    --------
    >>> from sequencer.core.track import Track
    >>> x = Track("x", "X", ("A",), 200, energy=0.5, tempo=100, key=0, mode=1)
    >>> y = Track("y", "Y", ("B",), 200, energy=0.7, tempo=200, key=7, mode=1)
    >>> round(transition_cost(x, y).total, 4)  # (0.2·0.2 + 0.15·0 + 0.1·0.25) / 0.45
    0.1444
    """
    chosen = weights or TransitionWeights()
    w = chosen.as_dict()
    terms = transition_terms(a, b, chosen.similarity)
    return TransitionCost(terms=terms, weights=w, total=combine(terms, w))
