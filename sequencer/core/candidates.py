"""Candidates: which tracks of a library a playlist may be made of, and how well each fits.

Two entry points, one for each size of library:

- :func:`candidate_rows` scores a whole :class:`~sequencer.core.features.FeatureTable` with
  numpy (a million rows in milliseconds) and returns the few hundred rows worth turning into
  :class:`~sequencer.core.track.Track` objects.  It applies the exclusions the columns can
  decide (moods over the threshold, explicit tracks, track length) and keeps a *stratified*
  set: the best mood fits overall, the best fits in every energy band the arc passes through
  (so an arc can be followed even when the best-fitting tracks are all calm), and the tracks
  closest to the straight line between anchors (journeys).
- :func:`select_candidates` takes Track objects (the demo library, or the rows chosen above),
  applies every exclusion of the profile (artists and tracks too), and returns a
  :class:`CandidateSet` whose ``excluded`` counts say why tracks were left out (for errors).

Fit is ``flow.md``'s mood fit: the cosine between the profile's mood weights and a track's mood
vector (0 when either is empty), times the track's confidence (v2: untagged tracks whose moods
rest on attributes alone cannot crowd out tagged ones).  Energies unknown in the table are estimated from the moods as
:func:`sequencer.core.energy.estimate_energy` does.

Public: :class:`CandidateSet`, :func:`candidate_budget`, :func:`table_fit`, :func:`table_rank`,
:func:`table_energy`, :func:`candidate_rows`, :func:`exclusion_reason`,
:func:`select_candidates`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from sequencer.core.context import context_fit, genre_exclusion
from sequencer.core.energy import MOOD_ENERGY
from sequencer.core.features import FeatureTable, feature_table
from sequencer.core.profile import Constraints, Profile
from sequencer.core.scoring import mood_fit
from sequencer.core.track import Track, is_live, normalise_text, parse_track_ref

Rows = npt.NDArray[np.int64]
Floats = npt.NDArray[np.float64]

#: Typical track length used to estimate how many tracks a playlist needs.
TYPICAL_TRACK_S = 240.0
#: Energy bands used to stratify candidates along the arc.
ENERGY_BANDS = 10


@dataclass(frozen=True)
class CandidateSet:
    """Tracks a playlist may use (pinned ones first), their mood fit, and why others were not."""

    tracks: list[Track]
    fits: list[float]
    excluded: Mapping[str, int] = field(default_factory=dict)
    """Reason ("excluded artists", "explicit", …) → how many tracks it removed."""
    considered: int = 0
    """How many tracks were looked at."""

    def summary(self) -> str:
        """``"12 candidates after excluding 30 (explicit 20, too long 10)"``."""
        text = f"{len(self.tracks)} candidate{'s' if len(self.tracks) != 1 else ''}"
        removed = sum(self.excluded.values())
        if removed:
            parts = ", ".join(f"{reason} {count}" for reason, count in self.excluded.items())
            text += f" after excluding {removed} ({parts})"
        return text


def candidate_budget(profile: Profile) -> int:
    """How many candidates to keep: 600, more for long playlists (capped at 1500).

    More candidates let the walk find smoother chains at every energy of the arc (measured: the
    objective of a 60-minute night-drive build on a 1M library drops by ~45 % from 300 to 600
    candidates) and cost little: the walk's moves do not depend on their number.
    """
    slots = profile.window_s[1] / TYPICAL_TRACK_S
    return int(min(1500, max(600, 16 * slots)))


def _profile_vector(profile_moods: Mapping[str, float], names: Sequence[str]) -> Floats:
    return np.array([profile_moods.get(m, 0.0) for m in names], dtype=np.float64)


def table_fit(table: FeatureTable, profile_moods: Mapping[str, float]) -> Floats:
    """Every row's mood fit: the cosine between the profile's moods and the row's moods (0 where
    either is empty) times the row's confidence (``flow.md`` v2; :func:`scoring.mood_fit`)."""
    vec = _profile_vector(profile_moods, table.mood_names)
    pnorm = float(np.sqrt(vec @ vec))
    if pnorm == 0.0 or table.moods.shape[1] == 0:
        return np.zeros(len(table), dtype=np.float64)
    moods = table.moods
    dots = moods @ vec.astype(np.float32)
    norms = np.sqrt(np.einsum("ij,ij->i", moods, moods))
    extra = sum(w * w for m, w in profile_moods.items() if m not in table.mood_names)
    pnorm = float(np.sqrt(pnorm * pnorm + extra))
    with np.errstate(invalid="ignore", divide="ignore"):
        fit = np.where(norms > 0, dots / (norms * pnorm), 0.0)
    confidence = np.clip(table.confidences().astype(np.float64), 0.0, 1.0)
    return np.clip(fit.astype(np.float64), -1.0, 1.0) * confidence


