"""Why not this track: what kept a track out of a playlist (``moodseq explain --why-not``).

Checked in the order a build decides, the first that applies is the verdict:

1. ``in the playlist`` — it is there (position given);
2. ``a rule`` — a hard rule of the profile rules it out (an excluded genre, artist, mood,
   explicit lyrics, too long…), :func:`~sequencer.core.candidates.exclusion_reason`;
3. ``mood`` — its moods do not fit: the fit (cosine × confidence, plus exemplars and genres)
   is not above 0, or the profile's core mood is below :data:`~sequencer.core.shortfall.PRESENT`;
4. ``not among the candidates`` — a large library is cut to the few hundred best-fitting tracks
   before the walk; this one ranked below the cut (its fit against the weakest candidate's);
5. ``objective`` — it was a candidate, but every way of putting it in (replacing a track, or
   adding it where the duration allows) breaks a rule or makes the objective worse: the best
   such playlist, and how much worse, term by term.

Public: :class:`WhyNot`, :func:`why_not`, :func:`why_not_lines`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sequencer.core.build import touchstones
from sequencer.core.candidates import exclusion_reason
from sequencer.core.context import context_fit
from sequencer.core.profile import Profile
from sequencer.core.refs import resolve_refs
from sequencer.core.scoring import arc_error, flow_cost, mood_fit
from sequencer.core.sequence import Sequence as PlaylistSequence
from sequencer.core.shortfall import PRESENT, core_mood
from sequencer.core.track import Track, normalise_text, song_key


@dataclass(frozen=True)
class WhyNot:
    """What kept one track out of a playlist."""

    track: Track
    verdict: str
    """``in the playlist``, ``a rule``, ``mood``, ``not among the candidates`` or ``objective``."""
    reasons: tuple[str, ...]
    """Sentences with the numbers, most important first."""


def _objective(tracks: Sequence[Track], profile: Profile, exemplars: Sequence[Track]) -> tuple[float, dict[str, float]]:
    """The walk's objective of ``tracks`` (context fit), and its three weighted parts."""
    total_s = sum(t.duration_s for t in tracks) or 1.0
    fit = sum(t.duration_s * context_fit(profile, t, exemplars) for t in tracks) / total_s
    w = profile.weights
    parts = {
        "flow": w.flow * flow_cost(tracks, profile.transition),
        "arc": w.arc * arc_error(tracks, profile.arc),
        "fit": w.fit * (1.0 - fit) / 2.0,
    }
    return sum(parts.values()), parts


def _breaks(tracks: Sequence[Track], profile: Profile) -> str | None:
    """The first hard rule ``tracks`` break (None = valid)."""
    low, high = profile.window_s
    total = sum(t.duration_s for t in tracks)
    if not low <= total <= high:
        return f"the duration window ({total / 60:.1f} minutes)"
    songs = [song_key(t.artists, t.title) for t in tracks]
    if len(set(songs)) < len(songs):
        return "no song twice"
    cons = profile.constraints
    artists = [{normalise_text(a) for a in t.artists} for t in tracks]
    for i, names in enumerate(artists):
        for j in range(i + 1, min(len(artists), i + 1 + cons.artist_gap)):
            if names & artists[j]:
                return f"artist_gap = {cons.artist_gap}"
    if cons.max_per_artist is not None:
        counts: dict[str, int] = {}
        for names in artists:
            for a in names:
                counts[a] = counts.get(a, 0) + 1
        if counts and max(counts.values()) > cons.max_per_artist:
            return f"max_per_artist = {cons.max_per_artist}"
    return None


def _kept(playlist: Sequence[Track], profile: Profile, exemplars: Sequence[Track]) -> set[str]:
    """Ids of the tracks every build of ``profile`` plays: its must-include tracks and its
    touchstones (the build's own rule, :func:`~sequencer.core.build.touchstones`)."""
    found, _ = resolve_refs(playlist, profile.constraints.must_include)
    fixed = list(found)
    if profile.constraints.start and playlist:
        fixed.append(playlist[0])
    if profile.constraints.end and playlist:
        fixed.append(playlist[-1])
    in_playlist = {t.id for t in playlist}
    return {t.id for t in found} | {t.id for t in touchstones(exemplars, profile, fixed) if t.id in in_playlist}


def _variants(playlist: list[Track], track: Track, profile: Profile, kept: set[str]) -> list[tuple[str, list[Track]]]:
    """Every playlist with ``track`` put in: replacing each free track (not one in ``kept``, which
    every build plays), or added at each place."""
    lo = 1 if profile.constraints.start else 0
    hi = len(playlist) - (1 if profile.constraints.end else 0)
    out = []
    for i in range(lo, hi):
        if playlist[i].id in kept:
            continue
        out.append((f"replacing #{i + 1} {playlist[i].name}", [*playlist[:i], track, *playlist[i + 1 :]]))
    for i in range(lo, hi + 1):
        out.append((f"added at #{i + 1}", [*playlist[:i], track, *playlist[i:]]))
    return out


