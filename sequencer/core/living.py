"""Living playlists: how history steers a build — freshness, likeness, listening evidence.

A build can be nudged per song without touching the walk: :class:`TrackBias` says which songs
are ruled out (``avoid``, hard) and how much each song's mood fit is raised or lowered for the
build's choice (``fit_delta``, soft; the reported mood fit stays the real one).  Songs are named
by :func:`~sequencer.core.track.song_key`, so a remaster counts as the song it is.

- :func:`parse_fresh` reads ``--fresh``: ``14d`` (soft: recently played songs cost a little
  fit, the more plays the more) or ``14d:N`` (hard: a song played in more than N of the
  profile's builds of that window is left out; ``14d:0`` leaves every one of them out);
- :func:`fresh_bias` turns play counts (from the library's history) into a bias;
- :func:`like_bias` favours the songs of a previous build (``--like-previous``: vary gently);
- :func:`listening_bias` favours loved and often played songs and leaves out overplayed ones,
  as the profile's ``[listening]`` section says;
- :func:`combine` adds biases up.

Pure: the caller reads the history and the clock.

Public: :class:`FreshRule`, :class:`TrackBias`, :func:`parse_fresh`, :func:`fresh_bias`,
:func:`like_bias`, :func:`listening_bias`, :func:`combine`, :data:`FRESH_PENALTY`,
:data:`LIKE_BONUS`, :data:`LISTEN_BONUS`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from sequencer.core.profile import Listening
from sequencer.errors import InputFileError

#: Fit taken from a song played once in the window (soft freshness), and per further play, up to
#: FRESH_PENALTY_MAX.  Fit is a cosine in [−1, 1] weighted by the profile's ``fit`` weight.
#: Measured on the demo library (a build, then one with another seed; 3 seeds; flow.md v2): the
#: share of songs the second repeats falls from 74 % to 49 % (night-drive) and from 50 % to 9 %
#: (train-ride) at 0.2, for an objective 23 % / 8 % higher; 0.3 already acted as a hard rule
#: (15 % / 0 %, +66 %, measured under v1).  So a song played once is less likely, not banned.
FRESH_PENALTY = 0.2
FRESH_PENALTY_STEP = 0.1
FRESH_PENALTY_MAX = 0.5
#: Fit added at most to a loved, most played song by a profile's ``[listening] weight = 1``.
LISTEN_BONUS = 0.3
#: Fit added to the songs of the previous build by ``--like-previous``, whose build then plays
#: the best playlist under that bias (:attr:`TrackBias.close`) instead of a seed's near-best one
#: far from it: on the shared catalogs another seed repeats 13 of 13 songs (night-drive; 11
#: without) and 22 of 22 (train-ride; 7 without).  At 0.1 night-drive repeated only 8.
LIKE_BONUS = 0.15

_UNITS = {"h": 3600.0, "d": 86400.0, "w": 7 * 86400.0}
_FRESH = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([hdw])\s*(?::\s*(\d+)\s*)?$", re.IGNORECASE)


@dataclass(frozen=True)
class FreshRule:
    """Avoid songs played in the profile's builds of the last ``window_s`` seconds.

    ``allow`` None = soft (a fit penalty); a number = hard: a song played in more than
    ``allow`` of those builds is left out.
    """

    window_s: float
    allow: int | None = None
    text: str = ""

    @property
    def hard(self) -> bool:
        """Whether played songs are left out rather than penalised."""
        return self.allow is not None


def parse_fresh(text: str) -> FreshRule:
    """``14d`` → soft over 14 days; ``36h:1`` → hard, at most one earlier play in 36 hours.

    Units: ``h`` hours, ``d`` days, ``w`` weeks.

    Raises
    ------
    InputFileError
        for anything else, with the forms that work.
    """
    match = _FRESH.match(text)
    if match is None or float(match[1]) <= 0:
        raise InputFileError(
            f"--fresh {text!r} is not a time window",
            hint="write 14d (soft: recently played songs are less likely), 14d:0 (hard: none of them) "
            "or 14d:1 (hard: at most one earlier play); units h, d, w",
        )
    allow = int(match[3]) if match[3] is not None else None
    return FreshRule(window_s=float(match[1]) * _UNITS[match[2].lower()], allow=allow, text=text.strip())


@dataclass(frozen=True)
class TrackBias:
    """Per-song nudges for one build: songs left out, and fit added (negative: taken)."""

    avoid: frozenset[str] = frozenset()
    fit_delta: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    notes: tuple[str, ...] = ()
    """What the bias does, in words, for the build's output."""
    close: bool = False
    """Stay near the best playlist (``--like-previous``): the seed does not pick a near-best
    playlist far from it, as seeds otherwise do for variety."""

    def delta(self, song: str) -> float:
        """Fit added to ``song`` (0 when it is not nudged)."""
        return self.fit_delta.get(song, 0.0)

    def __bool__(self) -> bool:
        return bool(self.avoid or self.fit_delta)


