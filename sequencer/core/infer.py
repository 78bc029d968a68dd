"""Mood inference: mood weights in [0, 1] from audio attributes and crowd tags, vectorised.

Nobody hand-tags 5,000 songs, and Spotify no longer gives new apps audio features, so moods
must come from whatever *is* known about a track: its audio attributes (from an import or from
local analysis) and its crowd tags (Last.fm, genres).  Each mood of the vocabulary says how to
recognise it (the moods file, :mod:`sequencer.adapters.moods_file`):

- **tags**: crowd-tag synonyms with weights (``"dark ambient" = 0.6`` under ``brooding``);
- **region**: soft ranges over attributes (:class:`~sequencer.core.moods.AttributeRule`).

Conventions
-----------
- Tag names are compared after :func:`~sequencer.core.moods.normalise_name` ("Dark Ambient" →
  ``dark-ambient``); a tag's *strength* on a track is in [0, 1] (Last.fm's count / 100; an
  imported genre counts 1).  A mood's own name is a tag of weight 1 unless its table says
  otherwise.
- **Tag score** ``T`` of a mood: noisy-or over the track's tags that are positive synonyms of
  that mood, ``T = 1 − Π (1 − strength · synonym weight)``.  It is *known* only for tracks with
  at least one such tag: a tag is evidence about the moods whose tables name it, and says
  nothing about the others (a track tagged "grunge" has an angsty tag score, and its study
  weight rests on its attributes; a moods file says "grunge counts against study" with a
  negative weight, below).
- **Tag veto** ``V`` of a mood: a *negative* synonym weight is evidence against the mood
  ("reggaeton" = −0.9 under ``night-driving``).  ``V = 1 − Π (1 − strength · |weight|)`` over
  the track's negative matches (0 without any); the weight is multiplied by ``1 − V``, whatever
  the other evidence says, so a track the crowd files under a contrary genre cannot get the mood
  from its attributes alone.  Negative synonyms do not make ``T`` known.
- **Attribute score** ``A`` of a mood: the product of its rules' factors
  ``(floor + (1 − floor) · membership) ** weight``.  Rules whose attribute is unknown (NaN) are
  left out and the known factors are extrapolated to the full rule weight
  (``log A · W_all / W_known``), so a missing value never looks better than a known one; with
  less than ``min_coverage`` of the rule weight known, ``A`` is unknown.
- **Weight**: ``(tag_share · T + (1 − tag_share) · A) · (1 − V)`` when both are known, else
  whichever is known times ``1 − V``, else no weight.  Weights below ``min_weight`` are dropped.
- **Playlist names**: the names of the playlists a track is in are read for the model's tags
  (:func:`playlist_tags`: "Gothic / Industrial / EBM" → industrial, "Lo-Fi Beats" → lo-fi), at
  :data:`PLAYLIST_TAG_STRENGTH`; the caller merges them into the track's own tags.
- **Tag silence**: a track with tags (its own or its artist's) none of which names a mood has
  its attribute score for that mood multiplied by ``tag_silence`` (the crowd filed it under
  genres that do not say so: hip hop is not angst however loud it is).
- **Hard rules** (``hard = true`` in a region): the weight is also multiplied by the rule's
  membership, whatever the tags say (a sung track is not *study*, however it is tagged).
- **Artist tags**: every track borrows the tags its primary artist's other tracks carry and it
  lacks (:func:`pool_artist_tags`): each at :data:`ARTIST_TAG_SHARE` × the share of the
  artist's other tagged tracks carrying it (Nine Inch Nails' untagged tracks hear that the
  others are filed under rock; a house producer's one "electropop" track hears "edm").
- :attr:`Inference.basis` records the evidence behind every weight: :data:`BASIS_ATTRIBUTES`,
  :data:`BASIS_TAGS`, both (``3``) or none (``0``).
- **Confidence** (``flow.md`` v2): how much evidence a track's moods rest on, in [0, 1], from
  :data:`CONFIDENCE`: its own crowd/genre tags (and attributes) > its artist's tags >
  attributes alone > nothing.  Hand tags (1.0) are the store's business, not inference's.

Inference is pure: arrays and mappings in, arrays out.  It knows nothing of hand tags; the
caller stores the result under the source ``inferred`` and the store lets hand tags win.

Public: :class:`InferenceSettings`, :class:`MoodModel`, :func:`compile_model`,
:class:`TagTable`, :func:`tag_table`, :class:`Inference`, :func:`infer_moods`,
:func:`tag_scores`, :func:`tag_vetoes`, :class:`RuleEvidence`, :class:`TagEvidence`,
:class:`MoodEvidence`, :func:`explain_track`,
:data:`BASIS_NONE`, :data:`BASIS_ATTRIBUTES`, :data:`BASIS_TAGS`, :data:`BASIS_BOTH`,
:func:`basis_name`, :func:`pool_artist_tags`, :data:`CONFIDENCE`, :data:`ARTIST_TAG_SHARE`,
:func:`playlist_tags`, :data:`PLAYLIST_TAG_STRENGTH`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import numpy.typing as npt

from sequencer.core.moods import AttributeRule, InferenceSettings, MoodVocabulary, normalise_name

FloatArray = npt.NDArray[np.float64]

BASIS_NONE = 0
BASIS_ATTRIBUTES = 1
BASIS_TAGS = 2
BASIS_BOTH = 3
_BASIS_NAMES = {BASIS_NONE: "none", BASIS_ATTRIBUTES: "attributes", BASIS_TAGS: "tags", BASIS_BOTH: "tags+attributes"}


#: Confidence of a track's moods by the evidence they rest on (``flow.md`` v2; hand tags = 1.0,
#: set by the store).  Untagged tracks must not crowd out tagged ones: a mood read off audio
#: attributes alone is a guess about the genre ("minor pop at 120 BPM" is not night music).
CONFIDENCE: Mapping[str, float] = MappingProxyType(
    {
        "hand": 1.0,
        "tags+attributes": 0.85,
        "tags": 0.75,
        "artist tags": 0.65,
        "attributes": 0.55,
        "none": 0.0,
    }
)
#: Strength of an artist's tags lent to that artist's untagged tracks (× the share of the
#: artist's tagged tracks carrying the tag).
ARTIST_TAG_SHARE = 0.8


def basis_name(code: int) -> str:
    """Readable name of a basis code: ``none``, ``attributes``, ``tags``, ``tags+attributes``."""
    return _BASIS_NAMES[int(code)]


@dataclass(frozen=True)
class MoodModel:
    """A vocabulary compiled for vectorised inference (build it with :func:`compile_model`)."""

    moods: tuple[str, ...]
    tag_index: Mapping[str, int]
    """Normalised tag name → row of :attr:`tag_weights`."""
    tag_names: tuple[str, ...]
    tag_weights: FloatArray
    """Signed synonym weights in [−1, 1], shape (number of tags, number of moods); negative =
    evidence against the mood (a veto of that strength)."""
    rules: tuple[tuple[AttributeRule, ...], ...]
    """Each mood's attribute rules, in :attr:`moods` order."""
    settings: InferenceSettings


