"""`moodseq import spotify --liked --playlist URL…`: liked songs and playlists into the library.

Registered under `moodseq import` by that group (this module is not a top-level command).
"""

from __future__ import annotations

import click

from sequencer.cli.context import AppContext, pass_app


@click.command("spotify")
@click.option("--liked", is_flag=True, help="Import your liked songs.")
@click.option("--playlist", "playlists", multiple=True, metavar="URL", help="A playlist link, URI or id (repeatable).")
@click.option("--no-features", is_flag=True, help="Do not ask Spotify for audio features.")
@pass_app
def cli(app: AppContext, /, liked: bool, playlists: tuple[str, ...], no_features: bool) -> None:
    """Import tracks from Spotify (needs `moodseq spotify login`).

    Audio features come along only for apps that still get them (new apps: 403, which is
    fine: moods come from tags and your own tagging).
    Example: moodseq import spotify --liked --playlist https://open.spotify.com/playlist/…
    """
    if not liked and not playlists:
        raise click.UsageError("say what to import: --liked and/or --playlist URL")
    from sequencer.adapters.library.store import Store
    from sequencer.adapters.spotify.importer import playlist_id
    from sequencer.adapters.spotify.service import import_into
    from sequencer.cli.commands.push import connect
    from sequencer.cli.progress import progress_bar

    for ref in playlists:
        playlist_id(ref)  # a bad link fails before any request
    client = connect(app)
    from sequencer.cli.commands.import_ import library_state, print_library
    from sequencer.cli.output import confirm, plural

    with Store.open(app.library_path) as store:
        with progress_bar(app, "Importing from Spotify") as advance:
            found, report = import_into(
                store, client, liked=liked, playlists=playlists, features=not no_features, progress=advance
            )
        total, gap = library_state(store)
    parts = ([f"{found.liked:,} liked"] if liked else []) + [
        f"{count:,} from playlist {found.names.get(pid, pid)!r}" for pid, count in found.playlists.items()
    ]
    confirm(  # as every import says it; --quiet drops it
        app,
        f"Imported {plural(len(found.tracks), 'track')} from Spotify ({', '.join(parts)}): "
        f"{report.added:,} new, {report.updated:,} updated, {report.unchanged:,} unchanged",
    )
    if found.skipped:
        app.say(f"skipped {plural(found.skipped, 'item')}: podcast episodes, local files or unavailable tracks")
    if found.features is False:
        app.say(
            "audio features: not available to this Spotify app (normal for apps made after "
            "2024-11-27); moods come from tags and your own tagging"
        )
    print_library(app, total, gap)
