"""M3U/M3U8 playlists read back as tracks (``sequencer.adapters.importers.m3u``)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sequencer.adapters.exporters import render
from sequencer.adapters.importers.m3u import read_m3u
from sequencer.core.profile import Profile
from sequencer.core.sequence import make_sequence
from sequencer.core.track import Track
from sequencer.errors import InputFileError
from tests.strategies import libraries


@settings(max_examples=40, deadline=None)
@given(libraries(min_size=1, max_size=12), st.data())
def test_moodseqs_own_m3u8_reads_back_in_order(tracks: list[Track], data: st.DataObject) -> None:
    """Every entry of moodseq's M3U8 export comes back in order: name, artists, whole-second
    length, and the Spotify URI where the track had one."""
    with_uris = [
        t.evolve(uri=f"spotify:track:{i:022d}") if data.draw(st.booleans()) else t for i, t in enumerate(tracks)
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "p.m3u8"
        path.write_text(render(make_sequence(with_uris, Profile(name="p"), seed=1), "m3u8"), encoding="utf-8")
        back = read_m3u(path)
    assert [(t.title, t.artists, t.uri) for t in back] == [(t.title, t.artists, t.uri) for t in with_uris]
    assert [t.duration_s for t in back] == [float(round(t.duration_s)) for t in with_uris]
    assert len({t.id for t in back}) == len(back)


def test_a_players_playlist_with_paths_and_without_extinf(tmp_path: Path) -> None:
    """Relative paths are taken from the playlist's folder; a name comes from the file name
    when there is no #EXTINF; comments and blank lines are skipped; an empty list is an error."""
    (tmp_path / "music").mkdir()
    song = tmp_path / "music" / "Kavinsky - Nightcall.flac"
    song.write_bytes(b"")
    path = tmp_path / "list.m3u"
    path.write_text("#EXTM3U\n\n# a comment\nmusic/Kavinsky - Nightcall.flac\nhttps://example.org/x.mp3\n", "utf-8")
    first, second = read_m3u(path)
    assert (first.artists, first.title, first.path) == (("Kavinsky",), "Nightcall", str(song))
    assert second.path is None and second.uri is None
    (tmp_path / "empty.m3u").write_text("#EXTM3U\n", encoding="utf-8")
    with pytest.raises(InputFileError, match="names no tracks"):
        read_m3u(tmp_path / "empty.m3u")


def test_a_title_longer_than_a_file_name_reads_back(tmp_path: Path) -> None:
    """A 300-byte title (a long classical or Japanese one) made a placeholder no file system takes
    as a name: reading moodseq's own M3U8 back failed ("File name too long", a traceback). The
    placeholder is cut to a file name's length; the #EXTINF keeps the whole name."""
    title = "Symphonie Nr. 9 op. 125 " + "交響曲第九番合唱付き" * 10
    path = tmp_path / "long.m3u8"
    track = Track("x", title, ("Orchestra",), 300.0)
    path.write_text(render(make_sequence([track], Profile(name="p"), seed=1), "m3u8"), encoding="utf-8")
    location = path.read_text(encoding="utf-8").splitlines()[-1]
    assert len(location.encode("utf-8")) <= 240 and location.endswith("…")
    assert [(t.title, t.artists) for t in read_m3u(path)] == [(title, ("Orchestra",))]


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet="abcdeéèàçñöüÆØßÉÇ ", min_size=1, max_size=20).map(str.strip).filter(bool))
def test_a_windows_1252_m3u_reads_its_accents(name: str) -> None:
    """An .m3u written by an older player in Windows-1252 (Latin-1) reads "Janelle Monáe", not
    "Janelle Mon\ufffde"; UTF-8 with or without a BOM reads as before."""
    with tempfile.TemporaryDirectory() as tmp:
        entry = f"#EXTM3U\n#EXTINF:200,{name} - Monáe\n{name}.mp3\n"
        for encoding in ("cp1252", "utf-8", "utf-8-sig"):
            path = Path(tmp) / f"list-{encoding}.m3u"
            path.write_bytes(entry.encode(encoding))
            (track,) = read_m3u(path)
            assert track.title == "Monáe" and track.artists == (name,)


def test_an_entry_for_a_file_of_another_machine_is_named_after_the_file(tmp_path: Path) -> None:
    """A player's M3U of paths on a phone, a NAS or Windows (no #EXTINF) named each track by its
    whole location ("Tech Noir.mp3" by nobody, or "/sdcard/Music/…"), so no track was found in
    the library; the file name says "Artist - Title" whether or not the file is here. Locations
    that name no audio file (moodseq's placeholder, a stream) keep their text."""
    path = tmp_path / "phone.m3u"
    path.write_text(
        "/sdcard/Music/Gunship - Tech Noir.mp3\n"
        "C:\\Music\\Kavinsky - Nightcall.FLAC\n"
        "http://nas.local/music/College%20-%20A%20Real%20Hero.ogg\n"
        "ELO - Mr. Blue Sky\n"
        "AC/DC - Back in Black\n"
        "http://radio.example/live\n",
        encoding="utf-8",
    )
    got = [(t.artists, t.title, t.path) for t in read_m3u(path)]
    assert got == [
        (("Gunship",), "Tech Noir", None),
        (("Kavinsky",), "Nightcall", None),
        (("College",), "A Real Hero", None),
        (("ELO",), "Mr. Blue Sky", None),
        (("AC/DC",), "Back in Black", None),
        ((), "http://radio.example/live", None),
    ]
