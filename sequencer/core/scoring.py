"""Scores as breakdowns: what a sequence costs, term by term.

The objective the walk minimises is

    total = w_flow · flow_cost + w_arc · arc_error + w_fit · (1 − mood_fit) / 2

with the weights of the profile's ``[weights]`` table, where (``flow.md``)

- ``flow_cost`` is the mean transition cost (0 = seamless, 1 = jarring);
- ``arc_error`` is the duration-weighted RMSE between each track's energy and the arc's target
  at the track's midpoint time (tracks without energy are left out; 0 without an arc);
- ``mood_fit`` is the duration-weighted mean of each track's fit: the cosine between the
  profile's mood weights and the track's moods, in [−1, 1], times the track's confidence in
  [0, 1] (``flow.md`` v2: a mood estimated from almost nothing is not as good a fit; a track
  without moods counts as 0).

Explanations and plots read the same :class:`Score`, so they cannot drift from what the walk
optimised.

Public: :class:`Score`, :func:`mood_fit`, :func:`midpoints`, :func:`arc_error`,
:func:`flow_cost`, :func:`score_tracks`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sequencer.core.arcs import target_at
from sequencer.core.moods import cosine
from sequencer.core.profile import Profile, TransitionWeights
from sequencer.core.track import Track
from sequencer.core.transitions import transition_cost


@dataclass(frozen=True)
class Score:
    """A sequence's score: raw terms, the weights applied, and the weighted total (lower = better)."""

    flow_cost: float
    arc_error: float
    mood_fit: float
    weights: Mapping[str, float]
    total: float

    def items(self) -> list[tuple[str, float]]:
        """(term, weighted contribution to ``total``), largest first."""
        parts = {
            "flow": self.weights["flow"] * self.flow_cost,
            "arc": self.weights["arc"] * self.arc_error,
            "fit": self.weights["fit"] * (1.0 - self.mood_fit) / 2.0,
        }
        return sorted(parts.items(), key=lambda item: -item[1])

    def as_dict(self) -> dict[str, float]:
        """Plain form for exports."""
        return {
            "flow_cost": round(self.flow_cost, 6),
            "arc_error": round(self.arc_error, 6),
            "mood_fit": round(self.mood_fit, 6),
            "total": round(self.total, 6),
        }


def mood_fit(profile_moods: Mapping[str, float], track: Track) -> float:
    """Cosine between the profile's mood weights and the track's moods, times the track's
    confidence (0 if either is empty)."""
    value = cosine(profile_moods, track.moods)
    return 0.0 if value is None else value * min(1.0, max(0.0, track.confidence))


def midpoints(tracks: Sequence[Track]) -> list[float]:
    """Each track's midpoint as a share (0–1) of the total duration."""
    total = sum(t.duration_s for t in tracks) or 1.0
    out: list[float] = []
    elapsed = 0.0
    for track in tracks:
        out.append((elapsed + track.duration_s / 2) / total)
        elapsed += track.duration_s
    return out


def arc_error(tracks: Sequence[Track], arc: Sequence[tuple[float, float]] | None) -> float:
    """Duration-weighted RMSE between energies and the arc's targets (0 without an arc)."""
    if not arc or not tracks:
        return 0.0
    num = den = 0.0
    for track, tau in zip(tracks, midpoints(tracks), strict=True):
        if track.energy is None:
            continue
        num += track.duration_s * (track.energy - target_at(arc, tau)) ** 2
        den += track.duration_s
    return math.sqrt(num / den) if den > 0 else 0.0


def flow_cost(tracks: Sequence[Track], weights: TransitionWeights | None = None) -> float:
    """Mean transition cost over consecutive pairs (0 for fewer than two tracks)."""
    if len(tracks) < 2:
        return 0.0
    costs = [transition_cost(a, b, weights).total for a, b in itertools.pairwise(tracks)]
    return sum(costs) / len(costs)


def sequence_fit(tracks: Sequence[Track], profile_moods: Mapping[str, float]) -> float:
    """Duration-weighted mean mood fit."""
    total = sum(t.duration_s for t in tracks)
    if total <= 0:
        return 0.0
    return sum(t.duration_s * mood_fit(profile_moods, t) for t in tracks) / total


def score_tracks(tracks: Sequence[Track], profile: Profile) -> Score:
    """Score an ordered list of tracks against a profile."""
    weights = {"flow": profile.weights.flow, "arc": profile.weights.arc, "fit": profile.weights.fit}
    flow = flow_cost(tracks, profile.transition)
    arc = arc_error(tracks, profile.arc)
    fit = sequence_fit(tracks, profile.moods)
    total = weights["flow"] * flow + weights["arc"] * arc + weights["fit"] * (1.0 - fit) / 2.0
    return Score(flow_cost=flow, arc_error=arc, mood_fit=fit, weights=weights, total=total)
