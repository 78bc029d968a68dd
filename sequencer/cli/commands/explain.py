"""`moodseq explain SEQUENCE.json`: why each track, what each transition costs."""

from __future__ import annotations

from pathlib import Path

import click

from sequencer.cli.context import AppContext, pass_app


@click.command()
@click.argument("sequence_file", metavar="SEQUENCE.json", type=click.Path(path_type=Path))
@pass_app
def cli(app: AppContext, /, sequence_file: Path) -> None:
    """Explain a saved sequence: per track why it was chosen (mood fit, energy against the
    arc), per transition its cost term by term, and a summary.

    SEQUENCE.json is a file written by `moodseq build --format json`; the explanation is
    recomputed from its tracks and profile. Example: moodseq explain night.json
    """
    from sequencer.adapters.exporters.json import load_sequence
    from sequencer.core.explain import explain, explanation_lines

    sequence, loaded = load_sequence(sequence_file, vocabulary=app.vocabulary())
    if loaded.profile is None:
        app.say(f"note: {sequence_file} has no profile; mood fit and arc use an empty profile")
    for line in explanation_lines(explain(sequence)):
        click.echo(line)
