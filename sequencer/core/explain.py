"""Explanations: why each track is where it is, and what each transition costs.

:func:`explain` turns a :class:`~sequencer.core.sequence.Sequence` into plain data, reading the
very numbers the walk optimised: each step's ``fit``, ``target_energy`` and
:class:`~sequencer.core.transitions.TransitionCost`, and the sequence's
:class:`~sequencer.core.scoring.Score`.  Nothing is recomputed differently, so an explanation
cannot drift from the objective.  The only values read from the tracks directly are the ones
quoted in the sentences (a tempo in BPM, a Camelot key), never a cost.

Conventions
-----------
- positions are 1-based, as shown to users;
- a transition belongs to the track it arrives at (``position`` 2…n);
- a term's *share* is its weighted contribution to the transition's total
  (``weight · value / Σ weights of the known terms``): the shares of the known terms add up to
  the total; an unknown term has value and share ``None``;
- verdicts: ``smooth`` below :data:`SMOOTH`, ``fair`` below :data:`ROUGH`, else ``rough``.

Public: :class:`TermShare`, :class:`TrackExplanation`, :class:`TransitionExplanation`,
:class:`Summary`, :class:`Explanation`, :func:`explain`, :func:`explanation_lines`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from sequencer.core.profile import Profile
from sequencer.core.sequence import Sequence, Step
from sequencer.core.track import Track, normalise_text, parse_track_ref
from sequencer.core.transitions import TERMS, TransitionCost, camelot

#: A transition costing less than this is "smooth".
SMOOTH = 0.15
#: A transition costing this or more is "rough" (between the two: "fair").
ROUGH = 0.35
#: An energy distance from the arc's target within this is "on target".
ON_TARGET = 0.05
#: How many matching moods a reason names at most.
MAX_MOODS = 3


@dataclass(frozen=True)
class TermShare:
    """One term of a transition: raw value in [0, 1], its weight, and its share of the total."""

    term: str
    value: float | None
    """The raw term (0 = seamless, 1 = jarring); None when unknown for either track."""
    weight: float
    share: float | None
    """Weighted contribution to the transition's total; None when the term is unknown."""


@dataclass(frozen=True)
class TrackExplanation:
    """Why one track is in the sequence, at its position."""

    position: int
    track_id: str
    name: str
    """``Artist - Title``."""
    start_s: float
    fit: float
    """Mood fit (cosine with the profile's moods, in [−1, 1]), as the walk scored it."""
    matching_moods: tuple[tuple[str, float], ...]
    """(mood, the track's weight) for moods the profile wants, strongest match first."""
    avoided_moods: tuple[tuple[str, float], ...]
    """(mood, the track's weight) for moods the profile gives a negative weight."""
    energy: float | None
    energy_estimated: bool
    target_energy: float | None
    reasons: tuple[str, ...]
    """Short human sentences, most important first."""


@dataclass(frozen=True)
class TransitionExplanation:
    """The cost of arriving at ``position`` from the track before it, term by term."""

    position: int
    from_id: str
    to_id: str
    from_name: str
    to_name: str
    total: float
    terms: tuple[TermShare, ...]
    """Every term in :data:`~sequencer.core.transitions.TERMS` order."""
    verdict: str
    """e.g. ``"smooth: same key, 2 BPM apart"`` or ``"rough: energy jump 0.35"``."""


@dataclass(frozen=True)
class Summary:
    """The sequence as a whole, from its :class:`~sequencer.core.scoring.Score`."""

    profile: str
    mode: str
    seed: int | None
    tracks: int
    minutes: float
    flow_cost: float
    arc_error: float
    mood_fit: float
    total: float
    """The objective the walk minimised (lower = better)."""
    items: tuple[tuple[str, float], ...]
    """(term, weighted contribution to ``total``), largest first (``Score.items()``)."""
    weakest: TransitionExplanation | None
    """The costliest transition (the first of equals), None for fewer than two tracks."""


@dataclass(frozen=True)
class Explanation:
    """Everything :func:`explanation_lines`, the JSON export and the terminal view show."""

    tracks: tuple[TrackExplanation, ...]
    transitions: tuple[TransitionExplanation, ...]
    summary: Summary
    warnings: tuple[str, ...] = ()


# --- per track ------------------------------------------------------------------------------


def _num(value: float) -> str:
    """A weight or energy for a sentence: two decimals."""
    return f"{value:.2f}"


