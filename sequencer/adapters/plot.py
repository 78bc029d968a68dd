"""Plot a sequence the way a DJ sees a set: the arc, the energy, the moods, the rough joins.

One figure, three panels sharing a time axis in minutes:

1. **energy** — the profile's target arc (dashed) and each track's energy as a step, one level
   per track (solid; estimated energies dotted with hollow markers), track numbers on top;
2. **transitions** — one bar per join, its height the transition cost and its colour the same
   cost on the cividis scale, with the smooth/rough thresholds of :mod:`sequencer.core.explain`;
3. **moods** — a ribbon of each track's mood weights, stacked as shares of the track's moods;

and, when the library has sound vectors, a map beside them: a sample of the library on its
first two principal axes in sound (grey) with the playlist's tracks numbered and joined in
order (:func:`sequencer.adapters.sound_space.library_map`).

Readable in print and by colour-blind people: the Okabe–Ito palette, cividis for cost, and
every distinction also carried by something other than colour (line style, markers, bar height,
hatching).  The title names the profile, the length and the seed.

matplotlib is imported inside the functions (the Agg canvas, no pyplot and no global backend
switch), so importing this module costs nothing.

Public: :func:`plot_sequence`, :func:`plot_svg`, :func:`figure_for`, :func:`check_plot_path`,
:data:`OKABE_ITO`.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sequencer.adapters.exporters.write import OutputFileError, atomic_write_bytes, check_target
from sequencer.core.arcs import target_at
from sequencer.core.explain import ROUGH, SMOOTH
from sequencer.core.sequence import Sequence

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from sequencer.adapters.sound_space import SoundMap

#: Okabe & Ito's colour-blind-safe palette (black first, as the arc is drawn in it).
OKABE_ITO: tuple[str, ...] = (
    "#000000",
    "#E69F00",
    "#56B4E9",
    "#009E73",
    "#F0E442",
    "#0072B2",
    "#D55E00",
    "#CC79A7",
)
#: Colours of the mood layers (the palette without black), then hatches to tell them apart in print.
MOOD_COLOURS: tuple[str, ...] = OKABE_ITO[1:]
MOOD_HATCHES: tuple[str, ...] = ("", "///", "...", "\\\\\\", "xxx", "---", "ooo")
#: How many moods the ribbon names; the rest are summed as "other".
MAX_MOODS = 6
ENERGY_COLOUR = "#0072B2"
#: At most this many evenly spaced track numbers fit along the top axis.
MAX_TRACK_LABELS = 36
#: Joins up to this many get their cost written above the bar.
MAX_COST_LABELS = 40
ARC_COLOUR = "#000000"


def _minutes(seconds: float) -> float:
    """Seconds → minutes for the time axis."""
    return seconds / 60.0


def _title(sequence: Sequence) -> str:
    """``night-drive — 61 min, 15 tracks, seed 7`` (+ the mode when not a plain build)."""
    count = len(sequence.steps)
    parts = [f"{sequence.duration_s / 60:.0f} min", f"{count} track{'s' if count != 1 else ''}"]
    parts.append(f"seed {sequence.seed}" if sequence.seed is not None else "no seed")
    mode = "" if sequence.mode == "build" else f" ({sequence.mode})"
    return f"{literal(sequence.profile.name)}{mode} — " + ", ".join(parts)


def literal(text: str) -> str:
    """User text (a profile or mood name) drawn as typed: matplotlib reads ``$…$`` as maths and
    a lone or doubled ``$`` stops the whole plot with a parse error."""
    return text.replace("$", r"\$")


def _subtitle(sequence: Sequence) -> str:
    """The score line under the title."""
    score = sequence.score
    return (
        f"flow cost {score.flow_cost:.3f}   arc error {score.arc_error:.3f}   "
        f"mood fit {score.mood_fit:.2f}   (lower cost and error, higher fit = better)"
    )


def _draw_energy(ax: Axes, sequence: Sequence) -> None:
    """Target arc (dashed) and per-track energy steps (solid, or dotted when estimated)."""
    total = sequence.duration_s or 1.0
    arc = sequence.profile.arc
    if arc is not None:
        xs = [total * i / 200 for i in range(201)]
        ax.plot(
            [_minutes(x) for x in xs],
            [target_at(arc, x / total) for x in xs],
            color=ARC_COLOUR,
            linestyle=(0, (5, 3)),
            linewidth=1.8,
            label="arc target",
        )
    labelled: set[str] = set()
    unknown = False
    previous: tuple[float, float] | None = None
    for step in sequence.steps:
        start, end = step.start_s, step.start_s + step.track.duration_s
        energy = step.track.energy
        if energy is None:
            ax.annotate("?", (_minutes((start + end) / 2), 0.03), ha="center", fontsize=10, color="#555555")
            unknown = True
            previous = None
            continue
        estimated = step.track.energy_estimated
        label = "energy (estimated from moods)" if estimated else "energy"
        ax.plot(
            [_minutes(start), _minutes(end)],
            [energy, energy],
            color=ENERGY_COLOUR,
            linewidth=2.6,
            linestyle=":" if estimated else "-",
            solid_capstyle="butt",
            label=None if label in labelled else label,
        )
        ax.plot(
            [_minutes((start + end) / 2)],
            [energy],
            marker="o",
            markersize=5,
            color=ENERGY_COLOUR,
            markerfacecolor="white" if estimated else ENERGY_COLOUR,
        )
        labelled.add(label)
        if previous is not None and previous[0] == start:
            ax.plot([_minutes(start)] * 2, [previous[1], energy], color=ENERGY_COLOUR, linewidth=0.8, alpha=0.6)
        previous = (end, energy)
    separator = 0.5 if len(sequence.steps) <= 60 else 0.25
    for step in sequence.steps[1:]:
        ax.axvline(_minutes(step.start_s), color="#bbbbbb", linewidth=separator, zorder=0)
    if unknown:
        ax.plot([], [], linestyle="none", marker="$?$", color="#555555", label="energy unknown")
    ax.set_ylim(0, 1.02)
    ax.set_ylabel("energy")
    ax.grid(axis="y", color="#e6e6e6", linewidth=0.6)
    ax.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0), fontsize=8, frameon=False)


def _track_numbers(ax: Axes, sequence: Sequence) -> None:
    """Track numbers on a top axis at each track's middle, thinned so that none overlap."""
    top = ax.secondary_xaxis("top")
    gap = _minutes(sequence.duration_s) / MAX_TRACK_LABELS
    ticks: list[float] = []
    labels: list[str] = []
    for number, step in enumerate(sequence.steps, start=1):
        middle = _minutes(step.start_s + step.track.duration_s / 2)
        if not ticks or middle - ticks[-1] >= gap:
            ticks.append(middle)
            labels.append(str(number))
    top.set_xticks(ticks, labels, fontsize=7)
    top.tick_params(length=2, pad=1)
    top.set_xlabel("track", fontsize=8, labelpad=2)


