"""The JSON sequence file reads back into the same tracks and profile, and bad files are named
precisely (file, field, fix)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sequencer.adapters.exporters import json as json_export
from sequencer.adapters.exporters.json import (
    SCHEMA,
    SequenceFileError,
    load_sequence_json,
    parse_sequence_data,
)
from sequencer.core.moods import MoodDef, default_vocabulary
from sequencer.core.profile import Constraints, Profile, Variety
from sequencer.core.sequence import make_sequence
from sequencer.core.track import Track
from sequencer.errors import InputFileError, ProfileError
from tests.adapters.test_exporters import sample_sequence, sample_tracks


def _write(tmp_path: Path, data: Any, name: str = "seq.json") -> Path:
    """Write ``data`` as JSON into ``tmp_path/name``."""
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_sample_round_trips(tmp_path: Path) -> None:
    """sequence → JSON → load gives the same tracks (every field), profile, name and seed."""
    sequence = sample_sequence()
    path = tmp_path / "night.json"
    path.write_text(json_export.render(sequence), encoding="utf-8")
    loaded = load_sequence_json(path)
    assert loaded.tracks == sample_tracks()
    assert loaded.profile == sequence.profile
    assert (loaded.name, loaded.seed) == ("night-drive", 7)
    assert loaded.data["mode"] == "build"
    assert loaded.profile is not None
    again = make_sequence(loaded.tracks, loaded.profile, seed=loaded.seed, warnings=loaded.data["warnings"])
    assert json_export.render(again) == json_export.render(sequence)


def test_minimal_hand_written_file(tmp_path: Path) -> None:
    """Only title/artists/duration_ms/uri per track: accepted, ids from the URI or position,
    an open.spotify.com link becomes a URI, a single artist string is one artist."""
    path = _write(
        tmp_path,
        {
            "tracks": [
                {
                    "title": "Nightcall",
                    "artists": ["Kavinsky"],
                    "duration_ms": 258000,
                    "uri": "spotify:track:0U0ldCRmgCqhVvD6ksG63j",
                },
                {
                    "title": "Wait",
                    "artists": "M83",
                    "duration_ms": 343000.0,
                    "uri": "https://open.spotify.com/track/4yUhkV7Mh4bDzXHXhvlREj?si=abc",
                },
                {"title": "Rain", "artists": ["Vangelis"], "duration_ms": 160000},
            ]
        },
        name="my list.json",
    )
    loaded = load_sequence_json(path)
    assert [t.id for t in loaded.tracks] == [
        "spotify:track:0U0ldCRmgCqhVvD6ksG63j",
        "spotify:track:4yUhkV7Mh4bDzXHXhvlREj",
        "json:3",
    ]
    assert loaded.tracks[1].artists == ("M83",) and loaded.tracks[1].duration_s == 343.0
    assert loaded.tracks[2].uri is None and loaded.tracks[2].energy is None
    assert loaded.profile is None and loaded.name == "my list" and loaded.seed is None


def test_bare_list_is_accepted(tmp_path: Path) -> None:
    """A bare JSON list of tracks reads as a sequence."""
    path = _write(tmp_path, [{"title": "A", "artists": ["B"], "duration_ms": 1000}])
    assert [t.title for t in load_sequence_json(path).tracks] == ["A"]


def test_every_bad_field_is_reported_with_its_fix(tmp_path: Path) -> None:
    """All problems come at once, each naming the field, the bad value and the fix."""
    path = _write(
        tmp_path,
        {
            "schema": SCHEMA,
            "tracks": [
                {"title": "", "artists": [], "duration_ms": "4:18"},
                {
                    "title": "B",
                    "artists": ["C"],
                    "duration_ms": 1000,
                    "uri": "spotify:album:xyz",
                    "attributes": {"tempo": 0, "energi": 0.5, "key": 12, "energy": 1.5},
                    "moods": {"brooding": 2},
                    "explicit": "yes",
                },
            ],
        },
    )
    with pytest.raises(SequenceFileError) as info:
        load_sequence_json(path)
    error = info.value
    assert isinstance(error, InputFileError)
    messages = [p.message for p in error.problems]
    assert messages == [
        "tracks[0].title: '' must be a non-empty string",
        "tracks[0].artists: [] must be a non-empty list of artist names",
        "tracks[0].duration_ms: '4:18' must be a positive number of milliseconds",
        "tracks[1].uri: 'spotify:album:xyz' is not a Spotify track URI",
        "tracks[1].moods.brooding: 2 must be a number in [0, 1]",
        "tracks[1].attributes.tempo: 0 must be above 0 BPM",
        "tracks[1].attributes.energi: unknown attribute",
        "tracks[1].attributes.key: 12 must be a whole number in [-1, 11]",
        "tracks[1].attributes.energy: 1.5 must be in [0, 1]",
        "tracks[1].explicit: 'yes' must be true, false or null",
    ]
    assert all(p.source == str(path) for p in error.problems)
    assert error.problems[6].hint == "did you mean 'energy'?"
    assert error.lines()[0] == f"10 problems in sequence file {path}"
    assert error.lines()[1].startswith(f"  {path}: tracks[0].title")


def test_single_problem_is_one_line_with_source(tmp_path: Path) -> None:
    """One problem: the error's message is the problem, with the file as source and its hint."""
    path = _write(tmp_path, {"tracks": [{"title": "A", "artists": ["B"]}]})
    with pytest.raises(SequenceFileError) as info:
        load_sequence_json(path)
    assert str(info.value) == f"{path}: tracks[0].duration_ms: None must be a positive number of milliseconds"
    assert info.value.hint == 'e.g. "duration_ms": 258000 for 4:18'


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"tracks": [', "not valid JSON: Expecting value (column 13)"),
        ("42", "(top level): a int is not a sequence"),
        ('{"tracks": []}', "tracks: missing or empty"),
        ('{"tracks": {"a": 1}}', "tracks: dict is not a list"),
        (
            '{"schema": "moodseq.sequence/3", "tracks": []}',
            "schema: 'moodseq.sequence/3' is not a version this moodseq reads",
        ),
        ('{"schema": "something/1", "tracks": []}', "schema: 'something/1' is not a moodseq sequence file"),
        (
            '{"seed": "x", "tracks": [{"title": "A", "artists": ["B"], "duration_ms": 5}]}',
            "seed: 'x' must be a whole number or null",
        ),
    ],
)
def test_unusable_files_are_clear_errors(tmp_path: Path, content: str, message: str) -> None:
    """Broken JSON, wrong shapes and unknown schema versions are InputFileErrors naming the file."""
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputFileError) as info:
        load_sequence_json(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)
    assert info.value.hint


