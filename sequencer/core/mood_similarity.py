"""The mood similarity matrix S of ``flow.md`` v2, and the soft cosine it defines.

S says which moods are neighbours: 1 on the diagonal, symmetric, entries in [0, 1]; the identity
(no entries) is version 1's plain cosine.  It lives in the moods file's ``[similarity]`` table
(:mod:`sequencer.adapters.moods_file`), so users can tune it; the core only computes with it.

The soft cosine of two mood vectors is ``aᵀ S b / √(aᵀ S a · bᵀ S b)``: a track that is all
*angsty* next to one that is all *brooding* is no longer at the largest possible distance when
S says the two moods are 0.5 alike.

Public: :class:`MoodSimilarity`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


@dataclass(frozen=True)
class MoodSimilarity:
    """Off-diagonal similarities between moods, stored once per unordered pair."""

    pairs: Mapping[tuple[str, str], float] = field(default_factory=lambda: MappingProxyType({}))

    @classmethod
    def from_pairs(cls, entries: Iterable[tuple[str, str, float]]) -> MoodSimilarity:
        """From ``(mood, mood, value)`` triples; a later entry for a pair replaces an earlier one;
        diagonal entries are ignored (always 1), zeros are dropped."""
        table: dict[tuple[str, str], float] = {}
        for a, b, value in entries:
            if a == b:
                continue
            key = _pair(a, b)
            if value > 0:
                table[key] = min(1.0, float(value))
            else:
                table.pop(key, None)
        return cls(MappingProxyType(dict(sorted(table.items()))))

    @classmethod
    def from_nested(cls, nested: Mapping[str, Mapping[str, float]]) -> MoodSimilarity:
        """From ``{mood: {mood: value}}`` (the JSON export's form)."""
        return cls.from_pairs((a, b, v) for a, row in nested.items() for b, v in row.items())

    def value(self, a: str, b: str) -> float:
        """S[a, b]: 1 for the same mood, else the stored entry or 0."""
        return 1.0 if a == b else self.pairs.get(_pair(a, b), 0.0)

    def neighbours(self, mood: str) -> dict[str, float]:
        """The moods with a non-zero similarity to ``mood`` (itself excluded)."""
        out: dict[str, float] = {}
        for (a, b), v in self.pairs.items():
            if a == mood:
                out[b] = v
            elif b == mood:
                out[a] = v
        return out

    def as_nested(self, moods: Iterable[str] = ()) -> dict[str, dict[str, float]]:
        """The full symmetric matrix as ``{mood: {mood: value}}`` over ``moods`` and every mood
        named in an entry (diagonal included), sorted by name."""
        names = sorted({*moods, *(m for pair in self.pairs for m in pair)})
        return {a: {b: self.value(a, b) for b in names if self.value(a, b) > 0} for a in names}

    def soft_cosine(self, a: Mapping[str, float], b: Mapping[str, float]) -> float | None:
        """``aᵀ S b / √(aᵀ S a · bᵀ S b)`` clipped to [−1, 1]; None when either side is zero.

        Examples
        --------
        >>> s = MoodSimilarity.from_pairs([("angsty", "brooding", 0.5)])
        >>> s.soft_cosine({"angsty": 1.0}, {"brooding": 1.0})
        0.5
        >>> MoodSimilarity().soft_cosine({"angsty": 1.0}, {"brooding": 1.0})
        0.0
        """
        ab = self._form(a, b)
        aa = self._form(a, a)
        bb = self._form(b, b)
        if aa <= 0.0 or bb <= 0.0:
            return None
        return max(-1.0, min(1.0, ab / math.sqrt(aa * bb)))

    def _form(self, a: Mapping[str, float], b: Mapping[str, float]) -> float:
        """The bilinear form ``aᵀ S b`` over the sparse vectors."""
        total = 0.0
        for mood_a, weight_a in a.items():
            if weight_a == 0.0:
                continue
            for mood_b, weight_b in b.items():
                s = self.value(mood_a, mood_b)
                if s:
                    total += weight_a * s * weight_b
        return total
