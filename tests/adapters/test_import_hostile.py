"""Hostile inputs to `import csv` / `import files` end in a skipped row or file with the reason,
never a hang or a traceback (issue #12)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sequencer.adapters.importers.audio_tags import find_audio_files, import_audio_files
from sequencer.adapters.importers.tabular import read_table
from sequencer.adapters.importers.values import MAX_NAME_CHARS
from sequencer.adapters.library.store import Store
from sequencer.errors import InputFileError
from tests.adapters.test_import_audio import frame, write_mp3


def test_a_fifo_and_a_link_to_dev_zero_named_mp3_are_skipped(tmp_path: Path) -> None:
    """Neither is read (reading them never ends): each is skipped, named, with the reason."""
    music = tmp_path / "Music"
    music.mkdir()
    write_mp3(
        music / "good.mp3",
        20,
        title=frame("TIT2", "Nightcall"),
        artist=frame("TPE1", "Kavinsky"),
    )
    os.mkfifo(music / "pipe.mp3")
    (music / "zero.mp3").symlink_to("/dev/zero")
    with Store.open(tmp_path / "library.db") as store:
        report = import_audio_files(store, music)
        assert store.count() == 1
    reasons = sorted(str(p) for p in report.skipped)
    assert len(reasons) == 2
    assert "pipe.mp3: is a FIFO (named pipe), not a file; skipped" in reasons[0]
    assert "zero.mp3: is a device, not a file; skipped" in reasons[1]


def test_a_fifo_given_as_the_folder_is_a_clear_error(tmp_path: Path) -> None:
    """`moodseq import files pipe.mp3` names what it is instead of hanging."""
    os.mkfifo(tmp_path / "pipe.mp3")
    with pytest.raises(InputFileError, match="is a FIFO"):
        find_audio_files(tmp_path / "pipe.mp3")


def test_a_bad_tag_weight_in_an_audio_tag_skips_that_tag_only(tmp_path: Path) -> None:
    """A mood tag `brooding=1.2.3` is left out with a warning naming the file; the track stays."""
    music = tmp_path / "Music"
    music.mkdir()
    write_mp3(
        music / "a.mp3",
        20,
        title=frame("TIT2", "Nightcall"),
        artist=frame("TPE1", "Kavinsky"),
        mood=frame("TMOO", "brooding=1.2.3; night driving=0.9"),
    )
    with Store.open(tmp_path / "library.db") as store:
        report = import_audio_files(store, music)
        assert store.find("Kavinsky - Nightcall").moods == {"night-driving": 0.9}
    assert [w.message for w in report.warnings] == [
        f"{music / 'a.mp3'}: tag 'brooding=1.2.3': the weight is not a number; tag left out"
    ]


def test_a_bad_tag_weight_in_a_csv_cell_skips_that_tag_only(tmp_path: Path) -> None:
    """The row is imported with its other tags; the warning names the line."""
    path = tmp_path / "t.csv"
    path.write_text("title,artist,tags\nNightcall,Kavinsky,brooding=1.2.3; night driving=0.8\n", encoding="utf-8")
    read = read_table(path)
    assert [r.track.moods for r in read.records] == [{"night-driving": 0.8}]
    assert [str(w) for w in read.report.warnings] == [
        "line 2: tag 'brooding=1.2.3': the weight is not a number; tag left out"
    ]


def test_a_50000_character_artist_cell_skips_its_row(tmp_path: Path) -> None:
    """A cell far longer than any name skips its row with the length; the other rows import."""
    path = tmp_path / "t.csv"
    path.write_text(f"title,artist\nSong,{'A' * 50_000}\nNightcall,Kavinsky\n", encoding="utf-8")
    read = read_table(path)
    assert [r.track.title for r in read.records] == ["Nightcall"]
    assert [str(p) for p in read.report.skipped] == [
        f"line 2: the artist is 50,000 characters long (at most {MAX_NAME_CHARS:,})"
    ]


def test_a_year_out_of_range_is_left_out_with_a_warning(tmp_path: Path) -> None:
    """Years 99999, -5 or "June 1984" keep their row, without a year, each with a warning;
    "0000" (Spotify's "unknown") and a real year are no problem."""
    path = tmp_path / "years.csv"
    path.write_text("title,artist,year\nA,X,99999\nB,X,-5\nC,X,June 1984\nD,X,0000\nE,X,1984-06-01\n", encoding="utf-8")
    read = read_table(path)
    assert [r.track.year for r in read.records] == [None, None, None, None, 1984]
    assert [str(w) for w in read.report.warnings] == [
        "line 2: year '99999' is no year from 1000 to 2100; left out",
        "line 3: year '-5' is no year from 1000 to 2100; left out",
        "line 4: year 'June 1984' is no year from 1000 to 2100; left out",
    ]


def test_a_song_called_question_mark_keeps_its_name(tmp_path: Path) -> None:
    """MF DOOM's "?" (the shared catalog's line 9060) is a title, not a missing value; a "?" in a
    number column is still no value."""
    path = tmp_path / "q.csv"
    path.write_text("title,artist,tempo\n?,MF DOOM,?\n", encoding="utf-8")
    read = read_table(path)
    assert [(r.track.title, r.track.artists, r.track.tempo) for r in read.records] == [("?", ("MF DOOM",), None)]
