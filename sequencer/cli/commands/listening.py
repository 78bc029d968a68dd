"""`moodseq listening [lastfm USER | spotify]`: your listening history as evidence for builds.

`listening lastfm USER` stores a Last.fm user's most scrobbled tracks (play counts) and loved
tracks; `listening spotify` stores the tracks Spotify says you played recently (its last 50).
Each fetch replaces what that source said before.  `listening` alone shows what is stored.
A profile uses it only when its ``[listening]`` section says so (``weight``, ``avoid_plays``).
"""

from __future__ import annotations

from collections import Counter

import click

from sequencer.cli.context import AppContext, pass_app

HINT = "then set `[listening] weight = 0.5` (or `avoid_plays = 100`) in a profile to use it"


@click.group(invoke_without_command=True)
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Fetch your listening history (play counts, loved tracks) to steer builds, or show it.

    Profiles use it only with a `[listening]` section (profiles/README.md).
    """
    if ctx.invoked_subcommand is not None:
        return
    from sequencer.adapters.library.listening import listening_summary

    app = ctx.find_object(AppContext)
    assert app is not None
    with app.open_library(read_only=True) as store:
        rows = listening_summary(store)
    if not rows:
        app.say("no listening history yet: `moodseq listening lastfm USER` or `moodseq listening spotify`")
        return
    for source, songs, plays, loved, fetched in rows:
        click.echo(f"{source}: {songs} songs, {plays} plays, {loved} loved (fetched {fetched[:16].replace('T', ' ')})")


@cli.command()
@click.argument("user")
@click.option(
    "--limit", type=click.IntRange(1, 10_000), default=1000, show_default=True, help="Top and loved tracks to fetch."
)
@pass_app
def lastfm(app: AppContext, /, user: str, limit: int) -> None:
    """Fetch Last.fm USER's most played tracks and loved tracks (needs LASTFM_API_KEY)."""
    from sequencer.adapters.lastfm import lastfm_listening, make_client
    from sequencer.adapters.library.listening import Listen, replace_listening

    client = make_client(app.env)
    try:
        top, loved = lastfm_listening(client, user, limit=limit)
    finally:
        client.close()
    listens = [Listen(a, t, plays=n) for a, t, n in top] + [Listen(a, t, loved=True) for a, t in loved]
    with app.open_library() as store:
        songs = replace_listening(store, "lastfm", listens)
    click.echo(f"Last.fm {user}: {len(top)} top tracks, {len(loved)} loved; {songs} songs stored")
    app.say(HINT)


@cli.command()
@pass_app
def spotify(app: AppContext, /) -> None:
    """Fetch the tracks Spotify says you played recently (its last 50)."""
    from sequencer.adapters.library.listening import Listen, replace_listening
    from sequencer.adapters.spotify.errors import ForbiddenError
    from sequencer.cli.commands.push import connect
    from sequencer.errors import CredentialsError

    client = connect(app)
    try:
        items = client.recently_played(limit=50)
    except ForbiddenError:
        raise CredentialsError(
            "this Spotify login may not read your recently played tracks",
            hint="run `moodseq spotify login` again: it now asks for that permission",
        ) from None
    counts: Counter[tuple[str, str]] = Counter()
    for item in items:
        track = item.get("track") or {}
        artists = track.get("artists") or [{}]
        if track.get("name") and artists[0].get("name"):
            counts[(str(artists[0]["name"]), str(track["name"]))] += 1
    with app.open_library() as store:
        songs = replace_listening(store, "spotify", [Listen(a, t, plays=n) for (a, t), n in counts.items()])
    click.echo(f"Spotify: {len(items)} recent plays; {songs} songs stored")
    app.say(HINT)
