"""A real Subsonic server (supysonic) on 127.0.0.1 for the whole session, over a folder of tiny
generated WAV files carrying ID3 tags (tests/fakes/subsonic_library.py)."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.fakes.subsonic_library import SERVER_SCRIPT, SONGS, Server, library_tracks, write_song


@pytest.fixture(scope="session")
def subsonic_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """supysonic serving the generated songs (skips where supysonic is not installed)."""
    pytest.importorskip("supysonic")
    root = tmp_path_factory.mktemp("supysonic")
    music = root / "music"
    tracks = library_tracks(music)
    for track, (artist, album, title, seconds) in zip(tracks, SONGS, strict=True):
        assert track.path is not None
        write_song(Path(track.path), artist, album, title, seconds)
    process = subprocess.Popen(
        [sys.executable, str(SERVER_SCRIPT), str(root), str(music)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith("READY"), f"supysonic did not start: {line!r}"
        _, port, scanned = line.split()
        assert int(scanned) == len(SONGS)
        yield Server(url=f"http://127.0.0.1:{port}", music=music, tracks=tracks)
    finally:
        process.terminate()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()
