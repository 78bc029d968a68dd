"""The terminal view of a sequence: a table, an energy sparkline under the arc, a summary line.

What is printed, in order (all on stdout):

1. the optional ``note`` (e.g. which library was used) and a heading naming the profile and seed;
2. a table that fits 80 columns and wraps long names: #, start time, ``Artist - Title``,
   energy (``~`` marks an estimate from moods), the arc's target, the top moods (left out under 50 columns);
3. two sparkline rows, the arc's target with the achieved energy under it, and a time axis;
4. one summary line: tracks, minutes, flow cost, arc error, mood fit;
5. with ``explain=True``, why each track was chosen and what each transition costs.

Colour and box lines only on a terminal; plain text (no colour, no boxes, 80 columns) with
``--plain`` or when stdout is not a terminal; nothing at all with ``--quiet``.  The sequence's
warnings are the caller's to print (on stderr).  rich is imported only when something is printed.

Public: :func:`print_sequence`, :func:`plain_lines`, :func:`summary_line`.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

import click

from sequencer.cli.context import AppContext
from sequencer.cli.sparkline import clock, sample_energy, sample_target, spark, time_axis
from sequencer.core.sequence import Sequence, Step

if TYPE_CHECKING:
    from rich.table import Table

#: Width used when the output is not a terminal (files, pipes, tests).
PLAIN_WIDTH = 80
#: Label column in front of the sparkline rows.
SPARK_LABEL = "energy "
#: The footnote under a table with estimated energies.
ESTIMATE_NOTE = "~ energy estimated from the track's moods"
#: Widest the moods column gets ("night-driving, atmospheric" is 26).
MOODS_WIDTH = 26
#: The artist - title column never gets narrower than this.
MIN_TITLE_WIDTH = 16
#: The names keep this much room before the moods column grows past its narrowest (14): on a
#: narrow terminal moods fold onto a second line before names wrap onto a third.
TITLE_ROOM = 24
#: Screens narrower than this get no moods column (the names need the room more).
MIN_MOODS_SCREEN = 50
#: How many moods the table shows per track.
TOP_MOODS = 2


def summary_line(sequence: Sequence) -> str:
    """``14 tracks, 61.4 min; flow cost 0.213, arc error 0.081, mood fit 0.74``."""
    score = sequence.score
    count = len(sequence.steps)
    return (
        f"{count} track{'s' if count != 1 else ''}, {sequence.duration_s / 60:.1f} min; "
        f"flow cost {score.flow_cost:.3f}, arc error {score.arc_error:.3f}, "
        f"mood fit {score.mood_fit:.2f}"
    )


def _heading(sequence: Sequence) -> str:
    """``night-drive (60 min target), seed 7`` plus the mode when it is not a plain build."""
    profile = sequence.profile
    parts = [f"{profile.name} ({profile.minutes:g} min target)"]
    if sequence.seed is not None:
        parts.append(f"seed {sequence.seed}")
    if sequence.mode != "build":
        parts.append(sequence.mode)
    return ", ".join(parts)


def _energy_cell(step: Step) -> str:
    """The energy as ``0.62``, ``0.62~`` when estimated, ``-`` when unknown."""
    energy = step.track.energy
    if energy is None:
        return "-"
    return f"{energy:.2f}{'~' if step.track.energy_estimated else ''}"


def _moods_cell(step: Step) -> str:
    """The track's strongest moods, strongest first."""
    ranked = sorted(step.track.moods.items(), key=lambda item: (-item[1], item[0]))
    return ", ".join(name for name, weight in ranked[:TOP_MOODS] if weight > 0) or "-"


def _energy_style(step: Step) -> str:
    """Dim for estimates; bold yellow when the energy is far (> 0.2) from the arc's target."""
    energy, target = step.track.energy, step.target_energy
    if energy is None:
        return "dim"
    style = "italic" if step.track.energy_estimated else ""
    if target is not None and abs(energy - target) > 0.2:
        style += " bold yellow"
    return style.strip()


def _moods_width(sequence: Sequence, width: int) -> int:
    """The moods column: its longest pair (up to MOODS_WIDTH) if the names keep TITLE_ROOM columns."""
    steps = sequence.steps
    widest = max([len("moods")] + [len(_moods_cell(step)) for step in steps])  # the heading fits too
    fixed = len(str(len(steps))) + max((len(clock(s.start_s)) for s in steps), default=5) + 6
    columns = 5
    if sequence.profile.arc is not None:
        fixed += 4
        columns += 1
    room = width - fixed - (columns - 1) - TITLE_ROOM
    return min(widest, max(14, min(MOODS_WIDTH, room)))  # 14 = "night-driving,"


