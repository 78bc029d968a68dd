"""Hand-tuning the library's moods: parse ``MOOD=WEIGHT`` words and store them as hand tags.

Hand tags are the strongest mood source (see :mod:`sequencer.adapters.library.store`): they win over
every other source and survive re-imports.  A bare mood name means weight 1; weight 0 hides a
mood other sources gave.

Hand moods never feed ``moods infer`` (it reads attributes, crowd tags and playlists), so
writing them leaves an up-to-date inference up to date (:func:`hand_moods_written`): an import
afterwards does not ask to run ``moods infer`` again.

Public: :func:`parse_mood_weights`, :func:`hand_tag`, :func:`hand_moods_written`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from sequencer.core.identity import spotify_uri
from sequencer.errors import InputFileError

if TYPE_CHECKING:
    from sequencer.adapters.library.store import Store
    from sequencer.core.moods import MoodVocabulary
    from sequencer.core.track import Track


def parse_mood_weights(items: Iterable[str], vocabulary: MoodVocabulary) -> dict[str, float]:
    """``["brooding=0.9", "study:0.5", "dark"]`` → canonical mood → weight in [0, 1].

    Raises
    ------
    UnknownMoodError
        when a name is not in ``vocabulary`` (the hint lists the closest names).
    InputFileError
        when a weight is not a number in [0, 1].
    """
    weights: dict[str, float] = {}
    for item in items:
        name, _, value = item.partition("=")
        if not value and ":" in item:  # "night-driving:0.7", as a hand-tags file may say
            name, _, value = item.partition(":")
        mood = vocabulary.canonical(name)
        try:
            weight = float(value) if value else 1.0
        except ValueError:
            raise InputFileError(f"{item}: weight {value!r} is not a number", hint="e.g. brooding=0.9") from None
        if not 0.0 <= weight <= 1.0:
            raise InputFileError(f"{item}: weight must be in [0, 1]", hint="e.g. brooding=0.9")
        weights[mood] = weight
    return weights


def recordings_named(store: Store, ref: str, track: Track) -> list[str]:
    """The recordings a hand tag for ``ref`` (which found ``track``) reaches: just that one
    for an id or Spotify URI/link, every recording of exactly that name for a name."""
    uri = spotify_uri(ref)
    if ref.strip() == track.id or (uri is not None and uri == track.uri):
        return [track.id]
    return store.same_name_ids(track.id)


def hand_tag(store: Store, ref: str, weights: dict[str, float], *, replace: bool = False) -> tuple[Track, int]:
    """Set ``weights`` as hand moods of the track ``ref`` names (other hand moods kept; with
    ``replace``, they become its whole set of hand moods: ``{}`` clears them, so the other
    sources' moods count again); returns the track as it reads now and how many recordings
    were tagged.

    A name ("Artist - Title") reaches every recording of exactly that name (an album version
    and a radio edit, or one song from two sources), so a build cannot pick an untagged twin;
    an id or Spotify URI/link reaches only the recording it names.
    """
    track = store.find(ref)
    ids = recordings_named(store, ref, track)
    with hand_moods_written(store), store.transaction():
        for track_id in ids:
            store.set_moods(track_id, weights, source="hand", replace=replace)
    return store.find(track.id), len(ids)


@contextmanager
def hand_moods_written(store: Store) -> Iterator[None]:
    """Around a write of hand moods only: when ``moods infer`` had read everything before it,
    it still has afterwards (the write bumps the change counter it is stamped with, which made
    the next import say "the library changed since `moodseq moods infer` ran: run it again")."""
    from sequencer.adapters.mood_inference import INFERRED_AT

    current = store.get_meta(INFERRED_AT) == store.changes()
    yield
    if current:
        store.set_meta(INFERRED_AT, store.changes())
