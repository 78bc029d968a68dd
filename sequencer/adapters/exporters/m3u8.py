"""The extended M3U playlist (``.m3u8``: UTF-8), for local players and playlist converters.

Layout::

    #EXTM3U
    #PLAYLIST:night-drive
    # moodseq 0.1.0 · 12 tracks · 58:31 · seed 7
    #EXTINF:258,Kavinsky - Nightcall
    /music/Kavinsky/OutRun/03 Nightcall.flac
    #EXTINF:267,College, Electric Youth - A Real Hero
    spotify:track:5N5k4mB8ZJvSo7tx3cXbTQ
    # 1 of 3 tracks have no known file or Spotify URI: … placeholder …
    #EXTINF:160,Vangelis - Tears in Rain
    Vangelis - Tears in Rain

Every entry is ``#EXTINF:<whole seconds>,<Artists> - <Title>`` followed by exactly one
location line: the track's local path if known, else its Spotify URI, else a *placeholder*,
the relative name ``Artists - Title`` (characters file systems refuse replaced by ``_``).

Why a placeholder rather than leaving the track out or writing a comment in its place: the
playlist then still lists every track with its title and length — players show the entry (and
skip it as missing when played), playlist converters (Soundiiz, TuneMyMusic…) match it by its
``#EXTINF`` text, and a user with the files can fix the names.  A comment instead of the
location line would be worse: many players attach an ``#EXTINF`` to the *next* location they
meet, mislabelling the following track.  The header says how many entries are placeholders;
:func:`missing_locations` counts them for the CLI's note.  For libraries without files XSPF
is the better format (its players resolve entries by creator and title).

Public: :func:`render`, :func:`missing_locations`, :func:`placeholder`.
"""

from __future__ import annotations

import re

from sequencer.adapters.exporters.common import generator, location, one_line, playlist_name
from sequencer.core.sequence import Sequence
from sequencer.core.track import Track

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')
#: The longest placeholder, in UTF-8 bytes: a file name has at most 255 on common file systems,
#: and a longer placeholder (a long classical or Japanese title) is no file name at all: reading
#: the playlist back looked it up as a path and failed ("File name too long").
MAX_PLACEHOLDER_BYTES = 240


def _clock(seconds: float) -> str:
    """``m:ss`` or ``h:mm:ss`` for the header comment."""
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def _known_location(track: Track) -> str | None:
    """The track's path or URI as one M3U8 line, or None when it has no usable one."""
    where = location(track)
    line = one_line(where) if where else ""
    if not line:
        return None
    return "./" + line if line.startswith("#") else line  # why: "#…" would read as a comment


def missing_locations(sequence: Sequence) -> int:
    """How many tracks have neither a local path nor a Spotify URI (placeholders in M3U8)."""
    return sum(1 for track in sequence.tracks if _known_location(track) is None)


def placeholder(track: Track) -> str:
    """The placeholder location of a track without one: ``Artists - Title``, file-name safe.

    Examples
    --------
    >>> placeholder(Track("x", 'Who? "Me"', ("AC/DC",), 1))
    'AC_DC - Who_ _Me_'
    """
    name = _UNSAFE.sub("_", one_line(f"{track.artist} - {track.title}")).strip(" .")
    if not name.strip(" ._-"):  # why: nothing left to name a file by ("-" would mean stdin)
        return "_"
    if len(name.encode("utf-8")) > MAX_PLACEHOLDER_BYTES:  # why: a longer name is no file name
        name = name.encode("utf-8")[: MAX_PLACEHOLDER_BYTES - 3].decode("utf-8", "ignore").rstrip(" .") + "…"
    return "./" + name if name.startswith("#") else name


def render(sequence: Sequence, *, name: str | None = None) -> str:
    """The sequence as an extended M3U playlist (``\\n`` line ends, a final newline)."""
    count = len(sequence.steps)
    tracks = "track" if count == 1 else "tracks"
    header = [generator(), f"{count} {tracks}", _clock(sequence.duration_s)]
    if sequence.seed is not None:
        header.append(f"seed {sequence.seed}")
    lines = ["#EXTM3U", f"#PLAYLIST:{one_line(playlist_name(sequence, name))}", "# " + " · ".join(header)]
    missing = missing_locations(sequence)
    if missing:
        lines.append(
            f"# {missing} of {count} {tracks} {'has' if missing == 1 else 'have'} no known file or Spotify URI: "
            f'{"its" if missing == 1 else "their"} location is a placeholder "Artists - Title" (players skip '
            "it as missing; converters match the #EXTINF)"
        )
    for track in sequence.tracks:
        label = one_line(f"{track.artist} - {track.title}")
        lines.append(f"#EXTINF:{round(track.duration_s)},{label}")
        where = _known_location(track)
        lines.append(placeholder(track) if where is None else where)
    return "\n".join(lines) + "\n"