def _mood_matches(
    profile_moods: Mapping[str, float], track: Track
) -> tuple[tuple[tuple[str, float], ...], tuple[tuple[str, float], ...]]:
    """(wanted moods the track has, avoided moods the track has), each strongest first."""
    wanted = [(mood, weight) for mood, weight in track.moods.items() if weight > 0 and profile_moods.get(mood, 0.0) > 0]
    wanted.sort(key=lambda item: (-item[1] * profile_moods[item[0]], item[0]))
    avoided = [
        (mood, weight) for mood, weight in track.moods.items() if weight > 0 and profile_moods.get(mood, 0.0) < 0
    ]
    avoided.sort(key=lambda item: (item[1] * profile_moods[item[0]], item[0]))
    return tuple(wanted), tuple(avoided)


def _fit_reason(
    fit: float,
    track: Track,
    wanted: tuple[tuple[str, float], ...],
    avoided: tuple[tuple[str, float], ...],
    profile_moods: Mapping[str, float],
) -> str:
    """The mood-fit sentence, true to the profile's kind: one that asks for moods, one that
    only avoids some, or one without moods."""
    if not track.moods:
        return "no moods known: mood fit counts as 0"
    if not profile_moods:
        return f"mood fit {_num(fit)}: the profile asks for no moods"
    if not wanted and all(weight <= 0 for weight in profile_moods.values()):
        if avoided:
            return f"mood fit {_num(fit)}: lowered by moods the profile avoids"
        names = ", ".join(sorted(m for m, w in profile_moods.items() if w < 0))
        return f"mood fit {_num(fit)}: clear of the moods the profile avoids ({names})"
    if not wanted:
        return f"mood fit {_num(fit)}: none of its moods is one the profile asks for"
    named = ", ".join(f"{mood} {_num(weight)}" for mood, weight in wanted[:MAX_MOODS])
    more = f" (+{len(wanted) - MAX_MOODS} more)" if len(wanted) > MAX_MOODS else ""
    verb = "matches" if len(wanted) == 1 else "match"
    return f"mood fit {_num(fit)}: {named}{more} {verb} the profile"


def _energy_reason(step: Step) -> str:
    """The sentence about the track's energy against the arc's target."""
    track = step.track
    if track.energy is None:
        if step.target_energy is None:
            return "energy unknown"
        return f"energy unknown (arc target {_num(step.target_energy)}): left out of the arc error"
    energy = _num(track.energy)
    estimated = " (estimated from moods)" if track.energy_estimated else ""
    if step.target_energy is None:
        return f"energy {energy}{estimated}, no arc to follow"
    gap = track.energy - step.target_energy
    side = "above" if gap > 0 else "below"
    where = "on target" if abs(gap) <= ON_TARGET else f"{_num(abs(gap))} {side}"
    return f"energy {energy}{estimated} vs arc target {_num(step.target_energy)}: {where}"


def _matches_ref(ref: str, track: Track) -> bool:
    """Whether a constraint reference ("Artist - Title", a title or an id) names ``track``."""
    wanted = normalise_text(ref)
    if ref == track.id or wanted in (normalise_text(track.title), normalise_text(track.name)):
        return True
    artist, title = parse_track_ref(ref)
    return (
        artist is not None
        and normalise_text(title) == normalise_text(track.title)
        and normalise_text(artist) in {normalise_text(a) for a in track.artists}
    )


def _position_reasons(profile: Profile, mode: str, index: int, count: int, track: Track) -> list[str]:
    """Reasons that come from the track's place: fixed start/end, journey ends."""
    reasons: list[str] = []
    start, end = profile.constraints.start, profile.constraints.end
    if index == 0 and start is not None and _matches_ref(start, track):
        reasons.append("fixed start (constraints.start)")
    elif index == 0 and mode == "journey":
        reasons.append("journey start")
    if index == count - 1 and count > 1 and end is not None and _matches_ref(end, track):
        reasons.append("fixed end (constraints.end)")
    elif index == count - 1 and count > 1 and mode == "journey":
        reasons.append("journey end")
    return reasons


def _explain_track(sequence: Sequence, index: int) -> TrackExplanation:
    """The explanation of the step at ``index`` (0-based)."""
    step = sequence.steps[index]
    track = step.track
    wanted, avoided = _mood_matches(sequence.profile.moods, track)
    reasons = _position_reasons(sequence.profile, sequence.mode, index, len(sequence.steps), track)
    reasons.append(_fit_reason(step.fit, track, wanted, avoided, sequence.profile.moods))
    if avoided:
        named = ", ".join(f"{mood} {_num(weight)}" for mood, weight in avoided[:MAX_MOODS])
        reasons.append(f"carries moods the profile avoids: {named}")
    reasons.append(_energy_reason(step))
    return TrackExplanation(
        position=index + 1,
        track_id=track.id,
        name=track.name,
        start_s=step.start_s,
        fit=step.fit,
        matching_moods=wanted,
        avoided_moods=avoided,
        energy=track.energy,
        energy_estimated=track.energy_estimated,
        target_energy=step.target_energy,
        reasons=tuple(reasons),
    )


