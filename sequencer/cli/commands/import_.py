"""`moodseq import csv|files|spotify`: bring a user's music into the library.

`csv` reads Exportify exports and any CSV/TSV/JSON (gzip too; several files at once) with detected columns and
`--map FIELD=COLUMN` overrides; `files` reads local audio files' tags; `spotify` lives in
`_import_spotify.py` and is imported only when run (it needs spotipy; see
:class:`sequencer.cli.import_group.ImportGroup`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from sequencer.cli.context import AppContext, pass_app
from sequencer.cli.import_group import ImportGroup
from sequencer.cli.output import confirm

if TYPE_CHECKING:
    from sequencer.adapters.importers.records import ImportReport

SHOWN = 5
"""How many skipped rows / warnings are listed before "… and N more"."""


@click.group(cls=ImportGroup)
def cli() -> None:
    """Import tracks: Exportify CSV, any CSV/TSV/JSON, audio files, Spotify."""


_SKIPPED_OPTION = click.option(
    "--skipped",
    "skipped_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write every skipped row and warning (file, line, kind, reason) to this CSV file.",
)


def _print_report(app: AppContext, report: ImportReport, what: str) -> None:
    """The summary on stdout; notes, skipped rows and warnings on stderr (the first few, or
    all of them with --debug; --skipped FILE keeps every one)."""
    for note in report.notes:
        app.say(note)
    confirm(app, f"Imported {what}: {report.summary()}")
    shown = None if app.debug else SHOWN
    for label, problems in (("skipped", report.skipped), ("warning", report.warnings)):
        for problem in problems[:shown]:
            click.echo(f"  {label} {problem}", err=True)
        if shown is not None and len(problems) > shown:
            more = len(problems) - shown
            plural = "s" if label == "warning" and more != 1 else ""
            click.echo(f"  … and {more} more {label}{plural} (all of them: --skipped FILE, or --debug)", err=True)


def _write_problems(app: AppContext, target: Path | None, reports: list[tuple[str, ImportReport]]) -> None:
    """Every skipped row and warning of ``reports`` into ``target`` as CSV (nothing when None)."""
    if target is None:
        return
    from sequencer.adapters.importers.problems import write_problems

    count = write_problems(target, reports)
    app.say(f"{count:,} problem{'' if count == 1 else 's'} (skipped rows and warnings) written to {target}")


def _print_library(app: AppContext, total: int, moodless: int) -> None:
    """The library's size on stderr, and the next step when some tracks have no moods yet."""
    app.say(f"library {app.library_path}: {total:,} track{'' if total == 1 else 's'}")
    if moodless:
        have = "track has" if moodless == 1 else "tracks have"
        app.say(f"{moodless:,} {have} no moods yet: run `moodseq moods infer`")


@cli.command("csv")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Use COLUMN for FIELD (title, artist, album, duration, id, isrc, genre, tags, tempo, energy, …); repeatable.",
)
@_SKIPPED_OPTION
@pass_app
def csv_(app: AppContext, files: tuple[Path, ...], maps: tuple[str, ...], skipped_file: Path | None) -> None:
    """Import FILES: Exportify exports or any CSV/TSV/JSON track lists (.gz accepted).

    Columns are detected by their usual names (track_name/name/song/title,
    track_artist/artist/artists, duration_ms/length/duration, track_id/id/uri, genre, tags,
    the Spotify audio-feature names).  Every file is read before anything is written, so one
    unreadable file stops the run with nothing imported.

    \b
    Examples:
      moodseq import csv songs.csv --map title=song
      moodseq import csv exports/*.csv
    """
    from sequencer.adapters.exporters.write import check_target
    from sequencer.adapters.importers.columns import parse_map_options
    from sequencer.adapters.importers.tabular import read_table
    from sequencer.cli.progress import progress_bar

    if skipped_file is not None:
        check_target(skipped_file)
    overrides = parse_map_options(maps)
    reads = [(file, read_table(file, overrides=overrides, vocabulary=app.vocabulary())) for file in files]
    for file, read in reads:
        if app.debug and read.columns is not None:
            app.say(f"{file.name}: columns: {read.columns.describe()}")
    done: list[tuple[str, ImportReport]] = []
    with app.open_library(create=True) as store:
        for file, read in reads:
            with progress_bar(app, f"Importing {file.name}", len(read.records)) as advance:
                report = store.upsert_records(read.records, report=read.report, kind="csv", progress=advance)
            _print_report(app, report, file.name)
            done.append((str(file), report))
        total, moodless = store.count(), store.count_without_moods()
    _print_library(app, total, moodless)
    _write_problems(app, skipped_file, done)


@cli.command("files")
@click.argument("folder", type=click.Path(path_type=Path))
@_SKIPPED_OPTION
@pass_app
def files(app: AppContext, folder: Path, skipped_file: Path | None) -> None:
    """Import the tags of every audio file under FOLDER (MP3, FLAC, Ogg, M4A, WAV, …).

    Names that are not regular files (FIFOs, devices, links to them) are skipped and listed.
    """
    from sequencer.adapters.exporters.write import check_target
    from sequencer.adapters.importers.audio_tags import find_audio_files, import_audio_files
    from sequencer.cli.progress import progress_bar

    if skipped_file is not None:
        check_target(skipped_file)

    count = len(find_audio_files(folder))
    with app.open_library(create=True) as store, progress_bar(app, "Reading tags", count) as advance:
        report = import_audio_files(store, folder, vocabulary=app.vocabulary(), progress=advance)
        total, moodless = store.count(), store.count_without_moods()
    _print_report(app, report, f"{count:,} files from {folder}")
    _print_library(app, total, moodless)
    _write_problems(app, skipped_file, [(str(folder), report)])