def compile_model(vocabulary: MoodVocabulary, settings: InferenceSettings | None = None) -> MoodModel:
    """Turn a vocabulary's tag synonyms and regions into arrays for :func:`infer_moods`."""
    moods = vocabulary.names
    synonyms: dict[str, dict[int, float]] = {}
    for col, name in enumerate(moods):
        mood = vocabulary.moods[name]
        own = {normalise_name(tag): float(w) for tag, w in mood.tags.items()}
        own.setdefault(normalise_name(name), 1.0)
        for tag, weight in own.items():
            if weight != 0.0:
                synonyms.setdefault(tag, {})[col] = max(-1.0, min(1.0, weight))
    tag_names = tuple(sorted(synonyms))
    weights = np.zeros((len(tag_names), len(moods)), dtype=np.float64)
    for row, tag in enumerate(tag_names):
        for col, weight in synonyms[tag].items():
            weights[row, col] = weight
    return MoodModel(
        moods=moods,
        tag_index=MappingProxyType({tag: i for i, tag in enumerate(tag_names)}),
        tag_names=tag_names,
        tag_weights=weights,
        rules=tuple(vocabulary.moods[name].rules for name in moods),
        settings=settings or InferenceSettings(),
    )


@dataclass(frozen=True)
class TagTable:
    """Crowd tags of n tracks in sparse (coordinate) form: entry k says track ``rows[k]`` has
    tag ``tags[k]`` with strength ``strengths[k]`` in [0, 1]."""

    n: int
    rows: npt.NDArray[np.int64]
    tags: tuple[str, ...]
    strengths: FloatArray


