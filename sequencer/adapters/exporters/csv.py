"""CSV with Exportify's column names where they apply, so tools that read Exportify read it.

Columns, in order: :data:`COLUMNS`.  Exportify's own columns keep their meaning and format
(``Artist Name(s)`` joined by ``;``, ``Explicit`` as ``true``/``false``, audio features on
Spotify's scales); moodseq adds ``Position``, ``Start (ms)``, ``Moods`` (``mood:weight``
pairs joined by ``; ``, strongest first), ``Energy Estimated`` and ``Target Energy`` (the arc's
target at the track's midpoint).  Unknown values are empty cells, never 0.  Written with the
:mod:`csv` module in Exportify's dialect (every cell quoted, ``\\n`` line ends), so commas,
quotes and line breaks in titles survive a round trip.

Text cells (names, album, URI, ISRC, moods) that begin with ``=``, ``+``, ``-``, ``@``, a tab
or a carriage return get a leading ``'`` so a spreadsheet shows them as text instead of running
them as a formula (CSV injection); ``moodseq import csv`` removes that ``'`` again.  Numeric
columns are written by moodseq itself, so a negative loudness stays a number.

Public: :data:`COLUMNS`, :data:`FORMULA_STARTS`, :func:`render`.
"""

from __future__ import annotations

import csv
import io

from sequencer.adapters.exporters.common import ms, rounded
from sequencer.core.sequence import Sequence, Step

#: Exportify's columns (audio features in Exportify's order) then moodseq's own.
COLUMNS: tuple[str, ...] = (
    "Position",
    "Track URI",
    "Track Name",
    "Album Name",
    "Artist Name(s)",
    "Duration (ms)",
    "Explicit",
    "ISRC",
    "Danceability",
    "Energy",
    "Key",
    "Loudness",
    "Mode",
    "Speechiness",
    "Acousticness",
    "Instrumentalness",
    "Valence",
    "Tempo",
    "Start (ms)",
    "Moods",
    "Energy Estimated",
    "Target Energy",
)

_FEATURES = {
    "Danceability": "danceability",
    "Energy": "energy",
    "Key": "key",
    "Loudness": "loudness",
    "Mode": "mode",
    "Speechiness": "speechiness",
    "Acousticness": "acousticness",
    "Instrumentalness": "instrumentalness",
    "Valence": "valence",
    "Tempo": "tempo",
}


def _cell(value: object) -> str:
    """A value as a cell: empty for unknown, true/false, whole numbers without ".0"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return str(value)


#: First characters a spreadsheet reads as the start of a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    """A text cell a spreadsheet shows as text: a leading ``'`` before a formula character."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _row(position: int, step: Step) -> dict[str, str]:
    """One CSV row for the step at ``position`` (1-based)."""
    track = step.track
    row = {
        "Position": str(position),
        "Track URI": _text(track.uri or ""),
        "Track Name": _text(track.title),
        "Album Name": _text(track.album),
        "Artist Name(s)": _text(";".join(track.artists)),
        "Duration (ms)": str(ms(track.duration_s)),
        "Explicit": _cell(track.explicit),
        "ISRC": _text(track.isrc or ""),
        "Start (ms)": str(ms(step.start_s)),
        "Moods": _text(
            "; ".join(
                f"{mood}:{_cell(weight)}"
                for mood, weight in sorted(track.moods.items(), key=lambda item: (-item[1], item[0]))
            )
        ),
        "Energy Estimated": _cell(track.energy_estimated),
        "Target Energy": _cell(rounded(step.target_energy)),
    }
    for column, attribute in _FEATURES.items():
        row[column] = _cell(getattr(track, attribute))
    return row


def render(sequence: Sequence, *, name: str | None = None) -> str:
    """The sequence as CSV text with a header row (``name`` is unused: CSV has no title)."""
    del name
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n", quoting=csv.QUOTE_ALL)
    writer.writeheader()
    for position, step in enumerate(sequence.steps, start=1):
        writer.writerow(_row(position, step))
    return buffer.getvalue()