def table_rank(table: FeatureTable, profile_moods: Mapping[str, float], fit: Floats) -> Floats:
    """How strongly each row is worth keeping: its fit, discounted when the evidence is weak.

    The fit is a cosine, so a track tagged night-driving 0.4 fits a night-driving profile as
    well as one tagged 0.95.  For *choosing candidates* the strength of the evidence should
    count: the rank is ``fit × (0.5 + 0.5 × s)`` where ``s`` (clipped to [0, 1]) is the length
    of the track's mood vector along the profile's direction.  The objective the walk optimises
    is untouched (flow.md's mood fit); only which tracks reach the walk changes.
    """
    vec = _profile_vector(profile_moods, table.mood_names)
    pnorm = float(np.sqrt(sum(w * w for w in profile_moods.values())))
    if pnorm == 0.0 or table.moods.shape[1] == 0:
        return fit
    strength = np.clip((table.moods @ vec.astype(np.float32)) / pnorm, 0.0, 1.0).astype(np.float64)
    return np.where(fit > 0, fit * (0.5 + 0.5 * strength), fit)


def table_energy(table: FeatureTable) -> Floats:
    """Each row's energy; unknown ones estimated from the moods (NaN when that is impossible)."""
    energy = table.column("energy").astype(np.float64)
    if table.moods.shape[1] == 0:
        return energy
    priors = np.array([MOOD_ENERGY.get(m, 0.5) for m in table.mood_names], dtype=np.float32)
    positive = np.maximum(table.moods, 0.0)
    total = positive.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        guess = np.where(total > 0, (positive @ priors) / total, np.nan)
    return np.where(np.isnan(energy), guess, energy)


def _excluded_rows(table: FeatureTable, profile: Profile) -> npt.NDArray[np.bool_]:
    """Rows the columns alone rule out: moods over the threshold, explicit, length."""
    cons = profile.constraints
    out = np.zeros(len(table), dtype=bool)
    for mood in cons.exclude_moods:
        if mood in table.mood_names:
            out |= table.moods[:, table.mood_names.index(mood)] >= cons.exclude_mood_threshold
    if cons.exclude_explicit:
        out |= table.explicit
    duration = table.column("duration_s")
    out |= ~(duration > 0)
    out |= duration > profile.window_s[1]
    if cons.min_track_seconds is not None:
        out |= duration < cons.min_track_seconds
    if cons.max_track_seconds is not None:
        out |= duration > cons.max_track_seconds
    return out


def _top(scores: Floats, mask: npt.NDArray[np.bool_], k: int) -> Rows:
    """Indices of the ``k`` highest scores where ``mask`` holds (ties by row order)."""
    rows = np.flatnonzero(mask)
    if rows.size == 0 or k <= 0:
        return np.zeros(0, dtype=np.int64)
    if rows.size > k:
        part = np.argpartition(-scores[rows], k - 1)[:k]
        rows = rows[part]
    order = np.lexsort((rows, -scores[rows]))
    return rows[order].astype(np.int64)


def _arc_range(profile: Profile) -> tuple[float, float]:
    """The energy band the arc asks for, widened a little (all energies without an arc)."""
    if profile.arc is None:
        return 0.0, 1.0
    values = [v for _, v in profile.arc]
    return max(0.0, min(values) - 0.15), min(1.0, max(values) + 0.15)


def _anchor_rows(
    table: FeatureTable,
    fit: Floats,
    energy: Floats,
    allowed: npt.NDArray[np.bool_],
    anchors: Sequence[int],
    per_step: int,
) -> list[Rows]:
    """Rows nearest the straight line (mood and energy) between consecutive anchors."""
    out: list[Rows] = []
    moods = table.moods.astype(np.float64)
    norms = np.sqrt((moods * moods).sum(axis=1))
    unit = moods / np.where(norms > 0, norms, 1.0)[:, None]
    filled = np.nan_to_num(energy, nan=0.5)
    for a, b in itertools.pairwise(anchors):
        for tau in np.linspace(0.0, 1.0, 9)[1:-1]:
            target = (1 - tau) * unit[a] + tau * unit[b]
            tnorm = float(np.sqrt(target @ target))
            cos = unit @ (target / tnorm) if tnorm > 0 else np.zeros(len(table))
            e_target = (1 - tau) * filled[a] + tau * filled[b]
            closeness = cos - 2.0 * np.abs(filled - e_target) + 0.25 * fit
            out.append(_top(closeness, allowed, per_step))
    return out