def tag_table(track_tags: Sequence[Mapping[str, float] | None]) -> TagTable:
    """A :class:`TagTable` from one ``{tag: strength}`` mapping (or None) per track, in order."""
    rows: list[int] = []
    tags: list[str] = []
    strengths: list[float] = []
    for row, mapping in enumerate(track_tags):
        if not mapping:
            continue
        for tag, strength in mapping.items():
            rows.append(row)
            tags.append(tag)
            strengths.append(strength)
    return TagTable(
        n=len(track_tags),
        rows=np.asarray(rows, dtype=np.int64),
        tags=tuple(tags),
        strengths=np.clip(np.asarray(strengths, dtype=np.float64), 0.0, 1.0),
    )


@dataclass(frozen=True)
class Inference:
    """Inferred moods of n tracks: weights with their evidence, row = track, column = mood."""

    moods: tuple[str, ...]
    weights: FloatArray
    """Final weights in [0, 1]; 0 = not this mood (or no evidence)."""
    attribute_scores: FloatArray
    """Attribute score per mood, NaN where unknown."""
    tag_scores: FloatArray
    """Tag score per mood, NaN where the track has no known tag."""
    basis: npt.NDArray[np.uint8]
    """Evidence behind each weight (``BASIS_*`` codes)."""
    tag_vetoes: FloatArray
    """Tag veto per mood in [0, 1] (0 = no tag counts against it); the weight was scaled by
    ``1 − veto``."""
    hard: FloatArray | None = None
    """Product of the hard rules' memberships per mood (1 = none failed); the weight was
    scaled by it.  None = all 1."""
    confidence: FloatArray | None = None
    """Per track, how much evidence its moods rest on (:data:`CONFIDENCE`); None = unknown."""

    def __len__(self) -> int:
        return int(self.weights.shape[0])

    def row(self, index: int) -> dict[str, float]:
        """The non-zero weights of one track, rounded to 3 decimals."""
        return {mood: round(float(w), 3) for mood, w in zip(self.moods, self.weights[index], strict=True) if w > 0.0}

    def rows(self) -> Iterator[dict[str, float]]:
        """:meth:`row` for every track in order."""
        for index in range(len(self)):
            yield self.row(index)


def rule_factors(rule: AttributeRule, values: FloatArray) -> FloatArray:
    """:meth:`AttributeRule.factor` over an array (NaN where the value is NaN)."""
    below = np.zeros_like(values) if rule.low is None else np.maximum(rule.low - values, 0.0)
    above = np.zeros_like(values) if rule.high is None else np.maximum(values - rule.high, 0.0)
    outside = np.maximum(below, above)
    with np.errstate(over="ignore", divide="ignore"):  # a tiny soft edge overflows to -inf: 0
        member = (
            np.clip(1.0 - outside / rule.soft, 0.0, 1.0)
            if rule.soft > 0.0
            else np.where(outside > 0.0, 0.0, 1.0)  # soft 0: a hard edge
        )
    factor: FloatArray = (rule.floor + (1.0 - rule.floor) * member) ** rule.weight
    return np.where(np.isnan(values), np.nan, factor)


