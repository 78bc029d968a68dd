"""`moodseq analyze DIR`: tempo, key and energy from your audio files (optional extra).

Needs ``pip install 'moodseq[audio]'`` (librosa).  Analyses the library's tracks whose files
lie under DIR (import them first with `moodseq import files DIR`), in parallel processes;
unreadable files are reported and skipped.  Values are stored with the source ``analysis``.
"""

from __future__ import annotations

from pathlib import Path

import click

from sequencer.cli.context import AppContext, pass_app
from sequencer.cli.output import confirm, plural

SHOWN = 10


@click.command()
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Worker processes (default: one per CPU).")
@click.option("--redo", is_flag=True, help="Analyse tracks that already have tempo, key and energy.")
@pass_app
def cli(app: AppContext, folder: Path, workers: int | None, redo: bool) -> None:
    """Measure tempo, key and energy of the audio files under FOLDER (or of one audio file)."""
    from sequencer.adapters.analysis import analyse_library, require_librosa
    from sequencer.cli.progress import progress_bar

    require_librosa()
    with app.open_library() as store, progress_bar(app, "Analysing", total=None) as advance:
        report = analyse_library(store, folder.expanduser(), redo=redo, workers=workers, progress=advance)
    if not report.files:
        app.say(f"no audio files under {folder} (MP3, FLAC, Ogg, M4A, WAV…): nothing to analyse")
        return
    confirm(
        app,
        f"Analysed {report.analysed:,} of {plural(report.files, 'audio file')} "
        f"({report.already:,} done before, {len(report.failures):,} unreadable, "
        f"{len(report.not_in_library):,} not in the library).",
    )
    for failure in report.failures[:SHOWN]:
        click.echo(f"  skipped {failure.path}: {failure.reason}", err=True)
    if len(report.failures) > SHOWN:
        click.echo(f"  … and {plural(len(report.failures) - SHOWN, 'more unreadable file')}", err=True)
    if report.not_in_library:
        app.say(
            f"{plural(len(report.not_in_library), 'file')} {'is' if len(report.not_in_library) == 1 else 'are'} "
            "not in the library: "
            f'`moodseq import files {folder}` adds those with an artist tag or a name "Artist - Title", '
            "then run this again"
        )
    if report.analysed:
        app.say("next: `moodseq moods infer` uses the new attributes")
