"""`moodseq import csv|files|spotify|subsonic|jspf`: bring a user's music into the library.

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
from sequencer.cli.output import confirm, plural

if TYPE_CHECKING:
    from sequencer.adapters.importers.records import ImportReport
    from sequencer.adapters.library.store import Store
    from sequencer.adapters.mood_inference import MoodGap

SHOWN = 5
"""How many skipped rows / warnings are listed before "… and N more"."""


@click.group(cls=ImportGroup)
def cli() -> None:
    """Import tracks: Exportify CSV, any CSV/TSV/JSON, audio files, Spotify, Subsonic, JSPF, XSPF."""


_SKIPPED_OPTION = click.option(
    "--skipped",
    "skipped_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write every skipped row and warning (file, line, kind, reason) to this CSV file.",
)


def _print_report(app: AppContext, report: ImportReport, what: str, skipped_file: Path | None = None) -> None:
    """The summary on stdout; notes, skipped rows and warnings on stderr (the first few, or
    all of them with --debug; --skipped FILE keeps every one; none with --quiet)."""
    where = f"in {skipped_file}" if skipped_file is not None else "--skipped FILE, or --debug"
    for note in report.notes:
        app.say(note)
    confirm(app, f"Imported {what}: {report.summary()}")
    shown = None if app.debug else SHOWN
    for label, problems in (("skipped", report.skipped), ("warning", report.warnings)):
        for problem in problems[:shown]:
            app.say(f"  {label} {problem}")
        if shown is not None and len(problems) > shown:
            more = len(problems) - shown
            plural = "s" if label == "warning" and more != 1 else ""
            app.say(f"  … and {more} more {label}{plural} (all of them: {where})")


def _check_skipped(app: AppContext, target: Path | None, inputs: tuple[Path, ...]) -> None:
    """Refuse an unwritable ``--skipped`` file, or one that is the library or an input, before
    reading anything (the exporters are imported only then: they bring the sequence model,
    ~0.1 s of start-up an import needs not)."""
    if target is not None:
        from sequencer.adapters.exporters.write import check_target
        from sequencer.cli.output import refuse_overwriting

        refuse_overwriting(app, target, "--skipped", inputs)
        check_target(target)


def _write_problems(app: AppContext, target: Path | None, reports: list[tuple[str, ImportReport]]) -> None:
    """Every skipped row and warning of ``reports`` into ``target`` as CSV (nothing when None)."""
    if target is None:
        return
    from sequencer.adapters.importers.problems import write_problems

    count = write_problems(target, reports)
    app.say(f"{count:,} problem{'' if count == 1 else 's'} (skipped rows and warnings) written to {target}")


def library_state(store: Store) -> tuple[int, MoodGap]:
    """The library's size and its tracks without moods, read before the store is closed."""
    from sequencer.adapters.mood_inference import mood_gap

    return store.count(), mood_gap(store)


MORE_EVIDENCE = (
    "`moodseq enrich lastfm` fetches crowd tags, `moodseq analyze DIR` measures audio files, "
    "`moodseq library tag` sets moods by hand"
)


def print_library(app: AppContext, total: int, gap: MoodGap) -> None:
    """The library's size on stderr, and the next step for tracks without moods, as it is:
    `moods infer` only when it has something to read and has not read it yet."""
    app.say(f"library {app.library_path}: {plural(total, 'track')}")
    missing = gap.without_moods
    if not missing:
        return
    have = "track has" if missing == 1 else "tracks have"
    if gap.with_evidence and gap.inference == "never":
        app.say(f"{missing:,} {have} no moods yet: run `moodseq moods infer`")
    elif gap.with_evidence and gap.inference == "stale":
        app.say(f"{missing:,} {have} no moods; the library changed since `moodseq moods infer` ran: run it again")
    elif gap.with_evidence:
        app.say(f"{missing:,} {have} no moods: `moodseq moods infer` found none in their data; {MORE_EVIDENCE}")
    else:
        app.say(
            f"{missing:,} {have} no moods and nothing `moodseq moods infer` could read (no energy, valence, "
            f"genres, tags or playlists); {MORE_EVIDENCE}"
        )