def attribute_scores(model: MoodModel, attributes: Mapping[str, npt.ArrayLike], n: int) -> FloatArray:
    """Attribute score of every mood for n tracks (NaN where too little is known)."""
    scores = np.full((n, len(model.moods)), np.nan, dtype=np.float64)
    columns = {name: np.asarray(v, dtype=np.float64) for name, v in attributes.items()}
    missing = np.full(n, np.nan, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        for col, rules in enumerate(model.rules):
            total = sum(rule.weight for rule in rules)
            if total <= 0.0:
                continue
            log_sum = np.zeros(n, dtype=np.float64)
            known = np.zeros(n, dtype=np.float64)
            for rule in rules:
                if rule.weight <= 0.0:
                    continue
                factor = rule_factors(rule, columns.get(rule.attribute, missing))
                is_known = ~np.isnan(factor)
                log_sum += np.where(is_known, np.log(np.where(is_known, factor, 1.0)), 0.0)
                known += np.where(is_known, rule.weight, 0.0)
            enough = known >= model.settings.min_coverage * total - 1e-12
            extrapolated = np.exp(log_sum * total / np.where(known > 0.0, known, 1.0))
            scores[:, col] = np.where(enough, extrapolated, np.nan)
    return scores


def hard_scores(model: MoodModel, attributes: Mapping[str, npt.ArrayLike], n: int) -> FloatArray:
    """Per track and mood, the product of the memberships of the mood's hard rules (1 where
    a value is unknown or the mood has no hard rule)."""
    out = np.ones((n, len(model.moods)), dtype=np.float64)
    for col, rules in enumerate(model.rules):
        for rule in rules:
            if not rule.hard:
                continue
            values = np.asarray(attributes.get(rule.attribute, np.full(n, np.nan)), dtype=np.float64)
            member = rule_factors(AttributeRule(rule.attribute, rule.low, rule.high, rule.soft), values)
            out[:, col] *= np.where(np.isnan(member), 1.0, member)
    return out


def pool_artist_tags(tags: TagTable, artists: Sequence[str]) -> tuple[TagTable, npt.NDArray[np.bool_]]:
    """``tags`` plus, for every track, the tags its artist's *other* tracks carry and it lacks.

    ``artists[i]`` is track i's primary artist (normalised; "" = unknown, never pooled).  A tag
    is lent at ``ARTIST_TAG_SHARE × (the artist's other tagged tracks carrying it / the
    artist's other tagged tracks)``: an untagged track hears what its artist is filed under,
    and a track filed under "electropop" by an artist whose other tracks are all "edm, electro
    house" hears that too.  Returns the table and which tracks had no tags of their own but
    borrowed some.
    """
    n = tags.n
    own_tags: dict[int, set[str]] = {}
    for row, tag in zip(tags.rows.tolist(), tags.tags, strict=True):
        own_tags.setdefault(row, set()).add(tag)
    per_artist: dict[str, dict[str, int]] = {}
    tagged: dict[str, int] = {}
    for row, names in own_tags.items():
        artist = artists[row]
        if not artist:
            continue
        tagged[artist] = tagged.get(artist, 0) + 1
        bucket = per_artist.setdefault(artist, {})
        for tag in names:
            bucket[tag] = bucket.get(tag, 0) + 1
    rows: list[int] = []
    names_out: list[str] = []
    strengths: list[float] = []
    borrowed = np.zeros(n, dtype=bool)
    for row in range(n):
        artist = artists[row]
        lent = per_artist.get(artist) if artist else None
        if not lent:
            continue
        mine = own_tags.get(row, set())
        others = tagged[artist] - (1 if mine else 0)
        if others <= 0:
            continue
        for tag, count in lent.items():
            if tag in mine:
                continue
            rows.append(row)
            names_out.append(tag)
            strengths.append(ARTIST_TAG_SHARE * min(1.0, count / others))
            borrowed[row] = not mine
    if not rows:
        return tags, borrowed
    merged = TagTable(
        n=n,
        rows=np.concatenate((tags.rows, np.asarray(rows, dtype=np.int64))),
        tags=(*tags.tags, *names_out),
        strengths=np.concatenate((tags.strengths, np.asarray(strengths, dtype=np.float64))),
    )
    return merged, borrowed


#: Strength of a tag read from the name of a playlist the track is in ("Gothic / Industrial /
#: EBM" → industrial 0.7): a curator's label for the whole playlist, a little weaker than a
#: genre of the track itself.
PLAYLIST_TAG_STRENGTH = 0.7

_WORDS = re.compile(r"[^0-9a-z&]+")


def _phrase(text: str) -> str:
    """Lower-case words separated by single spaces, padded with spaces ("Lo-Fi Beats" → " lo fi beats ")."""
    return " " + _WORDS.sub(" ", text.casefold()).strip() + " "


def playlist_tags(model: MoodModel, playlists: Sequence[str]) -> dict[str, float]:
    """The model's tags named in the names of the playlists a track is in, each at
    :data:`PLAYLIST_TAG_STRENGTH` (whole words: "Lo-Fi Beats" names ``lo-fi``, "Maxi Pop (New
    Wave, Synth Pop…)" names ``new wave`` and ``synth pop``, "Pop EDM Remixes" names ``edm``)."""
    if not playlists:
        return {}
    text = " ".join(_phrase(name) for name in playlists)
    found: dict[str, float] = {}
    for tag in model.tag_names:
        if _phrase(tag.replace("-", " ")) in text:
            found[tag] = PLAYLIST_TAG_STRENGTH
    return found


def evidence_confidence(
    attrs: FloatArray, own_tags: npt.NDArray[np.bool_], borrowed: npt.NDArray[np.bool_]
) -> FloatArray:
    """Per track, :data:`CONFIDENCE` of its evidence: own tags (with or without attributes),
    its artist's tags, attributes alone, or nothing."""
    has_attrs = (~np.isnan(attrs)).any(axis=1) if attrs.shape[1] else np.zeros(attrs.shape[0], dtype=bool)
    conf = np.where(has_attrs, CONFIDENCE["attributes"], CONFIDENCE["none"])
    conf = np.where(borrowed, CONFIDENCE["artist tags"], conf)
    conf = np.where(own_tags, np.where(has_attrs, CONFIDENCE["tags+attributes"], CONFIDENCE["tags"]), conf)
    return conf.astype(np.float64)


def _tag_matches(model: MoodModel, tags: TagTable) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], FloatArray]:
    """(track row, model tag row, strength) of every entry of ``tags`` naming a tag of the model."""
    if not tags.tags or not model.tag_names:
        return np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros(0, np.float64)
    unique, inverse = np.unique(np.asarray(tags.tags, dtype=np.str_), return_inverse=True)
    lookup = np.array([model.tag_index.get(normalise_name(str(t)), -1) for t in unique], dtype=np.int64)
    tag_rows = lookup[inverse.reshape(-1)]
    hit = tag_rows >= 0
    return tags.rows[hit], tag_rows[hit], tags.strengths[hit]


