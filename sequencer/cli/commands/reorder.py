"""`moodseq reorder SEQUENCE.json`: keep a playlist's tracks, find the order that flows best."""

from __future__ import annotations

from pathlib import Path

import click

from sequencer.cli.context import AppContext, pass_app

FORMATS = ("m3u8", "xspf", "json", "csv")


@click.command()
@click.argument("sequence_file", metavar="SEQUENCE.json", type=click.Path(path_type=Path))
@click.option("--seed", type=int, help="Seed of the order search (default 0: same file, same order).")
@click.option("--keep-ends", is_flag=True, help="Keep the first and last track where they are.")
@click.option("--format", "fmt", type=click.Choice(FORMATS, case_sensitive=False),
              help="Output format (default: from the -o suffix; without -o, to stdout).")
@click.option("-o", "--output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the reordered playlist to this file, atomically.")
@pass_app
def cli(app: AppContext, /, sequence_file: Path, seed: int | None, keep_ends: bool, fmt: str | None,
        output: Path | None) -> None:
    """Reorder SEQUENCE.json (from `moodseq build --format json`) for the smoothest flow.

    Prints the flow cost before and after (0 = seamless). Example:
    moodseq reorder night.json --keep-ends -o night-smooth.json
    """
    from sequencer.adapters import exporters
    from sequencer.adapters.exporters.json import load_sequence
    from sequencer.core.build import reorder_tracks
    from sequencer.errors import InputFileError

    before, loaded = load_sequence(sequence_file, vocabulary=app.vocabulary())
    after = reorder_tracks(before.tracks, before.profile, seed=seed, keep_ends=keep_ends)
    change = after.score.flow_cost - before.score.flow_cost
    share = f" ({change / before.score.flow_cost:+.1%})" if before.score.flow_cost > 0 else ""
    to_stdout = fmt is not None and output is None
    report = app.say if to_stdout else click.echo
    report(f"flow cost before: {before.score.flow_cost:.4f}  after: {after.score.flow_cost:.4f}{share}")
    if not to_stdout:
        for position, track in enumerate(after.tracks, start=1):
            click.echo(f"{position:>3}. {track.name}")
    for warning in after.warnings:
        app.say(f"warning: {warning}")
    if to_stdout:
        assert fmt is not None
        click.echo(exporters.render(after, fmt, name=loaded.name), nl=False)
        return
    if output is None:
        return
    fmt = fmt or exporters.format_for_path(output)
    if fmt is None:
        raise InputFileError(f"cannot tell the format of {output.name} from its suffix",
                             hint="add --format m3u8|xspf|json|csv, or an -o name ending in one")
    exporters.write_export(after, fmt, output, name=loaded.name)
    app.say(f"wrote {output} ({exporters.check_format(fmt)}, {len(after.steps)} tracks)")
