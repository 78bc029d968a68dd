"""Text for ``moodseq moods``: mood definitions, inference counts and per-track evidence.

Pure formatting (no I/O, nothing heavy imported): each function returns lines that the
command prints, so the wording can be tested without a library.

Public: :func:`mood_lines`, :func:`inference_lines`, :func:`explanation_lines`,
:func:`sound_lines`, :func:`neighbour_lines`,
:func:`rule_text`, :func:`attribute_text`, :func:`evidence_lines`, :data:`PITCHES`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from sequencer.cli.output import plural

if TYPE_CHECKING:
    from sequencer.adapters.mood_inference import InferenceSummary, TrackMoodEvidence
    from sequencer.adapters.moods_file import MoodsConfig
    from sequencer.adapters.sound_space import SoundNeighbours, SoundSummary
    from sequencer.core.infer import MoodEvidence
    from sequencer.core.moods import AttributeRule

PITCHES = ("C", "C#", "D", "D#", "E", "F", "F#", "G", "G#", "A", "A#", "B")


def rule_text(rule: AttributeRule) -> str:
    """One attribute rule as ``energy 0.2–0.6 (floor 0.1, weight 2, hard)``."""
    if rule.low is not None and rule.high is not None:
        text = f"{rule.attribute} {rule.low:g}–{rule.high:g}"
    elif rule.high is not None:
        text = f"{rule.attribute} ≤ {rule.high:g}"
    else:
        text = f"{rule.attribute} ≥ {rule.low:g}"
    extras = [f"floor {rule.floor:g}"] if rule.floor else []
    extras += [f"weight {rule.weight:g}"] if rule.weight != 1 else []
    extras += ["hard"] if rule.hard else []
    return f"{text} ({', '.join(extras)})" if extras else text


def mood_lines(config: MoodsConfig) -> list[str]:
    """Every mood: description and origin, then aliases, tag synonyms and attribute region."""
    lines: list[str] = []
    width = max(len(n) for n in config.vocabulary.names)
    for name, mood in config.vocabulary.moods.items():
        origin = "changed in your moods file" if name in config.user_moods else "built-in"
        lines.append(f"{name:<{width}}  {mood.description}  [{origin}]")
        pad = " " * (width + 2)
        if mood.aliases:
            lines.append(f"{pad}aliases: {', '.join(mood.aliases)}")
        tags = sorted(mood.tags.items(), key=lambda kv: (-kv[1], kv[0]))
        shown = ", ".join(f"{t.replace('-', ' ')} {w:g}" for t, w in tags[:8])
        more = f", … ({len(tags)} in all)" if len(tags) > 8 else ""
        lines.append(f"{pad}tags: {shown or 'none'}{more}")
        lines.append(f"{pad}region: {'; '.join(rule_text(r) for r in mood.rules) or 'none'}")
    return lines


def inference_lines(summary: InferenceSummary, *, seconds: float, dry_run: bool) -> list[str]:
    """The ``moods infer`` report: totals and evidence, then tracks and mean weight per mood."""
    verb = "Would infer" if dry_run else "Inferred"
    lines = [
        f"{verb} moods for {plural(summary.tracks, 'track')} in {seconds:.2f} s "
        f"(evidence: attributes for {summary.from_attributes:,}, "
        f"tags or playlist names that name a mood for {summary.from_tags:,})"
    ]
    for mood, count, mean in summary.per_mood:
        lines.append(f"  {mood:<14} {count:>7,} {'track ' if count == 1 else 'tracks'}  mean weight {mean:.2f}")
    if summary.untouched:
        fit = "track fits" if summary.untouched == 1 else "tracks fit"
        lines.append(
            f"  {'(none)':<14} {summary.untouched:>7,} {fit} no mood "
            "(more evidence: `moodseq enrich lastfm`, `moodseq analyze DIR`)"
        )
    return lines


def attribute_text(attrs: Mapping[str, float | None]) -> str:
    """Known attributes as ``name value``; key and mode also in words (``key 9 (A)``)."""
    parts = []
    for name, value in attrs.items():
        if value is None:
            continue
        text = f"{name} {value:g}"
        if name == "key" and 0 <= value <= 11:
            text += f" ({PITCHES[int(value)]})"
        elif name == "mode":
            text += " (major)" if value == 1 else " (minor)"
        parts.append(text)
    return ", ".join(parts)


def evidence_lines(evidence: MoodEvidence, stored: list[tuple[str, float]], full: bool) -> list[str]:
    """A mood's weight, its formula, and (when it matters) every tag and rule behind it."""
    head = f"{evidence.mood} {evidence.weight:.2f} = {evidence.formula()}"
    winner = stored[0] if stored else None
    if winner is not None and winner[0] != "inferred":
        head += f"   [in use: {winner[0]} {winner[1]:.2f}, it wins]"
    lines = [head]
    if evidence.weight <= 0.0 and not full:
        blockers = evidence.blockers()
        if blockers:
            lines[0] += "   (" + "; ".join(r.describe() for r in blockers[:2]) + ")"
        return lines
    lines += [f"    tag {t.describe()}" for t in evidence.tags]
    lines += [f"    {r.describe()}" for r in evidence.rules]
    return lines