def _noisy_or(rows: npt.NDArray[np.int64], contributions: FloatArray, n: int) -> FloatArray:
    """Per track and mood, ``1 − Π (1 − c)`` over the contributions ``c`` of its rows."""
    log_miss = np.log1p(-np.clip(contributions, 0.0, 1.0 - 1e-9))
    scores = np.empty((n, contributions.shape[1]), dtype=np.float64)
    for col in range(contributions.shape[1]):
        scores[:, col] = -np.expm1(np.bincount(rows, weights=log_miss[:, col], minlength=n))
    return scores


def tag_scores(model: MoodModel, tags: TagTable) -> FloatArray:
    """Tag score (noisy-or of the positive synonyms) of every mood for the tracks of ``tags``;
    NaN where no tag of the track supports that mood (the tags say nothing about it)."""
    rows, tag_rows, strengths = _tag_matches(model, tags)
    positive = np.maximum(model.tag_weights[tag_rows], 0.0)
    scores = _noisy_or(rows, strengths[:, None] * positive, tags.n)
    for col in range(scores.shape[1]):
        supported = np.bincount(rows, weights=(positive[:, col] > 0.0).astype(np.float64), minlength=tags.n) > 0
        scores[~supported, col] = np.nan
    return scores


def tag_vetoes(model: MoodModel, tags: TagTable) -> FloatArray:
    """Tag veto (noisy-or of the negative synonyms) of every mood for the tracks of ``tags``;
    0 where no tag of the track counts against the mood."""
    rows, tag_rows, strengths = _tag_matches(model, tags)
    against = np.maximum(-model.tag_weights[tag_rows], 0.0)
    return _noisy_or(rows, strengths[:, None] * against, tags.n)


def combine(
    model: MoodModel,
    attrs: FloatArray,
    tags: FloatArray,
    vetoes: FloatArray | None = None,
    hard: FloatArray | None = None,
    silent: npt.NDArray[np.bool_] | None = None,
) -> tuple[FloatArray, npt.NDArray[np.uint8]]:
    """Final weights and basis codes from attribute scores, tag scores, tag vetoes and hard
    rules (see the module docstring)."""
    share = model.settings.tag_share
    has_a = ~np.isnan(attrs)
    has_t = ~np.isnan(tags)
    if silent is not None and model.settings.tag_silence < 1.0:
        attrs = np.where(silent[:, None] & ~has_t, attrs * model.settings.tag_silence, attrs)
    a = np.where(has_a, attrs, 0.0)
    t = np.where(has_t, tags, 0.0)
    weights = np.where(has_a & has_t, share * t + (1.0 - share) * a, np.where(has_t, t, a))
    if vetoes is not None:
        weights = weights * (1.0 - vetoes)
    if hard is not None:
        weights = weights * hard
    weights = np.clip(weights, 0.0, 1.0)
    weights = np.where(weights >= model.settings.min_weight, weights, 0.0)
    basis = (has_a.astype(np.uint8) * BASIS_ATTRIBUTES) | (has_t.astype(np.uint8) * BASIS_TAGS)
    return weights, basis


