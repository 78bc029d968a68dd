"""Small helpers every exporter shares: units, rounding, names and where a track lives.

Conventions (the same in every format): durations and start times in whole milliseconds
(``round(seconds · 1000)``), except M3U8's ``#EXTINF`` which is whole seconds; derived numbers
(fit, targets, costs) rounded to :data:`DIGITS` decimals so that files are stable and readable;
track attributes written as stored (a file read back gives the same track).

Public: :data:`DIGITS`, :func:`generator`, :func:`rounded`, :func:`ms`, :func:`one_line`,
:func:`location`, :func:`file_uri`, :func:`playlist_name`.
"""

from __future__ import annotations

import math
import re
from pathlib import PurePosixPath, PureWindowsPath
from urllib.parse import quote

from sequencer import __version__
from sequencer.core.sequence import Sequence
from sequencer.core.track import Track

#: Decimals kept for derived numbers (fit, target energy, costs, summary).
DIGITS = 6

_WINDOWS_ABSOLUTE = re.compile(r"^[A-Za-z]:[\\/]")
_HAS_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x0b\x0c\x1c\x1d\x1e\x85]+")


def generator() -> str:
    """``moodseq <version>``: who wrote the file."""
    return f"moodseq {__version__}"


def rounded(value: float | None) -> float | None:
    """``value`` rounded to :data:`DIGITS` decimals; None (and NaN/inf) stay None."""
    if value is None or not math.isfinite(value):
        return None
    result = round(float(value), DIGITS)
    return 0.0 if result == 0 else result  # why: never write -0.0


def ms(seconds: float) -> int:
    """Seconds as whole milliseconds."""
    return round(seconds * 1000)


def one_line(text: str) -> str:
    """``text`` with line breaks replaced by spaces (line-based formats cannot hold them)."""
    return _LINE_BREAKS.sub(" ", text).strip()


def playlist_name(sequence: Sequence, name: str | None = None) -> str:
    """The playlist's name: ``name`` if given, else the profile's name."""
    return name or sequence.profile.name


def location(track: Track) -> str | None:
    """Where a player finds ``track``: its local path, else its Spotify URI, else None."""
    return track.path or track.uri or None


def file_uri(path: str) -> str:
    """A local path as a URI for XSPF's ``<location>``.

    Absolute POSIX and Windows paths become ``file://`` URIs; a string that already has a
    scheme (``http:``, ``spotify:``…) is kept; a relative path is percent-encoded and stays
    relative (XSPF resolves it against the playlist's own location).

    Examples
    --------
    >>> file_uri("/music/Blade Runner/01 Main Titles.flac")
    'file:///music/Blade%20Runner/01%20Main%20Titles.flac'
    >>> file_uri("C:\\\\Music\\\\a b.mp3")
    'file:///C:/Music/a%20b.mp3'
    >>> file_uri("spotify:track:0U0ldCRmgCqhVvD6ksG63j")
    'spotify:track:0U0ldCRmgCqhVvD6ksG63j'
    >>> file_uri("sub dir/x#1.mp3")
    'sub%20dir/x%231.mp3'
    """
    if _WINDOWS_ABSOLUTE.match(path):
        return PureWindowsPath(path).as_uri()
    if path.startswith("/"):
        return PurePosixPath(path).as_uri()
    if _HAS_SCHEME.match(path):
        return path
    return quote(path.replace("\\", "/"), safe="/")