def explanation_lines(found: TrackMoodEvidence, *, wanted: str | None, full: bool) -> list[str]:
    """The ``moods explain`` report: the track's data, then each mood's evidence (strongest first)."""
    tags = found.tags
    lines = [found.track.name, f"  attributes: {attribute_text(found.attributes) or 'none known'}"]
    ranked = sorted(tags.items(), key=lambda kv: (-kv[1], kv[0]))
    tag_text = ", ".join(f"{t} {w:.2f}" for t, w in ranked[:12])
    if len(ranked) > 12:  # never let a cut list pass for the whole
        tag_text += f", … ({len(ranked)} in all)"
    lines.append(f"  tags: {tag_text or 'none (`moodseq enrich lastfm` fetches crowd tags)'}")
    in_use = {m: s[0] for m, s in found.stored.items() if s}
    if in_use:
        lines.append("  stored: " + ", ".join(f"{m} {w:.2f} ({src})" for m, (src, w) in in_use.items()))
    for item in sorted(found.evidence, key=lambda e: -e.weight):
        if wanted is None or item.mood == wanted:
            for line in evidence_lines(item, found.stored.get(item.mood, []), full or wanted is not None):
                lines.append(f"  {line}")
    return lines


def sound_lines(summary: SoundSummary) -> list[str]:
    """The ``moods infer`` report's sound line: coverage, evidence, and what changed."""
    if not summary.tracks:
        return []
    share = summary.with_vector / summary.tracks
    lines = [
        f"Sound vectors for {summary.with_vector:,} of {summary.tracks:,} tracks ({share:.0%}; "
        f"evidence: genres/tags for {summary.from_genres:,}, shared playlists or genres borrowed from "
        f"them or the artist for {summary.from_playlists:,}, "
        f"attributes for {summary.from_audio:,}); {summary.written:,} stored or changed"
    ]
    missing = summary.tracks - summary.with_vector
    if missing:
        have = "has" if missing == 1 else "have"
        lines.append(
            f"  {plural(missing, 'track')} {have} no evidence of their sound: no genre, crowd tag or shared playlist "
            "(`moodseq enrich lastfm` fetches crowd tags; importing your playlists records membership)"
        )
    return lines


def neighbour_lines(near: SoundNeighbours) -> list[str]:
    """The ``moods explain`` report's sound part: nearest genres, then nearest tracks."""
    if near.track.sound is None:
        return ["  sound: no vector (no genre, crowd tag or shared playlist; `moodseq moods infer` places tracks)"]
    genres = ", ".join(f"{name} {cos:.2f}" for name, cos in near.genres)
    lines = [f"  sound: nearest genres {genres or 'none'}"]
    if near.tracks:
        lines.append("  nearest tracks in sound:")
        for track, cos in near.tracks:
            genre = f" [{', '.join(track.genres[:2])}]" if track.genres else ""
            lines.append(f"    {cos:.2f}  {track.name}{genre}")
    return lines
