"""The glue between the library and :mod:`sequencer.core.infer`: infer and explain moods.

:func:`infer_library` reads the store's feature table and crowd tags, runs the pure inference
and stores the weights under the source ``inferred`` (replacing earlier inferred weights; hand
tags are never touched and still win when moods are read).  :func:`summarise_inference` turns
the result into the counts ``moods infer`` prints, and :func:`explain_library_track` gathers
everything ``moods explain REF`` shows about one track.

Public: :func:`infer_library`, :class:`InferenceSummary`, :func:`summarise_inference`,
:class:`TrackMoodEvidence`, :func:`explain_library_track`, :class:`MoodGap`, :func:`mood_gap`, :func:`evidence_changed`.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sequencer.adapters.library.store import Store
    from sequencer.adapters.moods_file import MoodsConfig
    from sequencer.core.infer import Inference, MoodEvidence, MoodModel
    from sequencer.core.track import Track


def infer_library(
    store: Store, config: MoodsConfig, *, write: bool = True, progress: Callable[[int, int], None] | None = None
) -> Inference:
    """Infer moods for every track of ``store`` from its attributes and tags; store them
    under the source ``inferred`` (replacing earlier inferred weights) unless ``write`` is off.
    ``progress(done, 3)`` is told as each stage (read, infer, write) finishes."""
    from sequencer.core.features import COLUMNS
    from sequencer.core.infer import compile_model, infer_moods, tag_table

    step = progress or (lambda done, total: None)
    table = store.feature_table()
    attrs = {name: table.attrs[:, i] for i, name in enumerate(COLUMNS)}
    ids = [str(i) for i in table.ids]
    primary = store.primary_artists()
    model = compile_model(config.vocabulary, config.settings)
    tags = _tags_with_playlists(store, model)
    step(1, 3)
    artists = [primary.get(i, "") for i in ids]
    result = infer_moods(model, attrs, len(ids), tag_table([tags.get(i) for i in ids]), artists=artists)
    step(2, 3)
    if write:
        store.set_moods_bulk(zip(ids, result.rows(), strict=True), source="inferred")
        if result.confidence is not None:
            store.set_confidence_bulk(zip(ids, result.confidence.tolist(), strict=True))
        store.set_meta(INFERRED_AT, store.changes())
    step(3, 3)
    return result


INFERRED_AT = "moods_inferred_at_change"
"""Meta key: the library's change counter right after the last ``moods infer`` wrote."""


@dataclass(frozen=True)
class MoodGap:
    """Tracks without moods, and whether running ``moods infer`` could give them any."""

    without_moods: int
    with_evidence: int
    """Of those, how many carry an energy or valence, genres, playlists or crowd tags."""
    inference: str
    """``never`` (inference never ran), ``current`` (nothing changed since it ran) or ``stale``."""


def evidence_changed(store: Store) -> None:
    """Say that evidence the change counter does not follow (crowd tags) changed since the
    last ``moods infer``: :func:`mood_gap` then reports it as never run on this evidence."""
    store.set_meta(INFERRED_AT, None)


def mood_gap(store: Store) -> MoodGap:
    """How many tracks lack moods, and what ``moods infer`` could still do about them."""
    missing = store.count_without_moods()
    evidence = store.count_without_moods_with_evidence() if missing else 0
    stamp = store.get_meta(INFERRED_AT)
    state = "never" if stamp is None else "current" if stamp == store.changes() else "stale"
    return MoodGap(without_moods=missing, with_evidence=evidence, inference=state)


def _tags_with_playlists(
    store: Store, model: MoodModel, only: Collection[str] | None = None
) -> dict[str, dict[str, float]]:
    """Every track's crowd tags (or those of the ids in ``only``), plus the tags named by its
    playlists' names (the stronger strength where both name a tag).  Each distinct set of
    playlists is read once: tracks share them (a catalog of 28k tracks has a few thousand)."""
    from sequencer.core.infer import playlist_tags

    tags = store.tags_bulk()
    if only is not None:
        tags = {i: t for i, t in tags.items() if i in only}
    evidence = store.sound_evidence()
    named_by: dict[tuple[str, ...], dict[str, float]] = {}
    for track_id, playlists in zip(evidence.ids, evidence.playlists, strict=True):
        if only is not None and track_id not in only:
            continue
        key = tuple(playlists)
        if key not in named_by:
            named_by[key] = playlist_tags(model, playlists)
        named = named_by[key]
        if named:
            own = tags.setdefault(track_id, {})
            for tag, strength in named.items():
                own[tag] = max(strength, own.get(tag, 0.0))
    return tags


