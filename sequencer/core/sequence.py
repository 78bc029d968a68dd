"""The sequence value object: ordered steps, each with its timing, target, fit and transition.

A :class:`Sequence` is what the walk returns and what explanations, exports, plots and the
Spotify push read.  :func:`make_sequence` computes every derived number from the ordered tracks
and the profile, once, with the same functions the walk optimises (:mod:`scoring`).

Public: :class:`Step`, :class:`Sequence`, :func:`make_sequence`.
"""

from __future__ import annotations

from collections.abc import Sequence as Seq
from dataclasses import dataclass, field

from sequencer.core.arcs import target_at
from sequencer.core.profile import Profile
from sequencer.core.scoring import Score, midpoints, mood_fit, score_tracks
from sequencer.core.track import Track
from sequencer.core.transitions import TransitionCost, transition_cost


@dataclass(frozen=True)
class Step:
    """One position in the sequence."""

    track: Track
    start_s: float
    """When the track starts, in seconds from the start of the playlist."""
    target_energy: float | None
    """The arc's target at the track's midpoint (None without an arc)."""
    fit: float
    """Cosine between the profile's moods and the track's, in [−1, 1]."""
    transition: TransitionCost | None
    """Cost of arriving here from the previous track (None for the first)."""


@dataclass(frozen=True)
class Sequence:
    """An ordered playlist with its score breakdown."""

    profile: Profile
    steps: tuple[Step, ...]
    score: Score
    seed: int | None = None
    mode: str = "build"
    """How it was made: "build", "journey" or "reorder"."""
    warnings: tuple[str, ...] = field(default=())

    @property
    def tracks(self) -> list[Track]:
        """The tracks in order."""
        return [step.track for step in self.steps]

    @property
    def duration_s(self) -> float:
        """Total duration in seconds."""
        return sum(step.track.duration_s for step in self.steps)


def make_sequence(
    tracks: Seq[Track],
    profile: Profile,
    *,
    seed: int | None = None,
    mode: str = "build",
    warnings: Seq[str] = (),
) -> Sequence:
    """Build the :class:`Sequence` of ``tracks`` in this order, computing each step's numbers."""
    steps: list[Step] = []
    elapsed = 0.0
    mids = midpoints(tracks)
    previous: Track | None = None
    for track, tau in zip(tracks, mids, strict=True):
        steps.append(
            Step(
                track=track,
                start_s=elapsed,
                target_energy=None if profile.arc is None else target_at(profile.arc, tau),
                fit=mood_fit(profile.moods, track),
                transition=None if previous is None else transition_cost(previous, track, profile.transition),
            )
        )
        elapsed += track.duration_s
        previous = track
    return Sequence(
        profile=profile,
        steps=tuple(steps),
        score=score_tracks(tracks, profile),
        seed=seed,
        mode=mode,
        warnings=tuple(warnings),
    )