def _draw_transitions(ax: Axes, sequence: Sequence) -> None:
    """One bar per join: height and cividis colour both show the cost (rough ones hatched)."""
    from matplotlib import colormaps
    from matplotlib.colors import Normalize

    cmap = colormaps["cividis_r"]
    norm = Normalize(-0.15, 1.0)  # a cost of 0 is a visible yellow, not white
    width = max(0.35, _minutes(sequence.duration_s) / 120)
    costs = [s.transition.total for s in sequence.steps[1:] if s.transition is not None]
    top = min(1.0, max(0.5, 1.3 * max(costs, default=0.0)))  # small costs stay visible
    for step in sequence.steps[1:]:
        if step.transition is None:
            continue
        cost = step.transition.total
        x = _minutes(step.start_s)
        ax.bar(
            x,
            cost,
            width=width,
            color=cmap(norm(cost)),
            edgecolor="#333333",
            linewidth=0.4,
            hatch="////" if cost >= ROUGH else None,
        )
        if len(costs) <= MAX_COST_LABELS:
            ax.annotate(
                f"{cost:.2f}".removeprefix("0"),
                (x, cost),
                xytext=(0, 1.5),
                textcoords="offset points",
                ha="center",
                va="bottom",
                fontsize=6.5,
                color="#333333",
            )
    for level, name in ((SMOOTH, "smooth below"), (ROUGH, "rough above")):
        ax.axhline(level, color="#666666", linestyle=":", linewidth=0.8)
        ax.annotate(
            name,
            (1.0, level),
            xycoords=("axes fraction", "data"),
            fontsize=7,
            color="#444444",
            xytext=(3, 0),
            textcoords="offset points",
            va="center",
        )
    ax.set_ylim(0, top)
    ax.set_yticks([0, 0.5, 1] if top > 0.75 else [0, 0.25, 0.5])
    ax.set_ylabel("join cost", fontsize=9)


