"""Saying when a context cannot be met: the warnings of a playlist that misses its core.

A playlist can keep every hard rule and still miss what the context is about: a catharsis
without a single storm, a night drive without night music.  :func:`context_warnings` names
what is missing and what would help — the tags to add, the exemplar tracks the library lacks —
instead of letting the user find out by listening.

What is checked:

- the **core mood** (the profile's strongest positive mood): at least :data:`CORE_SHARE` of
  the playlist's time should be tracks with that mood at :data:`PRESENT` or more;
- **storms**: an arc that climbs to :data:`STORM` or more should be met by a track within
  :data:`STORM_GAP` of its peak;
- the **sound**: with preferred genres or exemplars, at least :data:`SOUND_SHARE` of the tracks
  should have a preferred genre or sound like an exemplar (:func:`~sequencer.core.context.like_similarity`
  ≥ :data:`LIKE_CLOSE`).

Public: :data:`PRESENT`, :data:`CORE_SHARE`, :data:`STORM`, :data:`STORM_GAP`,
:data:`SOUND_SHARE`, :data:`LIKE_CLOSE`, :func:`core_mood`, :func:`context_warnings`.
"""

from __future__ import annotations

from collections.abc import Sequence

from sequencer.core.context import genre_keys, like_similarity
from sequencer.core.profile import Profile
from sequencer.core.refs import resolve_refs
from sequencer.core.sequence import Sequence as PlaylistSequence
from sequencer.core.track import Track

#: A mood weight from which a track counts as having the mood.
PRESENT = 0.4
#: Least share of the playlist's time the core mood should fill.
CORE_SHARE = 0.3
#: An arc target from which a stretch is a storm, and how far below it the peak may stay.
STORM = 0.8
STORM_GAP = 0.12
#: Least share of tracks with the profile's sound (preferred genre or near an exemplar).
SOUND_SHARE = 0.25
LIKE_CLOSE = 0.5


def core_mood(profile: Profile) -> str | None:
    """The profile's strongest positive mood (None without one)."""
    positive = [(w, m) for m, w in profile.moods.items() if w > 0]
    return max(positive)[1] if positive else None


def _has(track: Track, mood: str) -> bool:
    return track.moods.get(mood, 0.0) >= PRESENT


def _lacking(profile: Profile, library: Sequence[Track]) -> list[str]:
    """The exemplar tracks (``like``) the library does not hold, found as the build finds them
    (remaster and soundtrack suffixes ignored: "Solar Sailer - From TRON: Legacy" is there)."""
    return _resolve(profile, library)[1]


def _resolve(profile: Profile, library: Sequence[Track]) -> tuple[list[Track], list[str]]:
    return resolve_refs(library, profile.like)


def _help(profile: Profile, mood: str, library: Sequence[Track]) -> str:
    """What would help: tags to add, tracks to import."""
    parts = [f'tag tracks you hear as {mood} (`moodseq library tag "Artist - Title" {mood}=1`)']
    parts.append("add crowd tags (`moodseq enrich lastfm`)")
    lacking = _lacking(profile, library)
    if lacking:
        parts.append("import tracks like " + ", ".join(lacking[:3]))
    return "; ".join(parts)


def _core_warning(sequence: PlaylistSequence, library: Sequence[Track]) -> str | None:
    profile, tracks = sequence.profile, sequence.tracks
    mood = core_mood(profile)
    total = sum(t.duration_s for t in tracks)
    if mood is None or total <= 0:
        return None
    share = sum(t.duration_s for t in tracks if _has(t, mood)) / total
    if share >= CORE_SHARE:
        return None
    count = sum(1 for t in tracks if _has(t, mood))
    available = sum(1 for t in library if _has(t, mood))
    return (
        f"the playlist misses its core mood: {count} of {len(tracks)} tracks ({100 * share:.0f} % of the time) "
        f"are {mood} (want {100 * CORE_SHARE:.0f} %+; {available} of the {len(library)} tracks considered are); "
        + _help(profile, mood, library)
    )


def _storm_warning(sequence: PlaylistSequence, library: Sequence[Track]) -> str | None:
    profile, tracks = sequence.profile, sequence.tracks
    if profile.arc is None or not tracks:
        return None
    peak_target = max(v for _, v in profile.arc)
    if peak_target < STORM:
        return None
    energies = [t.energy for t in tracks if t.energy is not None and not t.energy_estimated]
    peak = max(energies, default=0.0)
    if peak >= peak_target - STORM_GAP:
        return None
    mood = core_mood(profile) or "high-energy"
    loud = sum(1 for t in library if t.energy is not None and t.energy >= peak_target - STORM_GAP and _has(t, mood))
    return (
        f"no storm: the loudest track reaches energy {peak:.2f} where the arc asks for {peak_target:.2f} "
        f"({loud} {mood} tracks at that energy among those considered); " + _help(profile, mood, library)
    )


def _sound_warning(sequence: PlaylistSequence, library: Sequence[Track]) -> str | None:
    profile, tracks = sequence.profile, sequence.tracks
    prefer = genre_keys(profile.genres.prefer)
    if not tracks or not (prefer or profile.like):
        return None
    exemplars = _resolve(profile, library)[0]

    def sounds_right(track: Track) -> bool:
        if prefer & genre_keys(track.genres):
            return True
        return bool(exemplars) and like_similarity(track, exemplars) >= LIKE_CLOSE

    hits = sum(1 for t in tracks if sounds_right(t))
    if hits >= SOUND_SHARE * len(tracks):
        return None
    wanted = ", ".join(profile.genres.prefer[:4]) or "its exemplars"
    lacking = _lacking(profile, library)
    extra = f"; the library lacks {', '.join(lacking[:3])}" if lacking else ""
    return (
        f"the playlist misses its sound: {hits} of {len(tracks)} tracks have a preferred genre or sound "
        f"like the exemplars ({wanted}); add those genres as tags to tracks that have that sound"
        f" (`moodseq enrich lastfm`, or `--map genre=…` on import){extra}"
    )


def context_warnings(sequence: PlaylistSequence, library: Sequence[Track]) -> list[str]:
    """What the playlist misses of its context and what would help (empty when nothing)."""
    out = []
    for check in (_core_warning, _storm_warning, _sound_warning):
        text = check(sequence, library)
        if text:
            out.append(text)
    return out