@dataclass(frozen=True)
class InferenceSummary:
    """What an inference run found, in numbers (what ``moods infer`` prints)."""

    tracks: int
    from_attributes: int
    """Tracks whose weights rest (partly) on audio attributes."""
    from_tags: int
    """Tracks whose weights rest (partly) on crowd tags."""
    per_mood: tuple[tuple[str, int, float], ...]
    """(mood, tracks with weight > 0, their mean weight), in the vocabulary's order."""
    untouched: int
    """Tracks that fit no mood at all."""


def summarise_inference(result: Inference) -> InferenceSummary:
    """Count the evidence and the tracks per mood of an inference ``result``."""
    from sequencer.core.infer import BASIS_ATTRIBUTES, BASIS_TAGS

    n = len(result)
    from_attrs = int(((result.basis & BASIS_ATTRIBUTES) > 0).any(axis=1).sum())
    from_tags = int(((result.basis & BASIS_TAGS) > 0).any(axis=1).sum())
    per_mood = []
    for col, mood in enumerate(result.moods):
        weights = result.weights[:, col]
        count = int((weights > 0).sum())
        mean = float(weights[weights > 0].mean()) if count else 0.0
        per_mood.append((mood, count, mean))
    untouched = int((~(result.weights > 0).any(axis=1)).sum()) if n else 0
    return InferenceSummary(
        tracks=n, from_attributes=from_attrs, from_tags=from_tags, per_mood=tuple(per_mood), untouched=untouched
    )


def _artist_tags(
    track_id: str, every: Mapping[str, Mapping[str, float]], primary: Mapping[str, str]
) -> dict[str, float]:
    """The tags a track borrows from its artist's other tracks (as inference does)."""
    from sequencer.core.infer import pool_artist_tags, tag_table

    artist = primary.get(track_id, "")
    if not artist:
        return {}
    peers = [i for i, a in primary.items() if a == artist and i in every and i != track_id]
    table, _ = pool_artist_tags(
        tag_table([*(every[i] for i in peers), every.get(track_id)]), [artist] * (len(peers) + 1)
    )
    last = len(peers)
    return {
        tag: float(s)
        for row, tag, s in zip(table.rows.tolist(), table.tags, table.strengths, strict=True)
        if row == last
    }


@dataclass(frozen=True)
class TrackMoodEvidence:
    """Everything behind one library track's moods: its data and the inference's reasons."""

    track: Track
    attributes: dict[str, float | None]
    """Every attribute name → the track's value (None = unknown)."""
    tags: Mapping[str, float]
    """The track's crowd tags (highest weight per tag over all sources)."""
    stored: dict[str, list[tuple[str, float]]]
    """mood → [(source, weight)] as stored, strongest source first."""
    evidence: list[MoodEvidence]
    """Per mood: the weight the inference gives now, with its tags and rules."""


def explain_library_track(store: Store, config: MoodsConfig, ref: str) -> TrackMoodEvidence:
    """Find ``ref`` in the library and explain, with numbers, which tags and rules give it
    which mood weights under ``config`` (nothing is stored)."""
    from sequencer.core.infer import compile_model, explain_track
    from sequencer.core.track import ATTRIBUTES

    track = store.find(ref)
    model = compile_model(config.vocabulary, config.settings)
    primary = store.primary_artists()
    artist = primary.get(track.id, "")
    peers = {i for i, a in primary.items() if a == artist} if artist else set()
    every = _tags_with_playlists(store, model, only=peers | {track.id})  # its artist's tracks, not the library's
    tags: Mapping[str, float] = {**_artist_tags(track.id, every, primary), **every.get(track.id, {})}
    stored = store.mood_sources(track.id)
    attrs = {name: track.attribute(name) for name in ATTRIBUTES}
    evidence = explain_track(model, attrs, tags)
    return TrackMoodEvidence(track=track, attributes=attrs, tags=tags, stored=stored, evidence=evidence)
