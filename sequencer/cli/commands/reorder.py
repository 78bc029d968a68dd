"""`moodseq reorder SEQUENCE.json | --playlist URI`: keep a playlist's tracks, find the order that
flows best; with ``--playlist … --push`` write it back into that same Spotify playlist."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from sequencer.cli.commands.build import check_seed
from sequencer.cli.complete import complete_profiles
from sequencer.cli.context import AppContext, pass_app
from sequencer.cli.output import plural

if TYPE_CHECKING:
    from collections.abc import Callable

    from sequencer.core.profile import Profile
    from sequencer.core.sequence import Sequence

FORMATS = ("m3u8", "xspf", "json", "csv", "jspf")


#: Most tracks ``reorder`` takes from a file: the order search grows quickly with the length
#: (8,000 tracks took 150 s and 4.2 GB); longer lists are refused with a one-line error.
MAX_REORDER_TRACKS = 1_000


@click.command()
@click.argument("sequence_file", metavar="[SEQUENCE.json]", required=False, type=click.Path(path_type=Path))
@click.option(
    "--playlist",
    "playlist_ref",
    metavar="URI",
    help="Reorder this Spotify playlist instead (link, spotify:playlist:ID or id).",
)
@click.option("--push", is_flag=True, help="With --playlist: write the new order back into that playlist.")
@click.option("--dry-run", is_flag=True, help="With --playlist: show what --push would change; write nothing.")
@click.option(
    "--profile",
    "profile_ref",
    metavar="NAME",
    shell_complete=complete_profiles,
    help="Score the order with this profile (default: the file's; with --playlist, the profile moodseq "
    "pushed it for; else, and for a JSPF file, flow alone: no moods or arc).",
)
@click.option(
    "--seed",
    type=int,
    metavar="N",
    callback=check_seed,
    help="Seed of the order search (default 0: same file, same order).",
)
@click.option("--keep-ends", is_flag=True, help="Keep the first and last track where they are.")
@click.option(
    "--flow-only",
    is_flag=True,
    help="Minimise the flow cost alone (default: the profile's whole objective: flow, arc and fit).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS, case_sensitive=False),
    help="Output format (default: from the -o suffix; without -o, to stdout).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the reordered playlist to this file, atomically (- for standard output).",
)
@pass_app
def cli(
    app: AppContext,
    /,
    sequence_file: Path | None,
    playlist_ref: str | None,
    push: bool,
    dry_run: bool,
    profile_ref: str | None,
    seed: int | None,
    keep_ends: bool,
    flow_only: bool,
    fmt: str | None,
    output: Path | None,
) -> None:
    """Reorder SEQUENCE.json (from `moodseq build --format json`; a .jspf, .xspf, an .m3u8 or a CSV
    track list such as an Exportify export too) or a Spotify playlist so it keeps the profile's promise
    best: smooth flow, the energy arc and the mood fit together (--flow-only: the smoothest flow
    alone). Tracks your library knows are scored with what it knows.

    Prints every figure before and after: objective, flow cost (0 = seamless), arc error and
    mood fit. With --playlist --push the new order is written back into that same playlist and
    read back to verify it. Examples:

    \b
    moodseq reorder night.json --keep-ends -o night-smooth.json
    moodseq reorder Exported_Playlist.csv --profile night-drive -o night.json
    moodseq reorder --playlist https://open.spotify.com/playlist/ID --dry-run
    moodseq reorder --playlist spotify:playlist:ID --push
    """
    from sequencer.errors import InputFileError

    if (sequence_file is None) == (playlist_ref is None):
        raise InputFileError(
            "give either a SEQUENCE.json file or --playlist URI",
            hint="moodseq reorder night.json  or  moodseq reorder --playlist spotify:playlist:ID",
        )
    if playlist_ref is None and (push or dry_run):
        raise InputFileError(
            "--push and --dry-run work with --playlist only",
            hint="to send a saved sequence to Spotify use: moodseq push SEQUENCE.json",
        )
    from sequencer.cli.output import output_target

    fmt, output = output_target(app, fmt, output)
    if playlist_ref is not None:
        _reorder_playlist(
            app,
            playlist_ref,
            push=push,
            dry_run=dry_run,
            profile_ref=profile_ref,
            seed=seed,
            keep_ends=keep_ends,
            flow_only=flow_only,
            fmt=fmt,
            output=output,
        )
        return
    assert sequence_file is not None
    from sequencer.cli.saved import is_bare, load_saved
    from sequencer.core.build import reorder_tracks

    before, loaded = load_saved(app, sequence_file, profile_ref)
    if len(before.tracks) > MAX_REORDER_TRACKS:
        raise InputFileError(
            f"{sequence_file} has {len(before.tracks):,} tracks; reorder takes at most {MAX_REORDER_TRACKS:,}",
            hint="reorder it in parts (a playlist of that length has no single listening flow), "
            "or build a playlist with `moodseq build`",
        )
    if not is_bare(loaded):  # a JSPF file's tracks already come from the library
        before = _from_library(app, before)
    after = reorder_tracks(before.tracks, before.profile, seed=seed, keep_ends=keep_ends, flow_only=flow_only)
    _show(app, before, after, fmt=fmt, output=output, name=loaded.name)


def _from_library(app: AppContext, before: Sequence) -> Sequence:
    """``before`` with each track the library knows taking the library's moods, sound and
    attributes (:func:`sequencer.cli.saved.from_library`)."""
    from sequencer.cli.saved import from_library
    from sequencer.core.sequence import make_sequence

    if not app.library_path.is_file():  # a JSON file carries every track's data: nothing to say
        return before
    tracks = from_library(app, list(before.tracks))
    if all(a is b for a, b in zip(tracks, before.tracks, strict=True)):
        return before
    return make_sequence(tracks, before.profile, seed=before.seed, mode=before.mode, warnings=before.warnings)


def _pushed_profile(app: AppContext, pid: str) -> Profile | None:
    """The profile of the build moodseq last pushed to the Spotify playlist ``pid``, so that
    reordering one of its own playlists keeps the arc and moods it was built for (by flow
    alone it scrambled a night drive's rise and fall); None for any other playlist."""
    from sequencer.adapters.living import pushed_profile

    found = pushed_profile(app.library_path, "spotify", pid)
    if found is None:
        return None
    name, ref = found
    from sequencer.adapters.profiles_toml import load_profile
    from sequencer.errors import MoodseqError

    try:
        profile = load_profile(ref, app.user_profiles_dir, app.vocabulary())
    except MoodseqError as error:
        app.say(
            f"note: moodseq pushed this playlist for the profile {name}, which does not load ({error.message}); "
            "ordering by flow alone (--profile NAME scores it against a profile)"
        )
        return None
    app.say(
        f"note: moodseq pushed this playlist for the profile {name}: the order keeps its arc and moods "
        "(--profile NAME for another, --flow-only for the smoothest flow alone)"
    )
    return profile


def figure_lines(before: Sequence, after: Sequence) -> list[str]:
    """Every figure of the score before and after, with its change (lower objective, flow cost
    and arc error are better; higher mood fit is better)."""
    lines = []
    for label, attribute in (
        ("objective", "total"),
        ("flow cost", "flow_cost"),
        ("arc error", "arc_error"),
        ("mood fit", "mood_fit"),
    ):
        old, new = getattr(before.score, attribute), getattr(after.score, attribute)
        share = f" ({(new - old) / abs(old):+.1%})" if abs(old) > 1e-12 else ""
        lines.append(f"{label + ' before:':<18}{old:.4f}  after: {new:.4f}{share}")
    return lines


def _silent(_line: str) -> None:
    """Print nothing (the figures of ``reorder -q -o FILE``)."""


def _show(
    app: AppContext, before: Sequence, after: Sequence, *, fmt: str | None, output: Path | None, name: str | None
) -> None:
    """Print every figure before/after and the new order (or the export), write -o."""
    from sequencer.adapters import exporters

    to_stdout = fmt is not None and output is None
    report: Callable[[str], None] = app.say if to_stdout else click.echo
    if app.quiet and output is not None:  # the file is the requested output (as for build -q -o)
        report = _silent
    from sequencer.cli.output import reader_may_leave

    with reader_may_leave():  # `| head` must not cost the -o file
        for line in figure_lines(before, after):
            report(line)
        if not to_stdout:
            for position, track in enumerate(after.tracks, start=1):
                report(f"{position:>3}. {track.name}")
        for warning in after.warnings:
            app.say(f"warning: {warning}")
    if to_stdout:
        assert fmt is not None
        click.echo(exporters.render(after, fmt, name=name), nl=False)
        return
    if output is None:
        return
    fmt = exporters.output_format(fmt, output)
    exporters.write_export(after, fmt, output, name=name)
    from sequencer.cli.commands._pipeline import tracks_phrase

    app.say(f"wrote {output} ({exporters.check_format(fmt)}, {tracks_phrase(len(after.steps))})")


def _reorder_playlist(
    app: AppContext,
    ref: str,
    *,
    push: bool,
    dry_run: bool,
    profile_ref: str | None,
    seed: int | None,
    keep_ends: bool,
    flow_only: bool,
    fmt: str | None,
    output: Path | None,
) -> None:
    """Read the Spotify playlist, reorder it, show it, and push or plan the new order."""
    from sequencer.adapters.spotify.importer import playlist_id
    from sequencer.adapters.spotify.playlist_reorder import push_reorder, reorder_playlist
    from sequencer.adapters.spotify.playlist_rewrite import Journal, RewritePlan
    from sequencer.cli.commands.push import connect
    from sequencer.cli.progress import progress_bar
    from sequencer.core.profile import Profile

    pid = playlist_id(ref)  # a bad link fails before the login is looked at
    if profile_ref is not None:
        from sequencer.adapters.profiles_toml import load_profile

        profile = load_profile(profile_ref, app.user_profiles_dir, app.vocabulary())
    else:
        profile = _pushed_profile(app, pid) or Profile(name="reorder")
    client = connect(app)
    journal = Journal(app.data_dir / "spotify-reorder")
    found = reorder_playlist(
        client,
        ref,
        profile,
        seed=seed,
        keep_ends=keep_ends,
        library_path=app.library_path,
        journal=journal,
        flow_only=flow_only,
    )
    remote = found.playlist
    app.say(
        f"read {remote.name!r}: {len(remote.tracks)} tracks"
        + (f", {plural(remote.skipped, 'item')} skipped (local files, episodes, unavailable)" if remote.skipped else "")
        + (f"; moods/attributes from your library for {found.from_library}" if found.from_library else "")
    )
    if found.unknown:
        app.say(
            f"{found.unknown} of {plural(len(remote.tracks), 'track')} {'has' if found.unknown == 1 else 'have'} "
            "unknown moods and attributes "
            "(import them into your library for a better order)"
        )
    if found.pending is not None:
        app.say(
            f"an earlier --push of this playlist was interrupted: {len(remote.uris)} of "
            f"{len(found.pending)} tracks are on Spotify; --push finishes that order"
        )
    _show(app, found.before, found.after, fmt=fmt, output=output, name=remote.name)
    if not (push or dry_run):
        return
    with progress_bar(app, "Writing the new order", total=len(found.uris)) as advance:
        outcome = push_reorder(client, found, journal, dry_run=dry_run, progress=advance)
    target = f"the playlist {remote.name!r} ({remote.id})"
    to_err = fmt is not None and output is None  # the export itself is on stdout
    if isinstance(outcome, RewritePlan):
        if outcome.unchanged:
            click.echo(f"{target} already has this order: nothing to do", err=to_err)
        else:
            moving = f"{outcome.moved} of {plural(outcome.tracks, 'track')} {'moves' if outcome.moved == 1 else 'move'}"
            click.echo(f"would reorder {target}: {moving}", err=to_err)
    elif not outcome.written:
        click.echo(f"{target} already has this order: nothing written", err=to_err)
    else:
        click.echo(
            f"reordered {target}: {outcome.moved} of {outcome.tracks} tracks moved, verified: {remote.url}", err=to_err
        )