@cli.command("csv")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--map",
    "maps",
    multiple=True,
    metavar="FIELD=COLUMN",
    help="Use COLUMN for FIELD (title, artist, album, duration, id, isrc, genre, tags, playlist, year, tempo, "
    "energy, …); repeatable.",
)
@_SKIPPED_OPTION
@pass_app
def csv_(app: AppContext, files: tuple[Path, ...], maps: tuple[str, ...], skipped_file: Path | None) -> None:
    """Import FILES: Exportify exports or any CSV/TSV/JSON track lists (.gz accepted).

    Columns are detected by their usual names (track_name/name/song/title,
    track_artist/artist/artists, duration_ms/length/duration, track_id/id/uri, genre, tags,
    playlist_name/playlist, year/release_date, the Spotify audio-feature names).  An Exportify
    export's tracks are recorded as members of the playlist its file is named after.  Every file
    is read before anything is written, so one unreadable file stops the run with nothing
    imported.

    \b
    Examples:
      moodseq import csv songs.csv --map title=song
      moodseq import csv exports/*.csv
    """
    from sequencer.adapters.importers.columns import parse_map_options
    from sequencer.adapters.importers.tabular import read_table
    from sequencer.cli.progress import progress_bar

    _no_folders(files, "csv", "*.csv")
    _check_skipped(app, skipped_file, files)
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
            _print_report(app, report, file.name, skipped_file)
            done.append((str(file), report))
        total, gap = library_state(store)
    print_library(app, total, gap)
    _write_problems(app, skipped_file, done)


@cli.command("files")
@click.argument("folder", type=click.Path(path_type=Path))
@_SKIPPED_OPTION
@pass_app
def files(app: AppContext, folder: Path, skipped_file: Path | None) -> None:
    """Import the tags of every audio file under FOLDER (MP3, FLAC, Ogg, M4A, WAV, …).

    Names that are not regular files (FIFOs, devices, links to them) are skipped and listed.
    """
    from sequencer.adapters.importers.audio_tags import find_audio_files, import_audio_files
    from sequencer.cli.progress import progress_bar

    _check_skipped(app, skipped_file, ())
    count = len(find_audio_files(folder))
    with app.open_library(create=True) as store, progress_bar(app, "Reading tags", count) as advance:
        report = import_audio_files(store, folder, vocabulary=app.vocabulary(), progress=advance)
        total, gap = library_state(store)
    _print_report(app, report, f"{plural(count, 'file')} from {folder}", skipped_file)
    print_library(app, total, gap)
    _write_problems(app, skipped_file, [(str(folder), report)])


@cli.command("subsonic")
@pass_app
def subsonic(app: AppContext) -> None:
    """Import every song of your Subsonic / Navidrome server (title, artists, album, duration,
    ISRC, MusicBrainz id, genres, year, BPM where the server gives them).

    Settings: MOODSEQ_SUBSONIC_URL, MOODSEQ_SUBSONIC_USER, MOODSEQ_SUBSONIC_PASSWORD (or
    MOODSEQ_SUBSONIC_API_KEY), or [subsonic] in sinks.toml in your config folder.
    """
    from sequencer.adapters.sinks.settings import subsonic_settings
    from sequencer.adapters.sinks.subsonic import song_track
    from sequencer.adapters.sinks.subsonic_client import SubsonicClient
    from sequencer.cli.progress import progress_bar

    client = SubsonicClient(subsonic_settings(app.env, app.config_dir))
    client.ping()
    tracks = [song_track(song) for song in client.songs()]
    with app.open_library(create=True) as store:
        with progress_bar(app, "Importing from Subsonic", len(tracks)) as advance:
            report = store.upsert_tracks(tracks, source="subsonic", progress=advance)
        _print_report(app, report, f"{plural(len(tracks), 'song')} from {client.settings.url}")
        total, gap = library_state(store)
    print_library(app, total, gap)


@cli.command("jspf")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@pass_app
def jspf(app: AppContext, files: tuple[Path, ...]) -> None:
    """Import the tracks of JSPF or XSPF playlists (ListenBrainz exports, `moodseq build -o x.jspf`
    or `-o x.xspf`), with their MusicBrainz recording ids.  Every file is read before anything is written."""
    from sequencer.adapters.exporters.json import load_sequence_json
    from sequencer.errors import InputFileError

    _no_folders(files, "jspf", "*.jspf")
    loaded = []
    for file in files:
        found = load_sequence_json(file)
        if found.data.get("format") != "jspf":
            raise InputFileError(
                f"{file} is not a JSPF or XSPF playlist", hint="give .jspf files ({'playlist': {...}}) or .xspf files"
            )
        loaded.append((file, found))
    with app.open_library(create=True) as store:
        for file, found in loaded:
            for warning in found.data.get("warnings") or []:
                app.say(str(warning))
            report = store.upsert_tracks(found.tracks, source="jspf")
            _print_report(app, report, file.name)
        total, gap = library_state(store)
    print_library(app, total, gap)


def _no_folders(files: tuple[Path, ...], kind: str, pattern: str) -> None:
    """A folder given for files (a folder of Exportify exports) is one line naming the command
    for the files in it (it was click's "is a directory" and a pointer to --help)."""
    for file in files:
        if file.is_dir():
            from sequencer.errors import InputFileError

            audio = f"; audio files: moodseq import files {file}" if kind == "csv" else ""
            raise InputFileError(
                f"{file} is a folder, and `import {kind}` reads files",
                hint=f"give the files in it: moodseq import {kind} {file / pattern}{audio}",
            )
