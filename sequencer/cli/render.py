"""Terminal rendering of sequences (placeholder: plain text; the rich view replaces it)."""

from __future__ import annotations

import click

from sequencer.cli.context import AppContext
from sequencer.core.sequence import Sequence


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}:{secs:02d}"


def print_sequence(app: AppContext, sequence: Sequence, *, explain: bool = False) -> None:
    """Print the playlist as a table with start times, energy and moods, then a summary."""
    for i, step in enumerate(sequence.steps, start=1):
        track = step.track
        energy = "  -  " if track.energy is None else f"{track.energy:.2f}"
        moods = ", ".join(m for m, w in sorted(track.moods.items(), key=lambda x: -x[1])[:2])
        click.echo(f"{i:>3} {_clock(step.start_s):>6}  {track.name[:60]:<60} {energy}  {moods}")
    score = sequence.score
    click.echo(
        f"{len(sequence.steps)} tracks, {_clock(sequence.duration_s)}; flow cost "
        f"{score.flow_cost:.3f}, arc error {score.arc_error:.3f}, mood fit {score.mood_fit:.2f}"
    )