def _mood_order(sequence: Sequence) -> list[str]:
    """Moods by duration-weighted presence, strongest first."""
    presence: dict[str, float] = {}
    for step in sequence.steps:
        for mood, weight in step.track.moods.items():
            presence[mood] = presence.get(mood, 0.0) + weight * step.track.duration_s
    return sorted((m for m, w in presence.items() if w > 0), key=lambda m: (-presence[m], m))


def _mood_layers(sequence: Sequence) -> tuple[list[str], list[list[float]]]:
    """(layer names, per-layer share of each track's moods), "other" last when needed."""
    order = _mood_order(sequence)
    named = order[:MAX_MOODS]
    layers = [*named, "other"] if len(order) > MAX_MOODS else named
    shares: list[list[float]] = [[] for _ in layers]
    for step in sequence.steps:
        moods = {m: w for m, w in step.track.moods.items() if w > 0}
        total = sum(moods.values())
        for index, name in enumerate(layers):
            if total <= 0:
                value = 0.0
            elif name == "other" and len(layers) > len(named):
                value = sum(w for m, w in moods.items() if m not in named) / total
            else:
                value = moods.get(name, 0.0) / total
            shares[index].append(value)
    return layers, shares


def _draw_moods(ax: Axes, sequence: Sequence) -> None:
    """The mood ribbon: each track's moods as stacked shares, one hatched colour per mood."""
    layers, shares = _mood_layers(sequence)
    xs: list[float] = []
    for step in sequence.steps:
        xs += [_minutes(step.start_s), _minutes(step.start_s + step.track.duration_s)]
    base = [0.0] * len(xs)
    for index, name in enumerate(layers):
        values = [v for v in shares[index] for _ in (0, 1)]
        top = [b + v for b, v in zip(base, values, strict=True)]
        colour = "#999999" if name == "other" else MOOD_COLOURS[index % len(MOOD_COLOURS)]
        ax.fill_between(
            xs,
            base,
            top,
            facecolor=colour,
            edgecolor="white",
            linewidth=0.3,
            hatch=MOOD_HATCHES[index % len(MOOD_HATCHES)],
            label=literal(name),
        )
        base = top
    ax.set_ylim(0, 1)
    ax.set_yticks([0, 0.5, 1])
    ax.set_ylabel("moods", fontsize=9)
    if layers:
        ax.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0), fontsize=8, frameon=False, handleheight=1.4)


def _draw_map(ax: Axes, sound_map: SoundMap) -> None:
    """The playlist inside its library's sound: a grey sample of the library, the playlist's
    tracks numbered and joined in order (numbers as in the energy panel)."""
    background = sound_map.background
    if len(background):
        ax.scatter(background[:, 0], background[:, 1], s=3, color="#c9c9c9", linewidths=0, rasterized=True)
    placed = [(n, p) for n, p in enumerate(sound_map.playlist, start=1) if p is not None]
    if placed:
        xs = [p[0] for _, p in placed]
        ys = [p[1] for _, p in placed]
        ax.plot(xs, ys, "-", color=OKABE_ITO[6], linewidth=1.0, alpha=0.75, zorder=2)
        ax.scatter(xs, ys, s=26, color=OKABE_ITO[5], edgecolors="black", linewidths=0.5, zorder=3)
        for number, (x, y) in placed:
            ax.annotate(str(number), (x, y), xytext=(3, 3), textcoords="offset points", fontsize=7, zorder=4)
        ax.scatter(xs[:1], ys[:1], s=70, facecolors="none", edgecolors="black", linewidths=1.0, zorder=4)
    missing = sum(1 for p in sound_map.playlist if p is None)
    note = f"; {missing} without a sound vector" if missing else ""
    ax.set_title(f"in the library's sound (grey: {len(background):,} tracks{note})", fontsize=9)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("sound map (first two principal axes); ○ = first track", fontsize=8)


