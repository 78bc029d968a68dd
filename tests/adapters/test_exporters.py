"""Every export format matches its golden file and is valid for its readers.

The golden files in ``tests/adapters/golden/`` were written by these exporters and checked by
hand; ``@VERSION@`` stands for the package version.  After an intended format change, rewrite
them with ``MOODSEQ_UPDATE_GOLDEN=1 pytest tests/adapters/test_exporters.py`` and review the diff.
"""

from __future__ import annotations

import csv
import io
import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sequencer import __version__
from sequencer.adapters import exporters
from sequencer.adapters.exporters import m3u8, xspf
from sequencer.core.profile import Constraints, Profile
from sequencer.core.sequence import Sequence, make_sequence
from sequencer.core.track import Track
from sequencer.errors import InputFileError

GOLDEN = Path(__file__).parent / "golden"
NS = {"x": xspf.NAMESPACE}


def sample_tracks() -> list[Track]:
    """Four tracks: a local file, a Spotify track, one with no location and an awkward title,
    one with almost nothing known."""
    return [
        Track(
            "local:nightcall",
            "Nightcall",
            ("Kavinsky",),
            258.5,
            album="OutRun",
            path="/music/Kavinsky/OutRun/03 Nightcall.flac",
            isrc="FR6V81100001",
            moods={"night-driving": 0.9, "brooding": 0.5},
            tempo=92.0,
            key=10,
            mode=0,
            energy=0.6,
            valence=0.35,
            loudness=-7.5,
            explicit=False,
            genres=("synthwave",),
        ),
        Track(
            "spotify:track:2ZiBw9vvGXhbQ5sOYO4hGv",
            "A Real Hero",
            ("College", "Electric Youth"),
            267.0,
            album="Drive (Original Motion Picture Soundtrack)",
            uri="spotify:track:2ZiBw9vvGXhbQ5sOYO4hGv",
            moods={"night-driving": 0.8, "atmospheric": 0.4},
            tempo=94.0,
            key=3,
            mode=1,
            energy=0.55,
            danceability=0.6,
        ),
        Track(
            "demo:tears",
            'Tears in Rain, "Blade Runner" – ünïcødé 雨',
            ("Vangelis",),
            160.0,
            album="Blade Runner",
            moods={"atmospheric": 1.0, "angsty": 0.2},
            energy=0.2,
            energy_estimated=True,
        ),
        Track("demo:bare", "Untitled #4", ("Nobody; Somebody",), 200.0),
    ]


def sample_sequence() -> Sequence:
    """A hand-made night-drive sequence over :func:`sample_tracks`."""
    profile = Profile(
        name="night-drive",
        description="after dark",
        moods={"night-driving": 1.0, "brooding": 0.6, "angsty": -0.5},
        arc=((0.0, 0.45), (0.6, 0.7), (1.0, 0.4)),
        constraints=Constraints(start="Kavinsky - Nightcall"),
    )
    return make_sequence(sample_tracks(), profile, seed=7, warnings=["library is small"])


def _golden(fmt: str, text: str) -> str:
    """The golden text for ``fmt`` (rewritten first when MOODSEQ_UPDATE_GOLDEN is set)."""
    path = GOLDEN / f"sample.{fmt}"
    if os.environ.get("MOODSEQ_UPDATE_GOLDEN"):
        path.write_text(text.replace(f"moodseq {__version__}", "moodseq @VERSION@"), encoding="utf-8", newline="")
    return path.read_text(encoding="utf-8").replace("moodseq @VERSION@", f"moodseq {__version__}")


@pytest.mark.parametrize("fmt", exporters.FORMATS)
def test_matches_golden_file(fmt: str) -> None:
    """Each format renders the sample exactly as its reviewed golden file."""
    text = exporters.render(sample_sequence(), fmt)
    assert text == _golden(fmt, text)


@pytest.mark.parametrize("fmt", exporters.FORMATS)
def test_rendering_is_deterministic(fmt: str) -> None:
    """Rendering twice (from freshly built sequences) gives identical text ending in a newline."""
    first = exporters.render(sample_sequence(), fmt)
    assert first == exporters.render(sample_sequence(), fmt)
    assert first.endswith("\n")


