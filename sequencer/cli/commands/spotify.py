"""`moodseq spotify login|whoami|logout`: connect moodseq to your Spotify account."""

from __future__ import annotations

import click

from sequencer.cli.context import AppContext, pass_app


@click.group()
def cli() -> None:
    """Connect to Spotify (your own app's client id, PKCE: no secret needed).

    Set SPOTIPY_CLIENT_ID first (create an app at https://developer.spotify.com/dashboard
    with the redirect URI http://127.0.0.1:8888/callback).
    """


def _show_url(url: str) -> None:
    """Print the authorize link for the user to open (the --no-browser path)."""
    click.echo("Open this link in a browser on this computer and approve access:", err=True)
    click.echo(url)


def _open_browser(url: str) -> None:
    """Open the authorize link in the default browser; print it too if that fails."""
    import webbrowser

    if not webbrowser.open(url):
        _show_url(url)


def _read_pasted() -> str:
    """Ask for the address the browser ended at (the --paste path)."""
    click.echo(
        "After approving, the browser goes to a 127.0.0.1 address that may fail to load on that "
        "machine: that is expected. Copy the whole address from its address bar.",
        err=True,
    )
    try:
        value: str = click.prompt("Paste the address here", err=True)
    except click.Abort:
        from sequencer.errors import CredentialsError

        raise CredentialsError(
            "no address was pasted", hint="run `moodseq spotify login --paste` again in a terminal"
        ) from None
    return value


@cli.command()
@click.option("--no-browser", is_flag=True, help="Print the link instead of opening a browser.")
@click.option(
    "--paste",
    is_flag=True,
    help="For a machine without a browser: open the link anywhere, then paste the address the browser ended at.",
)
@click.option("--client-id", help="Your Spotify app's client id (default: SPOTIPY_CLIENT_ID).")
@click.option(
    "--timeout",
    type=click.FloatRange(min=1),
    default=300,
    show_default=True,
    help="Seconds to wait for the browser's answer.",
)
@pass_app
def login(app: AppContext, /, no_browser: bool, paste: bool, client_id: str | None, timeout: float) -> None:
    """Log in to Spotify in the browser; the token is saved privately (mode 0600).

    Spotify ends a login six months after this sign-in (renewing does not extend it); moodseq
    warns a week before. On a machine without a browser, use --paste.
    """
    from dataclasses import replace

    from sequencer.adapters.spotify.auth import login as run_login
    from sequencer.adapters.spotify.service import connect, whoami
    from sequencer.adapters.spotify.settings import settings_from_env

    settings = settings_from_env(app.env, app.config_dir)
    if client_id:
        settings = replace(settings, client_id=client_id)
    if not settings.client_id:  # before "waiting for the redirect", which would never come
        from sequencer.adapters.spotify.errors import missing_client_id

        raise missing_client_id()
    if paste:
        run_login(settings, _show_url, timeout_s=timeout, paste=_read_pasted)
    else:
        app.say(f"waiting for Spotify's redirect to {settings.redirect_uri} …")
        run_login(settings, _show_url if no_browser else _open_browser, timeout_s=timeout)
    env = dict(app.env)
    env.pop("MOODSEQ_SPOTIFY_TOKEN", None)
    who = whoami(connect(env, app.config_dir))
    click.echo(f"logged in to Spotify as {who.name} ({who.id}); login saved in {settings.token_path}")
    app.say("Spotify ends this login in six months (renewing does not extend it); moodseq warns a week before")


@cli.command()
@pass_app
def whoami(app: AppContext, /) -> None:
    """Show which Spotify account moodseq uses."""
    import time

    from sequencer.adapters.spotify.service import login_ends
    from sequencer.adapters.spotify.service import whoami as who_is
    from sequencer.cli.commands.push import connect

    who = who_is(connect(app))
    via = " (token from MOODSEQ_SPOTIFY_TOKEN)" if app.env.get("MOODSEQ_SPOTIFY_TOKEN") else ""
    plan = f", {who.product} account" if who.product else ""
    click.echo(f"{who.name} ({who.id}){plan}{via}")
    ends = None if via else login_ends(app.env, app.config_dir)
    if ends is not None:
        app.say(f"this login ends on {time.strftime('%Y-%m-%d', time.localtime(ends))} (six months after the sign-in)")


@cli.command()
@pass_app
def logout(app: AppContext, /) -> None:
    """Forget the saved Spotify login (the file is deleted)."""
    from sequencer.adapters.spotify.auth import logout as run_logout
    from sequencer.adapters.spotify.settings import settings_from_env

    settings = settings_from_env(app.env, app.config_dir)
    if run_logout(settings):
        click.echo(f"logged out: deleted {settings.token_path}")
    else:
        click.echo("not logged in: nothing to forget")
