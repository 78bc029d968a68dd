"""M3U/M3U8 playlists read as tracks in order (``reorder``, ``explain``, ``export``, ``compare``).

An entry is an optional ``#EXTINF:SECONDS,Artist - Title`` line and a location: a Spotify URI
or link, a file path (relative paths are taken from the playlist's folder), a URL, or the
"Artist - Title" placeholder moodseq's own export writes for a track without either. Names
come from ``#EXTINF``, else from the location's file name ("Artist - Title.flac"), also for a
file that is not on this machine (a phone's or a NAS's path, ``C:\\Music\\…``, a URL). The tracks
carry no moods or attributes: the caller takes them from the library by URI or name.

Public: :func:`read_m3u`, :func:`file_name`, :data:`M3U_SUFFIXES`.
"""

from __future__ import annotations

from pathlib import Path, PurePath, PureWindowsPath
from urllib.parse import unquote, urlparse

from sequencer.adapters.importers.source import decode
from sequencer.core.identity import spotify_uri
from sequencer.core.track import Track, parse_track_ref
from sequencer.errors import InputFileError

#: File names read as M3U playlists.
M3U_SUFFIXES = (".m3u", ".m3u8")


def file_name(location: str) -> str:
    """The name of the audio file a location names, without its suffix ("Artist - Title"), also
    when the file is not on this machine (a phone's or a NAS's path, a Windows path, a URL);
    "" when it names no audio file (moodseq's "Artist - Title" placeholder, a stream)."""
    from sequencer.adapters.importers.audio_tags import AUDIO_EXTENSIONS

    where = unquote(urlparse(location).path) if "://" in location else location
    name = PureWindowsPath(where) if "\\" in where else PurePath(where)
    return name.stem.strip() if name.suffix.lower() in AUDIO_EXTENSIONS else ""


def _track(number: int, location: str, extinf: tuple[float, str] | None, folder: Path) -> Track:
    """One entry as a track (id: its Spotify URI, else ``m3u:N``)."""
    uri = spotify_uri(location)
    path = None
    if uri is None and "://" not in location:
        candidate = Path(location).expanduser()
        candidate = candidate if candidate.is_absolute() else folder / candidate
        path = str(candidate) if candidate.is_file() else None
    seconds, display = extinf if extinf is not None else (0.0, "")
    if not display:
        display = location if uri is None and path is None else PurePath(location).stem
        if uri is None and path is None and file_name(location):  # a file of another machine
            display = file_name(location)
    artist, title = parse_track_ref(display)
    artists = tuple(a.strip() for a in artist.split(", ") if a.strip()) if artist else ()
    return Track(
        id=uri or f"m3u:{number}", title=title, artists=artists, duration_s=max(seconds, 0.0), uri=uri, path=path
    )


def read_m3u(path: Path) -> list[Track]:
    """The playlist's entries as tracks, in order.

    Raises
    ------
    InputFileError
        When the file cannot be read or names no entry.
    """
    try:
        text, _, _ = decode(path.read_bytes())  # UTF-8, else Windows-1252 (.m3u of older players)
    except OSError as error:
        raise InputFileError(f"cannot read {path}: {error.strerror}", hint="check the path") from None
    tracks: list[Track] = []
    extinf: tuple[float, str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.upper().startswith("#EXTINF:"):
            length, _, display = line[len("#EXTINF:") :].partition(",")
            try:
                seconds = float(length.split()[0]) if length.split() else 0.0
            except ValueError:
                seconds = 0.0
            extinf = (seconds, display.strip())
            continue
        if line.startswith("#"):
            continue
        tracks.append(_track(len(tracks) + 1, line, extinf, path.parent))
        extinf = None
    if not tracks:
        raise InputFileError(f"{path} names no tracks", hint="give an M3U playlist with one location per line")
    return tracks