def fresh_bias(plays: Mapping[str, int], rule: FreshRule) -> TrackBias:
    """The bias ``rule`` makes of ``plays`` (song key → builds of the window it played in)."""
    played = {song: n for song, n in plays.items() if n > 0}
    if not played:
        return TrackBias(notes=(f"fresh {rule.text}: no builds of this profile in that window",))
    if rule.allow is not None:
        avoid = frozenset(song for song, n in played.items() if n > rule.allow)
        note = f"fresh {rule.text}: {len(avoid)} recently played song{'s' if len(avoid) != 1 else ''} left out"
        return TrackBias(avoid=avoid, notes=(note,))
    delta = {song: -min(FRESH_PENALTY_MAX, FRESH_PENALTY + FRESH_PENALTY_STEP * (n - 1)) for song, n in played.items()}
    note = f"fresh {rule.text}: {len(delta)} recently played song{'s' if len(delta) != 1 else ''} made less likely"
    return TrackBias(fit_delta=MappingProxyType(delta), notes=(note,))


def like_bias(previous: Iterable[str], *, bonus: float = LIKE_BONUS) -> TrackBias:
    """Favour the songs of a previous build (``--like-previous``): the new one stays close."""
    songs = list(dict.fromkeys(previous))
    note = f"like previous: its {len(songs)} songs are favoured"
    return TrackBias(fit_delta=MappingProxyType(dict.fromkeys(songs, bonus)), notes=(note,), close=True)


def listening_bias(evidence: Mapping[str, tuple[int, bool]], listening: Listening) -> TrackBias:
    """The bias a profile's ``[listening]`` settings make of the listening history
    (song key → (plays, loved)): loved and often played songs favoured by up to
    ``LISTEN_BONUS × weight`` (half for loved, half for plays on a log scale against the most
    played song), and songs played ``avoid_plays`` times or more left out."""
    import math

    delta: dict[str, float] = {}
    if listening.weight > 0 and evidence:
        most = max(plays for plays, _ in evidence.values())
        for song, (plays, loved) in evidence.items():
            share = 0.5 * loved + (0.5 * math.log1p(plays) / math.log1p(most) if most > 0 else 0.0)
            if share > 0:
                delta[song] = LISTEN_BONUS * listening.weight * share
    limit = listening.avoid_plays
    avoid = frozenset(s for s, (plays, _) in evidence.items() if limit is not None and plays >= limit)
    notes = []
    if delta:
        notes.append(f"listening history: {len(delta)} played or loved songs favoured (weight {listening.weight:g})")
    if limit is not None:
        notes.append(f"listening history: {len(avoid)} songs played {limit}+ times left out")
    if not evidence:
        notes.append("listening history: none fetched yet (moodseq listening lastfm USER)")
    return TrackBias(avoid=avoid, fit_delta=MappingProxyType(delta), notes=tuple(notes))


def combine(*biases: TrackBias) -> TrackBias:
    """One bias doing what all of ``biases`` do (deltas add up, avoided sets join)."""
    avoid: set[str] = set()
    delta: dict[str, float] = {}
    notes: list[str] = []
    for bias in biases:
        avoid |= bias.avoid
        for song, value in bias.fit_delta.items():
            delta[song] = delta.get(song, 0.0) + value
        notes.extend(bias.notes)
    close = any(bias.close for bias in biases)
    return TrackBias(avoid=frozenset(avoid), fit_delta=MappingProxyType(delta), notes=tuple(notes), close=close)