def test_missing_file_and_folder(tmp_path: Path) -> None:
    """A missing path and a folder are told apart."""
    with pytest.raises(InputFileError, match="no such file"):
        load_sequence_json(tmp_path / "nope.json")
    with pytest.raises(InputFileError, match="is a folder"):
        load_sequence_json(tmp_path)


def test_duplicate_ids_are_refused() -> None:
    """Two tracks with the same id are an error naming both entries."""
    track = {"id": "x", "title": "A", "artists": ["B"], "duration_ms": 1000}
    with pytest.raises(SequenceFileError, match=r"tracks\[1\]\.id: 'x' repeats tracks\[0\]"):
        parse_sequence_data({"tracks": [track, track]}, "f.json")


def test_bad_embedded_profile_is_a_profile_error() -> None:
    """An invalid embedded profile is reported like a profile file, naming the sequence file."""
    data = {"tracks": [{"title": "A", "artists": ["B"], "duration_ms": 1000}], "profile": {"name": "p", "minutes": -3}}
    with pytest.raises(ProfileError) as info:
        parse_sequence_data(data, "f.json")
    assert info.value.problems[0].source == "f.json (profile)"
    assert "minutes = -3" in info.value.problems[0].message


def test_profile_with_moods_unknown_to_the_reader_still_loads() -> None:
    """A profile written with a user's extra mood loads even where that mood is not defined."""
    vocab = default_vocabulary().with_moods([MoodDef("dreamy")])
    profile = Profile(name="p", moods={"dreamy": 0.7, "study": 0.2})
    sequence = make_sequence([Track("a", "A", ("B",), 100, moods={"dreamy": 1.0})], profile)
    data = json.loads(json_export.render(sequence))
    assert vocab.resolve("dreamy") == "dreamy"
    loaded = parse_sequence_data(data, "f.json")
    assert loaded.profile == profile


# --- the round trip as a property -------------------------------------------------------------

