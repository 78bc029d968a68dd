"""The songs of the test Subsonic server: tiny generated WAV files carrying ID3 tags (mutagen),
and what the tests know about the running server.  Shared by tests/adapters/sinks/ (imported by
package path: a bare ``from conftest import`` would find another folder's conftest)."""

from __future__ import annotations

import importlib
import wave
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sequencer.adapters.sinks.settings import SubsonicSettings
from sequencer.core.track import Track

SERVER_SCRIPT = Path(__file__).parent / "supysonic_server.py"
SONGS = [  # (artist, album, title, seconds)
    ("Vangelis", "Blade Runner", "Main Titles", 4),
    ("Vangelis", "Blade Runner", "Blush Response", 5),
    ("Vangelis", "Blade Runner", "Wait for Me", 6),
    ("Kavinsky", "OutRun", "Nightcall", 7),
    ("Kavinsky", "OutRun", "Roadgame", 3),
    ("Ry Cooder", "Paris, Texas", "Paris, Texas", 8),
    ("Ry Cooder", "Paris, Texas", "Cancion Mixteca", 2),
    ("Daft Punk", "TRON: Legacy", "Derezzed", 3),
    ("Daft Punk", "TRON: Legacy", "End of Line", 4),
    ("Chromatics", "Kill for Love", "Kill for Love", 5),
]


def write_song(path: Path, artist: str, album: str, title: str, seconds: int) -> None:
    id3: Any = importlib.import_module("mutagen.id3")  # why: mutagen ships no type hints
    wave_file: Any = importlib.import_module("mutagen.wave").WAVE

    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(4000)
        out.writeframes(b"\x80" * 4000 * seconds)
    tagged = wave_file(path)
    tagged.add_tags()
    tagged.tags.add(id3.TIT2(encoding=3, text=title))
    tagged.tags.add(id3.TPE1(encoding=3, text=artist))
    tagged.tags.add(id3.TALB(encoding=3, text=album))
    tagged.save()


@dataclass(frozen=True)
class Server:
    """The running server: its URL, its music folder and the tracks behind its songs."""

    url: str
    music: Path
    tracks: list[Track]

    def settings(self, password: str = "sesame") -> SubsonicSettings:
        """Settings for the test user."""
        return SubsonicSettings(url=self.url, user="moodseq", password=password)


def library_tracks(music: Path) -> list[Track]:
    """The songs as a moodseq library would hold them (paths under ``music``)."""
    tracks = []
    for number, (artist, album, title, seconds) in enumerate(SONGS, start=1):
        path = music / artist / album / f"{number:02d} {title}.wav"
        tracks.append(Track(id=f"t{number}", title=title, artists=(artist,), duration_s=float(seconds), path=str(path)))
    return tracks