def test_m3u8_every_extinf_is_followed_by_its_location() -> None:
    """#EXTM3U first, one #EXTINF per track with whole seconds, each followed by one location
    line: the path, else the Spotify URI, else a file-name-safe placeholder (counted in a note)."""
    lines = m3u8.render(sample_sequence()).splitlines()
    assert lines[0] == "#EXTM3U"
    assert lines[1] == "#PLAYLIST:night-drive"
    entries = []
    for i, line in enumerate(lines):
        if line.startswith("#EXTINF:"):
            seconds, label = line[len("#EXTINF:") :].split(",", 1)
            assert seconds.isdigit()
            location = lines[i + 1]
            assert location and not location.startswith("#")
            entries.append((int(seconds), label, location))
    assert entries == [
        (258, "Kavinsky - Nightcall", "/music/Kavinsky/OutRun/03 Nightcall.flac"),
        (267, "College, Electric Youth - A Real Hero", "spotify:track:2ZiBw9vvGXhbQ5sOYO4hGv"),
        (
            160,
            'Vangelis - Tears in Rain, "Blade Runner" – ünïcødé 雨',
            "Vangelis - Tears in Rain, _Blade Runner_ – ünïcødé 雨",
        ),
        (200, "Nobody; Somebody - Untitled #4", "Nobody; Somebody - Untitled #4"),
    ]
    non_comment = [line for line in lines if not line.startswith("#")]
    assert non_comment == [location for _, _, location in entries]
    assert lines[3].startswith("# 2 of 4 tracks have no known file or Spotify URI")
    assert m3u8.missing_locations(sample_sequence()) == 2


def test_m3u8_placeholder_never_looks_like_a_comment() -> None:
    """A placeholder that would start with "#" is made relative ("./#…"), so it stays a location."""
    track = Track("x", "Hash", ("#1 Band",), 100)
    assert m3u8.placeholder(track) == "./#1 Band - Hash"
    assert m3u8.placeholder(Track("y", "..", (".",), 100)) == "_"


def test_m3u8_keeps_line_breaks_out_of_entries() -> None:
    """A title with a line break cannot split an #EXTINF line."""
    track = Track("x", "Two\nLines", ("A\r\nB",), 61.4, uri="spotify:track:" + "a" * 22)
    text = m3u8.render(make_sequence([track], Profile(name="p\nq")))
    assert "#EXTINF:61,A B - Two Lines\nspotify:track:" + "a" * 22 + "\n" in text
    assert "#PLAYLIST:p q\n" in text


def test_xspf_is_valid_xml_that_parses_back() -> None:
    """The XSPF is well-formed, in the XSPF namespace, and gives back titles, creators,
    durations (ms), locations as file URIs and identifiers."""
    root = ET.fromstring(xspf.render(sample_sequence()).encode("utf-8"))
    assert root.tag == f"{{{xspf.NAMESPACE}}}playlist" and root.get("version") == "1"
    assert root.findtext("x:title", namespaces=NS) == "night-drive"
    assert root.findtext("x:creator", namespaces=NS) == "moodseq"
    tracks = root.findall("x:trackList/x:track", NS)
    assert [t.findtext("x:title", namespaces=NS) for t in tracks] == [t.title for t in sample_tracks()]
    assert [t.findtext("x:creator", namespaces=NS) for t in tracks] == [
        "Kavinsky",
        "College, Electric Youth",
        "Vangelis",
        "Nobody; Somebody",
    ]
    assert [int(t.findtext("x:duration", namespaces=NS) or 0) for t in tracks] == [258500, 267000, 160000, 200000]
    assert tracks[0].findtext("x:location", namespaces=NS) == ("file:///music/Kavinsky/OutRun/03%20Nightcall.flac")
    assert [i.text for i in tracks[0].findall("x:identifier", NS)] == ["isrc:FR6V81100001"]
    assert tracks[1].findtext("x:identifier", namespaces=NS) == "spotify:track:2ZiBw9vvGXhbQ5sOYO4hGv"
    assert tracks[2].find("x:location", NS) is None
    assert "mood fit" in (tracks[0].findtext("x:annotation", namespaces=NS) or "")
    order = [child.tag.split("}")[1] for child in tracks[0]]
    assert order == ["location", "identifier", "title", "creator", "annotation", "album", "duration"]


def test_xspf_drops_characters_xml_cannot_hold() -> None:
    """Control characters in a title are dropped, so the document stays well-formed."""
    track = Track("x", "Bell\x07 & <tag>", ("A",), 100)
    root = ET.fromstring(xspf.render(make_sequence([track], Profile(name="p"))))
    assert root.findtext("x:trackList/x:track/x:title", namespaces=NS) == "Bell & <tag>"