def infer_moods(
    model: MoodModel,
    attributes: Mapping[str, npt.ArrayLike],
    n: int,
    tags: TagTable | None = None,
    artists: Sequence[str] | None = None,
) -> Inference:
    """Infer mood weights for n tracks.

    Parameters
    ----------
    model
        The compiled vocabulary (:func:`compile_model`).
    attributes
        Attribute name → array of n values (NaN = unknown); absent names are unknown.
    n
        Number of tracks.
    tags
        Crowd tags of the same n tracks, or None.
    artists
        Each track's primary artist (normalised; "" = unknown): untagged tracks borrow their
        artist's tags (:func:`pool_artist_tags`).  None = no borrowing.

    Examples
    --------
    >>> from sequencer.core.moods import MoodDef, MoodVocabulary
    >>> rule = AttributeRule("valence", high=0.3, soft=0.2)
    >>> vocab = MoodVocabulary({"brooding": MoodDef("brooding", rules=(rule,))})
    >>> result = infer_moods(compile_model(vocab), {"valence": [0.1, 0.4, 0.9]}, 3)
    >>> [round(float(w), 2) for w in result.weights[:, 0]]
    [1.0, 0.5, 0.0]
    """
    attrs = attribute_scores(model, attributes, n)
    own = np.zeros(n, dtype=bool)
    borrowed = np.zeros(n, dtype=bool)
    if tags is not None:
        own[tags.rows] = True
        if artists is not None:
            tags, borrowed = pool_artist_tags(tags, artists)
    tag_part = tag_scores(model, tags) if tags is not None else np.full_like(attrs, np.nan)
    vetoes = tag_vetoes(model, tags) if tags is not None else np.zeros_like(attrs)
    hard = hard_scores(model, attributes, n)
    weights, basis = combine(model, attrs, tag_part, vetoes, hard, silent=own | borrowed)
    confidence = evidence_confidence(attrs, own, borrowed)
    return Inference(model.moods, weights, attrs, tag_part, basis, vetoes, hard, confidence)


@dataclass(frozen=True)
class RuleEvidence:
    """One attribute rule applied to one track."""

    rule: AttributeRule
    value: float | None
    factor: float | None
    """None when the value is unknown (the rule was left out)."""

    def describe(self) -> str:
        """E.g. ``valence 0.12 in ≤ 0.35 (soft 0.2) → 1.00``."""
        rule = self.rule
        if rule.low is not None and rule.high is not None:
            region = f"{rule.low:g}–{rule.high:g}"
        elif rule.high is not None:
            region = f"≤ {rule.high:g}"
        elif rule.low is not None:
            region = f"≥ {rule.low:g}"
        else:
            region = "any"
        extras = [f"soft {rule.soft:g}"]
        if rule.floor > 0.0:
            extras.append(f"floor {rule.floor:g}")
        if rule.weight != 1.0:
            extras.append(f"weight {rule.weight:g}")
        wanted = f"{region} ({', '.join(extras)})"
        if self.value is None or self.factor is None:
            return f"{rule.attribute} unknown, wanted {wanted}: left out"
        return f"{rule.attribute} {self.value:.3g} vs {wanted} → {self.factor:.2f}"


@dataclass(frozen=True)
class TagEvidence:
    """One of a track's tags matching a mood's synonym."""

    tag: str
    strength: float
    synonym_weight: float

    @property
    def contribution(self) -> float:
        """strength × synonym weight: this tag's share of the noisy-or (negative: of the veto)."""
        return max(-1.0, min(1.0, self.strength * self.synonym_weight))

    def describe(self) -> str:
        """E.g. ``"dark ambient" 1.00 × 0.6 = 0.60`` or ``'reggaeton' 1.00 × −0.9 = −0.90 (against)``."""
        text = f"{self.tag!r} {self.strength:.2f} × {self.synonym_weight:g} = {self.contribution:.2f}"
        return text + " (against)" if self.synonym_weight < 0.0 else text