def figure_for(sequence: Sequence, sound_map: SoundMap | None = None) -> Figure:
    """The three-panel figure for ``sequence`` (no canvas-specific state); with ``sound_map``,
    a fourth panel beside them places the playlist in its library's sound."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    width = 11 if sound_map is None else 15.5
    figure = Figure(figsize=(width, 6.6), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    panels: Any = figure
    right: Any = None
    if sound_map is not None:
        halves: Any = figure.subfigures(1, 2, width_ratios=[11, 4.5])  # an array of two
        panels, right = halves[0], halves[1]
    energy_ax, cost_ax, mood_ax = panels.subplots(3, 1, sharex=True, gridspec_kw={"height_ratios": [3.2, 1.0, 1.5]})
    if sound_map is not None:
        _draw_map(right.subplots(), sound_map)
    _draw_energy(energy_ax, sequence)
    _track_numbers(energy_ax, sequence)
    _draw_transitions(cost_ax, sequence)
    _draw_moods(mood_ax, sequence)
    mood_ax.set_xlabel("minutes")
    mood_ax.set_xlim(0, max(_minutes(sequence.duration_s), 1e-6))
    figure.suptitle(_title(sequence), fontsize=13, fontweight="bold")
    energy_ax.set_title(_subtitle(sequence), fontsize=9, color="#333333")
    return figure


#: The image formats ``--plot`` writes, by suffix.  matplotlib knows more, but some fail or
#: are no image a viewer opens: .pgf needs LaTeX (a traceback), .raw/.rgba are bare pixels,
#: .ps/.eps drop transparency with a warning, .avif depends on how Pillow was built.
PLOT_FORMATS = ("png", "svg", "svgz", "pdf", "jpg", "jpeg", "webp", "gif", "tif", "tiff")


def check_plot_path(path: Path) -> str:
    """The image format ``path`` asks for (``png`` without a suffix), or OutputFileError when its
    folder is missing or its suffix is none of :data:`PLOT_FORMATS`: callers check before long work."""
    path = Path(path)
    check_target(path)
    suffix = path.suffix or ".png"
    kind = suffix.lstrip(".").lower()
    if kind not in PLOT_FORMATS:
        raise OutputFileError(
            f"cannot write a plot as {path.name}: {suffix} is not an image format moodseq writes",
            hint="use a .png, .svg or .pdf file name (.jpg, .webp, .gif and .tif work too)",
        )
    return kind


@contextmanager
def _missing_glyphs_allowed() -> Iterator[None]:
    """Render names in scripts the font lacks (CJK…) as boxes, without a warning per glyph on
    the user's terminal: the table, JSON and report carry the names in full."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r"Glyph \d+ .*missing from font")
        yield


def _save_atomically(figure: Figure, path: Path, **options: Any) -> None:
    """Render to memory, then write ``path`` atomically (permissions as for any export)."""
    kind = check_plot_path(path)
    buffer = io.BytesIO()
    with _missing_glyphs_allowed():
        figure.savefig(buffer, format=kind, **options)
    atomic_write_bytes(path, buffer.getvalue())


def plot_sequence(sequence: Sequence, path: Path, *, sound_map: SoundMap | None = None) -> None:
    """Write the plot of ``sequence`` to ``path`` (PNG, or SVG/PDF by suffix), atomically;
    with ``sound_map``, the map of the playlist in its library beside it."""
    path = Path(path)
    figure = figure_for(sequence, sound_map)
    metadata = _metadata(path.suffix)  # only for formats that take it (a JPEG refused even {})
    _save_atomically(figure, path, dpi=150, **({"metadata": metadata} if metadata else {}))


def _metadata(suffix: str) -> dict[str, Any]:
    """Reproducible file metadata: no creation date, moodseq as the software."""
    kind = suffix.lower().lstrip(".") or "png"
    if kind == "png":
        return {"Software": "moodseq"}
    if kind == "svg":
        return {"Date": None, "Creator": "moodseq"}
    if kind == "pdf":
        return {"CreationDate": None, "Creator": "moodseq"}
    return {}


def plot_svg(sequence: Sequence, sound_map: SoundMap | None = None) -> str:
    """The plot as one ``<svg>`` element to inline in HTML: text as paths, no external refs."""
    from matplotlib import rc_context

    figure = figure_for(sequence, sound_map)
    buffer = io.StringIO()
    with rc_context({"svg.fonttype": "path", "svg.hashsalt": "moodseq"}), _missing_glyphs_allowed():
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    text = buffer.getvalue()
    return text[text.index("<svg") :]