def test_csv_round_trips_through_dictreader() -> None:
    """The CSV has Exportify's columns, and DictReader gives back every field, awkward titles
    and empty cells for unknown values included."""
    rows = list(csv.DictReader(io.StringIO(exporters.render(sample_sequence(), "csv"), newline="")))
    assert len(rows) == 4
    assert list(rows[0]) == list(exporters.csv.COLUMNS)
    for column in (
        "Track URI",
        "Track Name",
        "Artist Name(s)",
        "Album Name",
        "Duration (ms)",
        "Explicit",
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
        "Position",
        "Start (ms)",
        "Moods",
        "Target Energy",
    ):
        assert column in rows[0]
    tracks = sample_tracks()
    assert [r["Track Name"] for r in rows] == [t.title for t in tracks]
    assert [r["Position"] for r in rows] == ["1", "2", "3", "4"]
    assert [r["Start (ms)"] for r in rows] == ["0", "258500", "525500", "685500"]
    assert rows[1]["Artist Name(s)"] == "College;Electric Youth"
    assert rows[1]["Track URI"] == "spotify:track:2ZiBw9vvGXhbQ5sOYO4hGv"
    assert (rows[0]["Key"], rows[0]["Mode"], rows[0]["Tempo"], rows[0]["Loudness"]) == ("10", "0", "92", "-7.5")
    assert rows[0]["Explicit"] == "false" and rows[1]["Explicit"] == ""
    assert rows[0]["Moods"] == "night-driving:0.9; brooding:0.5"
    assert rows[2]["Energy"] == "0.2" and rows[2]["Energy Estimated"] == "true"
    assert rows[3]["Energy"] == "" and rows[3]["Moods"] == "" and rows[3]["Target Energy"] != ""


def test_json_render_is_the_documented_document() -> None:
    """The JSON carries the schema tag, generator, summary, profile and per-track fields."""
    doc = json.loads(exporters.render(sample_sequence(), "json"))
    assert doc["schema"] == "moodseq.sequence/2"
    assert doc["generator"] == f"moodseq {__version__}"
    assert (doc["name"], doc["mode"], doc["seed"], doc["warnings"]) == ("night-drive", "build", 7, ["library is small"])
    assert set(doc["summary"]) >= {"minutes", "tracks", "flow_cost", "arc_error", "mood_fit", "total", "items"}
    first, second = doc["tracks"][:2]
    assert first["transition"] is None and first["start_ms"] == 0
    assert first["attributes"] == {
        "energy": 0.6,
        "key": 10,
        "loudness": -7.5,
        "mode": 0,
        "tempo": 92.0,
        "valence": 0.35,
    }
    assert second["transition"]["from"] == "local:nightcall"
    assert set(second["transition"]["terms"]) == {"mood", "sound", "energy", "tempo", "key"}
    assert doc["cost"]["version"] == 2 and doc["cost"]["weights"]["sound"] == 0.25
    assert first["confidence"] == 1.0 and first["sound"] is None
    assert "fixed start (constraints.start)" in first["reasons"]


def test_format_for_path_and_unknown_formats() -> None:
    """Suffixes pick formats case-insensitively; an unknown format lists the known ones."""
    assert exporters.format_for_path("a/b.M3U") == "m3u8"
    assert exporters.format_for_path(Path("x.m3u8")) == "m3u8"
    assert exporters.format_for_path("x.xspf") == "xspf"
    assert exporters.format_for_path("x.JSON") == "json"
    assert exporters.format_for_path("x.csv") == "csv"
    assert exporters.format_for_path("x.txt") is None
    assert exporters.format_for_path("noext") is None
    assert exporters.check_format("M3U") == "m3u8"
    with pytest.raises(InputFileError, match="unknown export format 'xpsf'") as info:
        exporters.render(sample_sequence(), "xpsf")
    assert info.value.hint == "did you mean 'xspf'? use one of: m3u8, xspf, json, csv, jspf"


def test_m3u8_header_counts_one_track_in_the_singular() -> None:
    """The M3U8 comment header says "1 track" (and "1 of 1 track has …"), not "1 tracks"."""
    one = make_sequence([Track("x", "Alone", ("Solo",), 100.0)], Profile(name="p"), seed=1)
    text = m3u8.render(one)
    assert " · 1 track · " in text
    assert "1 of 1 track has no known file" in text


def test_m3u8_note_on_one_placeholder_reads_in_the_singular() -> None:
    """One track without a location: "1 of 2 tracks has … its location" (was "their")."""
    tracks = [
        Track("a", "Known", ("Band",), 200.0, uri="spotify:track:" + "a" * 22),
        Track("b", "Unknown", ("Band",), 200.0),
    ]
    text = m3u8.render(make_sequence(tracks, Profile(name="p")))
    assert "# 1 of 2 tracks has no known file or Spotify URI: its location is a placeholder" in text