def _table(sequence: Sequence, fancy: bool, width: int) -> Table:
    """The rich table of steps for a ``width``-column screen; box lines and colour when ``fancy``."""
    from rich import box
    from rich.table import Table

    has_arc = sequence.profile.arc is not None
    table = Table(
        box=box.SIMPLE_HEAD if fancy else None,
        header_style="bold" if fancy else "",
        show_edge=False,
        pad_edge=False,
        # a box draws its own one-character gap between columns; without one, pad by one
        padding=(0, 0) if fancy else (0, 1, 0, 0),
    )
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("start", justify="right", no_wrap=True)
    table.add_column("artist - title", overflow="fold", ratio=1, min_width=MIN_TITLE_WIDTH)
    # left-justified so that the decimals align whether or not the estimate mark follows
    table.add_column("energy", no_wrap=True)
    if has_arc:
        table.add_column("arc", no_wrap=True)  # the arc's target: a short header leaves room for names
    # a set width: rich would otherwise give every spare column to the names and wrap the moods
    show_moods = width >= MIN_MOODS_SCREEN  # narrower, the moods would be cut to "nig…"
    if show_moods:
        table.add_column("moods", overflow="fold", width=_moods_width(sequence, width))
    for number, step in enumerate(sequence.steps, start=1):
        cells: list[Any] = [str(number), clock(step.start_s), step.track.name]
        energy = _energy_cell(step)
        cells.append(_styled(energy, _energy_style(step)) if fancy else energy)
        if has_arc:
            cells.append("-" if step.target_energy is None else f"{step.target_energy:.2f}")
        if show_moods:
            moods = _moods_cell(step)
            cells.append(_styled(moods, "cyan") if fancy else moods)
        table.add_row(*cells)
    return table


def _styled(text: str, style: str) -> Any:
    """A rich Text with ``style`` (no markup parsing: track names may contain brackets)."""
    from rich.text import Text

    return Text(text, style=style)


def _sparkline_lines(sequence: Sequence, width: int) -> list[str]:
    """The arc's target row (with an arc), the achieved energy under it, and a time axis."""
    room = max(10, width - len(SPARK_LABEL))
    energy = sample_energy(sequence, room)
    if not energy or all(value is None for value in energy):
        return []
    target = sample_target(sequence, room)
    lines = [] if target is None else ["target ".ljust(len(SPARK_LABEL)) + spark(target)]
    lines.append(SPARK_LABEL + spark(energy).rstrip())
    lines.append(" " * len(SPARK_LABEL) + time_axis(sequence.duration_s, room))
    return lines


def _explanation_lines(sequence: Sequence) -> list[str]:
    """The explanation of :mod:`sequencer.core.explain` as lines (the same text as the JSON)."""
    from sequencer.core.explain import explain, explanation_lines

    return explanation_lines(explain(sequence))


def _wrapped(line: str, width: int) -> list[str]:
    """``line`` wrapped to ``width`` with a hanging indent under its own indentation."""
    import textwrap

    indent = line[: len(line) - len(line.lstrip())]
    return textwrap.wrap(line, width=width, subsequent_indent=indent + "    ", break_on_hyphens=False) or [line]


def _summary_parts(line: str, width: int) -> list[str]:
    """The summary as one line, or broken at its "; " (length | scores) when wider than ``width``,
    so a narrow terminal never splits a "mood fit 0.95" pair."""
    if len(line) <= width or "; " not in line:
        return [line]
    head, rest = line.split("; ", 1)
    return [head + ";", *_wrapped("  " + rest, width)]


def _plain_table_lines(sequence: Sequence) -> list[str]:
    """The table as plain text lines, :data:`PLAIN_WIDTH` wide at most, no trailing blanks."""
    import io

    from rich.console import Console

    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=PLAIN_WIDTH,
        color_system=None,
        force_terminal=False,
        no_color=True,
        highlight=False,
        emoji=False,
        markup=False,
    )
    console.print(_table(sequence, fancy=False, width=PLAIN_WIDTH))
    return [line.rstrip() for line in buffer.getvalue().splitlines()]


def plain_lines(sequence: Sequence, *, explain: bool = False, note: str | None = None) -> list[str]:
    """Everything :func:`print_sequence` shows, as plain text lines (for pipes and --plain)."""
    lines = [note] if note else []
    lines.append(_heading(sequence))
    lines.extend(_plain_table_lines(sequence))
    lines.extend(_sparkline_lines(sequence, PLAIN_WIDTH))
    lines.append(summary_line(sequence))
    if any(step.track.energy_estimated for step in sequence.steps):
        lines.append(ESTIMATE_NOTE)
    if explain:
        # one line per fact, unwrapped, so scripts can grep them
        lines.extend(["", *_explanation_lines(sequence)])
    return lines


def _print_fancy(sequence: Sequence, *, explain: bool, note: str | None) -> None:
    """Print to a terminal with rich: colour, a header rule, wrapped explanations."""
    from rich.console import Console

    console = Console(file=sys.stdout, highlight=False, emoji=False)
    if note:
        console.print(note, style="dim", markup=False)
    console.print(_heading(sequence), style="bold", markup=False)
    console.print(_table(sequence, fancy=True, width=console.width))
    for line in _sparkline_lines(sequence, min(console.width, 100)):
        style = "magenta" if line.startswith("target") else "green" if line.startswith("energy") else None
        console.print(line, style=style, markup=False, overflow="crop", no_wrap=True)
    for part in _summary_parts(summary_line(sequence), console.width):
        console.print(part, style="bold", markup=False)
    if any(step.track.energy_estimated for step in sequence.steps):
        console.print(ESTIMATE_NOTE, style="dim", markup=False)
    if explain:
        console.print()
        for line in _explanation_lines(sequence):
            for part in _wrapped(line, console.width):
                console.print(part, markup=False)


def print_sequence(app: AppContext, sequence: Sequence, *, explain: bool = False, note: str | None = None) -> None:
    """Print the playlist (see the module docstring); nothing with ``app.quiet``."""
    if app.quiet:
        return
    if not app.plain and sys.stdout.isatty():
        _print_fancy(sequence, explain=explain, note=note)
    else:
        click.echo("\n".join(plain_lines(sequence, explain=explain, note=note)))
