"""`moodseq export SEQUENCE.json`: convert a saved sequence to M3U8, XSPF, JSON, CSV or JSPF."""

from __future__ import annotations

from pathlib import Path

import click

from sequencer.cli.complete import complete_profiles
from sequencer.cli.context import AppContext, pass_app
from sequencer.cli.output import playlist_name

FORMATS = ("m3u8", "xspf", "json", "csv", "jspf")


@click.command()
@click.argument("sequence_file", metavar="SEQUENCE.json", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS, case_sensitive=False),
    help="Output format (default: from the -o suffix).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="File to write, atomically (default: standard output, which needs --format; - too).",
)
@click.option("--name", callback=playlist_name, help="Playlist title (default: the sequence's name).")
@click.option(
    "--profile",
    "profile_ref",
    metavar="NAME",
    shell_complete=complete_profiles,
    help="Score it against this profile (default: the file's; a JSPF file has none).",
)
@pass_app
def cli(
    app: AppContext,
    /,
    sequence_file: Path,
    fmt: str | None,
    output: Path | None,
    name: str | None,
    profile_ref: str | None,
) -> None:
    """Convert SEQUENCE.json (written by `moodseq build --format json`; a .jspf, .xspf, an .m3u8 or a
    CSV track list too) to another format.

    Every number (start times, targets, costs, reasons) is recomputed from the saved tracks
    and profile. Example: moodseq export night.json -o night.xspf
    """
    from sequencer.adapters import exporters
    from sequencer.adapters.exporters.m3u8 import missing_locations
    from sequencer.cli.commands._pipeline import tracks_phrase
    from sequencer.cli.output import output_target
    from sequencer.cli.saved import load_saved
    from sequencer.errors import InputFileError

    fmt, output = output_target(app, fmt, output)
    if fmt is None:
        raise InputFileError(
            "cannot tell which format to write",
            hint="add --format m3u8|xspf|json|csv|jspf, or an -o name ending in .m3u8, .xspf, .json, .csv or .jspf",
        )
    sequence, loaded = load_saved(app, sequence_file, profile_ref)
    title = name or loaded.name
    if exporters.check_format(fmt) == "m3u8" and missing_locations(sequence):
        missing = missing_locations(sequence)
        app.say(
            f"note: {missing} of {tracks_phrase(len(sequence.steps))} {'has' if missing == 1 else 'have'} "
            "no file or Spotify URI; the M3U8 gives them placeholder locations (XSPF suits "
            "them better)"
        )
    if output is None:
        click.echo(exporters.render(sequence, fmt, name=title), nl=False)
        return
    exporters.write_export(sequence, fmt, output, name=title)
    app.say(f"wrote {output} ({fmt}, {tracks_phrase(len(sequence.steps))})")
