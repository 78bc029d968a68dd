"""Audio-file imports: real small MP3/WAV/FLAC files with tags, written by the tests."""

from __future__ import annotations

import os
import struct
import wave
from pathlib import Path
from typing import Any

import mutagen.flac
import mutagen.id3
import mutagen.wave
import pytest

from sequencer.adapters.importers.audio_tags import find_audio_files, import_audio_files
from sequencer.adapters.library.store import Store
from sequencer.errors import InputFileError

ID3: Any = mutagen.id3  # mutagen's frame classes are untyped
WAVE: Any = mutagen.wave.WAVE
FLAC: Any = mutagen.flac.FLAC


def frame(name: str, text: str, **extra: str) -> Any:
    """An ID3 frame such as TIT2 with UTF-8 text."""
    return getattr(ID3, name)(encoding=3, text=text, **extra)


# MPEG-1 Layer III, 128 kbit/s, 44.1 kHz: 417-byte frames of silence-ish zeros.
MP3_FRAME = bytes([0xFF, 0xFB, 0x90, 0x64]) + b"\x00" * 413


def write_mp3(path: Path, frames: int, **frames_by_id: object) -> Path:
    """A tiny valid MP3 (``frames`` × 26 ms) with the given ID3 frames."""
    path.write_bytes(MP3_FRAME * frames)
    tags = ID3.ID3()
    for frame in frames_by_id.values():
        tags.add(frame)
    tags.save(path)
    return path


