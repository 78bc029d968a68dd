"""The mood vocabulary: canonical names, aliases, crowd-tag synonyms, attribute regions.

Conventions
-----------
- A mood name is canonical when lower-case with words joined by hyphens: ``night-driving``.
  :func:`normalise_name` turns "Night Driving" or "night_driving" into that form.
- Mood weights on tracks are in [0, 1]; in profiles in [-1, 1] (negative = avoid).
- A :class:`MoodDef` may carry crowd-tag synonyms (tag → weight) and an attribute region
  (soft ranges over audio attributes); mood inference uses them.  The vocabulary itself
  only names and resolves moods.

Public: :data:`BUILTIN_MOODS`, :class:`MoodDef`, :class:`AttributeRule`,
:class:`InferenceSettings`, :class:`MoodVocabulary`,
:func:`normalise_name`, :func:`cosine`, :func:`default_vocabulary`.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from sequencer.core.mood_similarity import MoodSimilarity
from sequencer.errors import UnknownMoodError

#: The five moods the project is built around.
BUILTIN_MOODS: tuple[str, ...] = ("atmospheric", "brooding", "angsty", "night-driving", "study")

_SEPARATORS = re.compile(r"[\s_]+")


def normalise_name(name: str) -> str:
    """Canonical spelling of a mood or tag name: lower case, hyphens between words."""
    return _SEPARATORS.sub("-", name.strip().casefold()).strip("-")


@dataclass(frozen=True)
class AttributeRule:
    """A soft range over one audio attribute: full membership inside [low, high], fading to
    zero over ``soft`` beyond each edge.  ``None`` bounds are open."""

    attribute: str
    low: float | None = None
    high: float | None = None
    soft: float = 0.1
    weight: float = 1.0
    floor: float = 0.0
    """The least :meth:`factor` can be: 0 = the rule can veto a mood; 0.6 = a mere preference."""
    hard: bool = False
    """A hard rule also holds against tags: the mood's final weight is multiplied by the
    rule's :meth:`membership` whatever the tags say (a sung track is not *study* however it is
    tagged).  An unknown value leaves the weight alone."""

    def factor(self, value: float) -> float:
        """This rule's factor in a mood's attribute score: ``(floor + (1 − floor)·m) ** weight``
        where ``m`` is :meth:`membership`.  The attribute score of a mood is the product of
        its rules' factors (see :mod:`sequencer.core.infer`)."""
        return float((self.floor + (1.0 - self.floor) * self.membership(value)) ** self.weight)

    def membership(self, value: float) -> float:
        """How well ``value`` lies in the region, in [0, 1]."""
        below = (self.low - value) if self.low is not None and value < self.low else 0.0
        above = (value - self.high) if self.high is not None and value > self.high else 0.0
        outside = max(below, above)
        if outside <= 0.0:
            return 1.0
        if self.soft <= 0.0:
            return 0.0
        return max(0.0, 1.0 - outside / self.soft)


@dataclass(frozen=True)
class InferenceSettings:
    """How tag and attribute evidence combine in mood inference (:mod:`sequencer.core.infer`;
    the ``[inference]`` table of the moods file)."""

    tag_share: float = 0.6
    """Share of the tag score in the weight when a track has both kinds of evidence."""
    min_weight: float = 0.1
    """Weights below this are dropped: "not this mood" rather than a trace of it."""
    min_coverage: float = 0.5
    tag_silence: float = 1.0
    """A track with crowd/genre tags none of which names a mood: its attribute score for that
    mood is multiplied by this (the crowd filed it under genres that do not say so; 1 = the
    tags' silence says nothing)."""
    """Least share of a mood's rule weight that must be known for an attribute score."""


@dataclass(frozen=True)
class MoodDef:
    """One mood: its canonical name, aliases, description, tag synonyms and attribute region."""

    name: str
    description: str = ""
    aliases: tuple[str, ...] = ()
    tags: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    rules: tuple[AttributeRule, ...] = ()


@dataclass(frozen=True)
class MoodVocabulary:
    """The known moods and how names resolve to them."""

    moods: Mapping[str, MoodDef]
    similarity: MoodSimilarity = field(default_factory=MoodSimilarity)
    """Which moods are neighbours (``flow.md`` v2's S; the moods file's ``[similarity]``)."""

    @property
    def names(self) -> tuple[str, ...]:
        """Canonical names in definition order."""
        return tuple(self.moods)

    def _lookup(self) -> dict[str, str]:
        table: dict[str, str] = {}
        for mood in self.moods.values():
            table[normalise_name(mood.name)] = mood.name
            for alias in mood.aliases:
                table[normalise_name(alias)] = mood.name
        return table

    def resolve(self, name: str) -> str | None:
        """The canonical name for ``name`` or one of its aliases, or None if unknown."""
        return self._lookup().get(normalise_name(name))

    def suggest(self, name: str) -> list[str]:
        """Known names (canonical or alias) closest to ``name``, best first."""
        table = self._lookup()
        close = difflib.get_close_matches(normalise_name(name), list(table), n=3, cutoff=0.6)
        seen: list[str] = []
        for match in close:
            if table[match] not in seen:
                seen.append(table[match])
        return seen

    def canonical(self, name: str) -> str:
        """Like :meth:`resolve` but raises :class:`UnknownMoodError` with suggestions."""
        found = self.resolve(name)
        if found is not None:
            return found
        raise UnknownMoodError(f"unknown mood {name!r}", hint=self.unknown_hint(name))

    def unknown_hint(self, name: str) -> str:
        """The fix for an unknown mood: the closest names, or the list of known ones."""
        suggestions = self.suggest(name)
        if suggestions:
            return "did you mean " + " or ".join(repr(s) for s in suggestions) + "?"
        return "known moods: " + ", ".join(self.names) + " (add yours in the moods file)"

    def with_moods(self, extra: Iterable[MoodDef]) -> MoodVocabulary:
        """A vocabulary with ``extra`` moods added (a definition of a known name replaces it)."""
        merged = dict(self.moods)
        for mood in extra:
            merged[mood.name] = mood
        return MoodVocabulary(MappingProxyType(merged), self.similarity)


def default_vocabulary() -> MoodVocabulary:
    """The built-in moods with their common aliases (no tag synonyms or rules)."""
    defs = [
        MoodDef("atmospheric", "spacious, ambient, textural", ("ambient", "ethereal", "spacey")),
        MoodDef("brooding", "dark, somber, introspective", ("dark", "somber", "sombre", "moody")),
        MoodDef("angsty", "restless, aggressive, cathartic", ("angst", "aggressive", "intense")),
        MoodDef(
            "night-driving",
            "pulsing, nocturnal, forward motion",
            ("night-drive", "night driving", "driving", "nocturnal", "night"),
        ),
        MoodDef("study", "focused, unobtrusive, not mush", ("focus", "concentration", "studying")),
    ]
    return MoodVocabulary(MappingProxyType({d.name: d for d in defs}))


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float | None:
    """Cosine similarity of two sparse mood vectors; None when either is all zero.

    Examples
    --------
    >>> cosine({"brooding": 1.0}, {"brooding": 0.5})
    1.0
    >>> cosine({"brooding": 1.0}, {"study": 1.0})
    0.0
    """
    dot = sum(w * b.get(m, 0.0) for m, w in a.items())
    norm_a = math.sqrt(sum(w * w for w in a.values()))
    norm_b = math.sqrt(sum(w * w for w in b.values()))
    if norm_a == 0.0 or norm_b == 0.0:
        return None
    return max(-1.0, min(1.0, dot / (norm_a * norm_b)))
