"""`moodseq history [--profile P] [-n N]` and `moodseq history show N`: the recorded builds."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from sequencer.cli.complete import complete_profiles
from sequencer.cli.context import AppContext, pass_app

if TYPE_CHECKING:
    from sequencer.adapters.library.history import BuildSummary, PushRecord


def _when(iso: str) -> str:
    """``2026-12-03T09:58:01+00:00`` → ``2026-12-03 09:58``."""
    return iso[:16].replace("T", " ")


def _num(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def _push_text(push: PushRecord) -> str:
    state = {"done": "", "failed": " (failed)", "started": " (interrupted)"}.get(push.status, f" ({push.status})")
    return f"{push.sink}: {push.target}{state}"


def _line(build: BuildSummary) -> str:
    pushed = "; ".join(_push_text(p) for p in build.pushes) or "-"
    seed = "-" if build.seed is None else str(build.seed)
    return (
        f"{build.bid:>4}  {_when(build.created_at)}  {build.profile:<14} {seed:>6} {build.count:>4}  "
        f"{build.duration_s / 60:5.1f}  {_num(build.flow_cost)} {_num(build.arc_error)} {_num(build.mood_fit, 2):>4}  "
        f"{pushed}"
    )


DEMO_BUILDS = "builds from the built-in demo library are not recorded; import your music with `moodseq import csv FILE`"

HEADER = "   #  when (UTC)        profile          seed trks    min  flow  arc   fit   pushed"


@click.group(invoke_without_command=True)
@click.option(
    "--profile", "profile_name", metavar="PROFILE", shell_complete=complete_profiles, help="Only this profile's builds."
)
@click.option("-n", "--limit", type=click.IntRange(1), default=20, show_default=True, help="How many, newest first.")
@click.pass_context
def cli(ctx: click.Context, profile_name: str | None, limit: int) -> None:
    """List the builds and pushes recorded in the library, newest first.

    `moodseq history show N` shows build N's tracks, options and pushes.
    """
    if ctx.invoked_subcommand is not None:
        return
    from sequencer.adapters.library import history

    app = ctx.find_object(AppContext)
    assert app is not None
    others: list[str] = []
    with app.reading_library() as reading:
        builds = [] if reading.is_demo else history.list_builds(reading.store, limit=limit, profile=profile_name)
        if not builds and profile_name is not None and not reading.is_demo:
            others = sorted({b.profile for b in history.list_builds(reading.store, limit=1000)})
    if reading.is_demo:
        app.say(f"no builds recorded: {DEMO_BUILDS}")
        return
    if others:
        app.say(f"no builds of {profile_name!r} recorded; there are builds of {', '.join(others)}")
        return
    if not builds:
        app.say("no builds recorded yet: `moodseq build PROFILE` records each build")
        return
    click.echo(HEADER)
    for build in builds:
        click.echo(_line(build))


@cli.command()
@click.argument("number", type=int)
@pass_app
def show(app: AppContext, /, number: int) -> None:
    """Show build NUMBER: when, profile, seed, options, its tracks in order and where it went."""
    from sequencer.adapters.library import history
    from sequencer.errors import InputFileError

    with app.reading_library() as reading:
        build = None if reading.is_demo else history.build_detail(reading.store, number)
    if build is None:
        hint = DEMO_BUILDS if reading.is_demo else "`moodseq history` lists them"
        raise InputFileError(f"no build number {number} in the history", hint=hint)
    seed = "-" if build.seed is None else str(build.seed)
    click.echo(f"build {build.bid}: {build.profile} ({build.mode}), {_when(build.created_at)} UTC, seed {seed}")
    click.echo(
        f"{build.count} tracks, {build.duration_s / 60:.1f} min; flow cost {_num(build.flow_cost)}, "
        f"arc error {_num(build.arc_error)}, mood fit {_num(build.mood_fit, 2)}"
    )
    options = ", ".join(f"{k}={v}" for k, v in sorted(build.options.items()))
    click.echo(f"profile {build.profile_ref}" + (f"; options {options}" if options else ""))
    for position, (_, name, _) in enumerate(build.tracks, 1):
        click.echo(f"{position:>3} {name}")
    for push in build.pushes:
        where = f" {push.url}" if push.url else ""
        click.echo(f"pushed {_when(push.started_at)} to {_push_text(push)}{where}")