@dataclass(frozen=True)
class MoodEvidence:
    """Why one track got (or did not get) one mood: the numbers behind its weight."""

    mood: str
    weight: float
    basis: str
    attribute_score: float | None
    tag_score: float | None
    rules: tuple[RuleEvidence, ...]
    tags: tuple[TagEvidence, ...]
    tag_share: float
    veto: float = 0.0
    """Tag veto in [0, 1]: the tags against the mood scaled the weight by ``1 − veto``."""
    hard: float = 1.0
    """Product of the hard rules' memberships: the weight was scaled by it."""
    silence: float = 1.0
    """``tag_silence`` when the track has tags but none names this mood (the attribute score
    was scaled by it), else 1."""

    def formula(self) -> str:
        """How the weight was put together, with the numbers."""
        a, t = self.attribute_score, self.tag_score
        if a is not None and t is not None:
            raw = self.tag_share * t + (1 - self.tag_share) * a
            text = f"{self.tag_share:g} × tags {t:.2f} + {1 - self.tag_share:g} × attributes {a:.2f} = {raw:.2f}"
        elif t is not None:
            raw, text = t, f"tags {t:.2f}"
        elif a is not None and self.silence < 1.0:
            raw = a * self.silence
            text = f"attributes {a:.2f} × tag silence {self.silence:g} = {raw:.2f}"
        elif a is not None:
            raw, text = a, f"attributes {a:.2f}"
        else:
            return "no evidence (no known tags, too few attributes)"
        if self.veto > 0.0:
            raw *= 1.0 - self.veto
            text += f" × (1 − veto {self.veto:.2f}) = {raw:.2f}"
        if self.hard < 1.0:
            raw *= self.hard
            text += f" × hard rules {self.hard:.2f} = {raw:.2f}"
        if self.weight > 0.0 or round(raw, 2) == 0.0:
            return text
        return f"{text}, below the minimum weight → 0"

    def blockers(self, below: float = 0.5) -> tuple[RuleEvidence, ...]:
        """The rules that held the attribute score down (factor under ``below``), worst first."""
        low = [r for r in self.rules if r.factor is not None and r.factor < below]
        return tuple(sorted(low, key=lambda r: r.factor if r.factor is not None else 1.0))


def _optional(value: float) -> float | None:
    return None if math.isnan(value) else float(value)


def explain_track(
    model: MoodModel,
    attributes: Mapping[str, float | None],
    tags: Mapping[str, float] | None = None,
) -> list[MoodEvidence]:
    """The evidence for every mood of one track, computed by the same code as
    :func:`infer_moods` (so the explanation cannot drift from what was stored)."""
    columns = {k: [np.nan if v is None else float(v)] for k, v in attributes.items()}
    table = tag_table([dict(tags or {})])
    result = infer_moods(model, columns, 1, table)
    found: list[MoodEvidence] = []
    for col, mood in enumerate(model.moods):
        rules = []
        for rule in model.rules[col]:
            raw = attributes.get(rule.attribute)
            factor = None if raw is None else float(rule_factors(rule, np.array([float(raw)]))[0])
            rules.append(RuleEvidence(rule, None if raw is None else float(raw), factor))
        matched = []
        for tag, strength in (tags or {}).items():
            row = model.tag_index.get(normalise_name(tag))
            if row is not None and model.tag_weights[row, col] != 0.0:
                matched.append(TagEvidence(tag, float(strength), float(model.tag_weights[row, col])))
        matched.sort(key=lambda e: -e.contribution)
        found.append(
            MoodEvidence(
                mood=mood,
                weight=float(result.weights[0, col]),
                basis=basis_name(int(result.basis[0, col])),
                attribute_score=_optional(float(result.attribute_scores[0, col])),
                tag_score=_optional(float(result.tag_scores[0, col])),
                rules=tuple(rules),
                tags=tuple(matched),
                tag_share=model.settings.tag_share,
                veto=float(result.tag_vetoes[0, col]),
                hard=1.0 if result.hard is None else float(result.hard[0, col]),
                silence=model.settings.tag_silence if tags and np.isnan(result.tag_scores[0, col]) else 1.0,
            )
        )
    return found