def write_wav(path: Path, seconds: float, title: str, artist: str) -> Path:
    """A mono 8 kHz WAV of silence with an ID3 chunk."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\x00\x00" * int(8000 * seconds))
    audio = WAVE(path)
    audio.add_tags()
    audio.tags.add(frame("TIT2", text=title))
    audio.tags.add(frame("TPE1", text=artist))
    audio.save()
    return path


def write_flac(path: Path, seconds: int, tags: dict[str, list[str]]) -> Path:
    """A FLAC header (STREAMINFO: 44.1 kHz stereo 16-bit, ``seconds`` long) with Vorbis comments."""
    info = struct.pack(">HH", 4096, 4096) + b"\x00" * 6
    packed = (44100 << 44) | (1 << 41) | (15 << 36) | (44100 * seconds)
    info += packed.to_bytes(8, "big") + b"\x00" * 16
    path.write_bytes(b"fLaC" + bytes([0x80]) + len(info).to_bytes(3, "big") + info)
    audio = FLAC(path)
    for key, values in tags.items():
        audio[key] = values
    audio.save()
    return path


@pytest.fixture
def music(tmp_path: Path) -> Path:
    """A folder of tagged files, one broken file, one untagged file and a hidden folder."""
    root = tmp_path / "Music"
    (root / "Kavinsky").mkdir(parents=True)
    (root / ".cache").mkdir()
    write_mp3(
        root / "Kavinsky" / "01 Nightcall.mp3",
        40,
        title=frame("TIT2", text="Nightcall"),
        artist=frame("TPE1", text="Kavinsky"),
        album=frame("TALB", text="OutRun"),
        isrc=frame("TSRC", text="FR6V81200001"),
        bpm=frame("TBPM", text="91"),
        key=frame("TKEY", text="Am"),
        genre=frame("TCON", text="Synthwave"),
        mood=frame("TMOO", text="Night Driving"),
        energy=frame("TXXX", desc="EnergyLevel", text="6"),
    )
    write_mp3(
        root / "Kavinsky" / "02 Roadgame.mp3",
        40,
        title=frame("TIT2", text="Roadgame"),
        artist=frame("TPE1", text="Kavinsky"),
        comment=frame("COMM", lang="eng", desc="", text="8A - Energy 7"),
        bpm=frame("TBPM", text="0"),
    )
    write_wav(root / "blush.wav", 3.0, "Blush Response", "Vangelis")
    write_flac(
        root / "derezzed.flac",
        5,
        {
            "title": ["Derezzed"],
            "artist": ["Daft Punk"],
            "mood": ["brooding", "epic"],
            "bpm": ["130"],
            "initialkey": ["8B"],
            "genre": ["Electronic"],
        },
    )
    (root / "broken.mp3").write_bytes(b"not really an mp3 at all" * 20)
    write_wav(root / "Ry Cooder - Paris, Texas.wav", 1.0, "", "")
    (root / ".cache" / "hidden.mp3").write_bytes(MP3_FRAME * 10)
    (root / "notes.txt").write_text("not audio")
    return root


def test_find_audio_files_skips_hidden_and_other_files(music: Path) -> None:
    """Only audio files are found, hidden folders are skipped, the order is stable."""
    names = [p.name for p in find_audio_files(music)]
    assert names == [
        "01 Nightcall.mp3",
        "02 Roadgame.mp3",
        "Ry Cooder - Paris, Texas.wav",
        "blush.wav",
        "broken.mp3",
        "derezzed.flac",
    ]


def test_tags_become_tracks_moods_and_crowd_tags(music: Path, tmp_path: Path) -> None:
    """Title, artist, album, ISRC, duration, BPM, key, genre, mood and Mixed In Key energy are read;
    known moods become moods, other mood words and genres crowd tags."""
    store = Store.open(tmp_path / "library.db")
    report = import_audio_files(store, music)
    assert report.rows_read == 6 and report.added == 5
    nightcall = store.find("Kavinsky - Nightcall")
    assert (nightcall.album, nightcall.isrc, nightcall.tempo, nightcall.key, nightcall.mode) == (
        "OutRun",
        "FR6V81200001",
        91.0,
        9,
        0,
    )
    assert nightcall.duration_s == pytest.approx(40 * 0.026122, abs=0.05)
    assert nightcall.energy == pytest.approx(5 / 9)
    assert nightcall.moods == {"night-driving": 1.0}
    assert nightcall.genres == ("synthwave",)
    assert nightcall.path is not None and nightcall.path.endswith("01 Nightcall.mp3")
    roadgame = store.find("Kavinsky - Roadgame")
    assert roadgame.energy == pytest.approx(6 / 9) and roadgame.tempo is None
    derezzed = store.find("Daft Punk - Derezzed")
    assert (derezzed.duration_s, derezzed.tempo, derezzed.key, derezzed.mode) == (5.0, 130.0, 0, 1)
    assert derezzed.moods == {"brooding": 1.0}
    assert store.tags_bulk(source="file")[derezzed.id] == {"epic": 1.0, "electronic": 1.0}
    assert store.find("Vangelis - Blush Response").duration_s == 3.0
    assert store.find("Ry Cooder - Paris, Texas").duration_s == 1.0


def test_unreadable_files_are_listed_and_the_rest_imported(music: Path, tmp_path: Path) -> None:
    """A broken file is skipped with its path and reason; tempo 0 is a dropped value."""
    store = Store.open(tmp_path / "library.db")
    report = import_audio_files(store, music)
    assert len(report.skipped) == 1
    assert "broken.mp3: not a readable audio file" in report.skipped[0].message
    assert any("tempo 0" in w.message for w in report.warnings)


def test_reimporting_files_changes_nothing_and_keeps_hand_tags(music: Path, tmp_path: Path) -> None:
    """A second import of the same folder finds every file unchanged; hand tags survive."""
    store = Store.open(tmp_path / "library.db")
    import_audio_files(store, music)
    track_id = store.find("Kavinsky - Nightcall").id
    store.set_moods(track_id, {"night-driving": 0.3}, source="hand")
    again = import_audio_files(store, music)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5)
    assert store.find(track_id).moods == {"night-driving": 0.3}


def test_files_match_tracks_imported_from_csv(music: Path, tmp_path: Path) -> None:
    """A file of a track already imported from a CSV (same artist, title, duration) updates it."""
    store = Store.open(tmp_path / "library.db")
    csv = tmp_path / "one.csv"
    csv.write_text("title,artist,duration_ms\nBlush Response,Vangelis,3500\n", encoding="utf-8")
    from sequencer.adapters.importers.tabular import import_table

    import_table(store, csv)
    report = import_audio_files(store, music)
    assert report.updated == 1 and store.count() == 5
    assert store.find("Vangelis - Blush Response").path is not None


def test_missing_folder_is_an_error(tmp_path: Path) -> None:
    """A folder that does not exist is a clear error."""
    with pytest.raises(InputFileError, match="does not exist"):
        find_audio_files(tmp_path / "nope")


def test_untagged_file_names(tmp_path: Path) -> None:
    """Without tags, 'Artist - Title' names give both; '01 - Title' gives no artist (skipped)."""
    folder = tmp_path / "untagged"
    folder.mkdir()
    write_wav(folder / "05 Kavinsky - Nightcall.wav", 1.0, "", "")
    write_wav(folder / "01 - Intro.wav", 1.0, "", "")
    with Store.open(tmp_path / "library.db") as store:
        report = import_audio_files(store, folder)
        assert [t.name for t in store.tracks()] == ["Kavinsky - Nightcall"]
    assert len(report.skipped) == 1
    # the skip says how to fix it (`analyze` sent you back to `import files`, which skipped it again)
    assert report.skipped[0].message.endswith(
        '01 - Intro.wav: no artist tag (tag it, e.g. with MusicBrainz Picard, or name the file "Artist - Title.wav")'
    )


def test_undecodable_file_name_is_skipped(tmp_path: Path) -> None:
    """A file whose name is not valid UTF-8 is skipped with a hint instead of breaking the batch."""
    folder = tmp_path / "odd"
    folder.mkdir()
    write_wav(folder / "good.wav", 1.0, "Blush Response", "Vangelis")
    odd = Path(os.fsdecode(bytes(folder) + b"/bad\xff.wav"))
    write_wav(odd, 1.0, "Other", "Someone")
    with Store.open(tmp_path / "library.db") as store:
        report = import_audio_files(store, folder)
        assert store.count() == 1
    assert "not valid UTF-8" in report.skipped[0].message
