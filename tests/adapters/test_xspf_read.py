"""XSPF playlists read back (moodseq's own `-o x.xspf`, players' exports): `reorder`, `explain`,
`export`, `compare`, `push` and `import jspf` read them as they read JSPF (they said "is an XSPF
playlist: this reads the JSON", though moodseq writes XSPF)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from sequencer.adapters.exporters import render
from sequencer.adapters.exporters.json import load_sequence_json
from sequencer.cli.main import cli
from sequencer.core.profile import Profile
from sequencer.core.sequence import make_sequence
from sequencer.core.track import Track
from sequencer.errors import InputFileError

MBID = "4bc1a7ab-0e7e-4dfc-9b5d-5c1ebcf4b2a8"


def _tracks() -> list[Track]:
    return [
        Track("a", "Nightcall", ("Kavinsky", "Lovefoxxx"), 258.5, album="OutRun", isrc="FR6V81100001", mbid=MBID),
        Track("b", "A Real Hero", ("College",), 267.0, uri="spotify:track:2ZiBw9vvGXhbQ5sOYO4hGv"),
        Track("c", "Tears in Rain – 雨 & <more>", ("Vangelis",), 160.0, path="/music/Vangelis/tears in rain.flac"),
    ]


def _fields(tracks: list[Track]) -> list[tuple[object, ...]]:
    return [(t.title, t.artists, t.duration_s, t.album, t.mbid, t.uri, t.path) for t in tracks]


def test_moodseqs_own_xspf_reads_back_with_what_identifies_each_track(tmp_path: Path) -> None:
    path = tmp_path / "night.xspf"
    path.write_text(render(make_sequence(_tracks(), Profile(name="night-drive")), "xspf", name="Night"))
    loaded = load_sequence_json(path)
    assert loaded.name == "Night" and loaded.data["format"] == "jspf"  # names and identifiers only
    assert _fields(loaded.tracks) == _fields(_tracks())


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(st.characters(blacklist_categories=("Cc", "Cs", "Cn")), min_size=1).filter(str.strip),
            st.integers(1, 10**7),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_any_titles_and_durations_survive_xspf(items: list[tuple[str, int]]) -> None:
    from sequencer.adapters.importers.jspf import read_jspf_tracks
    from sequencer.adapters.importers.xspf import xspf_as_jspf

    tracks = [Track(f"t{i}", title, ("A",), ms / 1000) for i, (title, ms) in enumerate(items)]
    text = render(make_sequence(tracks, Profile(name="p")), "xspf")
    _, back, skipped = read_jspf_tracks(xspf_as_jspf(text, "mem"), "mem")
    assert not skipped
    assert [(t.title, round(t.duration_s * 1000)) for t in back] == [(t.strip(), ms) for t, ms in items]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('<?xml version="1.0"?>\n<playlist>\n<trackList><track></trackList>', r"x\.xspf:3: not valid XML: mismatched"),
        ('<!DOCTYPE p [<!ENTITY a "aaaa">]><playlist>&a;</playlist>', "declares XML entities"),
        ("<html><body>Not found</body></html>", "XML but not an XSPF playlist"),
        ("<playlist><trackList/></playlist>", "has no tracks with a title"),
    ],
)
def test_a_broken_xspf_is_one_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "x.xspf"
    path.write_text(text)
    with pytest.raises(InputFileError, match=message):
        load_sequence_json(path)


def test_reorder_and_import_read_an_xspf(tmp_path: Path) -> None:
    path = tmp_path / "x.xspf"
    path.write_text(render(make_sequence(_tracks(), Profile(name="night-drive")), "xspf"))
    reordered = CliRunner().invoke(cli, ["--plain", "reorder", str(path), "--format", "m3u8", "-o", "-"])
    assert reordered.exit_code == 0, reordered.output
    assert "Nightcall" in reordered.stdout and "A Real Hero" in reordered.stdout
    library = tmp_path / "lib.db"
    imported = CliRunner().invoke(cli, ["--library", str(library), "import", "jspf", str(path)])
    assert imported.exit_code == 0, imported.output
    assert "3 new" in imported.output


def test_a_players_xspf_of_untagged_files_is_named_after_the_files(tmp_path: Path) -> None:
    """VLC writes an untagged file as <location> only: such a track was skipped as "no title";
    it is named after its file, as an M3U entry is; a stream without a name is still skipped
    (and said)."""
    path = tmp_path / "vlc.xspf"
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<playlist xmlns="http://xspf.org/ns/0/" version="1"><trackList>'
        "<track><location>file:///home/me/Music/Gunship%20-%20Tech%20Noir.mp3</location>"
        "<duration>297000</duration></track>"
        "<track><location>file:///home/me/Music/Kavinsky%20-%20Nightcall.flac</location></track>"
        "<track><location>http://radio.example/stream</location></track>"
        "</trackList></playlist>",
        encoding="utf-8",
    )
    loaded = load_sequence_json(path)
    assert [(t.artists, t.title, t.duration_s) for t in loaded.tracks] == [
        (("Gunship",), "Tech Noir", 297.0),
        (("Kavinsky",), "Nightcall", 0.0),
    ]
    assert loaded.data["warnings"] == [f"{path}: track 3 has no title; skipped"]
