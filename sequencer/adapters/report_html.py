"""A shareable report: one self-contained HTML file that opens offline.

The page holds, in order: the profile's name with the score summary (and any warnings), the
plot as inline SVG (:func:`sequencer.adapters.plot.plot_svg`, text drawn as paths), the table
of tracks, each transition's cost term by term with its verdict, why each track was chosen
(both from :mod:`sequencer.core.explain`), and the profile used, written as profile TOML.

Self-contained means no external resource of any kind: no fonts, scripts, style sheets, images
or CDN links — the CSS is inline, fonts are the reader's own (``system-ui``), and the SVG's
namespace attributes are dropped (HTML does not need them), so the file contains no ``http``
address at all unless a track's own text does.  Every piece of text from the library is
escaped.  The file is written atomically.

Public: :func:`render_report`, :func:`write_report`, :func:`profile_toml`.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sequencer import __version__
from sequencer.adapters.exporters.write import atomic_write_text
from sequencer.core.explain import Explanation, TermShare, explain
from sequencer.core.profile import profile_to_mapping
from sequencer.core.sequence import Sequence, Step
from sequencer.core.transitions import TERMS

if TYPE_CHECKING:
    from sequencer.adapters.sound_space import SoundMap

_CSS = """
:root { --ink: #1d1d1f; --muted: #5f6368; --rule: #d9d9de; --band: #f5f5f7;
        --smooth: #009E73; --fair: #E69F00; --rough: #D55E00; }
* { box-sizing: border-box; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial,
       sans-serif; color: var(--ink); margin: 0 auto; padding: 1.5rem; max-width: 72rem;
       line-height: 1.4; }
h1 { font-size: 1.7rem; margin: 0 0 .2rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .6rem; border-bottom: 1px solid var(--rule);
     padding-bottom: .2rem; }
.lede { color: var(--muted); margin: 0 0 .8rem; }
dl.stats { display: flex; flex-wrap: wrap; gap: .4rem 1.6rem; margin: .6rem 0; }
dl.stats div { min-width: 6rem; }
dl.stats dt { font-size: .75rem; text-transform: uppercase; letter-spacing: .04em;
              color: var(--muted); }
dl.stats dd { margin: 0; font-size: 1.25rem; font-variant-numeric: tabular-nums; }
.warnings { background: #fff4e5; border-left: 4px solid var(--fair); padding: .5rem 1rem; }
figure { margin: 1rem 0; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { color: var(--muted); font-size: .85rem; }
table { border-collapse: collapse; width: 100%; font-size: .9rem; }
th, td { text-align: left; padding: .3rem .5rem; border-bottom: 1px solid var(--rule);
         vertical-align: top; }
th { font-size: .75rem; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
tbody tr:nth-child(even) { background: var(--band); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.title { font-weight: 600; }
.sub { color: var(--muted); font-weight: normal; display: block; font-size: .85em; }
.est { color: var(--muted); }
.verdict { font-weight: 600; }
.verdict.smooth { color: var(--smooth); } .verdict.fair { color: #8a5a00; }
.verdict.rough { color: var(--rough); }
.bar { display: inline-block; height: .6rem; background: var(--ink); vertical-align: middle;
       margin-right: .3rem; }
ol.why li { margin-bottom: .3rem; }
ol.why ul { margin: .1rem 0; padding-left: 1.2rem; color: var(--muted); }
pre { background: var(--band); padding: .8rem 1rem; overflow-x: auto; font-size: .85rem; }
footer { margin-top: 2rem; color: var(--muted); font-size: .8rem; }
@media print { body { max-width: none; padding: 0; } tbody tr:nth-child(even) { background: none; }
               h2 { break-after: avoid; } tr { break-inside: avoid; } }
"""

_SVG_NAMESPACE = re.compile(r'\s+xmlns(:xlink)?="[^"]*"')


def _e(text: object) -> str:
    """HTML-escaped text."""
    return html.escape(str(text), quote=True)


def _clock(seconds: float) -> str:
    """``m:ss`` or ``h:mm:ss``."""
    hours, rest = divmod(round(seconds), 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


# --- the profile as TOML --------------------------------------------------------------------


def _toml_value(value: Any) -> str:
    """A TOML literal for a str, bool, number or list of those."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return json.dumps(str(value), ensure_ascii=False)


def _toml_key(key: str) -> str:
    """A bare key when it may be one, else a quoted key."""
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def profile_toml(mapping: Mapping[str, Any]) -> str:
    """The profile mapping (:func:`profile_to_mapping`) as TOML a profile file can hold."""
    lines: list[str] = []
    tables: list[tuple[str, Mapping[str, Any]]] = []
    for key, value in mapping.items():
        if isinstance(value, Mapping):
            tables.append((key, value))
        else:
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for name, table in tables:
        lines += ["", f"[{_toml_key(name)}]"]
        lines += [f"{_toml_key(k)} = {_toml_value(v)}" for k, v in table.items()]
    return "\n".join(lines) + "\n"


# --- page parts -----------------------------------------------------------------------------


def _stats(sequence: Sequence) -> str:
    """The summary numbers as a definition list."""
    score = sequence.score
    items = [
        ("tracks", str(len(sequence.steps))),
        ("length", f"{sequence.duration_s / 60:.1f} min"),
        ("flow cost", f"{score.flow_cost:.3f}"),
        ("arc error", f"{score.arc_error:.3f}"),
        ("mood fit", f"{score.mood_fit:.2f}"),
        ("seed", "none" if sequence.seed is None else str(sequence.seed)),
    ]
    cells = "".join(f"<div><dt>{_e(k)}</dt><dd>{_e(v)}</dd></div>" for k, v in items)
    return f'<dl class="stats" id="summary">{cells}</dl>'


def _warnings(sequence: Sequence) -> str:
    """A warning box, or nothing."""
    if not sequence.warnings:
        return ""
    items = "".join(f"<li>{_e(w)}</li>" for w in sequence.warnings)
    return f'<div class="warnings" role="note"><strong>Warnings</strong><ul>{items}</ul></div>'


def _inline_svg(svg: str) -> str:
    """The plot's SVG with its namespace declarations dropped (implicit in HTML)."""
    head, rest = svg.split(">", 1)
    head = _SVG_NAMESPACE.sub("", head)
    head += ' role="img" aria-labelledby="plot-caption"'
    return head + ">" + rest


def _figure(sequence: Sequence, sound_map: SoundMap | None = None) -> str:
    """The plot with its caption (and the sound map beside it when given)."""
    from sequencer.adapters.plot import plot_svg

    caption = (
        "Top: the profile's energy arc (dashed) and each track's energy (solid; dotted = estimated "
        "from moods; ? = unknown). Middle: the cost of each join (taller and darker = rougher; "
        "hatched = rough). Bottom: each track's moods as stacked shares."
    )
    if sound_map is not None:
        caption += (
            " Right: the playlist inside its library's sound — grey dots are a sample of the library "
            "on the first two principal axes of the sound vectors, the playlist's tracks are numbered "
            "and joined in order (near = sounds alike)."
        )
    return (
        f'<figure id="plot">{_inline_svg(plot_svg(sequence, sound_map))}'
        f'<figcaption id="plot-caption">{_e(caption)}</figcaption></figure>'
    )


def _moods(step: Step) -> str:
    """All of a track's moods with weights, strongest first."""
    ranked = sorted(step.track.moods.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(f"{_e(mood)} {weight:.2f}" for mood, weight in ranked if weight > 0) or "–"


def _energy(step: Step) -> str:
    """Energy, with the estimate marked."""
    energy = step.track.energy
    if energy is None:
        return '<span class="est" title="unknown">–</span>'
    if step.track.energy_estimated:
        return f'<span class="est" title="estimated from moods">{energy:.2f}~</span>'
    return f"{energy:.2f}"


def _tracks_table(sequence: Sequence) -> str:
    """The table of tracks."""
    head = (
        '<tr><th class="num">#</th><th class="num">start</th><th>track</th>'
        '<th class="num">length</th><th class="num">energy</th><th class="num">target</th>'
        '<th class="num">fit</th><th>moods</th></tr>'
    )
    rows = []
    for number, step in enumerate(sequence.steps, start=1):
        track = step.track
        album = f'<span class="sub">{_e(track.artist)}{" · " + _e(track.album) if track.album else ""}</span>'
        target = "–" if step.target_energy is None else f"{step.target_energy:.2f}"
        rows.append(
            f'<tr><td class="num">{number}</td><td class="num">{_clock(step.start_s)}</td>'
            f'<td class="title">{_e(track.title)}{album}</td>'
            f'<td class="num">{_clock(track.duration_s)}</td><td class="num">{_energy(step)}</td>'
            f'<td class="num">{target}</td><td class="num">{step.fit:+.2f}</td>'
            f"<td>{_moods(step)}</td></tr>"
        )
    return f'<table id="tracks"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _term_cell(term: TermShare) -> str:
    """``0.32 → 0.080`` (raw value → share of the total) or ``unknown``."""
    if term.value is None or term.share is None:
        return '<td class="num est">unknown</td>'
    return f'<td class="num">{term.value:.2f} → {term.share:.3f}</td>'


def _transitions_table(explanation: Explanation) -> str:
    """Each join: from → to, total cost with a bar, verdict, and every term."""
    if not explanation.transitions:
        return "<p>A single track has no transitions.</p>"
    term_heads = "".join(f'<th class="num">{_e(t)}</th>' for t in TERMS)
    head = f'<tr><th class="num">#</th><th>from → to</th><th class="num">cost</th><th>verdict</th>{term_heads}</tr>'
    rows = []
    for item in explanation.transitions:
        kind = item.verdict.split(":", 1)[0].strip()
        terms = {t.term: t for t in item.terms}
        cells = "".join(_term_cell(terms[t]) if t in terms else '<td class="num est">–</td>' for t in TERMS)
        bar = f'<span class="bar" style="width:{item.total * 4:.2f}rem"></span>'
        rows.append(
            f'<tr><td class="num">{item.position - 1}→{item.position}</td>'
            f'<td>{_e(item.from_name)}<span class="sub">→ {_e(item.to_name)}</span></td>'
            f'<td class="num">{bar}{item.total:.3f}</td>'
            f'<td><span class="verdict {_e(kind)}">{_e(item.verdict)}</span></td>{cells}</tr>'
        )
    note = (
        '<p class="lede">Each term is shown as raw value (0 = seamless, 1 = jarring) → its '
        "weighted share of the cost; the shares add up to the cost.</p>"
    )
    return f'{note}<table id="transitions"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _reasons(explanation: Explanation) -> str:
    """Why each track is where it is."""
    items = []
    for track in explanation.tracks:
        reasons = "".join(f"<li>{_e(r)}</li>" for r in track.reasons)
        items.append(f"<li><strong>{_e(track.name)}</strong><ul>{reasons}</ul></li>")
    return f'<ol class="why" id="reasons">{"".join(items)}</ol>'


def _profile(sequence: Sequence) -> str:
    """The profile used, as TOML."""
    profile = sequence.profile
    intro = f'<p class="lede">Save this as <code>{_e(profile.name)}.toml</code> to build with the same settings.</p>'
    return f'{intro}<pre id="profile"><code>{_e(profile_toml(profile_to_mapping(profile)))}</code></pre>'


def _sections(parts: Iterable[tuple[str, str, str]]) -> str:
    """``<section>`` elements from (id, heading, body)."""
    return "".join(
        f'<section id="{_e(key)}-section"><h2>{_e(title)}</h2>{body}</section>' for key, title, body in parts
    )


def render_report(sequence: Sequence, sound_map: SoundMap | None = None) -> str:
    """The whole report as one HTML string (see the module docstring); ``sound_map`` adds the
    map of the playlist in its library's sound."""
    explanation = explain(sequence)
    profile = sequence.profile
    title = f"{profile.name} — moodseq"
    mode = "" if sequence.mode == "build" else f" ({sequence.mode})"
    lede = _e(profile.description) if profile.description else f"A {_e(profile.name)} playlist"
    body = (
        f'<header><h1>{_e(profile.name)}{_e(mode)}</h1><p class="lede">{lede}</p>'
        f"{_stats(sequence)}{_warnings(sequence)}</header>"
        f"<main>{_figure(sequence, sound_map)}"
        + _sections(
            [
                (
                    "tracks",
                    "Tracks",
                    _tracks_table(sequence)
                    + '<p class="lede">~ energy estimated from the track\'s moods; fit = cosine between '
                    "the profile's moods and the track's (−1 to 1) times the confidence of the track's "
                    "moods (how much evidence they rest on: 1 for hand tags, less for inferred ones).</p>",
                ),
                ("transitions", "Transitions", _transitions_table(explanation)),
                ("reasons", "Why each track", _reasons(explanation)),
                ("profile", "Profile used", _profile(sequence)),
            ]
        )
        + f"</main><footer>Made with moodseq {_e(__version__)}. This file needs no network: "
        "everything it shows is inside it.</footer>"
    )
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="en"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>{body}</body></html>\n"
    )


def write_report(sequence: Sequence, path: Path, *, sound_map: SoundMap | None = None) -> None:
    """Write the report of ``sequence`` to ``path`` atomically (UTF-8)."""
    atomic_write_text(Path(path), render_report(sequence, sound_map))
