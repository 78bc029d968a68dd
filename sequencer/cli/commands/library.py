"""`moodseq library stats|list|show|tag|tags import`: look into the library and hand-tune moods.

Hand tagging is done by :mod:`sequencer.adapters.library.ops`; the wording lives in
:mod:`sequencer.cli.library_text`.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from sequencer.cli.context import AppContext, pass_app
from sequencer.cli.output import confirm, plural


@click.group()
def cli() -> None:
    """Your library: statistics, finding tracks, hand-tagging moods."""


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
@pass_app
def stats(app: AppContext, as_json: bool) -> None:
    """Counts, mood coverage and attribute coverage.

    Until you import music of your own, of the built-in demo library (as `build` uses it).
    """
    from sequencer.cli.library_text import stats_text

    with app.reading_library(announce=False) as reading:
        data = reading.store.stats()
    data["library"] = str(app.library_path) if not reading.is_demo else reading.description
    data["demo"] = reading.is_demo  # for scripts: these are the built-in demo library's numbers
    if as_json:
        click.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    click.echo(stats_text(data))


@cli.command("list")
@click.option("--mood", help="Only tracks with this mood, surest first (weight × confidence of the evidence).")
@click.option("--artist", help="Only tracks by an artist whose name contains this.")
@click.option("--text", help="Only tracks whose artist or title contains this.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="At most this many.")
@click.option("--ids", is_flag=True, help="Show track ids.")
@pass_app
def list_(app: AppContext, mood: str | None, artist: str | None, text: str | None, limit: int, ids: bool) -> None:
    """Find tracks by mood, artist or text.

    Example: moodseq library list --mood brooding --artist Vangelis
    """
    from sequencer.cli.library_text import track_line

    canonical = app.vocabulary().canonical(mood) if mood else None
    with app.reading_library() as reading:
        found = reading.store.search(mood=canonical, artist=artist, text=text, limit=limit + 1)
    for track in found[:limit]:
        click.echo((f"{track.id}  " if ids else "") + track_line(track))
    if not found:
        app.say("no tracks match")
    elif len(found) > limit:  # never let a cut-off list pass for the whole answer
        app.say(f"showing the first {limit:,}; more match (--limit N shows more, --mood/--artist/--text narrow it)")


@cli.command()
@click.argument("ref")
@pass_app
def show(app: AppContext, ref: str) -> None:
    """Show one track: its attributes and each mood with the source it came from."""
    from sequencer.adapters.library.ops import recordings_named
    from sequencer.cli.library_text import other_recordings_line, track_details

    with app.reading_library() as reading:
        track = reading.store.find(ref)
        sources = reading.store.mood_sources(track.id)
        twins = [i for i in recordings_named(reading.store, ref, track) if i != track.id]
    for line in track_details(track, sources):
        click.echo(line)
    others = other_recordings_line(track, twins, "library show")
    if others:  # the name reaches them too (`library tag` tags them all): say they exist
        click.echo(others)


@cli.command()
@click.argument("ref")
@click.argument("moods", nargs=-1)
@click.option("--clear", is_flag=True, help="Remove the track's hand tags first (alone: back to the other sources).")
@pass_app
def tag(app: AppContext, ref: str, moods: tuple[str, ...], clear: bool) -> None:
    """Hand-tag a track: `moodseq library tag "Vangelis - Blush Response" brooding=0.9 atmospheric=1`.

    A bare mood name means weight 1; weight 0 hides a mood other sources gave.
    Hand tags win over every other source and survive re-imports; `--clear` removes them
    (with MOODS: the track's hand tags become exactly those).
    """
    from sequencer.adapters.library.ops import hand_tag, parse_mood_weights
    from sequencer.errors import InputFileError

    if not moods and not clear:
        raise InputFileError(
            "say which moods to tag, or --clear to remove the track's hand tags",
            hint=f'e.g. moodseq library tag "{ref}" brooding=0.9, or moodseq library tag "{ref}" --clear',
        )
    weights = parse_mood_weights(moods, app.vocabulary())
    with app.open_library() as store:
        track, recordings = hand_tag(store, ref, weights, replace=clear)
    how = f"hand; {recordings} recordings of that name" if recordings > 1 else "hand"
    if not weights:
        moods_now = ", ".join(f"{m} {w:g}" for m, w in track.moods.items()) or "none"
        where = f" from {recordings} recordings of that name" if recordings > 1 else ""
        confirm(app, f"{track.name}: hand tags removed{where}; moods now: {moods_now}")
        return
    confirm(app, f"{track.name}: " + ", ".join(f"{m} {w:g} ({how})" for m, w in weights.items()))


@cli.group()
def tags() -> None:
    """Many hand tags at once."""


@tags.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@pass_app
def tags_import(app: AppContext, file: Path) -> None:
    """Apply FILE of hand tags: a CSV/TSV with a header naming the track (a `track` column:
    "Artist - Title", an id or a Spotify link; or `artist` and `title`) and its moods (a `moods`
    column of `mood=weight` separated by `;`, a bare mood meaning 1; or one column per mood).
    Hand moods add to a track's earlier ones and always win over inferred moods.

    \b
    Example file:
      track,moods
      Kavinsky - Nightcall,night-driving=1; brooding=0.8
      Vangelis - Blush Response,atmospheric
    """
    from sequencer.adapters.importers.hand_tags import import_hand_tags

    with app.open_library() as store:
        report = import_hand_tags(file, store, app.vocabulary())
    confirm(
        app,
        f"{file.name}: {plural(report.rows_read, 'row')}, {plural(report.tracks_tagged, 'track')} tagged, "
        f"{plural(report.moods_set, 'mood')} set by hand",
    )
    for problem in report.problems[:10]:
        click.echo(f"  skipped {problem}", err=True)
    if len(report.problems) > 10:
        click.echo(f"  … and {plural(len(report.problems) - 10, 'more problem')}", err=True)