_MOODS = ["atmospheric", "brooding", "angsty", "night-driving", "study"]
_unit = st.floats(0, 1, allow_nan=False)


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``strategy`` or None."""
    return st.none() | strategy


@st.composite
def _track(draw: st.DrawFn, index: int) -> Track:
    """A track with any text and any subset of attributes (whole-millisecond duration)."""
    energy = draw(_maybe(_unit))
    return Track(
        id=draw(st.sampled_from([f"id:{index}", f"local:{index}/x y"])),
        title=draw(st.text(min_size=1).filter(str.strip)),
        artists=tuple(draw(st.lists(st.text(min_size=1).filter(str.strip), min_size=1, max_size=3))),
        duration_s=draw(st.integers(1, 3_600_000)) / 1000.0,
        album=draw(st.text()),
        isrc=draw(_maybe(st.text(min_size=1))),
        uri=draw(_maybe(st.from_regex(r"\Aspotify:track:[0-9A-Za-z]{22}\Z"))),
        moods=draw(st.dictionaries(st.sampled_from(_MOODS), _unit, max_size=5)),
        tempo=draw(_maybe(st.floats(1, 300))),
        key=draw(_maybe(st.integers(0, 11))),
        mode=draw(_maybe(st.integers(0, 1))),
        energy=energy,
        valence=draw(_maybe(_unit)),
        acousticness=draw(_maybe(_unit)),
        instrumentalness=draw(_maybe(_unit)),
        speechiness=draw(_maybe(_unit)),
        danceability=draw(_maybe(_unit)),
        loudness=draw(_maybe(st.floats(-60, 5))),
        explicit=draw(_maybe(st.booleans())),
        genres=tuple(draw(st.lists(st.text(), max_size=2))),
        path=draw(_maybe(st.text(min_size=1))),
        energy_estimated=energy is not None and draw(st.booleans()),
    )


@st.composite
def _tracks(draw: st.DrawFn) -> list[Track]:
    """1–5 tracks with distinct ids."""
    n = draw(st.integers(1, 5))
    return [draw(_track(i)) for i in range(n)]


@st.composite
def _profiles(draw: st.DrawFn) -> Profile:
    """A valid profile with random name, moods, arc, constraints and variety."""
    return Profile(
        name=draw(st.text(st.characters(blacklist_categories=("Cc", "Cs")), min_size=1).filter(str.strip)),
        minutes=float(draw(st.integers(1, 600))),
        moods=draw(st.dictionaries(st.sampled_from(_MOODS), st.floats(-1, 1), max_size=5)),
        arc=draw(st.none() | st.just(((0.0, 0.3), (0.5, 0.8), (1.0, 0.4)))),
        constraints=Constraints(
            artist_gap=draw(st.integers(0, 5)), exclude_artists=tuple(draw(st.lists(st.text(), max_size=2)))
        ),
        variety=Variety(seed=draw(_maybe(st.integers(0, 2**40))), temperature=draw(_unit)),
    )


@settings(max_examples=60, suppress_health_check=[HealthCheck.too_slow])
@given(_tracks(), _profiles(), _maybe(st.integers(0, 2**31)))
def test_round_trip_property(tracks: list[Track], profile: Profile, seed: int | None) -> None:
    """For any tracks (any text, any subset of attributes) and profile: render → parse gives
    back equal tracks, an equal profile and the seed."""
    sequence = make_sequence(tracks, profile, seed=seed)
    data = json.loads(json_export.render(sequence))
    loaded = parse_sequence_data(data, "mem.json")
    assert loaded.tracks == tracks
    assert loaded.profile == profile
    assert loaded.seed == seed and loaded.name == profile.name


def test_a_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    """A file saved "UTF-8 with BOM" (Windows editors) reads like one without."""
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + json.dumps([{"title": "A", "artists": ["B"], "duration_ms": 1000}]).encode())
    assert [t.title for t in load_sequence_json(path).tracks] == ["A"]


@pytest.mark.parametrize("name", ["empty.json", "empty.jspf"])
def test_an_empty_file_says_it_is_empty(tmp_path: Path, name: str) -> None:
    """An empty (or blank) sequence file said "not valid JSON: Expecting value (column 1)"."""
    path = tmp_path / name
    path.write_text(" \n", encoding="utf-8")
    with pytest.raises(InputFileError, match=f"{name} is empty"):
        load_sequence_json(path)
