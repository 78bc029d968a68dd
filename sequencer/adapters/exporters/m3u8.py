"""The extended M3U playlist (``.m3u8``: UTF-8), for local players and playlist converters.

Layout::

    #EXTM3U
    #PLAYLIST:night-drive
    # moodseq 0.1.0 · 12 tracks · 58:31 · seed 7
    #EXTINF:258,Kavinsky - Nightcall
    /music/Kavinsky/OutRun/03 Nightcall.flac
    #EXTINF:267,College, Electric Youth - A Real Hero
    spotify:track:5N5k4mB8ZJvSo7tx3cXbTQ
    # no location known: Vangelis - Tears in Rain (160 s)

Every ``#EXTINF:<whole seconds>,<Artists> - <Title>`` is followed by exactly one location line:
the track's local path if known, else its Spotify URI.  A track with neither gets no
``#EXTINF`` at all but one comment line saying so: players skip comments, whereas an
``#EXTINF`` without its own location would be attached by many players to the *next* track's
file (or dropped), mislabelling the playlist.  The header comment counts such tracks.  For
tracks without files prefer XSPF (players resolve its entries by artist and title) or JSON.

Public: :func:`render`, :func:`missing_locations`.
"""

from __future__ import annotations

from sequencer.adapters.exporters.common import generator, location, one_line, playlist_name
from sequencer.core.sequence import Sequence


def _clock(seconds: float) -> str:
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def missing_locations(sequence: Sequence) -> int:
    """How many tracks have neither a local path nor a Spotify URI (left out as comments)."""
    return sum(1 for track in sequence.tracks if location(track) is None)


def render(sequence: Sequence, *, name: str | None = None) -> str:
    """The sequence as an extended M3U playlist (``\\n`` line ends, a final newline)."""
    header = [generator(), f"{len(sequence.steps)} tracks", _clock(sequence.duration_s)]
    if sequence.seed is not None:
        header.append(f"seed {sequence.seed}")
    lines = ["#EXTM3U", f"#PLAYLIST:{one_line(playlist_name(sequence, name))}",
             "# " + " · ".join(header)]
    missing = missing_locations(sequence)
    if missing:
        lines.append(
            f"# {missing} of {len(sequence.steps)} tracks have no known location "
            "(no file, no Spotify URI): listed as comments"
        )
    for track in sequence.tracks:
        label = one_line(f"{track.artist} - {track.title}")
        where = location(track)
        seconds = round(track.duration_s)
        if where is None:
            lines.append(f"# no location known: {label} ({seconds} s)")
            continue
        lines.append(f"#EXTINF:{seconds},{label}")
        lines.append(one_line(where))
    return "\n".join(lines) + "\n"
