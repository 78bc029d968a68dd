"""`moodseq build PROFILE`: a playlist for a listening context from your library."""

from __future__ import annotations

from pathlib import Path

import click

from sequencer.cli.commands.push import push_to_option
from sequencer.cli.complete import complete_profiles, complete_tracks
from sequencer.cli.context import AppContext, pass_app
from sequencer.cli.output import playlist_name

FORMATS = ("m3u8", "xspf", "json", "csv", "jspf")
#: The largest seed, as a profile's `variety.seed` allows.
MAX_SEED = 2**63 - 1


def check_seed(_ctx: click.Context, _param: click.Parameter, value: int | None) -> int | None:
    """--seed as a profile's `variety.seed` allows it: a whole number from 0 (negative seeds
    would not be distinct seeds: Python's random.Random folds -7 onto 7)."""
    if value is not None and not 0 <= value <= MAX_SEED:
        raise click.BadParameter(f"{value} is not a seed: use a whole number from 0 (like `seed` in a profile)")
    return value


def _set_flag(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """--plain / --quiet after the command name: the same as before it (moodseq --plain demo)."""
    app = ctx.find_object(AppContext)
    if value and app is not None and param.name is not None:
        setattr(app, param.name, True)


def build_options(func: click.decorators.FC, *, seed_default: str = "a fresh one") -> click.decorators.FC:
    """The options `build` and `demo` share (``seed_default`` says what no --seed means)."""
    decorators = [
        click.option(
            "--minutes",
            type=float,
            help="Target length in minutes (overrides the profile's; a shorter one narrows its tolerance).",
        ),
        click.option(
            "--seed",
            type=int,
            metavar="N",
            callback=check_seed,
            help=f"Same seed, same playlist (default: {seed_default}).",
        ),
        click.option(
            "--format",
            "fmt",
            type=click.Choice(FORMATS),
            help="Export format (default: from the -o suffix; without -o, to stdout).",
        ),
        click.option(
            "-o",
            "--output",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Write the playlist to this file (- for standard output).",
        ),
        click.option("--explain", is_flag=True, help="Say why each track and transition."),
        click.option(
            "--plot",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Save a PNG of the energy arc, moods and transitions "
            "(SVG, PDF, JPEG, WebP, GIF or TIFF by the file's suffix).",
        ),
        click.option(
            "--report",
            type=click.Path(path_type=Path, dir_okay=False),
            help="Save a self-contained HTML report (FILE.html).",
        ),
        click.option(
            "--plain",
            is_flag=True,
            expose_value=False,
            callback=_set_flag,
            help="Plain text output (as `moodseq --plain`).",
        ),
        click.option(
            "-q",
            "--quiet",
            is_flag=True,
            expose_value=False,
            callback=_set_flag,
            help="Only errors and requested output (as `moodseq --quiet`).",
        ),
    ]
    for decorator in reversed(decorators):
        func = decorator(func)
    return func


@click.command()
@click.argument("profile", shell_complete=complete_profiles)
@build_options
@click.option(
    "--from",
    "start",
    metavar="TRACK",
    shell_complete=complete_tracks,
    help='First track, "Artist - Title" (instead of the profile\'s start).',
)
@click.option(
    "--to",
    "end",
    metavar="TRACK",
    shell_complete=complete_tracks,
    help='Last track, "Artist - Title" (instead of the profile\'s end).',
)
@click.option("--push", is_flag=True, help="Push the playlist (create or update): to Spotify, or where --push-to says.")
@push_to_option
@click.option(
    "--name",
    callback=playlist_name,
    help="Playlist name when pushing, and the title of the -o file (default: from the profile).",
)
@click.option(
    "--fresh",
    metavar="WINDOW",
    help="Avoid songs of this profile's builds in the last WINDOW: 14d softly, 14d:0 never, 14d:1 at most once more.",
)
@click.option(
    "--keep",
    multiple=True,
    metavar="TRACK",
    shell_complete=complete_tracks,
    help="Keep a track of the last build in place (position or name; repeatable), or a sequence .json's locked tracks.",
)
@click.option("--like-previous", is_flag=True, help="Stay close to this profile's previous build.")
@click.option("--watch", is_flag=True, help="Rebuild on every save of the profile or moods file; show what changed.")
@pass_app
def cli(app: AppContext, /, profile: str, **options: object) -> None:
    """Build a playlist for PROFILE (a name from `moodseq profiles list`, or a .toml file).

    Every build from your library is recorded in its history (`moodseq history`); until you
    import music, builds use the built-in demo library and are not recorded.
    """
    from sequencer.cli.commands._pipeline import BuildOptions, run_build

    keep = tuple(str(value) for value in options.pop("keep") or ())  # type: ignore[attr-defined]
    watching = bool(options.pop("watch"))
    build = BuildOptions(profile=profile, keep=keep, **options)  # type: ignore[arg-type]
    if not watching:
        run_build(app, build)
        return
    from sequencer.errors import InputFileError

    if build.push or build.output is not None or build.fmt is not None:
        raise InputFileError("--watch shows previews only", hint="leave out --push, -o and --format while watching")
    from sequencer.cli.watch import watch

    watch(app, build)