# --- per transition -------------------------------------------------------------------------


def _term_shares(cost: TransitionCost) -> tuple[TermShare, ...]:
    """Every term with its raw value, weight and share, in TERMS order."""
    shares = dict(cost.contributions())
    names = [t for t in TERMS if t in cost.terms] + [t for t in cost.terms if t not in TERMS]
    return tuple(
        TermShare(
            term=name,
            value=cost.terms[name],
            weight=cost.weights.get(name, 0.0),
            share=shares.get(name) if cost.terms[name] is not None else None,
        )
        for name in names
    )


def _mood_phrase(value: float) -> str:
    """The mood term in words (raw value 1 − soft cosine with the mood similarity)."""
    if value < 0.1:
        return "same mood"
    if value < 0.35:
        return "similar moods"
    if value < 0.7:
        return f"mood shift {_num(value)}"
    return f"mood change {_num(value)}"


def _sound_phrase(value: float, a: Track, b: Track) -> str:
    """The sound term in words (raw value 1 − cosine of the sound vectors), with the genres
    when they differ."""
    if value < 0.1:
        return "same sound"
    if value < 0.35:
        return "related sound"
    genres = f" ({a.genres[0]} → {b.genres[0]})" if a.genres and b.genres and a.genres[0] != b.genres[0] else ""
    if value < 0.7:
        return f"sound shift {_num(value)}{genres}"
    return f"sound change {_num(value)}{genres}"


def _energy_phrase(value: float, a: Track, b: Track) -> str:
    """The energy step in words, signed by direction (a jump from 0.25 on)."""
    if value < 0.02:
        return "same energy"
    sign = "+" if (b.energy or 0.0) >= (a.energy or 0.0) else "−"
    if value >= 0.25:
        return f"energy jump {_num(value)}"
    return f"energy step {sign}{_num(value)}"


def _tempo_phrase(value: float, a: Track, b: Track) -> str:
    """The tempo relation in words: BPM apart, a jump, or half/double time."""
    if a.tempo is None or b.tempo is None or a.tempo <= 0 or b.tempo <= 0:
        return f"tempo {_num(value)}"
    apart = abs(b.tempo - a.tempo)
    direct = abs(math.log2(b.tempo / a.tempo))
    if min(abs(math.log2(2 * b.tempo / a.tempo)), abs(math.log2(b.tempo / (2 * a.tempo)))) < direct:
        return f"half/double time ({a.tempo:.0f} → {b.tempo:.0f} BPM)"
    if value >= 0.5:
        return f"tempo jump {a.tempo:.0f} → {b.tempo:.0f} BPM"
    if round(apart) == 0:
        return "same tempo"
    return f"{apart:.0f} BPM apart"


def _key_phrase(value: float, a: Track, b: Track) -> str:
    """The key relation in words, with Camelot codes when the keys differ."""
    if a.key is None or a.mode is None or b.key is None or b.mode is None:
        return f"key {_num(value)}"
    num_a, letter_a = camelot(a.key, a.mode)
    num_b, letter_b = camelot(b.key, b.mode)
    codes = f"{num_a}{letter_a} → {num_b}{letter_b}"
    if value == 0:
        return "same key"
    if value <= 0.25:
        return f"related key ({codes})"
    if value <= 0.6:
        return f"keys two steps apart ({codes})"
    return f"key clash ({codes})"


def _verdict(cost: TransitionCost, terms: tuple[TermShare, ...], a: Track, b: Track) -> str:
    """A short sentence: the label, then up to three known terms (for a smooth transition the
    best-matching first, otherwise the biggest contributors first)."""
    label = "smooth" if cost.total < SMOOTH else "fair" if cost.total < ROUGH else "rough"
    known = [t for t in terms if t.value is not None and t.weight > 0]
    if not known:
        return f"{label}: nothing comparable known about the two tracks"
    if label == "smooth":  # say what makes it smooth: the best-matching terms first
        known.sort(key=lambda t: (t.value or 0.0, -t.weight))
    else:  # say what makes it costly: the biggest contributors first
        known.sort(key=lambda t: -(t.share or 0.0))
    phrasers = {
        "mood": lambda v: _mood_phrase(v),
        "sound": lambda v: _sound_phrase(v, a, b),
        "energy": lambda v: _energy_phrase(v, a, b),
        "tempo": lambda v: _tempo_phrase(v, a, b),
        "key": lambda v: _key_phrase(v, a, b),
    }
    phrases = [
        phrasers[t.term](t.value) if t.term in phrasers else f"{t.term} {_num(t.value)}"
        for t in known
        if t.value is not None
    ]
    return f"{label}: {', '.join(phrases[:3])}"


