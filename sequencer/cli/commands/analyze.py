"""`moodseq analyze DIR`: tempo, key and energy from your audio files (optional extra).

Needs ``pip install 'moodseq[audio]'`` (librosa).  Analyses the library's tracks whose files
lie under DIR (import them first with `moodseq import files DIR`), in parallel processes;
unreadable files are reported and skipped.  Values are stored with the source ``analysis``.
"""

from __future__ import annotations

from pathlib import Path

import click

from sequencer.cli.context import AppContext, pass_app
from sequencer.cli.output import confirm

SHOWN = 10


@click.command()
@click.argument("folder", type=click.Path(path_type=Path, file_okay=False))
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Worker processes (default: one per CPU).")
@click.option("--redo", is_flag=True, help="Analyse tracks that already have tempo, key and energy.")
@pass_app
def cli(app: AppContext, folder: Path, workers: int | None, redo: bool) -> None:
    """Measure tempo, key and energy of the audio files under FOLDER."""
    from sequencer.adapters.analysis import analyse_library, require_librosa
    from sequencer.cli.progress import progress_bar

    require_librosa()
    with app.open_library() as store, progress_bar(app, "Analysing", total=None) as advance:
        report = analyse_library(store, folder.expanduser(), redo=redo, workers=workers, progress=advance)
    confirm(
        app,
        f"Analysed {report.analysed:,} of {report.files:,} audio files "
        f"({report.already:,} done before, {len(report.failures):,} unreadable, "
        f"{len(report.not_in_library):,} not in the library).",
    )
    for failure in report.failures[:SHOWN]:
        click.echo(f"  skipped {failure.path}: {failure.reason}", err=True)
    if len(report.failures) > SHOWN:
        click.echo(f"  … and {len(report.failures) - SHOWN} more unreadable files", err=True)
    if report.not_in_library:
        app.say(
            f"{len(report.not_in_library):,} files are not in the library: "
            f"`moodseq import files {folder}` adds them, then run this again"
        )
    if report.analysed:
        app.say("next: `moodseq moods infer` uses the new attributes")
