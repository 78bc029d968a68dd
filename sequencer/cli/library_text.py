"""Text for ``moodseq library``: statistics, list lines and one track's details.

Pure formatting (no I/O): each function returns text that the command prints.

Public: :func:`stats_text`, :func:`track_line`, :func:`track_details`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sequencer.core.track import Track


def _pct(part: int, whole: int) -> str:
    """``"1,234 (45%)"``."""
    return f"{part:,} ({part / whole:.0%})" if whole else f"{part:,}"


#: Width the statistics wrap to, and the indent of their values.
WIDTH = 80
INDENT = " " * 12


def _field(label: str, text: str) -> list[str]:
    """``label`` padded to the values' column, then ``text`` wrapped to :data:`WIDTH` with
    continuation lines under the values (never inside a name: lists break after commas)."""
    import textwrap

    return textwrap.wrap(
        text,
        width=WIDTH,
        initial_indent=label.ljust(len(INDENT)),
        subsequent_indent=INDENT,
        break_long_words=False,
        break_on_hyphens=False,
    ) or [label]


def stats_text(data: dict[str, Any]) -> str:
    """The human-readable statistics."""
    n = data["tracks"]
    lines = [
        f"library     {data['library']}",
        f"tracks      {n:,} ({data['songs']:,} songs, {data['artists']:,} artists, {data['albums']:,} albums)",
        f"spotify     {_pct(data['with_spotify_uri'], n)} with a Spotify URI",
        f"moods       {_pct(data['with_moods'], n)} with moods"
        + (
            f"; by source: {', '.join(f'{s} {c:,}' for s, c in data['mood_sources'].items())}"
            if data["mood_sources"]
            else ""
        ),
    ]
    if data["moods"]:
        lines.extend(_field("", ", ".join(f"{m} {c:,}" for m, c in data["moods"].items())))
    covered = ", ".join(f"{a} {c / n:.0%}" for a, c in data["attributes"].items() if n and c)
    lines.extend(_field("attributes", covered or "none"))
    lines.append(f"tags        {_pct(data['tags'], n)} with crowd tags")
    if "with_sound" in data:
        lines.append(f"sound       {_pct(data['with_sound'], n)} with a sound vector")
        lines.append(
            f"playlists   {_pct(data['in_playlists'], n)} in playlists; {_pct(data['with_year'], n)} with a year"
        )
    for run in data["interrupted_imports"]:
        lines.append(
            f"interrupted import of {run['source']} ({run['started_at']}, "
            f"{run['rows_done']:,} written): run it again to complete it"
        )
    return "\n".join(lines)


def _length(track: Track) -> str | None:
    """The track's length as m:ss (as players show it), None when unknown."""
    if not track.duration_s > 0:
        return None
    minutes, seconds = divmod(round(track.duration_s), 60)
    return f"{minutes}:{seconds:02d}"


def track_line(track: Track) -> str:
    """One track as a list line: name, duration ('-:--' when unknown), moods."""
    length = _length(track) or "-:--"
    moods = ", ".join(f"{m} {w:.2g}" for m, w in sorted(track.moods.items(), key=lambda x: -x[1]))
    return f"{track.name}  [{length}]" + (f"  {moods}" if moods else "")


def track_details(track: Track, sources: dict[str, list[tuple[str, float]]]) -> list[str]:
    """``library show``: name and id, album/duration/uri, attributes, each mood with its sources."""
    lines = [
        f"{track.name}  ({track.id})",
        f"  album {track.album or '-'}; "
        + (f"{_length(track)} long" if track.duration_s > 0 else "duration unknown")
        + f"; uri {track.uri or '-'}",
    ]
    import textwrap

    from sequencer.cli.moods_text import attribute_text
    from sequencer.core.track import ATTRIBUTES

    attrs = attribute_text({a: track.attribute(a) for a in ATTRIBUTES})  # all of them, as `moods explain`
    lines.extend(
        textwrap.wrap(attrs, width=WIDTH, initial_indent="  ", subsequent_indent="    ", break_long_words=False)
        or ["  no audio attributes"]
    )
    evidence = [
        f"genres {', '.join(track.genres)}" if track.genres else "",
        f"playlists {', '.join(track.playlists)}" if track.playlists else "",
        f"year {track.year}" if track.year is not None else "",
        "a sound vector" if track.sound is not None else "no sound vector",
    ]
    lines.append("  " + "; ".join(e for e in evidence if e))
    for mood, entries in sources.items():
        used = track.moods.get(mood)
        lines.append(f"  {mood}: {used if used is not None else 0:g} ← " + ", ".join(f"{s} {w:g}" for s, w in entries))
    return lines


def other_recordings_line(track: Track, twins: list[str], command: str, *, which: bool = False) -> str | None:
    """The line naming the other recordings of ``track``'s name (``twins``: their ids), with
    the ``moodseq COMMAND`` that shows one (``{id}`` in it stands for the id, else it ends the
    command); ``which`` names the recording shown first (where the heading does not). None when
    the name has no other recording."""
    if not twins:
        return None
    shown = ", ".join(twins[:5]) + (f" and {len(twins) - 5} more" if len(twins) > 5 else "")
    this = f": this is {track.id}" + (f" ({track.album})" if track.album else "") if which else ""
    return (
        f"  1 of {len(twins) + 1} recordings of this name{this}; the other{'s' if len(twins) > 1 else ''}: "
        f"{shown} (`moodseq {command.replace('{id}', twins[0]) if '{id}' in command else f'{command} {twins[0]}'}`)"
    )