def candidate_rows(
    table: FeatureTable,
    profile: Profile,
    *,
    keep: int | None = None,
    anchors: Sequence[int] = (),
    boost: Floats | None = None,
    excluded: npt.NDArray[np.bool_] | None = None,
) -> Rows:
    """The rows of ``table`` worth considering for ``profile`` (sorted row indices).

    Keeps about ``keep`` rows (default :func:`candidate_budget`): half by mood fit overall, the
    rest by fit within each energy band of the arc's range, plus — with two or more
    ``anchors`` (rows of fixed tracks, e.g. a journey's ends) — the rows closest to the line
    between them.  Anchors are always kept.  Pure numpy; no Track objects are made.

    ``boost`` (per row) is added to the rank: what the context wants beyond moods (exemplars,
    preferred genres: :mod:`sequencer.core.context`); ``excluded`` rows (e.g. an excluded
    genre) are never kept unless they are anchors.
    """
    budget = keep if keep is not None else candidate_budget(profile)
    if len(table) == 0:
        return np.zeros(0, dtype=np.int64)
    fit = table_fit(table, profile.moods) * table.confidences()
    rank = table_rank(table, profile.moods, fit)
    if boost is not None:
        rank = rank + boost
    energy = table_energy(table)
    allowed = ~_excluded_rows(table, profile)
    if excluded is not None:
        allowed &= ~excluded
    chosen = [_top(rank, allowed, budget // 2), np.asarray(anchors, dtype=np.int64)]
    low, high = _arc_range(profile)
    edges = np.linspace(low, high, ENERGY_BANDS + 1)
    share = max(1, (budget - budget // 2) // (ENERGY_BANDS * (2 if len(anchors) >= 2 else 1)))
    known = ~np.isnan(energy)
    filled = np.where(known, energy, -1.0)
    for lo, hi in itertools.pairwise(edges):
        band = allowed & known & (filled >= lo) & (filled <= hi)
        chosen.append(_top(rank, band, share))
    if len(anchors) >= 2:
        per_step = max(1, (budget - budget // 2) // (2 * 7 * (len(anchors) - 1)))
        chosen.extend(_anchor_rows(table, fit, energy, allowed, anchors, per_step))
    return np.unique(np.concatenate(chosen)).astype(np.int64)


def _matches_ref(track: Track, ref: str) -> bool:
    """Whether ``ref`` ("Artist - Title", a title, or an id) names ``track``."""
    if ref == track.id:
        return True
    artist, title = parse_track_ref(ref)
    if normalise_text(title) != normalise_text(track.title):
        return False
    return artist is None or normalise_text(artist) in {normalise_text(a) for a in track.artists}


def exclusion_reason(track: Track, constraints: Constraints, high_s: float) -> str | None:
    """Why ``track`` may not be played under ``constraints`` (None = it may)."""
    excluded_artists = {normalise_text(a) for a in constraints.exclude_artists}
    if excluded_artists & {normalise_text(a) for a in track.artists}:
        return "excluded artists"
    if any(_matches_ref(track, ref) for ref in constraints.exclude_tracks):
        return "excluded tracks"
    for mood in constraints.exclude_moods:
        if track.moods.get(mood, 0.0) >= constraints.exclude_mood_threshold:
            return f"mood {mood}"
    if constraints.exclude_explicit and track.explicit:
        return "explicit"
    if constraints.exclude_live and is_live(track.title):
        return "live recording"
    genre = genre_exclusion(track, constraints.exclude_genres) if constraints.exclude_genres else None
    if genre is not None:
        return f"genre {genre}"
    if not track.duration_s > 0:
        return "no duration"
    if constraints.min_track_seconds is not None and track.duration_s < constraints.min_track_seconds:
        return "too short"
    if constraints.max_track_seconds is not None and track.duration_s > constraints.max_track_seconds:
        return "too long"
    if track.duration_s > high_s:
        return "longer than the playlist"
    return None


def select_candidates(
    tracks: Sequence[Track],
    profile: Profile,
    *,
    pinned: Sequence[Track] = (),
    keep: int | None = None,
    exemplars: Sequence[Track] = (),
) -> CandidateSet:
    """The candidates among ``tracks`` for ``profile``: exclusions applied, then the best kept.

    ``pinned`` tracks (fixed start/end, must-include) come first and are kept whatever their
    fit; they are not checked against the exclusions here (the caller decides what a pinned
    excluded track means).  A track id appearing twice is kept once.  Fits are
    :func:`~sequencer.core.context.context_fit` (moods, and the profile's ``exemplars`` and
    genres).
    """
    pinned_ids = {t.id for t in pinned}
    excluded: dict[str, int] = {}
    allowed: list[Track] = []
    seen: set[str] = set(pinned_ids)
    high = profile.window_s[1]
    for track in tracks:
        if track.id in seen:
            continue
        seen.add(track.id)
        reason = exclusion_reason(track, profile.constraints, high)
        if reason is None:
            allowed.append(track)
        else:
            excluded[reason] = excluded.get(reason, 0) + 1
    pool = [*pinned, *allowed]
    budget = keep if keep is not None else candidate_budget(profile)
    fits = [context_fit(profile, track, exemplars) for track in pool]
    if len(allowed) > budget:
        table = feature_table(pool)
        boost = np.array([f - mood_fit(profile.moods, t) for f, t in zip(fits, pool, strict=True)])
        rows = candidate_rows(table, profile, keep=budget, anchors=range(len(pinned)), boost=boost)
        keep_rows = sorted(set(rows.tolist()) | set(range(len(pinned))))
        pool = [pool[r] for r in keep_rows]
        fits = [fits[r] for r in keep_rows]
    return CandidateSet(tracks=pool, fits=fits, excluded=excluded, considered=len(tracks))