def _objective_reasons(
    track: Track, sequence: PlaylistSequence, exemplars: Sequence[Track]
) -> tuple[str, tuple[str, ...]]:
    profile, playlist = sequence.profile, list(sequence.tracks)
    base, base_parts = _objective(playlist, profile, exemplars)
    best: tuple[float, str, dict[str, float]] | None = None
    blocked: dict[str, int] = {}
    for label, variant in _variants(playlist, track, profile, _kept(playlist, profile, exemplars)):
        rule = _breaks(variant, profile)
        if rule is not None:
            blocked[rule] = blocked.get(rule, 0) + 1
            continue
        value, parts = _objective(variant, profile, exemplars)
        if best is None or value < best[0]:
            best = (value, label, parts)
    if best is None:
        rules = ", ".join(f"{rule} ({n}×)" for rule, n in sorted(blocked.items(), key=lambda kv: -kv[1]))
        return "a rule", (f"every way of putting it in breaks a hard rule: {rules}",)
    value, label, parts = best
    change = ", ".join(f"{term} {parts[term] - base_parts[term]:+.3f}" for term in ("flow", "arc", "fit"))
    pct = 100.0 * (value - base) / base if base > 0 else 0.0
    reasons = [
        f"it was a candidate, but the best playlist with it ({label}) scores {value:.3f} against "
        f"{base:.3f} on the objective the build optimises: {pct:+.1f} % ({change}; lower is better; "
        "its fit counts the exemplars and genres too, so the totals differ from the summary's)"
    ]
    if value < base:
        reasons.append("(that playlist would score better: another seed, or a longer search, may pick it)")
    return "objective", tuple(reasons)


def _mood_reasons(track: Track, profile: Profile, fit: float, candidate: bool = False) -> list[str]:
    mood = core_mood(profile)
    have = ", ".join(f"{m} {w:.2f}" for m, w in sorted(track.moods.items(), key=lambda kv: -kv[1])) or "none"
    want = ", ".join(f"{m} {w:g}" for m, w in profile.moods.items())
    out = [f"its moods ({have}; confidence {track.confidence:.2f}) against the profile's ({want}): fit {fit:.2f}"]
    if mood is not None and track.moods.get(mood, 0.0) < PRESENT:
        weight = track.moods.get(mood, 0.0)
        tag = f'`moodseq library tag "{track.name}" {mood}=1`'
        if candidate:  # an exemplar, or a fit that made it one: the weight did not keep it out
            out.append(
                f"its {mood} weight {weight:.2f} is below {PRESENT:g}, yet its fit made it a candidate "
                f"({tag} if you hear it as {mood})"
            )
        else:
            out.append(
                f"its {mood} weight {weight:.2f} is below the minimum {PRESENT:g} (if you hear it as {mood}: {tag})"
            )
    return out


def why_not(
    track: Track,
    sequence: PlaylistSequence,
    candidates: Sequence[Track],
    exemplars: Sequence[Track] = (),
) -> WhyNot:
    """What kept ``track`` out of ``sequence`` (built from ``candidates``); see the module docstring."""
    profile = sequence.profile
    for pos, t in enumerate(sequence.tracks, 1):
        if t.id == track.id:
            return WhyNot(track, "in the playlist", (f"it is in the playlist at #{pos}",))
    reason = exclusion_reason(track, profile.constraints, profile.window_s[1])
    if reason is not None:
        return WhyNot(track, "a rule", (f"a hard rule of the profile rules it out: {reason}",))
    fit = context_fit(profile, track, exemplars)
    in_pool = any(c.id == track.id for c in candidates)
    moods = _mood_reasons(track, profile, fit, candidate=in_pool)
    mood = core_mood(profile)
    core_missing = mood is not None and track.moods.get(mood, 0.0) < PRESENT
    if fit <= 0.0 or (core_missing and not in_pool):
        return WhyNot(track, "mood", tuple(moods))
    if not in_pool:
        fits = sorted(context_fit(profile, c, exemplars) for c in candidates)
        weakest = fits[len(fits) // 10] if fits else 0.0
        return WhyNot(
            track,
            "not among the candidates",
            (
                f"its fit {fit:.2f} (mood fit {mood_fit(profile.moods, track):.2f}) ranked it below the "
                f"{len(candidates)} candidates kept for the walk (90 % of them fit ≥ {weakest:.2f})",
                *moods,
            ),
        )
    verdict, reasons = _objective_reasons(track, sequence, exemplars)
    return WhyNot(track, verdict, (*reasons, *moods))


def why_not_lines(result: WhyNot, profile_name: str) -> list[str]:
    """The terminal form of a :class:`WhyNot`."""
    lines = [f"Why not {result.track.name} in {profile_name}: {result.verdict}"]
    lines.extend(f"  - {reason}" for reason in result.reasons)
    return lines
