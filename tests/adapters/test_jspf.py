"""JSPF export and import: valid against JSPF's published structure (xspf.org/jspf: the XSPF
elements in JSON; ``location``/``identifier`` lists of URIs; ``duration`` in ms), MusicBrainz
recording ids as ``https://musicbrainz.org/recording/<id>``, and read back by every command that
reads a sequence (reorder, export, push) — including ListenBrainz's own JSPF."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
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

URI = {"type": "string", "format": "uri"}
#: JSPF as published (xspf.org/jspf), every element optional except the playlist and its track list.
JSPF_SCHEMA = {
    "type": "object",
    "required": ["playlist"],
    "additionalProperties": False,
    "properties": {
        "playlist": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                **{k: {"type": "string"} for k in ("title", "creator", "annotation", "date")},
                **dict.fromkeys(("info", "location", "identifier", "image", "license"), URI),
                "attribution": {"type": "array", "items": {"type": "object"}},
                "link": {"type": "array", "items": {"type": "object"}},
                "meta": {"type": "array", "items": {"type": "object"}},
                "extension": {"type": "object", "additionalProperties": {"type": "array"}},
                "track": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {
                            "location": {"type": "array", "items": URI},
                            "identifier": {"type": "array", "items": URI},
                            **{k: {"type": "string"} for k in ("title", "creator", "annotation", "album")},
                            **dict.fromkeys(("info", "image"), URI),
                            "trackNum": {"type": "integer", "minimum": 1},
                            "duration": {"type": "integer", "minimum": 0},
                            "link": {"type": "array", "items": {"type": "object"}},
                            "meta": {"type": "array", "items": {"type": "object"}},
                            "extension": {"type": "object", "additionalProperties": {"type": "array"}},
                        },
                    },
                },
            },
        }
    },
}

MBID = "4bc1a7ab-0e7e-4dfc-9b5d-5c1ebcf4b2a8"


def _tracks() -> list[Track]:
    return [
        Track("a", "Nightcall", ("Kavinsky", "Lovefoxxx"), 258.5, album="OutRun", isrc="FR6V81100001", mbid=MBID),
        Track("b", "A Real Hero", ("College",), 267.0, uri="spotify:track:2ZiBw9vvGXhbQ5sOYO4hGv"),
        Track("c", "Tears in Rain – 雨", ("Vangelis",), 160.0, path="/music/Vangelis/tears in rain.flac"),
    ]


def test_export_is_valid_jspf_with_musicbrainz_ids() -> None:
    text = render(make_sequence(_tracks(), Profile(name="night-drive")), "jspf")
    document = json.loads(text)
    jsonschema.validate(document, JSPF_SCHEMA, format_checker=jsonschema.FormatChecker())
    first, second, third = document["playlist"]["track"]
    assert first["identifier"] == [f"https://musicbrainz.org/recording/{MBID}", "isrc:FR6V81100001"]
    assert (first["creator"], first["duration"]) == ("Kavinsky, Lovefoxxx", 258500)
    assert second["identifier"] == ["spotify:track:2ZiBw9vvGXhbQ5sOYO4hGv"]
    assert third["location"] == ["file:///music/Vangelis/tears%20in%20rain.flac"]


def test_round_trip_keeps_what_identifies_each_track(tmp_path: Path) -> None:
    path = tmp_path / "x.jspf"
    path.write_text(render(make_sequence(_tracks(), Profile(name="night-drive")), "jspf", name="Night"))
    loaded = load_sequence_json(path)
    assert loaded.name == "Night" and loaded.data["format"] == "jspf"
    got = [(t.title, t.artists, t.duration_s, t.mbid, t.uri, t.isrc, t.path) for t in loaded.tracks]
    assert got == [(t.title, t.artists, t.duration_s, t.mbid, t.uri, t.isrc, t.path) for t in _tracks()]


@settings(max_examples=25)  # why: each example explains a whole sequence
@given(st.lists(st.tuples(st.text(min_size=1).filter(str.strip), st.integers(1, 10**7)), min_size=1, max_size=8))
def test_any_titles_and_durations_survive(items: list[tuple[str, int]]) -> None:
    tracks = [Track(f"t{i}", title, ("A",), ms / 1000) for i, (title, ms) in enumerate(items)]
    document = json.loads(render(make_sequence(tracks, Profile(name="p")), "jspf"))
    jsonschema.validate(document, JSPF_SCHEMA)
    from sequencer.adapters.importers.jspf import read_jspf_tracks

    _, back, skipped = read_jspf_tracks(document, "mem")
    assert not skipped
    assert [(t.title, round(t.duration_s * 1000)) for t in back] == [(t.strip(), ms) for t, ms in items]


def test_listenbrainz_jspf_with_string_identifiers_reads(tmp_path: Path) -> None:
    """ListenBrainz writes a track's identifier as one string (older) or a list, and extensions."""
    path = tmp_path / "lb.jspf"
    lb_track: dict[str, object] = {"identifier": f"https://musicbrainz.org/recording/{MBID}", "title": "Nightcall"}
    lb_track["extension"] = {"https://musicbrainz.org/doc/jspf#track": {"added_by": "me"}}
    untitled = {"identifier": ["https://musicbrainz.org/recording/00000000-0000-0000-0000-000000000001"]}
    path.write_text(json.dumps({"playlist": {"title": "From LB", "track": [lb_track, untitled]}}))
    loaded = load_sequence_json(path)
    assert [t.mbid for t in loaded.tracks] == [MBID]
    assert loaded.data["warnings"] == [f"{path}: track 2 has no title; skipped"]


def test_not_jspf_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jspf"
    path.write_text(json.dumps({"playlist": {"title": "x", "track": "nope"}}))
    with pytest.raises(InputFileError, match=r"playlist\.track must be a list"):
        load_sequence_json(path)


def test_reorder_and_export_read_jspf(tmp_path: Path) -> None:
    path = tmp_path / "x.jspf"
    path.write_text(render(make_sequence(_tracks(), Profile(name="night-drive")), "jspf"))
    reordered = CliRunner().invoke(cli, ["--plain", "reorder", str(path), "-o", str(tmp_path / "y.jspf")])
    assert reordered.exit_code == 0, reordered.output
    back = json.loads((tmp_path / "y.jspf").read_text())
    jsonschema.validate(back, JSPF_SCHEMA)
    assert sorted(t["title"] for t in back["playlist"]["track"]) == sorted(t.title for t in _tracks())
    exported = CliRunner().invoke(cli, ["export", str(path), "-o", str(tmp_path / "z.xspf")])
    assert exported.exit_code == 0, exported.output
