"""`moodseq library stats|list|show|tag|tags import`: look into the library and hand-tune moods."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from sequencer.cli.context import AppContext, pass_app
from sequencer.errors import InputFileError

if TYPE_CHECKING:
    from sequencer.core.track import Track


@click.group()
def cli() -> None:
    """Your library: statistics, finding tracks, hand-tagging moods."""


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print the statistics as JSON.")
@pass_app
def stats(app: AppContext, as_json: bool) -> None:
    """Counts, mood coverage and attribute coverage."""
    with app.open_library() as store:
        data = store.stats()
    data["library"] = str(app.library_path)
    if as_json:
        click.echo(json.dumps(data, indent=2, sort_keys=True))
        return
    click.echo(_stats_text(data))


def _pct(part: int, whole: int) -> str:
    """``"1,234 (45%)"``."""
    return f"{part:,} ({part / whole:.0%})" if whole else f"{part:,}"


def _stats_text(data: dict[str, Any]) -> str:
    """The human-readable statistics."""
    n = data["tracks"]
    lines = [
        f"library     {data['library']}",
        f"tracks      {n:,} ({data['songs']:,} songs, {data['artists']:,} artists, {data['albums']:,} albums)",
        f"spotify     {_pct(data['with_spotify_uri'], n)} with a Spotify URI",
        f"moods       {_pct(data['with_moods'], n)} with moods"
        + (f"; by source: {', '.join(f'{s} {c:,}' for s, c in data['mood_sources'].items())}"
           if data["mood_sources"] else ""),
    ]
    if data["moods"]:
        lines.append("            " + ", ".join(f"{m} {c:,}" for m, c in data["moods"].items()))
    covered = ", ".join(f"{a} {c / n:.0%}" for a, c in data["attributes"].items() if n and c)
    lines.append(f"attributes  {covered or 'none'}")
    lines.append(f"tags        {_pct(data['tags'], n)} with crowd tags")
    for run in data["interrupted_imports"]:
        lines.append(f"interrupted import of {run['source']} ({run['started_at']}, "
                     f"{run['rows_done']:,} written): run it again to complete it")
    return "\n".join(lines)


def _line(track: Track) -> str:
    """One track as a list line: name, duration, moods."""
    minutes, seconds = divmod(round(track.duration_s), 60)
    moods = ", ".join(f"{m} {w:.2g}" for m, w in sorted(track.moods.items(), key=lambda x: -x[1]))
    return f"{track.name}  [{minutes}:{seconds:02d}]" + (f"  {moods}" if moods else "")


@cli.command("list")
@click.option("--mood", help="Only tracks with this mood (strongest first).")
@click.option("--artist", help="Only tracks by an artist whose name contains this.")
@click.option("--text", help="Only tracks whose artist or title contains this.")
@click.option("--limit", type=click.IntRange(min=1), default=50, show_default=True, help="At most this many.")
@click.option("--ids", is_flag=True, help="Show track ids.")
@pass_app
def list_(app: AppContext, mood: str | None, artist: str | None, text: str | None, limit: int, ids: bool) -> None:
    """Find tracks by mood, artist or text.

    Example: moodseq library list --mood brooding --artist Vangelis
    """
    canonical = app.vocabulary().canonical(mood) if mood else None
    with app.open_library() as store:
        found = store.search(mood=canonical, artist=artist, text=text, limit=limit)
    for track in found:
        click.echo((f"{track.id}  " if ids else "") + _line(track))
    if not found:
        app.say("no tracks match")


@cli.command()
@click.argument("ref")
@pass_app
def show(app: AppContext, ref: str) -> None:
    """Show one track: its attributes and each mood with the source it came from."""
    with app.open_library() as store:
        track = store.find(ref)
        sources = store.mood_sources(track.id)
    click.echo(f"{track.name}  ({track.id})")
    click.echo(f"  album {track.album or '-'}; {track.duration_s:.0f} s; uri {track.uri or '-'}")
    attrs = ", ".join(f"{a} {track.attribute(a):g}" for a in ("tempo", "key", "mode", "energy", "valence")
                      if track.attribute(a) is not None)
    click.echo(f"  {attrs or 'no audio attributes'}")
    for mood, entries in sources.items():
        used = track.moods.get(mood)
        click.echo(f"  {mood}: {used if used is not None else 0:g} ← "
                   + ", ".join(f"{s} {w:g}" for s, w in entries))


@cli.command()
@click.argument("ref")
@click.argument("moods", nargs=-1, required=True)
@pass_app
def tag(app: AppContext, ref: str, moods: tuple[str, ...]) -> None:
    """Hand-tag a track: `moodseq library tag "Vangelis - Blush Response" brooding=0.9 atmospheric=1`.

    A bare mood name means weight 1; weight 0 hides a mood other sources gave.
    Hand tags win over every other source and survive re-imports.
    """
    vocabulary = app.vocabulary()
    weights: dict[str, float] = {}
    for item in moods:
        name, _, value = item.partition("=")
        mood = vocabulary.canonical(name)
        try:
            weight = float(value) if value else 1.0
        except ValueError:
            raise InputFileError(f"{item}: weight {value!r} is not a number", hint="e.g. brooding=0.9") from None
        if not 0.0 <= weight <= 1.0:
            raise InputFileError(f"{item}: weight must be in [0, 1]", hint="e.g. brooding=0.9")
        weights[mood] = weight
    with app.open_library() as store:
        track = store.find(ref)
        store.set_moods(track.id, weights, source="hand", replace=False)
        track = store.find(track.id)
    click.echo(f"{track.name}: " + ", ".join(f"{m} {w:g} (hand)" for m, w in weights.items()))


@cli.group()
def tags() -> None:
    """Many hand tags at once."""


@tags.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@pass_app
def tags_import(app: AppContext, file: Path) -> None:
    """Apply FILE of hand tags (columns: track or artist+title; moods, or one column per mood)."""
    from sequencer.adapters.importers.hand_tags import import_hand_tags

    with app.open_library() as store:
        report = import_hand_tags(file, store, app.vocabulary())
    click.echo(f"{file.name}: {report.rows_read:,} rows, {report.tracks_tagged:,} tracks tagged, "
               f"{report.moods_set:,} moods set by hand")
    for problem in report.problems[:10]:
        click.echo(f"  skipped {problem}", err=True)
    if len(report.problems) > 10:
        click.echo(f"  … and {len(report.problems) - 10} more problems", err=True)
