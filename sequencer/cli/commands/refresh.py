"""`moodseq refresh [PLAYLIST…] [--fresh WINDOW] [--dry-run]`: rebuild and re-push pushed playlists.

Made for cron and systemd timers: no prompts, one summary line on stdout, one line per problem
on stderr, and an exit code that says how it went (see :data:`EXIT_CODES`).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import click

from sequencer.cli.complete import complete_pushed
from sequencer.cli.context import AppContext, pass_app
from sequencer.cli.output import plural

if TYPE_CHECKING:
    from sequencer.adapters.living import RefreshItem
    from sequencer.adapters.spotify.client import SpotifyClient

#: 0 every playlist refreshed (or nothing to do); 1 some failed (the rest were refreshed);
#: 2 nothing could start (no library, unknown name, not logged in); 130 interrupted.
EXIT_CODES = {"ok": 0, "partial": 1}
DEFAULT_FRESH = "14d"


@click.command()
@click.argument("playlists", nargs=-1, metavar="[PLAYLIST]...", shell_complete=complete_pushed)
@click.option(
    "--fresh",
    default=DEFAULT_FRESH,
    show_default=True,
    metavar="WINDOW",
    help="Freshness rule for the rebuilds, as in `build --fresh` (14d:0 = no song of the window again).",
)
@click.option("--dry-run", is_flag=True, help="Rebuild and say what would be pushed; push and record nothing.")
@pass_app
def cli(app: AppContext, /, playlists: tuple[str, ...], fresh: str, dry_run: bool) -> None:
    """Rebuild every playlist pushed before (or the PLAYLISTs named: playlist or profile names)
    with a fresh seed and the freshness rule, and push each to the same playlist.

    No prompts; prints one summary line. Exit code 0: all refreshed (or nothing to do);
    1: some failed (each named on stderr); 2: nothing could start; 130: interrupted — run it
    again and it finishes that run (what was pushed stays, a half-done push is completed).
    """
    from sequencer.adapters.living import finish_refresh, plan_refresh
    from sequencer.core.living import parse_fresh

    parse_fresh(fresh)  # a typo fails before anything runs
    quiet = dataclasses.replace(app, quiet=True)
    plan = plan_refresh(app.library_path, playlists, dry_run=dry_run)
    for target in plan.unsupported:
        click.echo(f"skipped {target.target!r}: moodseq cannot push to {target.sink}", err=True)
    if not plan.items:
        note = f", {plural(len(plan.done), 'playlist')} already done" if plan.done else ""
        if not plan.done and not plan.unsupported and not playlists:
            note = ": no playlist was pushed yet (`moodseq build PROFILE --push` pushes one)"
        click.echo(f"refresh: nothing to refresh{note}")
        finish_refresh(app.library_path, plan.rid, ok=True)
        return
    try:
        client = None if dry_run else _connect(app)
    except BaseException:
        finish_refresh(app.library_path, plan.rid, ok=False)  # nothing ran: the next run starts afresh
        raise
    refreshed, failed = 0, 0
    working: list[str] = []
    for item in plan.items:
        try:
            line = _refresh_one(quiet, item, fresh=fresh, rid=plan.rid, client=client, dry_run=dry_run)
        except Exception as error:  # one playlist's failure must not stop the others
            from sequencer.errors import MoodseqError

            if not isinstance(error, MoodseqError):
                raise
            failed += 1
            hint = f" ({error.hint})" if error.hint else ""  # what fixes it: the one-line error's hint
            click.echo(f"failed {item.target.target!r}: {error.message}{hint}", err=True)
            continue
        refreshed += 1
        working.append(item.target.target)
        if not app.quiet:
            click.echo(line, err=True)
    finish_refresh(app.library_path, plan.rid, ok=failed == 0)
    verb = "would refresh" if dry_run else "refreshed"
    resumed = f" (resumed: {len(plan.done)} done before)" if plan.resumed and plan.done else ""
    summary = f"refresh: {verb} {refreshed} of {plural(len(plan.items), 'playlist')}"
    click.echo(summary + (f", {failed} failed" if failed else "") + resumed)
    if failed:
        if working and not playlists:  # a failure that stays (a deleted profile) fails every cron run
            import shlex

            others = " ".join(shlex.quote(name) for name in dict.fromkeys(working))
            click.echo(f"hint: fix what failed, or refresh only the others: moodseq refresh {others}", err=True)
        click.get_current_context().exit(EXIT_CODES["partial"])


def _connect(app: AppContext) -> SpotifyClient:
    from sequencer.cli.commands.push import connect

    return connect(app)


def _refresh_one(
    app: AppContext, item: RefreshItem, *, fresh: str, rid: int | None, client: SpotifyClient | None, dry_run: bool
) -> str:
    """Rebuild (or, for an interrupted push, re-push) one playlist; the line saying what happened."""
    from sequencer.adapters.living import build_tracks
    from sequencer.cli.commands._pipeline import BuildOptions, make_build
    from sequencer.cli.commands.push import push_recorded

    target, last = item.target, item.target.last
    bid: int | None
    seed: int | None
    if item.repush:
        tracks = build_tracks(app.library_path, last)
        bid, profile_name, seed = last.bid, last.profile, last.seed
    else:
        opts = last.options
        options = BuildOptions(
            profile=last.profile_ref,
            minutes=opts.get("minutes"),
            start=opts.get("start"),
            end=opts.get("end"),
            fresh=fresh,
            record=not dry_run,
            refresh_id=rid,
        )
        built = make_build(app, options)
        tracks, bid, profile_name, seed = (
            built.sequence.tracks,
            built.bid,
            built.sequence.profile.name,
            built.sequence.seed,
        )
    if dry_run:
        old = {song for _, _, song in last.tracks}
        from sequencer.core.track import song_key

        new = [song_key(t.artists, t.title) for t in tracks]
        kept = sum(1 for s in new if s in old)
        return f"would push {len(tracks)} tracks to {target.target!r} ({len(tracks) - kept} new), seed {seed}"
    assert client is not None
    outcome = push_recorded(
        app, tracks, profile_name=profile_name, name=target.target, dry_run=False, bid=bid, client=client
    )
    how = "finished the interrupted push of" if item.repush else "rebuilt"
    count = outcome.result.tracks if outcome.result is not None else len(tracks)
    return f"{how} {target.target!r}: {count} tracks, seed {seed}"