def _explain_transition(sequence: Sequence, index: int) -> TransitionExplanation | None:
    """The explanation of arriving at step ``index`` (None for the first step)."""
    step = sequence.steps[index]
    cost = step.transition
    if cost is None or index == 0:
        return None
    previous = sequence.steps[index - 1].track
    terms = _term_shares(cost)
    return TransitionExplanation(
        position=index + 1,
        from_id=previous.id,
        to_id=step.track.id,
        from_name=previous.name,
        to_name=step.track.name,
        total=cost.total,
        terms=terms,
        verdict=_verdict(cost, terms, previous, step.track),
    )


# --- the whole ------------------------------------------------------------------------------


def explain(sequence: Sequence) -> Explanation:
    """Explain ``sequence``: per-track reasons, per-transition terms and a summary.

    Reads the sequence's own numbers (``Step.fit``, ``Step.target_energy``,
    ``Step.transition``, ``Sequence.score``), never recomputing them.
    """
    tracks = tuple(_explain_track(sequence, i) for i in range(len(sequence.steps)))
    transitions = tuple(
        t for t in (_explain_transition(sequence, i) for i in range(len(sequence.steps))) if t is not None
    )
    weakest: TransitionExplanation | None = None
    for transition in transitions:
        if weakest is None or transition.total > weakest.total:
            weakest = transition
    score = sequence.score
    summary = Summary(
        profile=sequence.profile.name,
        mode=sequence.mode,
        seed=sequence.seed,
        tracks=len(sequence.steps),
        minutes=sequence.duration_s / 60.0,
        flow_cost=score.flow_cost,
        arc_error=score.arc_error,
        mood_fit=score.mood_fit,
        total=score.total,
        items=tuple(score.items()),
        weakest=weakest,
    )
    return Explanation(tracks=tracks, transitions=transitions, summary=summary, warnings=sequence.warnings)


def _clock(seconds: float) -> str:
    """``m:ss`` (or ``h:mm:ss``) for a start time."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def summary_line(summary: Summary) -> str:
    """One line: tracks, minutes, flow cost, arc error, mood fit and the objective's parts."""
    parts = ", ".join(f"{term} {value:.3f}" for term, value in summary.items)
    return (
        f"{summary.tracks} track{'' if summary.tracks == 1 else 's'}, {summary.minutes:.1f} min; "
        f"flow cost {summary.flow_cost:.3f}, "
        f"arc error {summary.arc_error:.3f}, mood fit {summary.mood_fit:.2f}; "
        f"objective {summary.total:.3f} ({parts})"
    )


def _terms_text(transition: TransitionExplanation) -> str:
    """``mood 0.10→0.04, energy 0.20→0.05, tempo ?, key 0→0`` (raw → share)."""
    out = []
    for term in transition.terms:
        if term.value is None or term.share is None:
            out.append(f"{term.term} unknown")
        else:
            out.append(f"{term.term} {term.value:.2f}→{term.share:.3f}")
    return ", ".join(out)


def explanation_lines(expl: Explanation) -> list[str]:
    """The explanation as plain text lines (no colour, no trailing spaces)."""
    s = expl.summary
    seed = "" if s.seed is None else f", seed {s.seed}"
    lines = [f"Why these tracks — profile {s.profile} ({s.mode}{seed})"]
    by_position = {t.position: t for t in expl.transitions}
    for track in expl.tracks:
        lines.append(f"{track.position:>3}. [{_clock(track.start_s)}] {track.name}")
        transition = by_position.get(track.position)
        if transition is not None:
            lines.append(f"       ← cost {transition.total:.3f}, {transition.verdict}")
            lines.append(f"         terms (raw→share): {_terms_text(transition)}")
        lines.extend(f"       - {reason}" for reason in track.reasons)
    lines.append("Summary: " + summary_line(s))
    if s.weakest is not None:
        w = s.weakest
        lines.append(
            f"Weakest transition: {w.position - 1}→{w.position} {w.from_name} → {w.to_name} "
            f"(cost {w.total:.3f}; {w.verdict})"
        )
    lines.extend(f"Warning: {warning}" for warning in expl.warnings)
    return lines
