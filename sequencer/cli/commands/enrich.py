"""`moodseq enrich lastfm`: fetch crowd tags for the tracks that lack them.

Needs ``LASTFM_API_KEY``.  At most 5 requests a second; each track is saved as soon as its
tags arrive, so an interrupted run (Ctrl-C, network, rate limit) resumes where it stopped.
"""

from __future__ import annotations

import click

from sequencer.cli.context import AppContext, pass_app
from sequencer.cli.output import confirm


@click.group()
def cli() -> None:
    """Add data about your tracks from online services."""


@cli.command()
@click.option(
    "--limit", type=click.IntRange(min=1), default=None, help="Ask about at most this many tracks in this run."
)
@click.option("--refresh", is_flag=True, help="Fetch again for tracks fetched before.")
@pass_app
def lastfm(app: AppContext, limit: int | None, refresh: bool) -> None:
    """Fetch Last.fm top tags (track, else artist) for tracks that have none yet."""
    from sequencer.adapters.lastfm import enrich_lastfm, make_client
    from sequencer.cli.progress import progress_bar

    client = make_client(app.env)
    try:
        with app.open_library() as store:
            tracks = store.tracks()
            with progress_bar(app, "Last.fm tags", total=None) as advance:
                report = enrich_lastfm(store, tracks, client, limit=limit, refresh=refresh, progress=advance)
            if report.tagged:
                from sequencer.adapters.mood_inference import evidence_changed

                evidence_changed(store)  # tags do not move the change counter; the import hint must know
    finally:
        client.close()
    if report.candidates == 0:
        confirm(app, "Every track has been asked about already (`--refresh` asks again).")
        return
    confirm(
        app,
        f"Tagged {report.tagged:,} of {report.candidates:,} tracks "
        f"({report.from_artist:,} with their artist's tags); "
        f"{report.untagged:,} unknown to Last.fm; {report.requests:,} requests.",
    )
    app.say("next: `moodseq moods infer` turns the tags into mood weights")
