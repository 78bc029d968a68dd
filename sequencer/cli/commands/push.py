"""`moodseq push SEQUENCE.json [--name N] [--dry-run]`: a saved sequence becomes a Spotify playlist.

Also home of :func:`push_sequence_cli` (what `moodseq build --push` calls) and the two small
helpers the Spotify commands share: the rate-limit countdown and :func:`connect`.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from collections.abc import Sequence as Seq
from pathlib import Path
from typing import TYPE_CHECKING

import click

from sequencer.cli.context import AppContext, pass_app
from sequencer.cli.output import playlist_name, plural

if TYPE_CHECKING:
    from sequencer.adapters.sinks.base import SinkReport
    from sequencer.adapters.spotify.client import SpotifyClient
    from sequencer.adapters.spotify.service import PushOutcome
    from sequencer.core.sequence import Sequence
    from sequencer.core.track import Track

SHOW_UNRESOLVED = 15


def countdown(app: AppContext) -> Callable[[int, str], None]:
    """An ``on_wait(seconds_left, why)`` that shows a 429 wait on stderr (one line off a TTY)."""
    tty = sys.stderr.isatty() and not app.plain
    state = {"last": 0}

    def show(left: int, why: str) -> None:
        """Draw (TTY) or announce (otherwise) the wait."""
        if app.quiet:
            return
        starting = left > state["last"] or state["last"] == 0
        state["last"] = left
        if tty:
            end = "\n" if left == 0 else ""
            click.echo(f"\r{why}: waiting {left:>3} s …", err=True, nl=False)
            if end:
                click.echo("", err=True)
        elif starting and left > 0:
            click.echo(f"{why}: waiting {left} s …", err=True)

    return show


def connect(app: AppContext) -> SpotifyClient:
    """The Spotify client for this invocation (saved login or MOODSEQ_SPOTIFY_TOKEN)."""
    from sequencer.adapters.spotify.service import connect as _connect
    from sequencer.adapters.spotify.service import login_warning

    client = _connect(app.env, app.config_dir, on_wait=countdown(app))
    warning = login_warning(app.env, app.config_dir)
    if warning:
        app.say(warning)
    return client


def _tracks(n: int) -> str:
    """``1 track`` / ``2 tracks``."""
    return f"{n} track{'' if n == 1 else 's'}"


def _report(app: AppContext, outcome: PushOutcome, total: int) -> None:
    """Print what happened: the playlist on stdout, left-out tracks on stderr."""
    resolution = outcome.resolution
    if outcome.offline is not None:
        _report_offline(outcome, total)
        return
    for track in resolution.unresolved[:SHOW_UNRESOLVED]:
        click.echo(f"not found on Spotify (left out): {track.name}", err=True)
    more = len(resolution.unresolved) - SHOW_UNRESOLVED
    if more > 0:
        click.echo(f"… and {more} more not found on Spotify", err=True)
    if resolution.searched:
        searches = plural(resolution.searched, "Spotify search", "Spotify searches")
        app.say(f"{searches}; {plural(resolution.cached, 'answer')} from the library's cache")
    plan, result = outcome.plan, outcome.result
    if plan is not None:
        if plan.action == "create":
            click.echo(f"would create the playlist {plan.name!r} with {_tracks(plan.target)}")
        elif plan.action == "unchanged":
            click.echo(f"the playlist {plan.name!r} already holds these {_tracks(plan.target)}: nothing to do")
        else:
            order = ", order changes" if plan.reordered else ""
            click.echo(
                f"would update the playlist {plan.name!r} ({plan.playlist_id}): {plan.current} → "
                f"{_tracks(plan.target)}, {plan.added} added, {plan.removed} removed{order}"
            )
        return
    assert result is not None
    verb = "created" if result.created else "updated"
    left_out = f" ({len(resolution.unresolved)} of {total} not found)" if resolution.unresolved else ""
    click.echo(f"{verb} the playlist {result.name!r} with {_tracks(result.tracks)}{left_out}: {result.url}")


def _report_offline(outcome: PushOutcome, total: int) -> None:
    """A dry run without a login: what the cache knows, marked as such."""
    assert outcome.plan is not None
    missing = len(outcome.resolution.unresolved)
    for track in outcome.resolution.unresolved[:SHOW_UNRESOLVED]:
        click.echo(f"no Spotify link in the library's cache: {track.name}", err=True)
    if missing > SHOW_UNRESOLVED:
        click.echo(f"… and {missing - SHOW_UNRESOLVED} more without a cached link", err=True)
    searched = f"; {missing} of {total} not in the cache (a real push searches Spotify for them)" if missing else ""
    click.echo(
        f"{outcome.offline} — from the library's search cache, Spotify not asked: would push "
        f"{_tracks(outcome.plan.target)} to the playlist {outcome.plan.name!r}{searched}"
    )


def _client_or_none(app: AppContext, dry_run: bool) -> SpotifyClient | None:
    """The client; for a dry run without a login, None (and a note saying so)."""
    from sequencer.errors import CredentialsError

    try:
        return connect(app)
    except CredentialsError:
        if not dry_run:
            raise
        return None


def check_login(app: AppContext) -> None:
    """Fail now (before a long build) when Spotify would refuse the push: not logged in, login
    ended, or Spotify unreachable.  What `moodseq build --push` calls first (the warning of a
    login about to end comes with the push itself)."""
    from sequencer.adapters.spotify.service import connect as _connect

    _connect(app.env, app.config_dir, on_wait=countdown(app)).me()


def check_targets(app: AppContext, targets: Seq[str]) -> None:
    """Fail before a long build when a push target cannot work: Spotify's login is checked with
    Spotify (:func:`check_login`); Subsonic and ListenBrainz must have their settings (checked
    without asking the server, which the push itself does)."""
    from sequencer.adapters.sinks.settings import listenbrainz_settings, subsonic_settings

    for target in dict.fromkeys(targets or ("spotify",)):
        if target == "spotify":
            check_login(app)
        elif target == "subsonic":
            subsonic_settings(app.env, app.config_dir)
        elif target == "listenbrainz":
            listenbrainz_settings(app.env, app.config_dir)


def push_recorded(
    app: AppContext,
    tracks: Seq[Track],
    *,
    profile_name: str | None,
    name: str | None,
    dry_run: bool,
    bid: int | None = None,
    client: SpotifyClient | None = None,
) -> PushOutcome:
    """Resolve and push (or plan) ``tracks``; nothing is printed.

    With ``bid`` (a build recorded in the library's history) the push is recorded too: as
    started before anything is written, as done or failed after (so an interrupted one is seen).
    """
    from sequencer.adapters import living
    from sequencer.adapters.spotify.pending import PendingCreates
    from sequencer.adapters.spotify.push import default_name
    from sequencer.adapters.spotify.service import library_links, push_tracks
    from sequencer.cli.progress import progress_bar

    client = client or _client_or_none(app, dry_run)
    target = name or default_name(profile_name)
    pid = None if dry_run else living.start_push(app.library_path, bid, sink="spotify", target=target)
    try:
        with (
            library_links(app.library_path, app.data_dir, read_only=dry_run) as (links, cache),
            progress_bar(app, "Pushing to Spotify", total=len(tracks)) as advance,
        ):
            outcome = push_tracks(
                client,
                tracks,
                profile_name=profile_name,
                name=target,
                links=links,
                cache=cache,
                dry_run=dry_run,
                progress=advance,
                pending=PendingCreates(app.data_dir / "spotify-pending.json"),
            )
    except Exception as error:
        living.finish_push(app.library_path, pid, ok=False, note=str(error) or type(error).__name__)
        raise
    if outcome.result is not None:
        result = outcome.result
        living.finish_push(app.library_path, pid, ok=True, playlist_id=result.playlist_id, url=result.url)
    return outcome


def push_tracks_cli(
    app: AppContext,
    tracks: Seq[Track],
    *,
    profile_name: str | None,
    name: str | None,
    dry_run: bool,
    bid: int | None = None,
) -> PushOutcome:
    """Resolve, push (or plan) and report: the body of `push` and `build --push`."""
    outcome = push_recorded(app, tracks, profile_name=profile_name, name=name, dry_run=dry_run, bid=bid)
    _report(app, outcome, len(tracks))
    return outcome


def push_sequence_cli(
    app: AppContext, sequence: Sequence, *, name: str | None, dry_run: bool, bid: int | None = None
) -> PushOutcome:
    """Push a freshly built sequence (what `moodseq build --push` and `refresh` call)."""
    return push_tracks_cli(
        app, sequence.tracks, profile_name=sequence.profile.name, name=name, dry_run=dry_run, bid=bid
    )


def _sink_report_lines(app: AppContext, report: SinkReport) -> None:
    """One sink's summary on stdout, its notes on stderr."""
    for note in report.notes:
        app.say(f"{report.sink}: {note}")
    click.echo(report.summary())


def push_to_sinks_cli(
    app: AppContext,
    tracks: Seq[Track],
    *,
    targets: Seq[str],
    profile_name: str | None,
    name: str | None,
    dry_run: bool,
) -> None:
    """Push ``tracks`` to every sink in ``targets`` and report each; one failing sink does not
    stop the others, and the exit code (2) says that one failed."""
    from sequencer.adapters.sinks import open_sink, playlist_memory
    from sequencer.adapters.spotify.pending import PendingCreates
    from sequencer.cli.progress import progress_bar
    from sequencer.errors import MoodseqError, RemoteServiceError

    failed: list[str] = []
    with playlist_memory(app.library_path, app.data_dir) as (memory, cache):
        for target in dict.fromkeys(targets):
            try:
                sink = open_sink(
                    target,
                    env=app.env,
                    config_dir=app.config_dir,
                    memory=memory,
                    cache=cache,
                    spotify_client=lambda: connect(app),
                    spotify_pending=PendingCreates(app.data_dir / "spotify-pending.json"),
                )
                with progress_bar(app, f"Pushing to {target}", total=len(tracks)) as advance:
                    report = sink.push(tracks, profile_name=profile_name, name=name, dry_run=dry_run, progress=advance)
            except MoodseqError as error:
                failed.append(target)
                click.echo(f"{target}: failed: {error}", err=True)
                if error.hint:
                    click.echo(f"{target}: hint: {error.hint}", err=True)
                continue
            _sink_report_lines(app, report)
    if failed:
        raise RemoteServiceError(
            f"{len(failed)} of {plural(len(dict.fromkeys(targets)), 'push', 'pushes')} failed: {', '.join(failed)}",
            hint="fix what each failure above says, then push again (pushes that worked change nothing)",
        )


def push_to_cli(
    app: AppContext,
    tracks: Seq[Track],
    *,
    targets: Seq[str],
    profile_name: str | None,
    name: str | None,
    dry_run: bool,
    bid: int | None = None,
) -> None:
    """Spotify alone keeps its own detailed report; any other target list goes through the sinks.
    With ``bid`` (a recorded build) the Spotify push is recorded in the build history."""
    if tuple(dict.fromkeys(targets)) == ("spotify",):
        push_tracks_cli(app, tracks, profile_name=profile_name, name=name, dry_run=dry_run, bid=bid)
        return
    push_to_sinks_cli(app, tracks, targets=targets, profile_name=profile_name, name=name, dry_run=dry_run)


def to_option(func: click.decorators.FC, flag: str = "--to") -> click.decorators.FC:
    """``--to NAME`` (repeatable): where to push (``build`` calls it ``--push-to``: its ``--to``
    is a journey's end)."""
    from sequencer.cli.sink_names import SINK_NAMES

    return click.option(
        flag,
        "targets",
        multiple=True,
        type=click.Choice(SINK_NAMES),
        help="Where to push (repeatable): spotify (default), subsonic, listenbrainz.",
    )(func)


def push_to_option(func: click.decorators.FC) -> click.decorators.FC:
    """``build --push-to NAME`` (repeatable; implies --push)."""
    return to_option(func, "--push-to")


@click.command()
@click.argument("sequence_file", metavar="SEQUENCE", type=click.Path(path_type=Path))
@click.option(
    "--name",
    callback=playlist_name,
    help="Playlist name (default: from the profile, e.g. "
    "'Night Drive (moodseq)'). Each name is its own playlist, updated on every push.",
)
@to_option
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@pass_app
def cli(app: AppContext, /, sequence_file: Path, name: str | None, targets: tuple[str, ...], dry_run: bool) -> None:
    """Push SEQUENCE (a .json from `moodseq build --format json`; a .jspf, .xspf, an .m3u8 or a CSV
    track list such as an Exportify export too: named after its file) as a playlist.

    The first push creates the playlist; later pushes with the same profile and name update that
    same playlist to exactly this order, on every target. Tracks a target does not have are
    listed. Example: moodseq push night.json --to spotify --to subsonic --to listenbrainz
    """
    from sequencer.cli.saved import from_library, is_bare, load_file

    loaded = load_file(app, sequence_file)
    tracks = list(loaded.tracks)
    if is_bare(loaded):  # names and links only: the library may know their URIs, ISRCs, files
        tracks = from_library(app, tracks, source=str(sequence_file))
    profile_name = loaded.profile.name if loaded.profile is not None else None
    bid = None
    if loaded.profile is not None and not dry_run:
        from sequencer.adapters.living import record_sequence
        from sequencer.core.sequence import make_sequence

        sequence = make_sequence(tracks, loaded.profile, seed=loaded.seed)
        options = {"name": name, "file": str(sequence_file.resolve())}
        bid = record_sequence(app.library_path, sequence, profile_ref=loaded.profile.name, options=options, mode="file")
    title = loaded.name if is_bare(loaded) else None
    push_to_cli(
        app,
        tracks,
        targets=targets or ("spotify",),
        profile_name=profile_name,
        name=name or title,
        dry_run=dry_run,
        bid=bid,
    )
